"""The Q3 2026 report as a Word document (read back with python-docx) and as the PDF of its print view (its
text read back with pypdfium2, its pages saved as PNG for people to look at): both carry the heading block of
Nghị định 30/2020, every unit's figures and the totals as buckets.per_unit counts them, and every task of
the appendix, with their Vietnamese letters intact."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pypdfium2
import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from engine.assignments.models import StatusUpdate
from engine.directory.models import Sector
from engine.reports import buckets, document, layout, pdf
from engine.reports.docx_report import report_docx
from engine.web.pages.filters import vn_decimal, vn_number
from engine.workdays import service as workdays
from tests.browser.journey import artifacts_root
from tests.conftest import ROOT
from tests.factories import add_assignment, add_document

# The Q3 2026 round's data window (engine.reports.periodic): 15/06/2026 to 14/09/2026.
WINDOW_FROM, AS_OF = date(2026, 6, 15), date(2026, 9, 14)
TODAY = date(2026, 12, 7)
NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
SECTORS = {"TC": "Tài chính", "XD": "Xây dựng"}
# content: (lead unit, sector, due date, completed on, confirmed on, situation reported)
Q3_TASKS = {
    "Xây dựng kế hoạch đầu tư công trung hạn": ("SO_TC", "TC", date(2026, 7, 15), date(2026, 7, 10), 13),
    "Quyết toán ngân sách địa phương năm 2025": ("SO_TC", "TC", date(2026, 8, 14), date(2026, 8, 14), 17),
    "Rà soát định mức chi thường xuyên": ("SO_TC", "TC", date(2026, 7, 31), date(2026, 8, 20), 21),
    "Đề án sắp xếp đơn vị sự nghiệp công lập": ("SO_TC", "TC", date(2026, 9, 4), None, None),
    "Báo cáo tình hình giải ngân vốn ODA": ("SO_TC", "TC", date(2026, 9, 16), None, None),
    "Hướng dẫn quản lý, sử dụng tài sản công": ("SO_TC", "TC", date(2026, 10, 30), None, None),
    "Quy hoạch xây dựng vùng huyện Bát Xát": ("SO_XD", "XD", None, None, None),
    "Kiểm tra chất lượng công trình trường học": ("SO_XD", "XD", date(2026, 8, 28), date(2026, 9, 8), 9),
    "Cấp phép xây dựng nhà ở riêng lẻ": ("SO_XD", "XD", date(2026, 11, 30), None, None),
    "Khắc phục hậu quả thiên tai tháng 7": ("XA_BX", None, date(2026, 8, 31), None, None),
    "Sắp xếp đơn vị hành chính cấp xã": ("XA_BX", None, date(2026, 9, 30), None, None),
    # Confirmed before the window opened: the Q2 report's, not this one's.
    "Tổng kết công tác cải cách hành chính 6 tháng": ("SO_NV", None, date(2026, 6, 5), date(2026, 6, 4), 8),
}
SITUATION = "Đã trình UBND tỉnh dự thảo đề án;\nđang hoàn thiện theo ý kiến của các sở, ngành."
DIFFICULTIES = "Chưa thống nhất phương án bố trí viên chức dôi dư."


def at(day: date, hour: int = 3) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


def add_q3_2026(system) -> dict[str, int]:
    """The tasks of Q3_TASKS in every bucket as of 14/09/2026, two sectors, a situation with a line break
    on the late SO_TC task; returns {content: assignment id}."""
    ids = {}
    with system.db.transaction() as session:
        session.add_all(Sector(code=code, name=name) for code, name in SECTORS.items())
        plan = add_document(
            session,
            number="45/KH-UBND",
            title="Kế hoạch phát triển kinh tế - xã hội quý III năm 2026",
            issued_on=date(2026, 5, 20),
        )
        decision = add_document(
            session,
            number="112/QĐ-UBND",
            title="Quyết định giao nhiệm vụ năm 2026",
            issued_on=date(2026, 5, 25),
        )
        decision.doc_type = "Quyết định"
        for seq, (content, (lead, sector, due, completed_on, confirmed_day)) in enumerate(
            Q3_TASKS.items(), 1
        ):
            confirmed = completed_on and at(completed_on.replace(day=confirmed_day))
            ids[content] = add_assignment(
                session,
                plan if seq % 2 else decision,
                seq=seq,
                lead=lead,
                content=content,
                due=due,
                coordinating=("SO_XD",) if lead == "SO_TC" and not completed_on else (),
                sector_code=sector,
                completed_on=completed_on,
                confirmed_at=confirmed,
            ).id
        for content in ("Đề án sắp xếp đơn vị sự nghiệp công lập", "Cấp phép xây dựng nhà ở riêng lẻ"):
            session.add(
                StatusUpdate(
                    assignment_id=ids[content],
                    unit_code=Q3_TASKS[content][0],
                    role="lead",
                    progress="in_progress",
                    situation=SITUATION,
                    difficulties=DIFFICULTIES,
                    reported_at=at(date(2026, 8, 20)),
                )
            )
    return ids


def q3_period(system, session) -> dict:
    """The period as reports.views.request_period gives it for ?as_of=2026-09-14&from=2026-06-15."""
    calendar = workdays.calendar(session=session, settings=system.settings)
    return {"as_of": AS_OF, "window_from": WINDOW_FROM, "calendar": calendar, "soon_days": 3}


def q3_report(system, group: str = "unit") -> document.ReportDocument:
    """The province-wide Q3 2026 report with the appendix of every unit in the table."""
    with system.db.reading() as session:
        period = q3_period(system, session)
        rows = buckets.per_unit(session, **period)
        if group == "sector":
            rows = buckets.per_group(session, by="sector", order=list(SECTORS.items()), **period)
        return document.build(
            session,
            period=period,
            rows=rows,
            group=group,
            today=TODAY,
            detail_units=[r["unit_code"] for r in buckets.per_unit(session, **period)],
        )


def shown(row: dict, columns: list[layout.Column]) -> list[str]:
    """A row's figures as the tables print them: 1.234, 98,62, "—" for a rate with nothing to divide."""
    texts = []
    for column in columns:
        value = layout.cell(row, column)
        if column.kind == "count":
            texts.append(vn_number(value))
        elif column.kind == "rate":
            texts.append(vn_decimal(value) if value is not None else "—")
    return texts


def mm(*lengths) -> list[int]:
    """Lengths in whole millimetres (Word stores twentieths of a point)."""
    return [round(length.mm) for length in lengths]


@pytest.fixture
def q3(system, directory):
    return add_q3_2026(system)


def test_the_q3_data_falls_in_the_buckets_it_was_built_for(system, q3):
    with system.db.reading() as session:
        rows = {r["unit_code"]: r for r in buckets.per_unit(session, **q3_period(system, session))}
    assert list(rows) == ["SO_TC", "SO_XD", "XA_BX"]  # SO_NV's only task was done before the window
    tc = rows["SO_TC"]
    assert (tc["total"], tc["done_on_time"], tc["done_late"], tc["open_in_time"], tc["open_late"]) == (
        6,
        2,
        1,
        2,
        1,
    )
    assert (tc["due_soon"], tc["not_started"]) == (1, 2)
    assert (rows["SO_XD"]["no_deadline"], rows["XA_BX"]["open_late"]) == (1, 1)


# ---- Word --------------------------------------------------------------------------------------------


def test_the_docx_is_an_nd30_report_with_the_figures_of_each_unit_and_the_totals(system, q3):
    report = q3_report(system)
    word = Document(io.BytesIO(report_docx(report)))

    normal = word.styles["Normal"].font
    assert (normal.name, normal.size) == ("Times New Roman", Pt(14))
    portrait, landscape, appendix = word.sections
    assert portrait.orientation == WD_ORIENT.PORTRAIT
    assert mm(portrait.page_width, portrait.page_height) == [210, 297]  # A4
    assert mm(portrait.top_margin, portrait.bottom_margin, portrait.left_margin, portrait.right_margin) == [
        20,
        20,
        30,
        15,
    ]
    for section in (landscape, appendix):
        assert section.orientation == WD_ORIENT.LANDSCAPE
        assert mm(section.page_width, section.page_height) == [297, 210]

    heading, closing, summary, *details = word.tables  # signed under the text, the tables after
    issuer, nation = (cell.text.split("\n") for cell in heading.rows[0].cells)
    assert (
        issuer[:2] == ["UBND TỈNH LÀO CAI", "VĂN PHÒNG"]
        and issuer[-1].startswith("Số:")
        and "/BC-VP" in issuer[-1]
    )
    assert nation[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert nation[-1] == "Lào Cai, ngày 07 tháng 12 năm 2026"
    assert heading.style.name == "Normal Table"  # no borders
    text = [p.text for p in word.paragraphs]
    title = "Tình hình thực hiện nhiệm vụ từ ngày 15/06/2026 đến ngày 14/09/2026"
    assert text[text.index("BÁO CÁO") + 1] == title
    assert any(
        t.startswith("Tổng số 11 nhiệm vụ; đã hoàn thành 4 nhiệm vụ (đúng hạn 2, quá hạn 2)") for t in text
    )
    assert any(
        t.startswith(
            "Tỷ lệ hoàn thành đạt 66,67%; tỷ lệ hoàn thành đúng hạn đạt 50%; tỷ lệ quá hạn là 66,67%"
        )
        for t in text
    )
    assert "BIỂU TỔNG HỢP" in text and "PHỤ LỤC CHI TIẾT" in text and "Cách tính" in text

    # The two-level header: "Đã hoàn thành" over three columns, "Cơ quan, đơn vị" over both rows.
    columns = report.columns
    first = [c.text for c in summary.rows[0].cells]
    second = [c.text for c in summary.rows[1].cells]
    assert first[:6] == [
        "STT",
        "Cơ quan, đơn vị",
        "Tổng số nhiệm vụ",
        "Đã hoàn thành",
        "Đã hoàn thành",
        "Đã hoàn thành",
    ]
    assert summary.cell(0, 3)._tc is summary.cell(0, 5)._tc  # one merged cell
    assert second[:6] == ["STT", "Cơ quan, đơn vị", "Tổng số nhiệm vụ", "Tổng", "Đúng hạn", "Quá hạn"]
    assert summary.cell(1, 1).text == "Cơ quan, đơn vị" and summary.cell(0, 1)._tc.vMerge == "restart"
    counted = [c.kind in ("count", "rate") for c in columns]
    body = [[c.text for c in row.cells] for row in summary.rows[2:]]
    with system.db.reading() as session:
        expected = buckets.per_unit(session, **q3_period(system, session))
    assert [row[:2] for row in body] == [
        ["1", "Sở Tài chính"],
        ["2", "Sở Xây dựng"],
        ["3", "UBND xã Bát Xát"],
        ["", "Tổng cộng"],
    ]
    for row, figures in zip(body, [*expected, buckets.totals(expected)], strict=True):
        assert [t for t, n in zip(row[1:], counted, strict=True) if n] == shown(figures, columns)
    assert body[-1][2:5] == ["11", "4", "2"]
    figure, total = (
        summary.rows[2].cells[2].paragraphs[0].style,
        summary.rows[-1].cells[2].paragraphs[0].style,
    )
    assert figure.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT and not figure.font.bold
    assert total.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT and total.font.bold

    # The appendix: a table per unit, each of its tasks with its dates dd/mm/yyyy.
    assert len(details) == 3
    headers = [c.text for c in details[0].rows[0].cells]
    assert headers == ["STT", *(c.title for c in layout.DETAIL_COLUMNS)]
    tasks = {row.cells[3].text: [c.text for c in row.cells] for table in details for row in table.rows[1:]}
    assert set(tasks) == set(Q3_TASKS) - {"Tổng kết công tác cải cách hành chính 6 tháng"}
    late = tasks["Đề án sắp xếp đơn vị sự nghiệp công lập"]
    assert late[1:3] == ["112/QĐ-UBND", "Quyết định giao nhiệm vụ năm 2026"]
    assert late[4:7] == ["Sở Xây dựng", "04/09/2026", "Chưa hoàn thành quá hạn"]
    assert late[8:] == [SITUATION, DIFFICULTIES]  # the line break kept
    assert tasks["Rà soát định mức chi thường xuyên"][7] == "20/08/2026"

    recipients, signer = (cell.text for cell in closing.rows[0].cells)
    assert recipients == "\n".join(
        ["Nơi nhận:", "- Chủ tịch, các Phó Chủ tịch UBND tỉnh (b/c);", "- Lưu: VT."]
    )
    assert signer == document.SIGNER_TITLE


def test_the_docx_of_a_grouping_names_it_and_counts_the_same_tasks(system, q3):
    report = q3_report(system, group="sector")
    word = Document(io.BytesIO(report_docx(report)))
    assert "BIỂU TỔNG HỢP THEO LĨNH VỰC" in [p.text for p in word.paragraphs]
    summary = word.tables[2]
    assert summary.cell(0, 1).text == "Lĩnh vực"
    names = [row.cells[1].text for row in summary.rows[2:]]
    assert names == ["Tài chính", "Xây dựng", buckets.UNKNOWN_GROUP, "Tổng cộng"]
    assert summary.rows[-1].cells[2].text == "11"


# ---- PDF ---------------------------------------------------------------------------------------------


def pdf_pages(body: bytes) -> list[str]:
    """Each page's text, in the order it was drawn."""
    document_ = pypdfium2.PdfDocument(body)
    try:
        return [page.get_textpage().get_text_range() for page in document_]
    finally:
        document_.close()


def save_pages(body: bytes, folder) -> list:
    """Each page as NN.png in `folder`, at 100 dpi: what a person would see."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    document_ = pypdfium2.PdfDocument(body)
    paths = []
    try:
        for n, page in enumerate(document_, start=1):
            path = folder / f"{n:02d}.png"
            page.render(scale=100 / 72).to_pil().save(path)
            paths.append(path)
    finally:
        document_.close()
    return paths


def test_the_pdf_of_the_print_view_carries_every_figure_with_its_diacritics(app, system, q3, clock):
    clock.move_to(NOW)
    report = q3_report(system)
    with app.test_request_context():
        body = pdf.report_pdf(report)
    assert body.startswith(b"%PDF-")
    pages = pdf_pages(body)
    text = "\n".join(pages)
    flat = re.sub(r"\s+", " ", text)
    for line in [
        "UBND TỈNH LÀO CAI",
        "VĂN PHÒNG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Lào Cai, ngày 07 tháng 12 năm 2026",
        "BÁO CÁO",
        "Tình hình thực hiện nhiệm vụ từ ngày 15/06/2026 đến ngày 14/09/2026",
        "Tổng số 11 nhiệm vụ; đã hoàn thành 4 nhiệm vụ (đúng hạn 2, quá hạn 2)",
        "Cách tính",
        "Nơi nhận:",
        document.SIGNER_TITLE,
    ]:
        assert line in flat, line
    with system.db.reading() as session:
        expected = buckets.per_unit(session, **q3_period(system, session))
    for figures in [*expected, buckets.totals(expected)]:
        # A row's cells are drawn in order: its name, then its figures, one after the other.
        cells = [figures["unit_name"], *shown(figures, report.columns)]
        assert re.search(r"\s+".join(map(re.escape, cells)), text), cells
    for content in set(Q3_TASKS) - {"Tổng kết công tác cải cách hành chính 6 tháng"}:
        assert content in flat, content
    assert "Chưa thống nhất phương án bố trí viên chức dôi dư." in flat

    document_ = pypdfium2.PdfDocument(body)
    try:
        width, height = document_[0].get_size()
    finally:
        document_.close()
    assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points
    assert set(re.findall(rb"/BaseFont\s*/(?:[A-Z]{6}\+)?([\w-]+)", body)) <= {
        b"LiberationSerif",
        b"LiberationSerif-Bold",
        b"LiberationSerif-Italic",
        b"LiberationSerif-BoldItalic",
    }

    shots = save_pages(body, artifacts_root(ROOT, os.environ) / "report-pdf")
    assert len(shots) == len(pages) >= 2


def test_the_print_view_carries_the_first_tasks_of_a_long_appendix_and_says_where_the_rest_are(
    app, system, q3
):
    report = q3_report(system)
    in_order = [row["content"] for _, rows in report.detail for row in rows]
    with app.test_request_context():
        whole = pdf.print_html(report)
        printed = pdf.print_html(report, printed_tasks=4)
    assert all(content in whole for content in in_order) and "Bản in này có" not in whole
    assert [content in printed for content in in_order] == [True] * 4 + [False] * 7
    note = (
        "Bản in này có 4 trong tổng số 11 nhiệm vụ của Phụ lục chi tiết, theo thứ tự các đơn vị. "
        "Phụ lục đầy đủ có trong tệp Excel và tệp Word (Xuất Excel, Xuất Word)."
    )
    assert note in printed
    assert "<h3>1. Sở Tài chính</h3>" in printed and "2. Sở Xây dựng" not in printed
    assert (
        printed.count("UBND xã Bát Xát") == whole.count("UBND xã Bát Xát") - 1
    )  # its row stays in the table


def test_the_docx_opens_in_libreoffice_with_its_figures(system, q3, tmp_path):
    office = shutil.which("libreoffice")
    assert office, "LibreOffice is missing: install Debian's libreoffice-writer-nogui (.ci/run does)"
    source = tmp_path / "bao-cao.docx"
    source.write_bytes(report_docx(q3_report(system)))
    converted = subprocess.run(
        [
            office,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        timeout=180,
    )
    assert converted.returncode == 0, converted.stderr
    text = re.sub(r"\s+", " ", " ".join(pdf_pages((tmp_path / "bao-cao.pdf").read_bytes())))
    assert "Lào Cai, ngày 07 tháng 12 năm 2026" in text and "PHỤ LỤC CHI TIẾT" in text
    assert "Tổng cộng 11 4 2 2 7 5 2 5 1 1 66,67 50 66,67 18,18" in text
    assert "Đề án sắp xếp đơn vị sự nghiệp công lập" in text


def test_the_pdf_reads_the_apps_own_static_files_and_nothing_else(app):
    fetcher = pdf._StaticFiles(app.static_url_path, Path(app.static_folder))
    font = fetcher.fetch(f"{pdf.BASE_URL}static/fonts/LiberationSerif-Regular.ttf")
    assert font.read() == (Path(app.static_folder) / "fonts" / "LiberationSerif-Regular.ttf").read_bytes()
    for url in [
        "http://example.org/static/report-print.css",
        "file:///etc/passwd",
        f"{pdf.BASE_URL}static/../templates/base.html",
        f"{pdf.BASE_URL}static/%2E%2E/templates/base.html",
        f"{pdf.BASE_URL}reports",
        f"{pdf.BASE_URL}static/khong-co.css",
    ]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)
