"""Periodic reports (R7, T6, T7): the units' report tasks and VP's consolidation are reminded like any user
task; R7 adds a reminder on the last working day on or before the 19th to each unit that has not
reported; once T6 has passed, periodic_report tells each unit that still has not."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from engine import operators
from engine.definitions import scheduled
from engine.instances import sweep as timer_sweep
from engine.reminders.operators import remind_units_without_report
from engine.reports.models import ReportRound, ReportSubmission
from engine.reports.periodic import report_period
from engine.usertasks import service as usertasks
from engine.workdays import service as workdays
from tests.conftest import complete_task
from tests.engine.reminders.conftest import by_time, local, notes, run_hourly

JULY = datetime(2026, 7, 10, 2, 0, tzinfo=UTC)
Q3_OPENS = datetime(2026, 9, 1, 1, 0, tzinfo=UTC)  # 01/09/2026 08:00 local
# T6: the 19th/09/2026 is a Saturday -> Monday 21/09 (R4); R7's reminder day is Friday 18/09.
AFTER_T6 = local(2026, 9, 22, 0, 1)
LABEL = "Báo cáo quý III và 9 tháng năm 2026"
UNITS_NOT_YET = ["SO_NV", "SO_XD", "XA_BX"]


def open_q3_round(system, clock) -> None:
    """Start the scheduled processes in July, as `theodoi serve` does, and let the Q3 round open."""
    clock.move_to(JULY)
    with system.db.transaction() as session:
        scheduled.ensure_running(session=session, engine=system.engine)
    clock.move_to(Q3_OPENS + timedelta(seconds=1))
    timer_sweep.fire_due_timers(db=system.db, engine=system.engine, now=clock.now())


def submit(system, clock, principal, at: datetime) -> None:
    clock.move_to(at)
    with system.db.reading() as session:
        [task] = [t for t in usertasks.inbox(session=session, user=principal) if t.bpmn_id == "submit_report"]
    complete_task(system, task.id, principal, {"situation": "Đã triển khai đầy đủ"})


def to_units(codes: list[str]) -> list[tuple[str, str, None]]:
    return sorted((group, code, None) for code in codes for group in ("unit_leader", "unit_staff"))


@pytest.mark.postgres
def test_t6_tasks_r7_and_the_notice_after_t6_reach_only_units_that_have_not_reported(
    system, directory, clock, backend
):
    open_q3_round(system, clock)
    submit(system, clock, directory["sotc"], local(2026, 9, 15, 9))
    run_hourly(system, clock, local(2026, 9, 1, 9), local(2026, 9, 18, 9))
    submit(system, clock, directory["soxd"], local(2026, 9, 18, 10))
    run_hourly(system, clock, local(2026, 9, 18, 11), local(2026, 9, 21, 23))

    # The report task (T6, due 21/09): 3 and 1 working days before, across the weekend 19-20/09.
    tasks = [n for n in notes(system, "user_task_reminder") if "“Báo cáo định kỳ”" in n.message]
    assert by_time(tasks) == {
        local(2026, 9, 16, 7): to_units(UNITS_NOT_YET),
        local(2026, 9, 18, 7): to_units(UNITS_NOT_YET),
    }
    assert tasks[-1].message == (
        f"Việc “Báo cáo định kỳ” ({LABEL}) sắp đến hạn xử lý: còn 1 ngày làm việc, hạn xử lý 21/09/2026."
    )
    # R7: Friday 18/09, the last working day on or before the 19th; Sở Tài chính had reported on 15/09.
    r7 = notes(system, "periodic_report_reminder")
    assert by_time(r7) == {local(2026, 9, 18, 7): to_units(UNITS_NOT_YET)}
    assert {n.message for n in r7 if n.recipient_unit == "SO_NV"} == {
        f"{LABEL}: Sở Nội vụ chưa gửi báo cáo định kỳ về Văn phòng UBND tỉnh. Hạn gửi báo cáo (T6, khoản 1 "
        "Điều 22): còn 1 ngày làm việc, thời hạn 21/09/2026."
    }

    clock.move_to(AFTER_T6)
    timer_sweep.fire_due_timers(db=system.db, engine=system.engine, now=AFTER_T6)
    overdue = notes(system, "periodic_report_not_sent")
    assert by_time(overdue) == {AFTER_T6: to_units(["SO_NV", "XA_BX"])}  # SO_XD reported on 18/09
    assert overdue[0].message == (
        f"{LABEL}: đã hết hạn gửi báo cáo (T6, khoản 1 Điều 22) ngày 21/09/2026 mà đơn vị chưa gửi báo "
        "cáo. Đề nghị gửi ngay; Văn phòng UBND tỉnh nhận báo cáo đến hết ngày 23/09/2026 để tổng hợp."
    )
    [vp] = notes(system, "periodic_report_overdue")  # VP's own notice is still there, once
    assert vp.recipient_group == "vp_specialist"
    run_hourly(system, clock, local(2026, 9, 22, 7), local(2026, 9, 22, 9))
    assert len(notes(system, "periodic_report_reminder")) == len(r7)  # the deadline has passed

    # Run again (a restarted step): nobody is told twice; a T6 moved by a calendar correction is new.
    period = {"kind": "quarter", "year": 2026, "period": 3, "label": LABEL, "receipt_cutoff": "2026-09-23"}
    assert notice_again(system, period) == []
    with system.db.transaction() as session:
        session.execute(
            ReportSubmission.__table__.update()
            .where(ReportSubmission.unit_code == "SO_NV")
            .values(due_date=date(2026, 9, 22))
        )
    assert notice_again(system, period) == ["SO_NV"]


def notice_again(system, period: dict) -> list[str]:
    """Call the operator once more inside a step of the periodic_report instance, and commit."""
    with system.db.transaction() as session:
        instance_id = session.scalar(select(ReportRound.instance_id))
        calendar = workdays.calendar(session=session, settings=system.settings)
        ctx = operators.StepContext(
            session, instance_id, "periodic_report", None, AFTER_T6, calendar, system.engine
        )
        with operators.step(ctx):
            return remind_units_without_report(ctx, period=period)


def test_vp_is_reminded_of_t7_when_every_unit_reported_early(system, directory, clock):
    open_q3_round(system, clock)
    for user in ("sotc", "soxd", "xabx", "admin"):  # the admin enters Sở Nội vụ's report
        submit(system, clock, directory[user], local(2026, 9, 10, 9))
    run_hourly(system, clock, local(2026, 9, 10, 10), local(2026, 9, 24, 12))
    consolidation = [n for n in notes(system, "user_task_reminder") if "“Tổng hợp báo cáo”" in n.message]
    # T7 = Thursday 24/09: 3 working days before is Monday 21/09, 1 is Wednesday 23/09.
    assert by_time(consolidation) == {
        local(2026, 9, 21, 7): [("vp_specialist", None, None)],
        local(2026, 9, 23, 7): [("vp_specialist", None, None)],
    }
    assert notes(system, "periodic_report_reminder") == []
    assert [n for n in notes(system, "user_task_reminder") if "“Báo cáo định kỳ”" in n.message] == []


@pytest.mark.parametrize(
    ("settings_overrides", "reminded_on"),
    [
        ({"reminder_days": ""}, date(2026, 3, 19)),  # "trước ngày 20": the 19th, a Thursday
        ({"reminder_days": "", "report_deadline": "day_20"}, date(2026, 3, 20)),  # the 20th, a Friday
        # The last working day before the 20th: Thursday 19/03 again, which is also T6.
        ({"reminder_days": "", "report_deadline": "last_working_day_before_20"}, date(2026, 3, 19)),
    ],
)
def test_r7_follows_the_report_deadline_setting_and_does_not_need_reminder_days(
    system, directory, clock, reminded_on
):
    with system.db.transaction() as session:
        calendar = workdays.calendar(session=session, settings=system.settings)
        q1 = report_period(calendar, 2026, 3, reading=system.settings.report_deadline)
        round_ = ReportRound(
            kind=q1.kind,
            year=q1.year,
            period=q1.period,
            label=q1.label,
            window_from=q1.window_from,
            window_to=q1.window_to,
            unit_due=q1.unit_due,
            consolidation_due=q1.consolidation_due,
            opened_at=q1.opens_at,
        )
        session.add(round_)
        session.flush()
        session.add(ReportSubmission(round_id=round_.id, unit_code="SO_TC", due_date=q1.unit_due))
    run_hourly(system, clock, local(2026, 3, 18, 7), local(2026, 3, 21, 9))
    [staff] = [n for n in notes(system, "periodic_report_reminder") if n.recipient_group == "unit_staff"]
    assert (staff.created_at, staff.recipient_unit) == (
        local(reminded_on.year, 3, reminded_on.day, 7),
        "SO_TC",
    )
    assert f"thời hạn {q1.unit_due:%d/%m/%Y}" in staff.message
