"""The Government Office's four buckets, "Không có thời hạn" and "Sắp đến hạn", computed by SQL from the
tracking tables as of any date (DOMAIN.md §4), and the figures and rates the report tables print.

"As of" D means as the tables stood at 24:00 local of D: an assignment exists once created; it is done
once VP confirmed it; its lead unit and its deadline are those in force then. Transfers and deadline
adjustments keep the old value, so a report for 30/9 recomputed in December gives the same answer:
the value in force at D is the *old* value of the first change made after D, or else the current value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, and_, case, false, func, or_, select, true
from sqlalchemy.orm import Session, aliased

from engine.assignments.models import (
    COORDINATING,
    LEAD,
    Assignment,
    AssignmentTransfer,
    AssignmentUnit,
    DeadlineAdjustment,
    StatusUpdate,
)
from engine.assignments.models import (
    NOT_STARTED as NOT_STARTED_PROGRESS,
)
from engine.calendar import WorkCalendar
from engine.directory.models import Unit
from engine.documents.models import Document

# The partition of one assignment, worded as the Government Office words its buckets, the same in lists,
# badges and tables. A task without deadline is never overdue (R8): the tables count it among "chưa hoàn
# thành trong hạn" and show it again in a "trong đó" column.
DONE_ON_TIME = "Đã hoàn thành đúng hạn"
DONE_LATE = "Đã hoàn thành quá hạn"
OPEN_IN_TIME = "Chưa hoàn thành trong hạn"
OPEN_LATE = "Chưa hoàn thành quá hạn"
NO_DEADLINE = "Chưa hoàn thành, không có thời hạn"
DUE_SOON = "Sắp đến hạn"
NOT_STARTED = "Chưa thực hiện"  # Đ5.1.g: open and no progress reported yet, a sub-state of the open ones
BUCKETS = {
    "done_on_time": DONE_ON_TIME,
    "done_late": DONE_LATE,
    "open_in_time": OPEN_IN_TIME,
    "open_late": OPEN_LATE,
    "no_deadline": NO_DEADLINE,
}
# The counts of a table row, in the order the tables print them, and its rates (percentages, None when
# there is nothing to divide by). open = open_in_time + open_late; total = done + open; not_started,
# no_deadline and due_soon are parts of open ("trong đó"); come_due = done + open_late: the tasks whose
# deadline has come, or that are done anyway.
COUNT_KEYS = (
    "total",
    "done",
    "done_on_time",
    "done_late",
    "open",
    "open_in_time",
    "open_late",
    "not_started",
    "no_deadline",
    "due_soon",
    "come_due",
)
RATE_KEYS = ("completion_rate", "on_time_rate", "overdue_rate", "on_time_share")
# How each rate is computed, as the tables write it under themselves ("Cách tính").
RATE_DEFINITIONS = {
    "completion_rate": (
        "Tỷ lệ hoàn thành",
        "số nhiệm vụ đã hoàn thành ÷ số nhiệm vụ đã đến hạn (đã hoàn thành, hoặc chưa hoàn thành mà "
        "đã quá hạn), như Văn phòng Chính phủ báo cáo",
    ),
    "on_time_rate": (
        "Tỷ lệ hoàn thành đúng hạn",
        "số nhiệm vụ hoàn thành đúng hạn ÷ số nhiệm vụ đã hoàn thành",
    ),
    "overdue_rate": (
        "Tỷ lệ quá hạn",
        "(số nhiệm vụ hoàn thành quá hạn + số nhiệm vụ chưa hoàn thành quá hạn) ÷ số nhiệm vụ đã đến hạn",
    ),
    "on_time_share": (
        "Đúng hạn trên tổng số",
        "số nhiệm vụ hoàn thành đúng hạn ÷ tổng số nhiệm vụ trong kỳ, kể cả nhiệm vụ chưa đến hạn "
        "(cách tính trước đây, để so sánh với các báo cáo cũ)",
    ),
}


@dataclass(frozen=True)
class Period:
    """What a report covers: tasks that exist at 24:00 of `as_of` and were not already done before
    `window_from` (tasks carried over from earlier periods stay in until they are done)."""

    as_of: date
    window_from: date | None
    end: datetime  # 24:00 local of as_of, in UTC
    start: datetime | None  # 00:00 local of window_from, in UTC
    soon_until: date  # due on or before this, and not yet overdue: "Sắp đến hạn"

    @classmethod
    def of(cls, calendar: WorkCalendar, as_of: date, window_from: date | None, soon_days: int) -> Period:
        start = calendar.end_of_day(window_from) - timedelta(days=1) if window_from else None
        return cls(
            as_of,
            window_from,
            calendar.end_of_day(as_of),
            start,
            calendar.add_working_days(as_of, soon_days),
        )


def first_change_after(model, changed_at: str, end: datetime):
    """`model` (transfers or deadline adjustments) aliased, and the condition that joins an assignment
    to its first row after `end` in (`changed_at`, id) order: the one with no earlier row after `end`.
    Outer-joined, each assignment's changes are looked up once; as correlated subqueries they were looked
    up again for every reference to the value in the buckets' CASE expressions."""
    first, other = aliased(model), aliased(model)
    at, other_at = getattr(first, changed_at), getattr(other, changed_at)
    earlier = (
        select(other.id)
        .where(
            other.assignment_id == first.assignment_id,
            other_at > end,
            or_(other_at < at, and_(other_at == at, other.id < first.id)),
        )
        .exists()
    )
    return first, and_(first.assignment_id == Assignment.id, at > end, ~earlier)


def classified(period: Period) -> Select:
    """One row per assignment in the period: id, lead unit, due date, completion date, bucket, due soon."""
    # The lead unit and the due date in force at the end: the old value of the first transfer or
    # deadline adjustment after it, else the current one. An adjustment may also have given a deadline
    # to a task that had none: then its old value is NULL, and NULL is the due date in force.
    transfer, transfer_joins = first_change_after(AssignmentTransfer, "transferred_at", period.end)
    adjustment, adjustment_joins = first_change_after(DeadlineAdjustment, "decided_at", period.end)
    lead = func.coalesce(transfer.from_unit, Assignment.lead_unit_code).label("lead_unit")
    due = case(
        (adjustment.id.is_not(None), adjustment.old_effective_due_date), else_=Assignment.effective_due_date
    ).label("due")
    done = and_(Assignment.confirmed_at.is_not(None), Assignment.confirmed_at <= period.end)
    # Started (not "chưa thực hiện"): the lead unit reported progress or a result by the end; a
    # coordinating unit's contribution or a difficulty report alone does not start the task.
    started = (
        select(StatusUpdate.id)
        .where(
            StatusUpdate.assignment_id == Assignment.id,
            StatusUpdate.role == LEAD,
            StatusUpdate.reported_at <= period.end,
            StatusUpdate.progress != NOT_STARTED_PROGRESS,
        )
        .exists()
    )
    inner = (
        select(
            Assignment.id.label("id"),
            lead,
            due,
            case((done, Assignment.completed_on), else_=None).label("completed_on"),
            done.label("done"),
            started.label("started"),
        )
        .select_from(Assignment)
        .outerjoin(transfer, transfer_joins)
        .outerjoin(adjustment, adjustment_joins)
        .where(Assignment.created_at <= period.end)
    )
    if period.start is not None:
        inner = inner.where(or_(Assignment.confirmed_at.is_(None), Assignment.confirmed_at >= period.start))
    rows = inner.subquery("as_of")
    bucket = case(
        (and_(rows.c.done, or_(rows.c.due.is_(None), rows.c.completed_on <= rows.c.due)), "done_on_time"),
        (rows.c.done, "done_late"),
        (rows.c.due.is_(None), "no_deadline"),
        (rows.c.due < period.as_of, "open_late"),  # R9: overdue once today is past the due date
        else_="open_in_time",
    ).label("bucket")
    due_soon = and_(
        ~rows.c.done, rows.c.due.is_not(None), rows.c.due >= period.as_of, rows.c.due <= period.soon_until
    ).label("due_soon")
    # A CASE, not an AND: it looks the status updates up for the open tasks only.
    not_started = case((rows.c.done, false()), (rows.c.started, false()), else_=true()).label("not_started")
    return select(rows.c.id, rows.c.lead_unit, rows.c.due, rows.c.completed_on, bucket, due_soon, not_started)


def per_unit(
    session: Session,
    *,
    as_of: date,
    window_from: date | None = None,
    calendar: WorkCalendar,
    soon_days: int = 3,
    unit_codes: list[str] | None = None,
) -> list[dict]:
    """The report table: one row per lead unit (Biểu tổng hợp), in the unit directory's order, with the
    counts and rates of `figures`."""
    period = Period.of(calendar, as_of, window_from, soon_days)
    rows = classified(period).subquery("classified")
    query = _counted(rows, rows.c.lead_unit)
    if unit_codes is not None:
        query = query.where(rows.c.lead_unit.in_(unit_codes))
    found = _tallied(session.execute(query))
    units = session.execute(select(Unit.code, Unit.name).order_by(Unit.unit_type, Unit.name)).all()
    return [{"unit_code": code, "unit_name": name, **found[code]} for code, name in units if code in found]


# Biểu tổng hợp grouped otherwise than by lead unit (Đ1.1, Đ9.2.a): by who gave the task, by its sector,
# by the type of the document that gave it.
GROUPINGS = {
    "unit": "Đơn vị chủ trì",
    "leader": "Lãnh đạo giao nhiệm vụ",
    "sector": "Lĩnh vực",
    "doc_type": "Loại văn bản",
}
UNKNOWN_GROUP = "(Chưa xác định)"


def per_group(
    session: Session,
    *,
    by: str,
    as_of: date,
    window_from: date | None = None,
    calendar: WorkCalendar,
    soon_days: int = 3,
    order: list[tuple[str, str]],
    unit_codes: list[str] | None = None,
) -> list[dict]:
    """The same table and buckets per leader who gave the task, per sector or per document type ("leader",
    "sector", "doc_type"): one row per (code, name) of `order` that has tasks, then "(Chưa xác định)" for
    tasks recorded without one; `unit_codes` keeps the tasks those units lead.
    The leader and sector are the assignment's current ones: VP's correction fixes a mistake, so the
    corrected value holds for every cut-off date."""
    columns = {
        "leader": Assignment.leader_code,
        "sector": Assignment.sector_code,
        "doc_type": Document.doc_type,
    }
    column = columns[by]
    period = Period.of(calendar, as_of, window_from, soon_days)
    rows = classified(period).subquery("classified")
    query = _counted(rows, column).join(Assignment, Assignment.id == rows.c.id)
    if by == "doc_type":
        query = query.join(Document, Document.id == Assignment.document_id)
    if unit_codes is not None:  # a unit sees its own tasks only, however grouped
        query = query.where(rows.c.lead_unit.in_(unit_codes))
    found = _tallied(session.execute(query))
    known = [(code, name) for code, name in order if code in found]
    known += sorted((code, code) for code in found if code is not None and code not in dict(order))
    if None in found:
        known.append((None, UNKNOWN_GROUP))
    return [{"group_code": code, "group_name": name, **found[code]} for code, name in known]


def _counted(rows, key) -> Select:
    """How many tasks per `key`, bucket, due soon and not started. Grouping by the bucket computes it once
    per task; a sum per bucket computed it (and the due date in force under it) once per sum."""
    columns = (key.label("key"), rows.c.bucket, rows.c.due_soon, rows.c.not_started)
    return select(*columns, func.count().label("tasks")).group_by(*columns)


def _tallied(counted) -> dict:
    """{key: the figures of its tasks} from the rows of `_counted`."""
    partitions: dict = {}
    for row in counted:
        counts = partitions.setdefault(row.key, dict.fromkeys((*BUCKETS, "due_soon", "not_started"), 0))
        counts[row.bucket] += row.tasks
        counts["due_soon"] += row.tasks if row.due_soon else 0
        counts["not_started"] += row.tasks if row.not_started else 0
    return {
        key: figures(counts, counts["not_started"], counts["due_soon"]) for key, counts in partitions.items()
    }


def figures(partition: dict[str, int], not_started: int, due_soon: int) -> dict:
    """A table row's counts and rates from how many tasks fell in each bucket of BUCKETS."""
    done = partition["done_on_time"] + partition["done_late"]
    open_in_time = partition["open_in_time"] + partition["no_deadline"]
    counts = {
        "total": done + open_in_time + partition["open_late"],
        "done": done,
        "done_on_time": partition["done_on_time"],
        "done_late": partition["done_late"],
        "open": open_in_time + partition["open_late"],
        "open_in_time": open_in_time,
        "open_late": partition["open_late"],
        "not_started": not_started,
        "no_deadline": partition["no_deadline"],
        "due_soon": due_soon,
        "come_due": done + partition["open_late"],
    }
    return counts | rates(counts)


def share(part: int, whole: int) -> float | None:
    """`part` of `whole` in percent to two decimals; None when `whole` is 0 (nothing to divide by)."""
    return round(100 * part / whole, 2) if whole else None


def rates(counts: dict) -> dict:
    """The four rates of RATE_DEFINITIONS."""
    return {
        "completion_rate": share(counts["done"], counts["come_due"]),
        "on_time_rate": share(counts["done_on_time"], counts["done"]),
        "overdue_rate": share(counts["done_late"] + counts["open_late"], counts["come_due"]),
        "on_time_share": share(counts["done_on_time"], counts["total"]),
    }


TOTAL_LABEL = "Tổng cộng"


def totals(rows: list[dict]) -> dict:
    """The totals row: counts summed; the rates recomputed from the sums, since a mean of rates would
    weigh a unit with 2 tasks like one with 200. A count a frozen row lacks (None) is left out of it."""
    summed = {key: sum(row.get(key) or 0 for row in rows) for key in COUNT_KEYS}
    for key in COUNT_KEYS:
        if any(row.get(key) is None for row in rows):
            summed[key] = None
    return {"unit_code": None, "unit_name": TOTAL_LABEL, **summed, **rates(summed)}


def detail(
    session: Session,
    *,
    unit_code: str,
    as_of: date,
    window_from: date | None = None,
    calendar: WorkCalendar,
    soon_days: int = 3,
) -> list[dict]:
    """The detail appendix (Phụ lục chi tiết) for one lead unit: one row per task, by document."""
    period = Period.of(calendar, as_of, window_from, soon_days)
    rows = classified(period).subquery("classified")
    query = (
        select(
            rows,
            Assignment.content,
            Assignment.seq,
            Assignment.document_id,
            Document.number,
            Document.title,
            Document.issued_on,
        )
        .join(Assignment, Assignment.id == rows.c.id)
        .join(Document, Document.id == Assignment.document_id)
        .where(rows.c.lead_unit == unit_code)
    )
    # Sorted here, not by ORDER BY: that made SQLite walk every document by date and look its tasks up,
    # where without it SQLite scans the assignments once.
    found = sorted(session.execute(query), key=lambda row: (row.issued_on, row.document_id, row.seq))
    ids = [row.id for row in found]
    coordinating = _coordinating(session, ids)
    latest = _latest_updates(session, ids, period.end)
    return [
        {
            "assignment_id": row.id,
            "document_number": row.number,
            "document_title": row.title,
            "content": row.content,
            "lead_unit": row.lead_unit,
            "coordinating_units": coordinating.get(row.id, []),
            "due_date": row.due,
            "bucket": row.bucket,
            "bucket_label": BUCKETS[row.bucket],
            "due_soon": bool(row.due_soon),
            "not_started": bool(row.not_started),
            "completed_on": row.completed_on,
            "situation": latest.get(row.id, (None, None))[0],
            "difficulties": latest.get(row.id, (None, None))[1],
        }
        for row in found
    ]


def _coordinating(session: Session, ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    query = (
        select(AssignmentUnit.assignment_id, AssignmentUnit.unit_code)
        .where(AssignmentUnit.assignment_id.in_(ids), AssignmentUnit.role == COORDINATING)
        .order_by(AssignmentUnit.unit_code)
    )
    for assignment_id, code in session.execute(query):
        found.setdefault(assignment_id, []).append(code)
    return found


def _latest_updates(session: Session, ids: list[int], end: datetime) -> dict[int, tuple[str, str | None]]:
    """The last situation and difficulties each task's units reported up to `end` (Đ5.1.g-h)."""
    latest = (
        select(func.max(StatusUpdate.id))
        .where(StatusUpdate.assignment_id.in_(ids), StatusUpdate.reported_at <= end)
        .group_by(StatusUpdate.assignment_id)
    )
    query = select(StatusUpdate.assignment_id, StatusUpdate.situation, StatusUpdate.difficulties).where(
        StatusUpdate.id.in_(latest)
    )
    return {row.assignment_id: (row.situation, row.difficulties) for row in session.execute(query)}
