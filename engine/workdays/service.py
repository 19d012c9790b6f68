"""The calendar as data: overrides an administrator keeps, and the WorkCalendar built from them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.calendar import WorkCalendar
from engine.config import Settings
from engine.errors import NotFoundError
from engine.workdays.models import CalendarOverride


def calendar(*, session: Session, settings: Settings) -> WorkCalendar:
    """The calendar as of now: the package plus every override (a few dozen rows, read per unit of work
    so that every process sees an administrator's change at once, with nothing to invalidate)."""
    rows = session.execute(select(CalendarOverride.day, CalendarOverride.working)).all()
    return WorkCalendar(
        {day: working for day, working in rows},
        culture_day_is_holiday=settings.culture_day_is_holiday,
        timezone=settings.timezone,
    )


def list_(*, session: Session, year: int | None = None) -> list[CalendarOverride]:
    """Overrides, oldest first, optionally of one year."""
    query = select(CalendarOverride).order_by(CalendarOverride.day)
    if year is not None:
        query = query.where(
            CalendarOverride.day >= date(year, 1, 1), CalendarOverride.day <= date(year, 12, 31)
        )
    return list(session.scalars(query))


def set_override(
    *, session: Session, day: date, working: bool, note: str, actor: str | None, now: datetime
) -> CalendarOverride:
    """Declare `day` a working day or a day off, whatever the package says."""
    row = session.get(CalendarOverride, day)
    if row is None:
        row = CalendarOverride(day=day)
        session.add(row)
    row.working, row.note, row.changed_by, row.changed_at = working, note, actor, now
    session.flush()
    return row


def delete(*, session: Session, day: date) -> None:
    """Remove an override: the package decides that day again."""
    row = session.get(CalendarOverride, day)
    if row is None:
        raise NotFoundError(f"no calendar override on {day.isoformat()}")
    session.delete(row)
    session.flush()
