"""Helpers of the reminder tests: local times, passes driven by the frozen clock, what was sent."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from engine.notifications.models import Notification
from engine.reminders.models import DeadlineReminder
from engine.reminders.service import send_due_reminders

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def local(year: int, month: int, day: int, hour: int = 8, minute: int = 0) -> datetime:
    """A local (UTC+7) wall-clock time, as the aware UTC instant the clock holds."""
    return datetime(year, month, day, hour, minute, tzinfo=TZ).astimezone(UTC)


def eod(day: date) -> datetime:
    """R3: a deadline on `day` ends at 24:00 local time."""
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=TZ).astimezone(UTC)


def run(system, clock, at: datetime) -> int:
    """One call of the reminder pass at `at`, as the timer loop makes it."""
    clock.move_to(at)
    return send_due_reminders(db=system.db, engine=system.engine, now=at)


def run_hourly(system, clock, start: datetime, end: datetime) -> int:
    """Call the pass every hour (and again 20 minutes later) from `start` to `end`: what a loop polling
    every few seconds would do, at the moments that matter."""
    sent, at = 0, start
    while at <= end:
        sent += run(system, clock, at) + run(system, clock, at + timedelta(minutes=20))
        at += timedelta(hours=1)
    return sent


def notes(system, kind: str) -> list[Notification]:
    """Notifications of `kind`, oldest first."""
    with system.db.reading() as session:
        query = select(Notification).where(Notification.kind == kind).order_by(Notification.id)
        return list(session.scalars(query))


def sent_keys(system, subject_kind: str) -> list[tuple[str, date, int]]:
    """(subject id, deadline, days before) of the reminders recorded, in the order they were sent."""
    with system.db.reading() as session:
        query = (
            select(DeadlineReminder.subject_id, DeadlineReminder.deadline, DeadlineReminder.days_before)
            .where(DeadlineReminder.subject_kind == subject_kind)
            .order_by(DeadlineReminder.id)
        )
        return [tuple(row) for row in session.execute(query)]


def by_time(rows: list[Notification]) -> dict[datetime, list[tuple[str | None, str | None, str | None]]]:
    """{sent at: sorted (group, unit, user) recipients}."""
    found: dict[datetime, list] = {}
    for n in rows:
        found.setdefault(n.created_at, []).append((n.recipient_group, n.recipient_unit, n.recipient_user))
    return {at: sorted(who, key=lambda r: tuple(x or "" for x in r)) for at, who in found.items()}
