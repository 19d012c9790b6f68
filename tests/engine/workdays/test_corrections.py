"""A calendar correction moves open assignments: the reproduction of a day off declared after dispatch
(11/02/2027 in Tết 2027), its removal, a late correction, and the dry run that lists what then moves."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from engine.assignments import service as tracked
from engine.assignments.models import DeadlineAdjustment
from engine.errors import NotFoundError
from engine.instances import service as instances
from engine.instances.rescheduling import RESCHEDULED
from engine.notifications.models import Notification
from engine.reports import buckets
from engine.workdays import corrections
from engine.workdays import service as workdays
from engine.workdays.models import CalendarChange, CalendarOverride, DeadlineMove
from tests.processes.test_assignment import (
    accept,
    act,
    after,
    assignment,
    changes,
    classify,
    eod,
    get,
    item,
    notes_to,
    sweep,
    tasks_of,
    timers,
)

TET_DAY = date(2027, 2, 11)  # a Thursday the holidays package counts as a working day in 2027
SUBJECT = "Nhiệm vụ 1 của văn bản 12/QĐ-UBND"


def local(day: date, hour: int = 9) -> datetime:
    """`hour` o'clock local time (UTC+7) on `day`."""
    return datetime(day.year, day.month, day.day, hour - 7, tzinfo=UTC)


def correct(system, clock, day: date, working: bool | None, *, dry_run: bool = False, note: str = "Nghỉ Tết"):
    """The correction as the API does it, by the administrator, in a unit of work of its own."""
    unit_of_work = system.db.reading if dry_run else system.db.transaction
    with unit_of_work() as session:
        return corrections.change_override(
            session=session,
            engine=system.engine,
            day=day,
            working=working,
            note=note,
            actor="admin",
            now=clock.now(),
            dry_run=dry_run,
        )


def listed(done) -> list[tuple[str, str, str, date, date]]:
    return [(m.kind, m.subject, m.unit_name, m.old, m.new) for m in done.moves]


def bucket_counts(system, as_of: date) -> dict[str, int]:
    with system.db.reading() as session:
        calendar = workdays.calendar(session=session, settings=system.settings)
        [row] = buckets.per_unit(session, as_of=as_of, calendar=calendar, unit_codes=["SO_TC"])
    return {key: row[key] for key in ("done_on_time", "done_late", "open_in_time", "open_late")}


def count(system, model) -> int:
    with system.db.reading() as session:
        return session.scalar(select(func.count()).select_from(model))


@pytest.mark.postgres
def test_a_day_off_declared_after_dispatch_moves_the_deadline_and_a_completion_then_counts_on_time(
    system, directory, clock, backend
):
    [a_id] = classify(system, directory, item("Lập quy hoạch", "SO_TC", "2027-02-11"))
    assert timers(system, a_id) == {"due_passed": eod(TET_DAY)}
    [review] = tasks_of(system, directory["sotc"], "review")
    assert "Thời hạn: **11/02/2027**" in review.instructions

    preview = correct(system, clock, TET_DAY, False, dry_run=True)
    expected = [
        ("assignment", SUBJECT, "Sở Tài chính", TET_DAY, date(2027, 2, 12)),
        ("assignment_t2", SUBJECT, "Sở Tài chính", date(2027, 2, 16), date(2027, 2, 17)),
    ]
    assert listed(preview) == expected and preview.change is None
    # The dry run changed nothing at all.
    assert assignment(system, a_id).effective_due_date == TET_DAY
    assert timers(system, a_id) == {"due_passed": eod(TET_DAY)}
    assert (count(system, CalendarOverride), count(system, CalendarChange), count(system, DeadlineMove)) == (
        8,
        0,
        0,
    )
    assert [n for n in notes_to(system, "SO_TC") if n.kind == "deadline_moved"] == []

    done = correct(system, clock, TET_DAY, False)
    assert done.moves == preview.moves  # exactly what the preview listed

    # The effective deadline, the waiting timer and the texts that quote the date moved (R4).
    assert assignment(system, a_id).effective_due_date == date(2027, 2, 12)
    assert timers(system, a_id) == {"due_passed": eod(date(2027, 2, 12))}
    [review] = tasks_of(system, directory["sotc"], "review")
    assert "Thời hạn: **11/02/2027 (ngày nghỉ, tính đến hết ngày 12/02/2027)**" in review.instructions

    # The history says who, when, old, new, and the override that caused it.
    assert ("update", {"effective_due_date": ["2027-02-11", "2027-02-12"]}, "admin") in changes(system, a_id)
    [adjustment] = get(system, DeadlineAdjustment, assignment_id=a_id)
    assert (adjustment.old_effective_due_date, adjustment.new_effective_due_date) == (
        TET_DAY,
        date(2027, 2, 12),
    )
    assert (adjustment.old_due_date, adjustment.new_due_date) == (TET_DAY, TET_DAY)  # the due date stays
    assert adjustment.decided_by == "admin" and adjustment.decided_at == clock.now()
    assert adjustment.basis == (
        "Lịch làm việc: ngày 11/02/2027 được khai báo là ngày nghỉ (Nghỉ Tết) "
        f"[thay đổi lịch số {done.change.id}]."
    )
    with system.db.reading() as session:
        shown = tracked.history(session, assignment_id=a_id)
        recorded = session.scalars(select(DeadlineMove).order_by(DeadlineMove.id)).all()
        logged = instances.events(session=session, instance_id=assignment(system, a_id).instance_id)
    assert any(c.entity == "deadline_adjustments" and c.actor == "admin" for c in shown)  # Lịch sử xử lý
    assert [(m.change_id, m.kind, m.old_date, m.new_date) for m in recorded] == [
        (done.change.id, "assignment", TET_DAY, date(2027, 2, 12)),
        (done.change.id, "assignment_t2", date(2027, 2, 16), date(2027, 2, 17)),
    ]
    [rescheduled] = [e for e in logged if e.kind == RESCHEDULED]
    assert rescheduled.actor == "admin" and rescheduled.data["calendar_change_id"] == done.change.id

    # The unit is told, its leader and its staff.
    moved = [n for n in notes_to(system, "SO_TC") if n.kind == "deadline_moved"]
    assert {n.recipient_group for n in moved} == {"unit_leader", "unit_staff"}
    assert f"- {SUBJECT} — Thời hạn thực hiện nhiệm vụ: từ ngày 11/02/2027 sang ngày 12/02/2027" in (
        moved[0].message
    )

    # 11/02 passes without a reminder; the unit reports the result on 12/02 and VP confirms it.
    accept(system, directory)
    assert sweep(system, clock, after(TET_DAY)).advanced == []
    act(
        system,
        directory["sotc"],
        "update",
        {"kind": "result", "result": "Đã trình quy hoạch", "completed_on": "2027-02-12"},
        at=local(date(2027, 2, 12), 15),
        clock=clock,
    )
    act(system, directory["cv"], "confirm", {"decision": "confirm"}, at=local(date(2027, 2, 15)), clock=clock)
    assert bucket_counts(system, date(2027, 2, 15)) == {
        "done_on_time": 1,  # Hoàn thành đúng hạn
        "done_late": 0,
        "open_in_time": 0,
        "open_late": 0,
    }


def test_removing_the_override_moves_the_deadline_back(system, directory, clock):
    [a_id] = classify(system, directory, item("Lập quy hoạch", "SO_TC", "2027-02-11"))
    correct(system, clock, TET_DAY, False)
    clock.move_to(local(date(2025, 3, 3)))
    preview = correct(system, clock, TET_DAY, None, dry_run=True)
    done = correct(system, clock, TET_DAY, None)
    assert (
        listed(done)
        == listed(preview)
        == [
            ("assignment", SUBJECT, "Sở Tài chính", date(2027, 2, 12), TET_DAY),
            ("assignment_t2", SUBJECT, "Sở Tài chính", date(2027, 2, 17), date(2027, 2, 16)),
        ]
    )
    assert assignment(system, a_id).effective_due_date == TET_DAY
    assert timers(system, a_id) == {"due_passed": eod(TET_DAY)}
    [review] = tasks_of(system, directory["sotc"], "review")
    assert "Thời hạn: **11/02/2027**" in review.instructions
    adjustments = get(system, DeadlineAdjustment, assignment_id=a_id)
    assert [(d.old_effective_due_date, d.new_effective_due_date) for d in adjustments] == [
        (TET_DAY, date(2027, 2, 12)),
        (date(2027, 2, 12), TET_DAY),
    ]
    assert "bỏ khai báo ngày 11/02/2027, ngày này trở lại là ngày làm việc" in adjustments[1].basis
    with system.db.reading() as session:
        override_history = workdays.changes(session=session, year=2027)
    assert [(c.old, c.new, c.actor) for c in override_history] == [
        ({"working": False, "note": "Nghỉ Tết"}, None, "admin"),
        (None, {"working": False, "note": "Nghỉ Tết"}, "admin"),
    ]
    with pytest.raises(NotFoundError):
        correct(system, clock, TET_DAY, None)


def test_a_late_correction_keeps_reports_as_of_earlier_dates_and_judges_the_result_on_the_new_date(
    system, directory, clock
):
    # Decision: a calendar move is a deadline adjustment, so the figures as of a day before the correction
    # stay what they were (a report printed then can be printed again), while everything judged after it
    # (this completion, confirmed after the correction) uses the deadline the law gives.
    [a_id] = classify(system, directory, item("Lập quy hoạch", "SO_TC", "2027-02-11"))
    accept(system, directory)
    sweep(system, clock, after(TET_DAY))  # the deadline passed: the unit was reminded
    act(
        system,
        directory["sotc"],
        "update",
        {"kind": "result", "result": "Đã trình quy hoạch", "completed_on": "2027-02-12"},
        at=local(date(2027, 2, 12), 15),
        clock=clock,
    )
    assert bucket_counts(system, date(2027, 2, 12))["open_late"] == 1

    clock.move_to(local(date(2027, 2, 13)))
    done = correct(system, clock, TET_DAY, False)
    assert [m.kind for m in done.moves] == ["assignment", "assignment_t2"]
    assert timers(system, a_id) == {"t2_passed": eod(date(2027, 2, 17))}  # the watch re-read the deadline
    assert bucket_counts(system, date(2027, 2, 12))["open_late"] == 1  # as it was reported then

    act(system, directory["cv"], "confirm", {"decision": "confirm"}, at=local(date(2027, 2, 15)), clock=clock)
    assert bucket_counts(system, date(2027, 2, 15))["done_on_time"] == 1
    assert bucket_counts(system, date(2027, 2, 12))["open_late"] == 1


def test_a_day_no_open_deadline_depends_on_moves_nothing_and_the_same_override_twice_is_no_change(
    system, directory, clock
):
    [a_id] = classify(system, directory, item("Lập quy hoạch", "SO_TC", "2027-02-11"))
    done = correct(system, clock, date(2027, 3, 10), False)
    assert done.moves == [] and done.change is not None
    again = correct(system, clock, date(2027, 3, 10), False)
    assert again.change is None and again.moves == []
    assert corrections.describe(again)[-1] == "Không có thời hạn nào phải điều chỉnh."
    assert get(system, DeadlineAdjustment) == [] and assignment(system, a_id).effective_due_date == TET_DAY
    with system.db.reading() as session:
        assert session.scalars(select(Notification).where(Notification.kind == "deadline_moved")).all() == []
