"""What a row may say and what is refused, each problem named by the sheet's row and column: documents
made of merged rows, dates, Đ5.2's secret marks, units and leaders by name or code, the status and its date,
tasks already registered, and the choice to import only the valid rows."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from engine.assignments.models import CONFIRMED, COORDINATING, Assignment, AssignmentUnit, StatusUpdate
from engine.directory import leaders
from engine.directory.models import Unit
from engine.documents import service as document_service
from engine.documents.models import Document
from engine.imports.models import DataImport
from tests.conftest import two_task_document
from tests.engine.imports.sheets import task_row, workbook


@pytest.fixture
def sheet(tmp_path):
    """sheet(rows) -> the path of a workbook with the standard header and `rows` (row 2 on)."""

    def write(rows: list[list], name: str = "bang.xlsx", **options) -> object:
        path = tmp_path / name
        path.write_bytes(workbook(rows, **options))
        return path

    return write


def _problems(report) -> dict[int | None, list[str]]:
    found: dict[int | None, list[str]] = {}
    for p in report.checked.problems:
        found.setdefault(p.row, []).append(p.message)
    return found


def _assignments(system) -> list[Assignment]:
    with system.db.reading() as session:
        return list(session.scalars(select(Assignment).order_by(Assignment.id)))


def test_rows_without_number_and_date_are_tasks_of_the_document_above(system, run_import, sheet):
    report = run_import(
        sheet(
            [
                task_row(content="Nhiệm vụ thứ nhất"),
                task_row(number=None, issued=None, title=None, content="Nhiệm vụ thứ hai", lead="SO_XD"),
                task_row(
                    number=None,
                    issued=None,
                    title=None,
                    content="Nhiệm vụ thứ ba",
                    status="Đang thực hiện",
                    completed=None,
                ),
                task_row(number="16/CT-UBND", content="Nhiệm vụ của chỉ thị"),
            ]
        )
    )

    assert report.ok and report.written.documents_created == 2
    with system.db.reading() as session:
        documents = {d.number: d for d in session.scalars(select(Document))}
        plan = documents["15/KH-UBND"]
        assert (plan.doc_type, plan.issued_on, plan.intake_instance_id) == (
            "Kế hoạch",
            date(2024, 3, 5),
            None,
        )
        assert documents["16/CT-UBND"].doc_type == "Chỉ thị"
        tasks = session.scalars(
            select(Assignment).where(Assignment.document_id == plan.id).order_by(Assignment.seq)
        )
        assert [(a.seq, a.content, a.lead_unit_code) for a in tasks] == [
            (1, "Nhiệm vụ thứ nhất", "SO_TC"),
            (2, "Nhiệm vụ thứ hai", "SO_XD"),
            (3, "Nhiệm vụ thứ ba", "SO_TC"),
        ]


def test_dates_outside_the_calendar_or_that_are_not_dates_are_problems_of_their_cells(
    run_import, sheet, tables
):
    before = tables()
    report = run_import(
        sheet(
            [
                task_row(number="1/KH-UBND", issued="31/02/2024"),
                task_row(number="2/KH-UBND", issued="05/03/1985"),
                task_row(number="3/KH-UBND", due="15/03/2300"),
                task_row(number="4/KH-UBND", due="01/03/2024"),
                task_row(number="5/KH-UBND", issued="2024-03-05", due="Thường xuyên"),
            ]
        )
    )

    problems = _problems(report)
    assert sorted(problems) == [2, 3, 4, 5]
    assert problems[2] == ["Ngày ban hành “31/02/2024” không phải ngày hợp lệ (ngày/tháng/năm)"]
    assert "ngày ban hành phải từ 01/01/1990" in problems[3][0]
    assert problems[4][0].startswith("Thời hạn 15/03/2300: thời hạn phải từ")
    assert "trước ngày ban hành văn bản (05/03/2024)" in problems[5][0]
    assert [p.column for p in report.checked.problems] == [
        "C — Ngày ban hành",
        "C — Ngày ban hành",
        "I — Thời hạn hoàn thành",
        "I — Thời hạn hoàn thành",
    ]
    assert report.refused and tables() == before


def test_a_secret_mark_refuses_the_row_and_every_task_of_its_document_citing_article_5(
    system, run_import, sheet
):
    path = sheet(
        [
            task_row(number="7/KH-UBND", secrecy="Tối mật"),
            task_row(number="8/KH-UBND", title="(Mật) Kế hoạch bảo đảm an ninh"),
            task_row(number="8/KH-UBND", content="Nhiệm vụ khác của văn bản mật"),
            task_row(number="9/KH-UBND", title="MẬT - Phương án phòng thủ"),
            task_row(
                number="10/KH-UBND", content="Tăng cường công tác bảo vệ bí mật nhà nước", secrecy="Thường"
            ),
        ]
    )

    report = run_import(path, valid_only=True)

    problems = _problems(report)
    assert sorted(problems) == [2, 3, 4, 5]
    assert "Văn bản có độ mật Tối mật không được cập nhật vào hệ thống (Điều 5 khoản 2" in problems[2][0]
    assert "độ mật Mật" in problems[3][0] and "độ mật Mật" in problems[5][0]
    assert problems[4] == ["văn bản của nhiệm vụ này có độ mật (dòng 3): không nhập được"]
    with system.db.reading() as session:
        assert list(session.scalars(select(Document.number))) == ["10/KH-UBND"]  # nothing of the others


def test_units_are_named_by_name_or_code_a_comma_inside_a_name_included(system, run_import, sheet):
    with system.db.transaction() as session:
        session.add(
            Unit(code="SO_VHTTDL", name="Sở Văn hóa, Thể thao và Du lịch", unit_type="Sở, ban, ngành")
        )
    report = run_import(
        sheet(
            [
                task_row(
                    lead="so tai chinh",
                    coordinating="Sở Văn hóa, Thể thao và Du lịch, SO_NV; Sở Xây dựng\nSở Tài chính",
                    status="Đang thực hiện",
                    completed=None,
                    due="30/06/2025",
                ),
                task_row(number="2/KH-UBND", lead="Sở Khoa học và Công nghệ"),
            ]
        ),
        valid_only=True,
    )

    assert _problems(report) == {
        3: ["không có đơn vị “Sở Khoa học và Công nghệ” trong danh mục (ghi tên hoặc mã đơn vị)"]
    }
    with system.db.reading() as session:
        (a,) = session.scalars(select(Assignment))
        coordinating = session.scalars(
            select(AssignmentUnit.unit_code).where(
                AssignmentUnit.assignment_id == a.id, AssignmentUnit.role == COORDINATING
            )
        )
        assert a.lead_unit_code == "SO_TC"
        assert sorted(coordinating) == ["SO_NV", "SO_VHTTDL", "SO_XD"]  # the lead unit is not its own partner


def test_an_ended_unit_keeps_its_history_but_takes_no_open_task(system, run_import, sheet):
    with system.db.transaction() as session:
        session.get(Unit, "XA_BX").active_to = date(2024, 12, 31)

    report = run_import(
        sheet(
            [
                task_row(number="1/KH-UBND", lead="UBND xã Bát Xát"),
                task_row(
                    number="2/KH-UBND",
                    lead="XA_BX",
                    status="Đang thực hiện",
                    completed=None,
                    due="30/06/2025",
                ),
            ]
        ),
        valid_only=True,
    )

    assert _problems(report) == {
        3: ['Đơn vị "UBND xã Bát Xát" không còn hoạt động (hoạt động đến ngày 31/12/2024)']
    }
    assert [(a.lead_unit_code, a.stage) for a in _assignments(system)] == [("XA_BX", CONFIRMED)]


def test_leaders_are_named_by_name_or_code_and_required_once_the_directory_lists_them(
    system, run_import, sheet
):
    with system.db.transaction() as session:
        leaders.create_leader(session=session, values={"code": "UBND", "kind": "collective"}, actor="admin")
        leaders.create_leader(
            session=session,
            values={"code": "PCT_KHANH", "kind": "vice_chairman", "person_name": "Hoàng Quốc Khánh"},
            actor="admin",
        )

    report = run_import(
        sheet(
            [
                task_row(number="1/KH-UBND", signer="PCT Hoàng Quốc Khánh"),
                task_row(number="2/KH-UBND", signer="UBND"),
                task_row(number="3/KH-UBND", signer="Phó Chủ tịch Nguyễn Văn Không Có"),
                task_row(number="4/KH-UBND"),
            ]
        ),
        valid_only=True,
    )

    problems = _problems(report)
    assert problems == {
        4: ["không có lãnh đạo “Phó Chủ tịch Nguyễn Văn Không Có” trong danh mục lãnh đạo giao nhiệm vụ"],
        5: ["thiếu lãnh đạo giao nhiệm vụ (danh mục đã có lãnh đạo)"],
    }
    with system.db.reading() as session:
        found = session.execute(
            select(Document.number, Document.leader_code, Document.signer).order_by(Document.id)
        )
        assert [tuple(r) for r in found] == [
            ("1/KH-UBND", "PCT_KHANH", "PCT Hoàng Quốc Khánh"),
            ("2/KH-UBND", "UBND", "UBND tỉnh (tập thể)"),
        ]
        assert [a.leader_code for a in session.scalars(select(Assignment).order_by(Assignment.id))] == [
            "PCT_KHANH",
            "UBND",
        ]


def test_the_status_and_the_completion_date_must_agree(run_import, sheet):
    report = run_import(
        sheet(
            [
                task_row(number="1/KH-UBND", completed=None),
                task_row(number="2/KH-UBND", status="Đang thực hiện"),
                task_row(number="3/KH-UBND", status="Tạm dừng"),
                task_row(number="4/KH-UBND", status=None, completed="20/02/2025"),
                task_row(number="5/KH-UBND", status=None, completed=None),
            ]
        ),
        dry_run=True,
    )

    problems = _problems(report)
    assert problems == {
        2: ["nhiệm vụ đã hoàn thành cần có Ngày hoàn thành"],
        3: ["có Ngày hoàn thành 20/06/2024 nhưng Tình trạng là “Đang thực hiện”"],
        4: [
            "không hiểu Tình trạng “Tạm dừng”: ghi “Đã hoàn thành” hoặc “Đang thực hiện”, “Chưa hoàn thành”, "
            "“Chưa thực hiện”"
        ],
        5: ["Ngày hoàn thành 20/02/2025 sau hôm nay (24/01/2025)"],
    }
    assert [t.done for t in report.checked.new_tasks] == [False]  # row 6: no status, no date: open


def test_rows_of_one_document_must_agree_and_a_task_may_not_be_given_twice(run_import, sheet):
    report = run_import(
        sheet(
            [
                task_row(content="Nhiệm vụ A"),
                task_row(content="Nhiệm vụ B", title="Kế hoạch khác"),
                task_row(content="Nhiệm vụ A.", lead="SO_XD"),
            ]
        ),
        dry_run=True,
    )

    assert _problems(report) == {
        3: ["Trích yếu khác với dòng 2 của cùng văn bản"],
        4: ["trùng nhiệm vụ ở dòng 2 (cùng văn bản, cùng nội dung)"],
    }


def test_a_registered_task_is_skipped_and_what_differs_is_reported_not_written(system, run_import, sheet):
    rows = [task_row(content="Nhiệm vụ A", due="30/06/2024"), task_row(content="Nhiệm vụ B")]
    run_import(sheet(rows))
    before = [(a.id, a.lead_unit_code, a.due_date) for a in _assignments(system)]
    rows[0] = task_row(content="nhiệm vụ  a", due="15/07/2024", lead="Sở Xây dựng")
    rows.append(task_row(content="Nhiệm vụ C"))

    report = run_import(sheet(rows, name="bang-sua.xlsx"))

    assert report.ok and report.written.rows_written == 1 and report.checked.rows_existing == 2
    (difference,) = report.checked.differences
    assert difference.row == 2 and difference.changes == (
        "Đơn vị chủ trì: Sở Tài chính → Sở Xây dựng",
        "Thời hạn: 30/06/2024 → 15/07/2024",
    )
    assert [(a.id, a.lead_unit_code, a.due_date) for a in _assignments(system)][:2] == before
    assert [a.content for a in _assignments(system)] == ["Nhiệm vụ A", "Nhiệm vụ B", "Nhiệm vụ C"]
    assert [a.seq for a in _assignments(system)] == [1, 2, 3]  # added to the registered document


def test_only_the_valid_rows_then_the_fixed_file_adds_the_rest(system, run_import, sheet):
    rows = [task_row(content="Nhiệm vụ A"), task_row(content="Nhiệm vụ B", lead="Sở Không Có")]

    first = run_import(sheet(rows), valid_only=True)
    rows[1] = task_row(content="Nhiệm vụ B", lead="Sở Nội vụ")
    second = run_import(sheet(rows))

    assert (first.written.rows_written, sorted(first.checked.bad_rows)) == (1, [3])
    assert (second.written.rows_written, second.written.documents_created, second.checked.rows_existing) == (
        1,
        0,
        1,
    )
    assert [a.lead_unit_code for a in _assignments(system)] == ["SO_TC", "SO_NV"]
    with system.db.reading() as session:
        records = session.execute(
            select(DataImport.valid_only, DataImport.rows_bad, DataImport.rows_written)
        ).all()
        assert [tuple(r) for r in records] == [(True, 1, 1), (False, 0, 1)]


def test_a_document_waiting_for_its_classification_is_left_to_it(system, run_import, sheet):
    with system.db.transaction() as session:
        document_service.register_document(
            session=session, engine=system.engine, payload=two_task_document(), actor="cv"
        )

    report = run_import(
        sheet([task_row(number="12/QĐ-UBND", issued="24/01/2025", due=None, completed="24/01/2025")])
    )

    assert report.refused
    assert _problems(report)[2] == [
        "văn bản số 12/QĐ-UBND ngày 24/01/2025 đã được tiếp nhận và đang chờ phân loại: phân loại tại "
        "Việc cần làm thay vì nhập"
    ]


def test_an_open_task_gets_its_situation_as_its_first_update_and_starts_its_process(
    system, run_import, sheet
):
    report = run_import(
        sheet(
            [
                task_row(
                    status="Đang thực hiện",
                    completed=None,
                    due="30/06/2025",
                    situation="Đã xây dựng dự thảo kế hoạch",
                )
            ]
        )
    )

    assert report.written.processes_started == 1
    with system.db.reading() as session:
        (a,) = session.scalars(select(Assignment))
        (update,) = session.scalars(select(StatusUpdate))
        assert (a.stage, a.progress, a.effective_due_date, a.tracking_specialist) == (
            "awaiting_acceptance",
            "in_progress",
            date(2025, 6, 30),
            "cv",
        )
        assert (update.situation, update.progress, update.unit_code, update.reported_by) == (
            "Đã xây dựng dự thảo kế hoạch",
            "in_progress",
            "SO_TC",
            "cv",
        )


def test_a_column_the_guess_missed_is_chosen_by_its_title_or_its_letter(run_import, sheet):
    header = ["Số, ký hiệu", "Ngày ban hành", "Trích yếu", "Việc được giao", "Cơ quan chủ trì", "Hạn"]
    path = sheet([["1/KH-UBND", "05/03/2024", "Kế hoạch", "Rà soát", "SO_TC", "30/06/2024"]], header=header)

    unmapped = run_import(path, dry_run=True)
    by_title = run_import(path, dry_run=True, mapping={"content": "viec duoc giao"})
    by_letter = run_import(path, dry_run=True, mapping={"Nội dung nhiệm vụ": "D", "due_date": ""})

    assert [str(p) for p in unmapped.checked.problems] == ["tệp: chưa chọn cột cho Nội dung nhiệm vụ"]
    assert unmapped.checked.rows_read == 0
    assert by_title.ok and by_title.checked.new_tasks[0].due_date == date(2024, 6, 30)
    assert by_letter.ok and by_letter.checked.new_tasks[0].due_date is None


def test_without_a_tracking_specialist_the_file_is_refused_once(run_import, sheet):
    path = sheet([task_row()])

    report = run_import(path, actor="cli")
    chosen = run_import(path, actor="cli", dry_run=True, tracking_specialist="Nguyễn Thị Theo Dõi")

    assert report.refused and [p.row for p in report.checked.problems] == [None]
    assert "chưa có chuyên viên theo dõi" in report.checked.problems[0].message
    assert chosen.ok and chosen.checked.new_tasks[0].tracking_specialist == "cv"


@pytest.mark.postgres
def test_imported_then_imported_again_on_both_databases(system, run_import, tables, sheet, backend):
    from tests.engine.imports.sheets import tracking_sheet

    path = tracking_sheet(60, open_every=12).save(sheet([]).parent / "bang-60.xlsx")

    first = run_import(path)
    after = tables()
    again = run_import(path)

    assert first.written.rows_written == 60 and first.written.processes_started == 5
    assert again.written.rows_written == 0 and tables() == after
