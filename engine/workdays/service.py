"""The calendar as data: overrides an administrator keeps, the status of each year, the history of both,
and the WorkCalendar built from them.

Changing an override moves deadlines: every change goes through engine.workdays.corrections, which calls
write_override here, so no path changes the calendar without moving the open work that depends on it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from engine.calendar import WorkCalendar
from engine.config import Settings
from engine.errors import NotFoundError, ValidationError
from engine.workdays.models import (
    OVERRIDE,
    YEAR,
    CalendarChange,
    CalendarOverride,
    CalendarYear,
    DeadlineMove,
)

YEARS = range(1900, 2201)  # what the API and the pages accept as a year
# session.info key: (the transaction it was read in, its settings, the calendar), so that the steps of one
# unit of work read the overrides once, and every new transaction (in any process) reads them again.
_CALENDAR = "theodoi_calendar"


def calendar(*, session: Session, settings: Settings) -> WorkCalendar:
    """The calendar as of now: the package plus every override (a few dozen rows, read once per
    transaction so that every process sees an administrator's change at its next unit of work)."""
    transaction = session.get_transaction()
    cached = session.info.get(_CALENDAR)
    if transaction is not None and cached is not None and cached[:2] == (transaction, settings):
        return cached[2]
    rows = session.execute(select(CalendarOverride.day, CalendarOverride.working)).all()
    found = calendar_with({day: working for day, working in rows}, settings=settings)
    session.info[_CALENDAR] = (session.get_transaction(), settings, found)
    return found


@event.listens_for(Session, "after_soft_rollback")
def _forget_calendar(session: Session, _transaction) -> None:
    """A rolled-back savepoint may have undone an override change that the cached calendar shows."""
    session.info.pop(_CALENDAR, None)


def calendar_with(overrides: Mapping[date, bool], *, settings: Settings) -> WorkCalendar:
    """The calendar that `overrides` would give (a change not yet written, for a preview)."""
    return WorkCalendar(
        overrides, culture_day_is_holiday=settings.culture_day_is_holiday, timezone=settings.timezone
    )


def list_(*, session: Session, year: int | None = None) -> list[CalendarOverride]:
    """Overrides, oldest first, optionally of one year."""
    query = select(CalendarOverride).order_by(CalendarOverride.day)
    if year is not None:
        query = query.where(
            CalendarOverride.day >= date(year, 1, 1), CalendarOverride.day <= date(year, 12, 31)
        )
    return list(session.scalars(query))


def write_override(
    *, session: Session, day: date, working: bool | None, note: str, actor: str | None, now: datetime
) -> CalendarChange | None:
    """Declare `day` a working day or a day off (`working`), or remove its override (None), with its
    history entry; None when nothing changes."""
    session.info.pop(_CALENDAR, None)  # the steps after this change see it
    row = session.get(CalendarOverride, day)
    old = _override_value(row)
    if working is None:
        if row is None:
            raise NotFoundError(f"no calendar override on {day.isoformat()}")
        session.delete(row)
        new = None
    else:
        new = {"working": working, "note": note}
        if new == old:
            return None
        if row is None:
            row = CalendarOverride(day=day)
            session.add(row)
        row.working, row.note, row.changed_by, row.changed_at = working, note, actor, now
    change = CalendarChange(kind=OVERRIDE, day=day, old=old, new=new, actor=actor, at=now)
    session.add(change)
    session.flush()
    return change


def get_override(*, session: Session, day: date) -> CalendarOverride | None:
    return session.get(CalendarOverride, day)


# ---- the status of each year -------------------------------------------------------------------------


def year_status(*, session: Session, year: int) -> CalendarYear:
    """The year's status: its row, or an unsaved "estimated" one for a year nobody declared."""
    row = session.get(CalendarYear, year)
    return row if row is not None else CalendarYear(year=year, official=False, notice="", notice_date=None)


def year_statuses(*, session: Session, years: range) -> list[CalendarYear]:
    """The status of each year of `years`, in order."""
    rows = {
        r.year: r
        for r in session.scalars(
            select(CalendarYear).where(CalendarYear.year >= years.start, CalendarYear.year < years.stop)
        )
    }
    return [rows.get(y) or CalendarYear(year=y, official=False, notice="", notice_date=None) for y in years]


def set_year(
    *,
    session: Session,
    year: int,
    official: bool,
    notice: str,
    notice_date: date | None,
    actor: str | None,
    now: datetime,
) -> CalendarYear:
    """Mark `year` official (its notice entered: number, date) or back to estimated, with its history."""
    notice = (notice or "").strip()
    problems = {}
    if year not in YEARS:
        problems["year"] = f"{YEARS.start}..{YEARS.stop - 1}"
    if official and not notice:
        problems["notice"] = "nhập số, ký hiệu của thông báo"
    if notice_date is not None and notice_date.year > year:
        problems["notice_date"] = "thông báo về lịch nghỉ của một năm không ban hành sau năm đó"
    if problems:
        raise ValidationError("Thông tin về lịch năm không hợp lệ", fields=problems)
    row = session.get(CalendarYear, year)
    old = _year_value(row)
    if not official:
        notice, notice_date = "", None
    if row is None:
        row = CalendarYear(year=year)
        session.add(row)
    row.official, row.notice, row.notice_date = official, notice, notice_date
    row.changed_by, row.changed_at = actor, now
    new = _year_value(row)
    if new != old:
        session.add(CalendarChange(kind=YEAR, year=year, old=old, new=new, actor=actor, at=now))
    session.flush()
    return row


def official_years(*, session: Session) -> frozenset[int]:
    """The years whose days off rest on an official notice."""
    return frozenset(session.scalars(select(CalendarYear.year).where(CalendarYear.official.is_(True))))


def is_estimated(day: date | datetime | None, official: frozenset[int]) -> bool:
    """Whether a deadline on `day` rests on the package's estimate (its year has no official notice)."""
    return day is not None and day.year not in official


# ---- history -------------------------------------------------------------------------------------------


def changes(
    *, session: Session, year: int | None = None, limit: int = 50, offset: int = 0
) -> list[CalendarChange]:
    """Changes to the calendar, newest first, optionally about one year (its days or its status)."""
    query = select(CalendarChange).order_by(CalendarChange.id.desc()).limit(limit).offset(offset)
    if year is not None:
        query = query.where(
            (CalendarChange.year == year)
            | ((CalendarChange.day >= date(year, 1, 1)) & (CalendarChange.day <= date(year, 12, 31)))
        )
    return list(session.scalars(query))


def moves_of(*, session: Session, change_ids: list[int]) -> dict[int, list[DeadlineMove]]:
    """The deadlines each change moved, in the order they were listed."""
    found: dict[int, list[DeadlineMove]] = {i: [] for i in change_ids}
    query = select(DeadlineMove).where(DeadlineMove.change_id.in_(change_ids)).order_by(DeadlineMove.id)
    for move in session.scalars(query):
        found[move.change_id].append(move)
    return found


def _override_value(row: CalendarOverride | None) -> dict | None:
    return None if row is None else {"working": row.working, "note": row.note}


def _year_value(row: CalendarYear | None) -> dict | None:
    if row is None:
        return None
    return {
        "official": row.official,
        "notice": row.notice,
        "notice_date": row.notice_date.isoformat() if row.notice_date else None,
    }


def describe_year(row: CalendarYear) -> str:
    """A year's status as staff read it: official with its notice, or estimated."""
    if not row.official:
        return f"Năm {row.year}: dự kiến (chưa có thông báo chính thức; ngày nghỉ lễ, Tết theo lịch ước tính)"
    notice = row.notice + (f" ngày {row.notice_date:%d/%m/%Y}" if row.notice_date else "")
    return f"Năm {row.year}: chính thức ({notice})"
