"""The report workbook (engine.reports.workbook) of Q3 2026, read back with openpyxl: the heading block,
the merged two-level header, number formats, frozen panes, print setup, both sheets, and figures equal to
a direct SQL count over the tables; and LibreOffice opens it (converts it to PDF)."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import Date, bindparam, text

from engine.assignments.models import StatusUpdate
from engine.calendar import WorkCalendar
from engine.db import UTCDateTime
from engine.directory import leaders
from engine.directory.models import Unit
from engine.reports import buckets, document, layout, workbook
from tests.conftest import UNITS
from tests.factories import add_assignment, add_document

CALENDAR = WorkCalendar()
# The Q3 2026 round: figures of 15/06-14/09/2026, the file made the day after.
WINDOW_FROM, AS_OF, TODAY = date(2026, 6, 15), date(2026, 9, 14), date(2026, 9, 15)
UNIT_NAMES = {"SO_TC": "Sở Tài chính", "SO_XD": "Sở Xây dựng", "SO_NV": "Sở Nội vụ"}
SITUATION = "Đã trình dự thảo\nĐang lấy ý kiến\x0b các sở"  # a line break, and a Word one pasted


def at(day: date, hour: int = 3) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


# name: (lead, sector, due, completed on, confirmed at, created at); created None: before the quarter.
Q3_TASKS = {
    "done_on_time": ("SO_TC", "KT", date(2026, 7, 10), date(2026, 7, 8), at(date(2026, 7, 9)), None),
    "done_late": ("SO_TC", "KT", date(2026, 7, 10), date(2026, 7, 20), at(date(2026, 7, 21)), None),
    # Confirmed before the quarter: it belongs to the previous report.
    "done_before": ("SO_TC", "KT", date(2026, 5, 8), date(2026, 5, 8), at(date(2026, 5, 11)), None),
    "open_late": ("SO_TC", "XH", date(2026, 8, 31), None, None, None),
    "due_on_cutoff": ("SO_TC", "XH", date(2026, 9, 14), None, None, None),  # not overdue on its last day
    "due_soon": ("SO_TC", None, date(2026, 9, 16), None, None, None),
    "no_deadline": ("SO_XD", "XH", None, None, None, None),
    "done_no_deadline": ("SO_XD", "KT", None, date(2026, 8, 1), at(date(2026, 8, 3)), None),
    # Reported done before the cut-off, confirmed by VP only after it: still open (and overdue) then.
    "confirmed_later": ("SO_XD", "KT", date(2026, 9, 1), date(2026, 9, 10), at(date(2026, 9, 16)), None),
    "created_later": ("SO_XD", "KT", date(2026, 10, 30), None, None, at(date(2026, 9, 20))),
    "late_in_quarter": ("SO_NV", None, date(2026, 6, 30), date(2026, 7, 15), at(date(2026, 7, 16)), None),
    "started_later": ("SO_NV", "XH", date(2026, 10, 30), None, None, at(date(2026, 7, 1))),
}


def add_q3_tasks(system) -> dict[str, int]:
    """The Q3 2026 tasks of Q3_TASKS with two sectors and the units' updates; returns {name: id}. Nothing
    changes a lead unit or a deadline after the cut-off, so the current values are those in force then."""
    ids = {}
    with system.db.transaction() as session:
        leaders.create_sector(session=session, code="KT", name="Kinh tế", actor="admin")
        leaders.create_sector(session=session, code="XH", name="Văn hóa - Xã hội", actor="admin")
        document_ = add_document(
            session, number="12/KH-UBND", title="Kế hoạch phát triển kinh tế - xã hội 2026"
        )
        for seq, (name, (lead, sector, due, completed, confirmed, created)) in enumerate(Q3_TASKS.items(), 1):
            ids[name] = add_assignment(
                session,
                document_,
                seq=seq,
                lead=lead,
                content=f"Nhiệm vụ {name}",
                due=due,
                coordinating=("SO_XD",) if name == "open_late" else (),
                sector_code=sector,
                completed_on=completed,
                confirmed_at=confirmed,
                **({"created_at": created} if created else {}),
            ).id
        updates = [  # (task, reported on, progress, situation, difficulties)
            ("open_late", date(2026, 8, 20), "in_progress", SITUATION, "Thiếu kinh phí"),
            ("done_on_time", date(2026, 7, 8), "done", "Đã hoàn thành", None),
            ("started_later", date(2026, 9, 20), "in_progress", "Bắt đầu sau ngày chốt", None),
        ]
        for task, day, progress, situation, difficulties in updates:
            session.add(
                StatusUpdate(
                    assignment_id=ids[task],
                    unit_code=Q3_TASKS[task][0],
                    role="lead",
                    progress=progress,
                    situation=situation,
                    difficulties=difficulties,
                    reported_at=at(day),
                )
            )
    return ids


# The figures by plain SQL over the tables, as the regulation words them: a task is in the quarter if it
# existed at 24:00 of the cut-off and was not confirmed done before the quarter began; done once VP
# confirmed it by the cut-off; on time if completed by its deadline (or it had none); overdue if open and
# its deadline is before the cut-off; due soon if open with a deadline from the cut-off to 3 working days
# after; not started if no update with progress other than "not_started" was reported by the cut-off.
DIRECT_COUNT = """
WITH quarter AS (
    SELECT a.lead_unit_code AS unit, a.effective_due_date AS due, a.completed_on,
           CASE WHEN a.confirmed_at IS NOT NULL AND a.confirmed_at <= :cutoff_end THEN 1 ELSE 0 END AS done,
           CASE WHEN EXISTS (
               SELECT 1 FROM status_updates s
               WHERE s.assignment_id = a.id AND s.reported_at <= :cutoff_end AND s.progress <> 'not_started'
           ) THEN 1 ELSE 0 END AS started
    FROM assignments a
    WHERE a.created_at <= :cutoff_end AND (a.confirmed_at IS NULL OR a.confirmed_at >= :quarter_start)
)
SELECT u.name,
       COUNT(*) AS total,
       SUM(done) AS done,
       SUM(CASE WHEN done = 1 AND (due IS NULL OR completed_on <= due) THEN 1 ELSE 0 END) AS done_on_time,
       SUM(CASE WHEN done = 1 AND due IS NOT NULL AND completed_on > due THEN 1 ELSE 0 END) AS done_late,
       SUM(1 - done) AS open,
       SUM(CASE WHEN done = 0 AND (due IS NULL OR due >= :as_of) THEN 1 ELSE 0 END) AS open_in_time,
       SUM(CASE WHEN done = 0 AND due < :as_of THEN 1 ELSE 0 END) AS open_late,
       SUM(CASE WHEN done = 0 AND started = 0 THEN 1 ELSE 0 END) AS not_started,
       SUM(CASE WHEN done = 0 AND due IS NULL THEN 1 ELSE 0 END) AS no_deadline,
       SUM(CASE WHEN done = 0 AND due >= :as_of AND due <= :soon_until THEN 1 ELSE 0 END) AS due_soon
FROM quarter JOIN units u ON u.code = quarter.unit
GROUP BY u.name
"""
COUNTS = ("total", "done", "done_on_time", "done_late", "open", "open_in_time", "open_late")
COUNTS += ("not_started", "no_deadline", "due_soon")


def direct_count(session) -> dict[str, list]:
    """{unit name: its counts in COUNTS order, then the completion rate in percent}, by DIRECT_COUNT."""
    query = text(DIRECT_COUNT).bindparams(
        bindparam("cutoff_end", CALENDAR.end_of_day(AS_OF), type_=UTCDateTime()),
        bindparam("quarter_start", CALENDAR.end_of_day(date(2026, 6, 14)), type_=UTCDateTime()),
        bindparam("as_of", AS_OF, type_=Date()),
        bindparam("soon_until", CALENDAR.add_working_days(AS_OF, 3), type_=Date()),
    )
    found = {}
    for row in session.execute(query).mappings():
        counts = [int(row[key]) for key in COUNTS]
        done, open_late = row["done"], row["open_late"]
        found[row["name"]] = [
            *counts,
            round(100 * done / (done + open_late), 2) if done + open_late else None,
        ]
    return found


@pytest.fixture
def units(system):
    """The directory's units alone: the workbook needs no process, user or token."""
    with system.db.transaction() as session:
        session.add_all(Unit(code=code, name=name, unit_type=kind) for code, name, kind in UNITS)


@pytest.fixture
def q3(system, units):
    return add_q3_tasks(system)


def q3_document(system, group: str = "unit", *, units: list[str] | None = None) -> document.ReportDocument:
    """The Q3 2026 report as the exports build it, with the appendix of every lead unit (or of `units`)."""
    period = {"as_of": AS_OF, "window_from": WINDOW_FROM, "calendar": CALENDAR, "soon_days": 3}
    with system.db.reading() as session:
        by_unit = buckets.per_unit(session, unit_codes=units, **period)
        rows = by_unit
        if group != "unit":
            order = list(leaders.sector_names(session=session).items())
            rows = buckets.per_group(session, by=group, order=order, unit_codes=units, **period)
        return document.build(
            session,
            period=period,
            rows=rows,
            group=group,
            today=TODAY,
            detail_units=[row["unit_code"] for row in by_unit],
        )


def sheet_rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def summary_figures(sheet) -> dict[str, list]:
    """{row label: counts and the completion rate} of the table's body and totals rows (STT in A)."""
    rows = sheet_rows(sheet)
    header = next(n for n, row in enumerate(rows) if row[0] == "STT")
    found = {}
    for row in rows[header + 2 :]:
        if row[1] is None or row[1] == workbook.NOTES_LABEL or row[0] == workbook.NOTES_LABEL:
            break
        found[row[1]] = row[2 : 2 + len(COUNTS) + 1]
    return found


@pytest.mark.postgres
def test_the_q3_figures_equal_a_direct_sql_count(system, q3, backend):
    book = load_workbook(io.BytesIO(workbook.report_workbook(q3_document(system))))
    with system.db.reading() as session:
        expected = direct_count(session)
    figures = summary_figures(book[workbook.SUMMARY_SHEET])
    totals = figures.pop(buckets.TOTAL_LABEL)
    assert figures == expected
    assert list(figures) == ["Sở Nội vụ", "Sở Tài chính", "Sở Xây dựng"]  # the directory's order
    summed = [sum(row[n] for row in expected.values()) for n in range(len(COUNTS))]
    done, open_late = summed[1], summed[6]
    assert totals == [*summed, round(100 * done / (done + open_late), 2)]
    # The quarter puts a task in every column, so that each count above is tested.
    assert all(summed) and summed == [10, 4, 2, 2, 6, 4, 2, 5, 1, 2]


def test_the_summary_sheet_has_the_heading_block_merged_header_and_formats(system, q3):
    book = load_workbook(io.BytesIO(workbook.report_workbook(q3_document(system))))
    assert book.sheetnames == ["Biểu tổng hợp", "Phụ lục chi tiết"]
    sheet = book["Biểu tổng hợp"]
    texts = {cell.coordinate: cell.value for row in sheet.iter_rows(max_row=9) for cell in row if cell.value}
    assert texts["A1"] == "UBND TỈNH LÀO CAI" and sheet["A1"].font.b is False
    assert texts["A2"] == "VĂN PHÒNG" and sheet["A2"].font.b
    assert texts["H1"] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and sheet["H1"].font.b
    assert texts["H2"] == "Độc lập - Tự do - Hạnh phúc" and sheet["H2"].font.b
    assert texts["H3"] == "Lào Cai, ngày 15 tháng 9 năm 2026" and sheet["H3"].font.i
    assert (
        texts["A5"] == "BIỂU TỔNG HỢP" and sheet["A5"].font.b and sheet["A5"].alignment.horizontal == "center"
    )
    assert texts["A6"] == "Tình hình thực hiện nhiệm vụ từ ngày 15/06/2026 đến ngày 14/09/2026"
    merged = {str(r) for r in sheet.merged_cells.ranges}
    # The heading blocks, the title and period across the table (17 columns: STT and 16 of layout).
    assert {"A1:F1", "A2:F2", "H1:Q1", "H2:Q2", "H3:Q3", "A5:Q5", "A6:Q6"} <= merged
    # Two header rows: columns alone span both; a group spans its columns on the first.
    header = {"A8:A9", "B8:B9", "C8:C9", "D8:F8", "G8:I8", "J8:L8", "M8:P8", "Q8:Q9"}
    assert header <= merged
    assert [texts[c] for c in ("A8", "B8", "C8", "D8", "G8", "J8", "M8", "Q8")] == [
        "STT",
        "Cơ quan, đơn vị",
        "Tổng số nhiệm vụ",
        "Đã hoàn thành",
        "Chưa hoàn thành",
        "Trong đó (chưa hoàn thành)",
        "Tỷ lệ (%)",
        "Ghi chú",
    ]
    assert [sheet.cell(9, n).value for n in range(4, 17)] == [c.title for c in layout.summary_columns()[2:-1]]
    for cell in (sheet["A8"], sheet["D9"], sheet["Q8"]):
        assert cell.font.b and cell.alignment.wrap_text and cell.alignment.horizontal == "center"
        assert cell.border.left.style == cell.border.bottom.style == "thin"

    first, total = sheet[10], sheet[13]
    assert (first[0].value, first[1].value, total[1].value) == (1, "Sở Nội vụ", "Tổng cộng")
    assert {c.number_format for c in first[2:12]} == {"#,##0"}  # counts: 14.068 in a Vietnamese locale
    assert {c.number_format for c in first[12:16]} == {"0.00"}  # percent, 98,62
    assert total[1].font.b and total[2].font.b and total[12].number_format == "0.00"
    assert first[16].value is None and first[16].border.left.style == "thin"  # Ghi chú, empty
    assert sheet.column_dimensions["B"].width == 34 and sheet.column_dimensions["C"].width == 9
    assert sheet.freeze_panes == "C10"  # below the header, right of the names

    below = sheet_rows(sheet)[13:]
    assert below[1][0] == "Cách tính:"
    notes = [row[0] for row in below[2:8]]
    assert notes == layout.rate_notes()
    signature = next(n for n, row in enumerate(below) if row[7] == "CHÁNH VĂN PHÒNG")
    assert below[signature][0] == "Nơi nhận:"
    assert [row[0] for row in below[signature + 1 : signature + 3]] == [
        "- Chủ tịch, các Phó Chủ tịch UBND tỉnh (b/c);",
        "- Lưu: VT.",
    ]
    assert all(row[7] is None for row in below[signature + 1 :])  # room to sign
    assert_printed_on_a4_landscape(sheet, "$8:$9")


def assert_printed_on_a4_landscape(sheet, title_rows: str) -> None:
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == title_rows
    assert sheet.page_margins.left > sheet.page_margins.right > 0


def test_the_appendix_sheet_lists_each_units_tasks_with_real_dates(system, q3):
    book = load_workbook(io.BytesIO(workbook.report_workbook(q3_document(system))))
    sheet = book["Phụ lục chi tiết"]
    rows = sheet_rows(sheet)
    assert rows[0][0] == "UBND TỈNH LÀO CAI" and rows[4][0] == "PHỤ LỤC CHI TIẾT"
    assert rows[7] == ["STT", *(c.title for c in layout.DETAIL_COLUMNS)]
    assert sheet.freeze_panes == "A9"
    blocks = {row[1]: n for n, row in enumerate(rows) if row[0] in ("I", "II", "III")}
    assert list(blocks) == ["Sở Nội vụ", "Sở Tài chính", "Sở Xây dựng"]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {f"B{n + 1}:J{n + 1}" for n in blocks.values()} <= merged
    assert sheet.cell(blocks["Sở Nội vụ"] + 1, 2).font.b

    tc = rows[blocks["Sở Tài chính"] + 1 : blocks["Sở Xây dựng"]]
    assert [row[0] for row in tc] == [1, 2, 3, 4, 5]  # numbered within the unit; done_before left out
    late = next(row for row in tc if row[3] == "Nhiệm vụ open_late")
    column = {c.key: n + 1 for n, c in enumerate(layout.DETAIL_COLUMNS)}
    assert late[column["document_number"]] == "12/KH-UBND"
    assert late[column["coordinating"]] == "Sở Xây dựng"
    assert late[column["due_date"]] == datetime(2026, 8, 31)  # a real date, not text
    assert late[column["status"]] == "Chưa hoàn thành quá hạn"
    assert late[column["situation"]] == "Đã trình dự thảo\nĐang lấy ý kiến các sở"  # \x0b dropped
    assert late[column["difficulties"]] == "Thiếu kinh phí"
    row_number = blocks["Sở Tài chính"] + 1 + tc.index(late) + 1
    due = sheet.cell(row_number, column["due_date"] + 1)
    assert due.number_format == "dd/mm/yyyy" and due.is_date
    assert sheet.cell(row_number, column["situation"] + 1).alignment.wrap_text
    assert sheet.row_dimensions[row_number].height >= 2 * workbook.LINE_HEIGHT  # two lines typed
    soon = next(row for row in tc if row[3] == "Nhiệm vụ due_soon")
    assert soon[column["status"]] == "Chưa hoàn thành trong hạn; chưa thực hiện; sắp đến hạn"
    assert_printed_on_a4_landscape(sheet, "$8:$8")


def test_a_grouping_titles_the_table_and_keeps_the_appendix_by_lead_unit(system, q3):
    book = load_workbook(io.BytesIO(workbook.report_workbook(q3_document(system, "sector"))))
    summary = book["Biểu tổng hợp"]
    assert summary["A5"].value == "BIỂU TỔNG HỢP THEO LĨNH VỰC" and summary["B8"].value == "Lĩnh vực"
    figures = summary_figures(summary)
    assert list(figures) == ["Kinh tế", "Văn hóa - Xã hội", "(Chưa xác định)", "Tổng cộng"]
    assert figures["Tổng cộng"][0] == 10
    blocks = [row[1] for row in sheet_rows(book["Phụ lục chi tiết"]) if row[0] in ("I", "II", "III")]
    assert blocks == ["Sở Nội vụ", "Sở Tài chính", "Sở Xây dựng"]


def test_a_unit_exports_under_its_own_name_and_an_empty_period_says_so(system, units):
    period = {"as_of": AS_OF, "window_from": WINDOW_FROM, "calendar": CALENDAR, "soon_days": 3}
    with system.db.reading() as session:
        doc = document.build(
            session, period=period, rows=[], group="unit", today=TODAY, detail_units=[], issuer="SỞ TÀI CHÍNH"
        )
    book = load_workbook(io.BytesIO(workbook.report_workbook(doc)))
    rows = sheet_rows(book["Biểu tổng hợp"])
    assert rows[1][0] == "SỞ TÀI CHÍNH" and rows[9][0] == workbook.NO_TASKS
    assert any(row[7] == "THỦ TRƯỞNG ĐƠN VỊ" for row in rows)
    assert any(row[0] == "- Văn phòng UBND tỉnh (b/c);" for row in rows)
    assert sheet_rows(book["Phụ lục chi tiết"])[8][0] == workbook.NO_TASKS


def test_the_appendix_alone_is_one_sheet(system, q3):
    body = workbook.appendix_workbook(q3_document(system, units=["SO_TC"]))
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["Phụ lục chi tiết"]
    assert [row[1] for row in sheet_rows(book.active) if row[0] == "I"] == ["Sở Tài chính"]


def test_the_date_under_the_motto_is_written_as_decree_30_asks():
    def dateline(day: date) -> str:
        return document.ReportDocument("", day, None, day, "unit", [], [], None).dateline

    assert dateline(date(2026, 12, 7)) == "Lào Cai, ngày 07 tháng 12 năm 2026"
    assert dateline(date(2026, 2, 15)) == "Lào Cai, ngày 15 tháng 02 năm 2026"  # months 1, 2: a zero
    assert dateline(date(2026, 3, 1)) == "Lào Cai, ngày 01 tháng 3 năm 2026"


def test_the_download_name_is_ascii():
    assert workbook.attachment("bieu-tong-hop-2026-09-30.xlsx") == (
        'attachment; filename="bieu-tong-hop-2026-09-30.xlsx"'
    )
    assert workbook.attachment('phụ lục "Sở"/x.xlsx') == 'attachment; filename="ph-l-c-S-x.xlsx"'


def test_libreoffice_converts_the_workbook_to_pdf(system, q3, tmp_path):
    office = shutil.which("libreoffice")
    if office is None:
        pytest.fail(
            "LibreOffice is needed to check the workbook opens: apt-get install libreoffice-calc-nogui"
        )
    source = tmp_path / "bieu-tong-hop-2026-09-14.xlsx"
    source.write_bytes(workbook.report_workbook(q3_document(system)))
    # A profile of its own, so that another LibreOffice running on the machine does not take the call.
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
    done = subprocess.run(
        [office, profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    pdf = tmp_path / "bieu-tong-hop-2026-09-14.pdf"
    assert done.returncode == 0 and pdf.exists(), done.stdout + done.stderr
    body = pdf.read_bytes()
    assert body.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", body))
    assert pages >= 2  # each sheet fits the width of its A4 landscape pages
