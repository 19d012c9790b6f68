"""P10 (Đ26.1, Đ25.2): the yearly report on implementing the regulation opens by itself on 1 December (the
next working day when that is a day off), VP assesses the frozen figures, the Chief of VP submits it to the
Chairman or returns it to VP with remarks, and next year's is scheduled; a past year's report on demand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from engine import clock as clock_module
from engine.auth import service as auth
from engine.calendar import WorkCalendar
from engine.definitions import scheduled
from engine.definitions import service as definitions
from engine.directory.models import Unit
from engine.errors import ConflictError, ValidationError
from engine.instances import service as instances
from engine.instances import sweep as timer_sweep
from engine.instances.models import ProcessInstance
from engine.notifications.models import Notification
from engine.reports import compliance
from engine.reports import regulation_report as reports
from engine.usertasks import service as usertasks
from tests.conftest import PASSWORD, UNITS, complete_task
from tests.factories import add_assignment, add_document

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
KEY = "scheduled:regulation_report"
OWN_TASKS = {"assess", "approve"}
ASSESSMENT = {
    "results": "Các đơn vị cơ bản thực hiện nghiêm Quy chế.",
    "shortcomings": "Một số sở cập nhật chậm sau hạn T2.",
    "causes": "Chưa bố trí cán bộ đầu mối ổn định.",
    "proposals": "Đề nghị Chủ tịch phê bình các đơn vị có nhiệm vụ quá hạn.",
    "emulation": "Sở Tài chính: hoàn thành tốt nhiệm vụ.",
}
APPROVE = {"chief_decision": "approve"}
RETURN_REMARKS = "Bổ sung nguyên nhân chủ quan của việc cập nhật chậm."


def local(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=LOCAL).astimezone(UTC)


@pytest.fixture
def people(system):
    """regulation_report deployed alone (other diagrams are not what this tests), the units, and VP's
    specialist, the Chief of VP and the Chairman; {username: Principal}."""
    processes = Path(system.settings.processes_dir)
    users = [
        ("cv", "Nguyễn Thị Theo Dõi", ["vp_specialist"]),
        ("cvp", "Trần Văn Chánh", ["vp_chief"]),
        ("ct", "Đinh Chủ Tịch", ["chairman"]),
    ]
    with system.db.transaction() as session:
        data = (processes / "regulation_report.bpmn").read_bytes()
        definitions.deploy(
            session=session,
            settings=system.settings,
            data=data,
            filename="regulation_report.bpmn",
            actor="test",
        )
        session.add_all(Unit(code=c, name=n, unit_type=t) for c, n, t in UNITS)
        session.flush()
        now = clock_module.now()
        return {
            u: auth.principal(
                auth.create_user(
                    session=session,
                    username=u,
                    password=PASSWORD,
                    full_name=name,
                    roles=roles,
                    unit_code="VP_UBND",
                    now=now,
                )
            )
            for u, name, roles in users
        }


def seed(system) -> None:
    """Sở Tài chính: one task done on time, one overdue; Sở Xây dựng: one without deadline."""
    with system.db.transaction() as session:
        doc = add_document(session, issued_on=date(2026, 1, 5), created_at=local(date(2026, 1, 5)))
        add_assignment(
            session,
            doc,
            seq=1,
            lead="SO_TC",
            due=date(2026, 6, 30),
            completed_on=date(2026, 6, 20),
            confirmed_at=local(date(2026, 6, 22)),
            created_at=local(date(2026, 1, 6)),
        )
        add_assignment(
            session, doc, seq=2, lead="SO_TC", due=date(2026, 9, 30), created_at=local(date(2026, 1, 6))
        )
        add_assignment(session, doc, seq=3, lead="SO_XD", created_at=local(date(2026, 1, 6)))


def start_scheduler(system, clock, at: datetime) -> int:
    clock.move_to(at)
    with system.db.transaction() as session:
        [instance_id] = scheduled.ensure_running(session=session, engine=system.engine)
    return instance_id


def sweep(system, clock, at: datetime):
    clock.move_to(at)
    return timer_sweep.fire_due_timers(db=system.db, engine=system.engine, now=at)


def task_of(system, principal, bpmn_id: str):
    with system.db.reading() as session:
        [task] = [t for t in usertasks.inbox(session=session, user=principal) if t.bpmn_id == bpmn_id]
    return task


def the_timer(system, instance_id: int):
    with system.db.reading() as session:
        [timer] = instances.timers(session=session, instance_id=instance_id)
    return timer


def test_the_2026_report_opens_on_1_december_vp_assesses_and_the_chief_submits(system, people, clock):
    seed(system)
    instance_id = start_scheduler(system, clock, local(date(2026, 7, 1)))
    timer = the_timer(system, instance_id)
    assert (timer.bpmn_id, timer.fire_at) == ("report_opens", local(date(2026, 12, 1), 8))  # a Tuesday
    assert date(2026, 12, 1).weekday() == 1
    assert sweep(system, clock, local(date(2026, 12, 1), 7)).advanced == []
    assert instance_id in sweep(system, clock, local(date(2026, 12, 1), 8) + timedelta(seconds=1)).advanced

    with system.db.reading() as session:
        row = reports.get(session, 2026)
        expected = compliance.figures(session, year=2026, as_of=date(2026, 12, 1), calendar=WorkCalendar())
    assert (row.status, row.as_of, row.instance_id) == ("open", date(2026, 12, 1), instance_id)
    assert row.figures == expected
    tc = next(u for u in row.figures["units"] if u["unit_code"] == "SO_TC")
    assert (tc["tasks"], tc["completed_on_time"], tc["overdue"]) == (2, 1, 1)

    task = task_of(system, people["cv"], "assess")
    assert task.name == "Đánh giá tình hình thực hiện Quy chế"
    assert "Sở Tài chính: 2 nhiệm vụ, hoàn thành đúng hạn 1, quá hạn 1" in task.instructions
    assert "01/12/2026" in task.instructions
    clock.move_to(local(date(2026, 12, 3)))
    complete_task(system, task.id, people["cv"], ASSESSMENT)
    with system.db.reading() as session:
        assert reports.get(session, 2026).status == "assessed"

    # Data changes after the figures were frozen: the report keeps its figures.
    with system.db.transaction() as session:
        doc = add_document(session, number="99/QĐ-UBND", created_at=local(date(2026, 12, 4)))
        add_assignment(
            session, doc, seq=1, lead="SO_TC", due=date(2026, 12, 2), created_at=local(date(2026, 12, 4))
        )

    approve = task_of(system, people["cvp"], "approve")
    assert "Một số sở cập nhật chậm sau hạn T2." in approve.instructions
    clock.move_to(local(date(2026, 12, 7)))
    complete_task(
        system, approve.id, people["cvp"], {"chief_decision": "approve", "chief_remarks": "Trình Chủ tịch"}
    )
    with system.db.reading() as session:
        row = reports.get(session, 2026)
        notices = list(
            session.scalars(select(Notification).where(Notification.kind == "regulation_report_submitted"))
        )
        successor = session.scalars(
            select(ProcessInstance).where(
                ProcessInstance.business_key == KEY, ProcessInstance.id != instance_id
            )
        ).one()
    assert (row.status, row.submitted_by, row.submitted_at) == ("submitted", "cvp", local(date(2026, 12, 7)))
    assert row.figures == expected  # frozen
    assert row.assessment["emulation"] == ASSESSMENT["emulation"]
    assert [n.recipient_group for n in notices] == ["chairman"]
    assert "01/12/2026" in notices[0].message

    sweep(system, clock, local(date(2026, 12, 7), 10))  # the successor's first steps run from the sweep
    timer = the_timer(system, successor.id)
    assert timer.fire_at == local(date(2027, 12, 1), 8)  # Wednesday 01/12/2027


def test_when_1_december_is_a_weekend_the_report_opens_the_next_working_day(system, people, clock):
    # 01/12/2029 is a Saturday: the report opens on Monday 03/12/2029.
    assert date(2029, 12, 1).weekday() == 5
    instance_id = start_scheduler(system, clock, local(date(2029, 3, 1)))
    assert the_timer(system, instance_id).fire_at == local(date(2029, 12, 3), 8)


def test_the_opening_day_is_a_setting(system, people, clock):
    calendar = WorkCalendar()
    assert reports.opening_day(calendar, 2026, "12-15") == date(2026, 12, 15)
    assert reports.opening_day(calendar, 2027, "12-05") == date(2027, 12, 6)  # a Sunday
    with pytest.raises(ValueError):
        reports.opening_day(calendar, 2026, "1 tháng 12")


def test_a_past_year_s_report_on_demand_and_its_refusals(system, people, clock):
    seed(system)
    clock.move_to(local(date(2027, 2, 1)))
    with system.db.transaction() as session:
        with pytest.raises(ValidationError):
            reports.check_on_demand(session, 2027, date(2027, 2, 1))  # the year is not over
        with pytest.raises(ValidationError):
            reports.check_on_demand(session, 2025, date(2027, 2, 1))  # no data for 2025
        reports.check_on_demand(session, 2026, date(2027, 2, 1))
        instance = instances.start(
            session=session,
            engine=system.engine,
            process_id="regulation_report",
            data={},
            actor="cv",
            business_key=reports.on_demand_key(2026),
        )
    with system.db.reading() as session:
        row = reports.get(session, 2026)
        assert (row.as_of, row.status, row.instance_id) == (date(2026, 12, 31), "open", instance.id)
        with pytest.raises(ConflictError):
            reports.check_on_demand(session, 2026, date(2027, 2, 1))
    complete_task(system, task_of(system, people["cv"], "assess").id, people["cv"], ASSESSMENT)
    complete_task(system, task_of(system, people["cvp"], "approve").id, people["cvp"], APPROVE)
    with system.db.reading() as session:
        assert reports.get(session, 2026).status == "submitted"
        # On demand: no schedule is started for next year.
        assert session.scalar(select(ProcessInstance.id).where(ProcessInstance.business_key == KEY)) is None


def test_the_chief_returns_the_assessment_with_remarks_and_vp_revises_it(system, people, clock):
    seed(system)
    instance_id = start_scheduler(system, clock, local(date(2026, 7, 1)))
    sweep(system, clock, local(date(2026, 12, 1), 8) + timedelta(seconds=1))
    clock.move_to(local(date(2026, 12, 2)))
    complete_task(system, task_of(system, people["cv"], "assess").id, people["cv"], ASSESSMENT)

    approve = task_of(system, people["cvp"], "approve")
    with pytest.raises(ValidationError):  # a return needs the remarks
        complete_task(system, approve.id, people["cvp"], {"chief_decision": "return"})
    clock.move_to(local(date(2026, 12, 3)))
    complete_task(
        system, approve.id, people["cvp"], {"chief_decision": "return", "chief_remarks": RETURN_REMARKS}
    )
    with system.db.reading() as session:
        row = reports.get(session, 2026)
        assert (row.status, row.approval_note, row.submitted_at) == ("returned", RETURN_REMARKS, None)
        assert reports.STATUS_LABELS[row.status] == "Chánh Văn phòng trả lại, chờ Văn phòng chỉnh sửa"
        assert usertasks.inbox(session=session, user=people["cvp"]) == []

    # VP's task comes back with the remarks shown and the previous text in the form.
    again = task_of(system, people["cv"], "assess")
    assert again.instructions.startswith(f"**Chánh Văn phòng trả lại báo cáo**: {RETURN_REMARKS}")
    with system.db.reading() as session:
        prefilled = usertasks.form_data(session=session, engine=system.engine, row=again)
    assert {k: prefilled[k] for k in ASSESSMENT} == ASSESSMENT

    revised = {**ASSESSMENT, "causes": ASSESSMENT["causes"] + " Một số sở chưa quan tâm chỉ đạo cập nhật."}
    clock.move_to(local(date(2026, 12, 4)))
    complete_task(system, again.id, people["cv"], revised)
    with system.db.reading() as session:
        row = reports.get(session, 2026)
        assert (row.status, row.assessment["causes"]) == ("assessed", revised["causes"])
        assert row.assessed_at == local(date(2026, 12, 4))

    # The chief's form starts blank again and shows the revised text; this time he approves.
    approve = task_of(system, people["cvp"], "approve")
    assert revised["causes"] in approve.instructions
    with system.db.reading() as session:
        blank = usertasks.form_data(session=session, engine=system.engine, row=approve)
    assert (blank["chief_decision"], blank["chief_remarks"]) == (None, None)
    complete_task(system, approve.id, people["cvp"], APPROVE)
    with system.db.reading() as session:
        row = reports.get(session, 2026)
        assert (row.status, row.approval_note) == ("submitted", None)
        notices = session.scalars(
            select(Notification).where(Notification.kind == "regulation_report_submitted")
        ).all()
        assert len(notices) == 1
        instance = instances.get_or_raise(session=session, instance_id=instance_id)
        assert instance.status == "completed"
