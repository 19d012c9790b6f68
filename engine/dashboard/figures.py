"""The figures of Bảng điều hành, as SQL aggregates over engine.reports.buckets.classified, the one place
where the bucket rules live: today's buckets overall, per lead unit, per leader who gave the task (and per
signer of the document), and what happened in each of the last twelve months.

"Today" is a buckets.Period with no window: every assignment given so far, as the Nhiệm vụ list shows it,
so that a figure and the list it links to count the same tasks. `unit` narrows everything to the tasks
one unit leads (its leader's view); None is every unit (VP and the leadership)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from engine.assignments.models import Assignment, DeadlineAdjustment
from engine.calendar import WorkCalendar
from engine.documents.models import Document
from engine.reports import buckets

KEYS = tuple(buckets.BUCKETS)  # done_on_time, done_late, open_in_time, open_late, no_deadline: a partition
DONE_KEYS = ("done_on_time", "done_late")
LATE_KEYS = ("done_late", "open_late")
NO_LEADER = "Chưa ghi lãnh đạo giao"
MONTHS = 12  # the trend covers the current month and the eleven before it

# Issue 12 will revise how rates are computed: the formula and the sentence the page prints under it
# live here together, so that both change in one place.
# The report tables' on-time rate (engine.reports.buckets), worded for the big number.
RATE_DEFINITION = (
    f"{buckets.RATE_DEFINITIONS['on_time_rate'][0]} = {buckets.RATE_DEFINITIONS['on_time_rate'][1]} "
    "(nhiệm vụ không có thời hạn đã hoàn thành được tính là đúng hạn; nhiệm vụ chưa hoàn thành không tính)."
)


def on_time_rate(done_on_time: int, done: int) -> float | None:
    """Tỷ lệ hoàn thành đúng hạn in %, two decimals, as RATE_DEFINITION says; None when nothing is done."""
    return buckets.share(done_on_time, done)


@dataclass(frozen=True)
class Counts:
    """How many tasks are in each bucket (they add up to `total`), and how many of the open ones with a
    deadline are due soon ("Sắp đến hạn", a part of open_in_time)."""

    total: int = 0
    done_on_time: int = 0
    done_late: int = 0
    open_in_time: int = 0
    open_late: int = 0
    no_deadline: int = 0
    due_soon: int = 0

    @property
    def done(self) -> int:
        return self.done_on_time + self.done_late

    @property
    def open(self) -> int:
        return self.total - self.done

    @property
    def rate(self) -> float | None:
        return on_time_rate(self.done_on_time, self.done)

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(a + b for a, b in zip(self.as_tuple(), other.as_tuple(), strict=True)))

    def as_tuple(self) -> tuple[int, ...]:
        return (self.total, *(getattr(self, key) for key in KEYS), self.due_soon)


@dataclass(frozen=True)
class UnitFigures:
    unit_code: str
    unit_name: str
    counts: Counts


@dataclass(frozen=True)
class SignerFigures:
    """Tasks of the documents one person signed: how many are open, how many of them overdue."""

    signer: str  # as written on the document; "" when it was not entered
    open: int
    open_late: int


@dataclass(frozen=True)
class MonthFigures:
    """One month of the trend. `assigned`: tasks created in it; `completed`: tasks VP confirmed done in
    it; `became_overdue`: tasks whose deadline ended in it (overdue from the next day, R9) that were not
    done by then (still open, or completed after it), as the month stood at its end (or today)."""

    first: date
    as_of: date  # the month's last day, or today for the current month
    assigned: int
    completed: int
    became_overdue: int

    @property
    def partial(self) -> bool:
        return self.as_of < _last_day(self.first)


def today_period(calendar: WorkCalendar, today: date, soon_days: int) -> buckets.Period:
    """The period of "today": every task given so far, as the Nhiệm vụ list classifies it."""
    return buckets.Period.of(calendar, today, None, soon_days)


def overview(session: Session, *, period: buckets.Period, unit: str | None = None) -> Counts:
    """The buckets of every task in the period (those `unit` leads, if given), in one aggregate."""
    rows = buckets.classified(period).subquery("classified")
    query = select(*_count_columns(rows))
    if unit is not None:
        query = query.where(rows.c.lead_unit == unit)
    return _counts(session.execute(query).one())


def by_unit(
    session: Session, *, calendar: WorkCalendar, today: date, soon_days: int, unit: str | None = None
) -> list[UnitFigures]:
    """The buckets per lead unit (the reports' own per-unit table), the units with most overdue tasks
    first, then the busiest."""
    table = buckets.per_unit(
        session,
        as_of=today,
        calendar=calendar,
        soon_days=soon_days,
        unit_codes=None if unit is None else [unit],
    )
    found = [UnitFigures(row["unit_code"], row["unit_name"], _partition(row)) for row in table]
    return sorted(found, key=lambda u: (-u.counts.open_late, -u.counts.total, u.unit_name))


def _partition(row: dict) -> Counts:
    """A report table row as the dashboard's partition: the table counts tasks without deadline among
    the open in time as well, the dashboard apart, as its links list them (bucket=open_in_time lists the
    tasks with a deadline)."""
    partition = {**row, "open_in_time": row["open_in_time"] - row["no_deadline"]}
    return Counts(row["total"], *(partition[k] for k in KEYS), row["due_soon"])


def overdue_by_signer(
    session: Session, *, period: buckets.Period, unit: str | None = None
) -> list[SignerFigures]:
    """Open tasks per signer of their document (Document.signer: the leader who gave the task, until the
    assigning leader is recorded on the task itself), those with overdue tasks only, most overdue first."""
    rows = buckets.classified(period).subquery("classified")
    open_late = func.sum(case((rows.c.bucket == "open_late", 1), else_=0))
    query = (
        select(
            Document.signer,
            func.sum(case((rows.c.bucket.in_(DONE_KEYS), 0), else_=1)).label("open"),
            open_late.label("open_late"),
        )
        .select_from(rows)
        .join(Assignment, Assignment.id == rows.c.id)
        .join(Document, Document.id == Assignment.document_id)
        # Only open tasks count: a test on the plain columns that spares the as-of lookups of done ones.
        .where(or_(Assignment.confirmed_at.is_(None), Assignment.confirmed_at > period.end))
        .group_by(Document.signer)
        .having(open_late > 0)
    )
    if unit is not None:
        query = query.where(rows.c.lead_unit == unit)
    found = [SignerFigures(row.signer or "", row.open, row.open_late) for row in session.execute(query)]
    return sorted(found, key=lambda s: (-s.open_late, -s.open, s.signer))


@dataclass(frozen=True)
class LeaderFigures:
    """Open tasks one leader gave (Đ1.1): how many, how many overdue; `code` None for those recorded
    without a leader (given before the list existed)."""

    code: str | None
    name: str
    open: int
    open_late: int


def overdue_by_leader(
    session: Session, *, period: buckets.Period, names: dict[str, str], unit: str | None = None
) -> list[LeaderFigures]:
    """Open tasks per leader who gave them (Assignment.leader_code, named by `names`), those with overdue
    tasks only, most overdue first."""
    rows = buckets.classified(period).subquery("classified")
    open_late = func.sum(case((rows.c.bucket == "open_late", 1), else_=0))
    query = (
        select(
            Assignment.leader_code,
            func.sum(case((rows.c.bucket.in_(DONE_KEYS), 0), else_=1)).label("open"),
            open_late.label("open_late"),
        )
        .select_from(rows)
        .join(Assignment, Assignment.id == rows.c.id)
        .where(or_(Assignment.confirmed_at.is_(None), Assignment.confirmed_at > period.end))
        .group_by(Assignment.leader_code)
        .having(open_late > 0)
    )
    if unit is not None:
        query = query.where(rows.c.lead_unit == unit)
    found = [
        LeaderFigures(
            row.leader_code,
            names.get(row.leader_code, row.leader_code) if row.leader_code else NO_LEADER,
            row.open,
            row.open_late,
        )
        for row in session.execute(query)
    ]
    return sorted(found, key=lambda s: (-s.open_late, -s.open, s.code is None, s.name))


def by_month(
    session: Session,
    *,
    calendar: WorkCalendar,
    today: date,
    soon_days: int,
    unit: str | None = None,
    months: int = MONTHS,
) -> list[MonthFigures]:
    """The last `months` months, oldest first, each classified as it stood at its end (today for the
    current one): what was given, confirmed done, and newly overdue in it."""
    firsts = [_month_start(today, back) for back in range(months - 1, -1, -1)]
    return [
        _month(session, calendar, first, min(_last_day(first), today), soon_days, unit) for first in firsts
    ]


def _month(
    session: Session, calendar: WorkCalendar, first: date, as_of: date, soon_days: int, unit: str | None
) -> MonthFigures:
    # A window from the 1st keeps out what was confirmed before the month; what is done in it was
    # confirmed in the month. Overdue starts the day after the deadline (R9): deadlines from the last
    # day of the previous month to the day before as_of start being overdue within the month.
    period = buckets.Period.of(calendar, as_of, first, soon_days)
    rows = buckets.classified(period).subquery("classified")
    late_from, late_to = first - timedelta(days=1), as_of - timedelta(days=1)
    new_late = (rows.c.due >= late_from) & (rows.c.due <= late_to) & rows.c.bucket.in_(LATE_KEYS)
    # Only tasks given, confirmed or due in the month can count: a test on the plain columns (the due
    # date in force is today's unless a later adjustment changed it) that spares the database the
    # as-of lookups of every other task. It changes no figure, only the work.
    adjusted_later = (
        select(DeadlineAdjustment.id)
        .where(DeadlineAdjustment.assignment_id == Assignment.id, DeadlineAdjustment.decided_at > period.end)
        .exists()
    )
    in_month = or_(
        Assignment.created_at >= period.start,
        Assignment.confirmed_at >= period.start,
        Assignment.effective_due_date.between(late_from, late_to),
        adjusted_later,
    )
    query = (
        select(
            _sum(Assignment.created_at >= period.start),
            _sum(rows.c.bucket.in_(DONE_KEYS)),
            _sum(new_late),
        )
        .select_from(rows)
        .join(Assignment, Assignment.id == rows.c.id)
        .where(in_month)
    )
    if unit is not None:
        query = query.where(rows.c.lead_unit == unit)
    assigned, completed, became_overdue = session.execute(query).one()
    return MonthFigures(first, as_of, assigned, completed, became_overdue)


def _sum(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _count_columns(rows) -> list:
    return [
        func.count().label("total"),
        *(_sum(rows.c.bucket == key).label(key) for key in KEYS),
        _sum(rows.c.due_soon).label("due_soon"),
    ]


def _counts(row) -> Counts:
    return Counts(row.total, *(getattr(row, key) for key in KEYS), row.due_soon)


def _month_start(today: date, back: int) -> date:
    """The 1st of the month `back` months before today's."""
    index = today.year * 12 + today.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def _last_day(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
