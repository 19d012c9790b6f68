"""P9 and R8 under each reading of "trước ngày 20" (the report_deadline setting): the Q3 2026 round opens
with its units' due date and its T6 timer on the reading's day, a calendar correction moves T6 by the same
reading, and a task without deadline is reminded on the same day."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from engine.instances import service as instances
from engine.reports.models import ReportRound, ReportSubmission
from tests.engine.workdays.test_corrections import correct, listed
from tests.processes.test_assignment import classify, eod, item
from tests.processes.test_assignment import timers as assignment_timers
from tests.processes.test_periodic_report import (
    OVERDUE_NOTICES,
    Q3_OPENS,
    report_task,
    start_scheduler,
    sweep,
)

LABEL = "Báo cáo quý III và 9 tháng năm 2026"
UNITS = ["SO_NV", "SO_TC", "SO_XD", "XA_BX"]  # every unit of the test directory but VP
# Q3 2026: Saturday 19/09 and Sunday 20/09, Thursday 24/09 and Friday 25/09.
READINGS = [
    ("day_19", date(2026, 9, 21), date(2026, 9, 24)),  # the 19th, moved to Monday (R4)
    ("day_20", date(2026, 9, 21), date(2026, 9, 25)),  # the 20th, moved to Monday (R4)
    ("last_working_day_before_20", date(2026, 9, 18), date(2026, 9, 24)),  # Friday, before the weekend
]


@pytest.fixture
def settings_overrides(request) -> dict:
    return {"report_deadline": request.param}


def waiting(system, instance_id: int) -> dict[str, datetime]:
    with system.db.reading() as session:
        return {t.bpmn_id: t.fire_at for t in instances.timers(session=session, instance_id=instance_id)}


@pytest.mark.parametrize(
    ("settings_overrides", "t6", "t7"),
    READINGS,
    indirect=["settings_overrides"],
    ids=[r[0] for r in READINGS],
)
def test_the_round_opens_with_t6_and_t7_as_the_setting_reads_them(system, directory, clock, t6, t7):
    [periodic] = start_scheduler(system, clock)
    sweep(system, clock, Q3_OPENS + timedelta(seconds=1))
    with system.db.reading() as session:
        row = session.scalar(select(ReportRound))
        dues = dict(session.execute(select(ReportSubmission.unit_code, ReportSubmission.due_date)).all())
    assert (row.label, row.unit_due, row.consolidation_due) == (LABEL, t6, t7)
    assert dues == dict.fromkeys(UNITS, t6)
    task = report_task(system, directory["sotc"])
    assert task.due_at == eod(t6)
    assert f"**{t6:%d/%m/%Y}**" in task.instructions
    assert waiting(system, periodic)["t6_overdue"] == eod(t6)

    sweep(system, clock, eod(t6) - timedelta(seconds=1))
    with system.db.reading() as session:
        assert session.scalars(OVERDUE_NOTICES).all() == []
    sweep(system, clock, eod(t6) + timedelta(minutes=1))
    with system.db.reading() as session:
        [notice] = session.scalars(OVERDUE_NOTICES).all()
    assert f"đã hết hạn gửi báo cáo (T6, khoản 1 Điều 22) ngày {t6:%d/%m/%Y}" in notice.message


@pytest.mark.parametrize("settings_overrides", ["last_working_day_before_20"], indirect=True)
def test_a_day_off_declared_on_t6_moves_it_back_under_the_last_working_day_reading(system, directory, clock):
    [periodic] = start_scheduler(system, clock)  # July 2026: the round opens on 01/09
    done = correct(system, clock, date(2026, 9, 18), False)  # Friday 18/09 off: T6 is Thursday 17/09
    assert ("report_t6", LABEL, "Các đơn vị báo cáo", date(2026, 9, 18), date(2026, 9, 17)) in listed(done)
    sweep(system, clock, Q3_OPENS + timedelta(seconds=1))
    with system.db.reading() as session:
        assert set(session.scalars(select(ReportSubmission.due_date))) == {date(2026, 9, 17)}
    assert waiting(system, periodic)["t6_overdue"] == eod(date(2026, 9, 17))


@pytest.mark.parametrize(
    ("settings_overrides", "t6"),
    [(reading, t6) for reading, t6, _ in READINGS],
    indirect=["settings_overrides"],
    ids=[r[0] for r in READINGS],
)
def test_a_task_without_deadline_is_due_for_its_update_on_the_same_t6(system, directory, clock, t6):
    clock.move_to(Q3_OPENS - timedelta(days=62))  # 01/07/2026
    [_, a_id] = classify(system, directory, item("Có hạn", "SO_XD", "2026-12-31"), item("Không hạn", "SO_TC"))
    assert assignment_timers(system, a_id) == {"period_due": eod(t6)}  # R8: aligned with R7's T6
