"""Issue 12's "done means" for the import, on an office's sheet of 5,000 tasks (most of them history, a few
hundred open): with 3 bad rows it reports exactly those rows and writes nothing; fixed, it writes every task,
the open ones with their running `assignment` process and its timers, the done ones done on their date;
imported again, it changes nothing."""

from __future__ import annotations

import time
from datetime import datetime

from sqlalchemy import func, select

from engine import clock as clock_module
from engine.assignments.models import CONFIRMED, Assignment
from engine.calendar import WorkCalendar
from engine.documents.models import Document
from engine.history import ChangeRecord
from engine.imports.models import IMPORTED, REFUSED, DataImport
from engine.instances.models import RUNNING, ProcessInstance, WaitingTimer
from engine.usertasks.models import READY, UserTaskRow
from engine.workdays import service as workdays
from tests.engine.imports.sheets import COLUMN, tracking_sheet

TASKS = 5000
OPEN_EVERY = 25  # 200 open tasks: each starts its process, the costly part of an import


def test_5000_rows_with_3_bad_ones_write_nothing_then_everything_then_nothing_again(
    system, run_import, tables, tmp_path
):
    sheet = tracking_sheet(TASKS, open_every=OPEN_EVERY)
    unknown_unit, bad_date = 1234, 3210
    secret = next(i for i in sheet.single_task_rows() if i > 4000)
    good = {i: list(sheet.rows[i]) for i in (unknown_unit, bad_date, secret)}
    sheet.rows[unknown_unit][COLUMN["Cơ quan chủ trì"]] = "Sở Khoa học và Công nghệ"  # not in the directory
    sheet.rows[bad_date][COLUMN["Thời hạn hoàn thành"]] = "31/02/2025"
    sheet.rows[secret][COLUMN["Độ mật"]] = "Mật"
    path = sheet.save(tmp_path / "theo-doi-nhiem-vu.xlsx")
    before = tables()

    began = time.perf_counter()
    refused = run_import(path)
    checking = time.perf_counter() - began

    assert refused.refused and refused.written is None
    assert sorted(refused.checked.bad_rows) == sorted(
        sheet.row_number(i) for i in (unknown_unit, bad_date, secret)
    )
    messages = {p.row: p for p in refused.checked.problems}
    assert "Sở Khoa học và Công nghệ" in messages[sheet.row_number(unknown_unit)].message
    assert messages[sheet.row_number(unknown_unit)].column == "G — Cơ quan chủ trì"
    assert "31/02/2025" in messages[sheet.row_number(bad_date)].message
    assert "Điều 5 khoản 2" in messages[sheet.row_number(secret)].message
    assert tables() == before
    with system.db.reading() as session:
        record = session.scalars(select(DataImport)).one()
        assert (record.status, record.rows_read, record.rows_bad, record.rows_written) == (
            REFUSED,
            TASKS,
            3,
            0,
        )

    for i, row in good.items():
        sheet.rows[i] = row
    sheet.save(path)
    began = time.perf_counter()
    imported = run_import(path)
    writing = time.perf_counter() - began

    assert imported.ok and imported.written.rows_written == TASKS
    assert imported.written.processes_started == len(sheet.open_rows)
    with system.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == sheet.documents
        assert session.scalar(select(func.count()).select_from(Assignment)) == TASKS
        open_tasks = list(session.scalars(select(Assignment).where(Assignment.stage != CONFIRMED)))
        assert len(open_tasks) == len(sheet.open_rows)
        running = dict(
            session.execute(
                select(ProcessInstance.id, ProcessInstance.status).where(
                    ProcessInstance.process_id == "assignment"
                )
            ).all()
        )
        assert {running[a.instance_id] for a in open_tasks} == {RUNNING}
        # Each waits where the diagram says: on its deadline's timer (the due date, then T2), on the update
        # calendar of a task without deadline (R8), or, past T2 without an update, in VP's inbox for the
        # urging letter (Đ9, Đ19.3).
        timed = set(session.scalars(select(WaitingTimer.instance_id).distinct()))
        urging = set(
            session.scalars(
                select(UserTaskRow.instance_id).where(
                    UserTaskRow.bpmn_id == "send_urging", UserTaskRow.state == READY
                )
            )
        )
        calendar = workdays.calendar(session=session, settings=system.settings)
        today = calendar.local_date(clock_module.now())
        waiting_for_time = {
            a.instance_id
            for a in open_tasks
            if a.effective_due_date is None or calendar.add_working_days(a.effective_due_date, 3) >= today
        }
        assert waiting_for_time <= timed
        late_silent = {
            a.instance_id
            for a in open_tasks
            if a.instance_id not in waiting_for_time and a.last_update_at is None
        }
        assert late_silent and late_silent <= urging
        first_done = next(i for i in range(TASKS) if i not in sheet.open_rows)
        done = session.scalars(
            select(Assignment).where(Assignment.content == sheet.rows[first_done][5])
        ).one()
        completed = sheet.rows[first_done][COLUMN["Ngày hoàn thành"]]
        completed = (
            completed.date()
            if isinstance(completed, datetime)
            else datetime.strptime(completed, "%d/%m/%Y").date()
        )
        assert (done.stage, done.progress, done.completed_on, done.instance_id) == (
            CONFIRMED,
            "done",
            completed,
            None,
        )
        assert WorkCalendar().local_date(done.confirmed_at) == completed
        inserted = session.scalars(
            select(ChangeRecord).where(
                ChangeRecord.entity == "assignments", ChangeRecord.entity_id == str(done.id)
            )
        ).one()
        assert (inserted.action, inserted.actor, inserted.note) == (
            "insert",
            "cv",
            "Nhập từ tệp Excel theo-doi-nhiem-vu.xlsx",
        )
        assert session.scalars(select(DataImport.status).order_by(DataImport.id)).all() == [REFUSED, IMPORTED]
    after = tables()
    instances = _instances(system)

    again = run_import(path)

    assert again.written.rows_written == 0 and again.checked.rows_existing == TASKS
    assert f"{TASKS:,}".replace(",", ".") + " dòng đã có, bỏ qua." in again.summary()
    assert tables() == after
    assert _instances(system) == instances
    print(
        f"\n5.000 dòng: kiểm tra {checking:.1f} s; nhập {writing:.1f} s ({len(sheet.open_rows)} nhiệm vụ mở)"
    )


def _instances(system) -> int:
    with system.db.reading() as session:
        return session.scalar(select(func.count()).select_from(ProcessInstance))
