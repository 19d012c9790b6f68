"""P10 (Đ26.1, Đ25.2, Đ12.1.d): how each unit, each assigning leader and each sector kept the regulation
in a year, as of any date, computed from the tracking tables so that a figure recomputed later is the same.

The year's window runs from 00:00 local of 1 January to 24:00 of `as_of` (or of 31 December when as_of is
later). The tasks of the year are those of buckets.py with the window opening on 1 January: created by the
end, not confirmed done before the start (tasks carried over stay in until done). The lead unit, the
deadline, the assigning leader and the sector are those in force at the end (transfers, deadline
adjustments and the change history keep the old values). Rows created after the end never count.

Figures (keys of each row):
- tasks: the tasks of the year; assigned: those created within the window;
- completed: confirmed done by VP by the end; completed_on_time: of those, completed by the deadline
  (or without deadline); overdue: completed late, or open past the deadline on as_of (R9);
- late_updates: deadlines whose T2 (3 working days after, Đ7.2.a) ended within the window while the lead
  unit had neither reported its result nor sent an update since 00:00 of the deadline day by T2;
- urgings_*: urgings addressed to the unit in the window, whatever the channel, by kind;
- difficulties: difficulty reports (P7) sent in the window; returns: assignments returned to VP;
- reports_due / reports_late / reports_missing (units only): periodic report submissions of the year's
  rounds that were sent by the end or whose T6 ended before it (so a round opening at the very moment of
  the cut-off, as December's does on P10's day, never counts); late = sent after the end of its T6;
  missing = not sent by the end while T6 ended before it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import String, and_, case, cast, select
from sqlalchemy.orm import Session

from engine.assignments.models import (
    DIRECTION_REQUEST,
    LEAD,
    UPDATE_REMINDER,
    URGING_LETTER,
    Assignment,
    AssignmentReturn,
    DifficultyReport,
    StatusUpdate,
    Urging,
)
from engine.assignments.operators.common import T2_WORKING_DAYS
from engine.calendar import WorkCalendar
from engine.directory.models import Leader, Sector, Unit
from engine.errors import ValidationError
from engine.history import ChangeRecord
from engine.reports.buckets import Period, classified, share
from engine.reports.models import ReportRound, ReportSubmission

URGING_KINDS = {
    UPDATE_REMINDER: "urgings_update_reminder",
    URGING_LETTER: "urgings_letter",
    DIRECTION_REQUEST: "urgings_direction_request",
}
TASK_KEYS = ("tasks", "assigned", "completed", "completed_on_time", "overdue", "late_updates")
EVENT_KEYS = (*URGING_KINDS.values(), "urgings", "difficulties", "returns")
REPORT_KEYS = ("reports_due", "reports_late", "reports_missing")
UNIT_KEYS = (*TASK_KEYS, *REPORT_KEYS, *EVENT_KEYS)
GROUP_KEYS = (*TASK_KEYS, *EVENT_KEYS)
NO_LEADER, NO_SECTOR = "Chưa xác định người giao", "Chưa xác định lĩnh vực"


@dataclass(frozen=True)
class Window:
    """The part of `year` the figures cover: [start, end)."""

    year: int
    as_of: date
    start: datetime  # 00:00 local of 1 January
    end: datetime  # 24:00 local of as_of

    @classmethod
    def of(cls, calendar: WorkCalendar, year: int, as_of: date) -> Window:
        first = date(year, 1, 1)
        if as_of < first:
            raise ValidationError(
                f"Ngày tính số liệu phải từ ngày 01/01/{year} trở đi", fields={"as_of": "trước năm báo cáo"}
            )
        day = min(as_of, date(year, 12, 31))
        return cls(year, day, calendar.end_of_day(first) - timedelta(days=1), calendar.end_of_day(day))


def figures(session: Session, *, year: int, as_of: date, calendar: WorkCalendar) -> dict[str, Any]:
    """The P10 figures: per unit, per assigning leader and per sector, with totals; plain JSON."""
    window = Window.of(calendar, year, as_of)
    facts = _facts(session, window, calendar)
    units = _per_unit(session, window, calendar, facts)
    leaders = _per_group(session, window, facts, "leader")
    sectors = _per_group(session, window, facts, "sector")
    leader_names = {
        code: _leader_name(title, person)
        for code, title, person in session.execute(select(Leader.code, Leader.title, Leader.person_name))
    }
    sector_names = dict(session.execute(select(Sector.code, Sector.name)).all())
    leader_order = [c for c in session.scalars(select(Leader.code).order_by(Leader.position, Leader.code))]
    sector_order = list(session.scalars(select(Sector.code).order_by(Sector.name)))
    return {
        "year": year,
        "as_of": window.as_of.isoformat(),
        "units": units,
        "leaders": _named(leaders, leader_order, leader_names, NO_LEADER),
        "sectors": _named(sectors, sector_order, sector_names, NO_SECTOR),
        "totals": _totals(units, UNIT_KEYS),
    }


def rates(row: dict[str, Any]) -> dict[str, float | None]:
    """The rates printed under the tables, defined as the Biểu tổng hợp defines them
    (buckets.RATE_DEFINITIONS): a task has come due when it is done on time or overdue (done late, or
    open past its deadline at the cut-off)."""
    come_due = row["completed_on_time"] + row["overdue"]
    found = {
        "completion_rate": share(row["completed"], come_due),
        "on_time_rate": share(row["completed_on_time"], row["completed"]),
        "overdue_rate": share(row["overdue"], come_due),
    }
    if "reports_due" in row:
        found["reports_on_time_rate"] = share(
            row["reports_due"] - row["reports_late"] - row["reports_missing"], row["reports_due"]
        )
    return found


# --- values in force at the end ----------------------------------------------------------------------


def _assignment_value_as_of(name: str, end: datetime):
    """assignments.`name` in force at `end`: the old value of the first later change, else the current."""
    changed_later = and_(
        ChangeRecord.entity == "assignments",
        ChangeRecord.entity_id == cast(Assignment.id, String),
        ChangeRecord.action == "update",
        ChangeRecord.at > end,
        ChangeRecord.changes[(name,)].as_string().is_not(None),
    )
    first_later = (
        select(ChangeRecord.changes[(name, 0)].as_string())
        .where(changed_later)
        .order_by(ChangeRecord.at, ChangeRecord.id)
        .limit(1)
        .scalar_subquery()
    )
    current = getattr(Assignment, name)
    return case((select(ChangeRecord.id).where(changed_later).exists(), first_later), else_=current)


# --- tasks -------------------------------------------------------------------------------------------


def _facts(session: Session, window: Window, calendar: WorkCalendar) -> list[dict[str, Any]]:
    """One row per task of the year: its unit, leader and sector in force, and what it counts for."""
    period = Period.of(calendar, window.as_of, date(window.year, 1, 1), 0)
    rows = classified(period).subquery("classified")
    query = select(
        rows.c.id,
        rows.c.lead_unit,
        rows.c.due,
        rows.c.bucket,
        Assignment.created_at,
        Assignment.confirmed_at,
        _assignment_value_as_of("leader_code", window.end).label("leader"),
        _assignment_value_as_of("sector_code", window.end).label("sector"),
    ).join(Assignment, Assignment.id == rows.c.id)
    facts = [
        {
            "id": row.id,
            "unit": row.lead_unit,
            "leader": row.leader,
            "sector": row.sector,
            "assigned": row.created_at >= window.start,
            "completed": row.bucket in ("done_on_time", "done_late"),
            "completed_on_time": row.bucket == "done_on_time",
            "overdue": row.bucket in ("done_late", "open_late"),
            "due": row.due,
            "confirmed_at": row.confirmed_at,
        }
        for row in session.execute(query)
    ]
    _mark_late_updates(session, window, calendar, facts)
    return facts


def _mark_late_updates(session: Session, window: Window, calendar: WorkCalendar, facts: list[dict]) -> None:
    """Set fact["late_update"]: the task's T2 ended in the window without the lead unit's update."""
    t2_end = {}
    for fact in facts:
        fact["late_update"] = False
        if fact["due"] is not None:
            end = calendar.end_of_day(calendar.add_working_days(fact["due"], T2_WORKING_DAYS))
            if window.start <= end < window.end:
                t2_end[fact["id"]] = end
    if not t2_end:
        return
    lead_of = {fact["id"]: fact["unit"] for fact in facts}
    updates = defaultdict(list)
    query = select(
        StatusUpdate.assignment_id,
        StatusUpdate.unit_code,
        StatusUpdate.reported_at,
        StatusUpdate.is_result_report,
    ).where(
        StatusUpdate.assignment_id.in_(list(t2_end)),
        StatusUpdate.role == LEAD,
        StatusUpdate.reported_at <= window.end,
    )
    for row in session.execute(query):
        if row.unit_code == lead_of[row.assignment_id]:
            updates[row.assignment_id].append((row.reported_at, row.is_result_report))
    for fact in facts:
        end = t2_end.get(fact["id"])
        if end is None or (fact["confirmed_at"] is not None and fact["confirmed_at"] <= end):
            continue
        due_starts = calendar.end_of_day(fact["due"]) - timedelta(days=1)
        answered = any(at <= end and (is_result or at >= due_starts) for at, is_result in updates[fact["id"]])
        fact["late_update"] = not answered


# --- events addressed to units -----------------------------------------------------------------------


def _events(session: Session, window: Window) -> list[tuple[str, str, int | None]]:
    """(figure, unit, assignment id) for each urging, difficulty report and return in the window."""
    urgings = select(Urging.kind, Urging.unit_code, Urging.assignment_id).where(
        Urging.issued_at >= window.start, Urging.issued_at < window.end
    )
    found = [(URGING_KINDS.get(kind, "urgings"), unit, a_id) for kind, unit, a_id in session.execute(urgings)]
    for figure, model, stamp in (
        ("difficulties", DifficultyReport, DifficultyReport.reported_at),
        ("returns", AssignmentReturn, AssignmentReturn.returned_at),
    ):
        query = select(model.unit_code, model.assignment_id).where(stamp >= window.start, stamp < window.end)
        found.extend((figure, unit, a_id) for unit, a_id in session.execute(query))
    return found


def _count_event(row: dict[str, int], figure: str) -> None:
    if figure.startswith("urgings"):  # every urging counts in the total, an unknown kind only there
        row["urgings"] += 1
    if figure != "urgings":
        row[figure] += 1


# --- tables ------------------------------------------------------------------------------------------


def _add_task(row: dict[str, int], fact: dict[str, Any]) -> None:
    row["tasks"] += 1
    for key in ("assigned", "completed", "completed_on_time", "overdue"):
        row[key] += int(fact[key])
    row["late_updates"] += int(fact["late_update"])


def _per_unit(session: Session, window: Window, calendar: WorkCalendar, facts: list[dict]) -> list[dict]:
    table: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(UNIT_KEYS, 0))
    for fact in facts:
        _add_task(table[fact["unit"]], fact)
    for figure, unit, _ in _events(session, window):
        _count_event(table[unit], figure)
    submissions = (
        select(ReportSubmission.unit_code, ReportSubmission.due_date, ReportSubmission.submitted_at)
        .join(ReportRound, ReportRound.id == ReportSubmission.round_id)
        .where(ReportRound.year == window.year, ReportRound.opened_at <= window.end)
    )
    for unit, due, submitted_at in session.execute(submissions):
        t6_end = calendar.end_of_day(due)
        sent = submitted_at is not None and submitted_at <= window.end
        if not sent and t6_end >= window.end:
            continue  # neither sent nor yet due: a round that has just opened counts from its T6 on
        row = table[unit]
        row["reports_due"] += 1
        if sent:
            row["reports_late"] += int(submitted_at > t6_end)
        else:
            row["reports_missing"] += 1
    names = session.execute(select(Unit.code, Unit.name).order_by(Unit.unit_type, Unit.name)).all()
    return [
        {"unit_code": code, "unit_name": name, **table[code]} | rates(table[code])
        for code, name in names
        if code in table
    ]


def _per_group(session: Session, window: Window, facts: list[dict], key: str) -> dict[str | None, dict]:
    table: dict[str | None, dict[str, int]] = defaultdict(lambda: dict.fromkeys(GROUP_KEYS, 0))
    group_of = {}
    for fact in facts:
        group_of[fact["id"]] = fact[key]
        _add_task(table[fact[key]], fact)
    for figure, _, assignment_id in _events(session, window):
        if assignment_id in group_of:
            _count_event(table[group_of[assignment_id]], figure)
    return table


def _named(table: dict, order: list[str], names: dict[str, str], unknown: str) -> list[dict]:
    keys = [code for code in order if code in table] + [code for code in table if code not in order]
    return [
        {"code": code, "name": names.get(code, unknown) if code else unknown, **table[code]}
        | rates(table[code])
        for code in keys
    ]


def _totals(rows: list[dict], keys: tuple[str, ...]) -> dict[str, Any]:
    total = {key: sum(row[key] for row in rows) for key in keys}
    return total | rates(total)


def _leader_name(title: str, person: str | None) -> str:
    return f"{title} {person}" if person else title
