"""Report rounds as people read them (P9, Đ22): each round's dates and status, each unit's report against
T6 (sent on time, sent late, not yet sent, missing), and the Biểu tổng hợp the round froze or, while it is
open, would freeze. Shared by the rounds pages, their API and the context panels of the consolidation and
publication steps.

Who sees which units is the caller's `unit_codes`: None for VP and the leadership (every unit), else the
user's own unit only (engine.assignments.scope.sees_all decides, as for the report tables)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import false, func, select, true
from sqlalchemy.orm import Session

from engine.assignments import scope
from engine.auth.models import User
from engine.auth.service import Principal
from engine.calendar import WorkCalendar
from engine.config import Settings
from engine.directory.models import Unit
from engine.errors import NotFoundError
from engine.reports.models import ReportRound, ReportSubmission
from engine.reports.periodic import figures_as_of, round_figures
from engine.workdays import service as workdays

STATUS_LABELS = {"open": "Đang nhận báo cáo", "consolidated": "Đã chốt số liệu", "published": "Đã công khai"}
ON_TIME, LATE, PENDING, MISSING = "on_time", "late", "pending", "missing"
SUBMISSION_LABELS = {
    ON_TIME: "Đã gửi đúng hạn",
    LATE: "Đã gửi quá hạn",
    PENDING: "Chưa gửi",
    MISSING: "Chưa gửi, đã quá hạn",
}


def timeliness(
    due_date: date, submitted_at: datetime | None, *, calendar: WorkCalendar, now: datetime
) -> str:
    """A unit's report against its T6 (`due_date`, R4 already applied): sent by 24:00 local of that day is on
    time (R3), later is late; not sent is pending until then and missing after."""
    end = calendar.end_of_day(due_date)
    if submitted_at is None:
        return MISSING if now >= end else PENDING
    return LATE if submitted_at > end else ON_TIME


def visible_units(user: Principal) -> list[str] | None:
    """The units whose reports `user` may read: every unit (None) for VP and the leadership, else the
    user's own unit, if any."""
    if scope.sees_all(user):
        return None
    return [user.unit_code] if user.unit_code else []


def tally(states: dict[str, str]) -> dict[str, int]:
    """How many units sent on time, sent late, and have not sent (pending or missing)."""
    found = list(states.values())
    return {
        ON_TIME: found.count(ON_TIME),
        LATE: found.count(LATE),
        "not_sent": found.count(PENDING) + found.count(MISSING),
    }


def get_or_raise(session: Session, round_id: int) -> ReportRound:
    row = session.get(ReportRound, round_id)
    if row is None:
        raise NotFoundError(f"no report round {round_id}")
    return row


def of_instance(session: Session, instance_id: int) -> ReportRound | None:
    """The round a periodic_report instance opened (each instance holds one round), if it has opened it."""
    return session.scalar(select(ReportRound).where(ReportRound.instance_id == instance_id))


def listing(session: Session, *, limit: int, offset: int) -> tuple[list[ReportRound], int]:
    """One page of rounds, the newest period first, and how many there are."""
    query = select(ReportRound).order_by(ReportRound.window_to.desc(), ReportRound.id.desc())
    total = session.scalar(select(func.count()).select_from(ReportRound)) or 0
    return list(session.scalars(query.limit(limit).offset(offset))), total


def states(
    session: Session,
    round_ids: list[int],
    *,
    settings: Settings,
    now: datetime,
    unit_codes: list[str] | None,
) -> dict[int, dict[str, str]]:
    """{round id: {unit code: timeliness}} for the rounds given, over the units the caller may see."""
    calendar = workdays.calendar(session=session, settings=settings)
    query = select(
        ReportSubmission.round_id,
        ReportSubmission.unit_code,
        ReportSubmission.due_date,
        ReportSubmission.submitted_at,
    ).where(ReportSubmission.round_id.in_(round_ids), _units(unit_codes))
    found: dict[int, dict[str, str]] = {round_id: {} for round_id in round_ids}
    for round_id, unit_code, due, sent in session.execute(query):
        found[round_id][unit_code] = timeliness(due, sent, calendar=calendar, now=now)
    return found


def submissions(
    session: Session,
    row: ReportRound,
    *,
    calendar: WorkCalendar,
    now: datetime,
    unit_codes: list[str] | None,
) -> list[dict[str, Any]]:
    """Each unit's report in the round, in the directory's order: its state against T6, when it reached VP
    and who sent it (full name), its texts and its files."""
    query = (
        select(ReportSubmission, Unit.name, User.full_name)
        .join(Unit, Unit.code == ReportSubmission.unit_code)
        .outerjoin(User, User.username == ReportSubmission.submitted_by)
        .where(ReportSubmission.round_id == row.id, _units(unit_codes))
        .order_by(Unit.unit_type, Unit.name)
    )
    return [
        {
            "unit_code": s.unit_code,
            "unit_name": unit_name,
            "status": timeliness(s.due_date, s.submitted_at, calendar=calendar, now=now),
            "due_date": s.due_date,
            "submitted_at": s.submitted_at,
            "submitted_by": s.submitted_by,
            "submitted_by_name": full_name or s.submitted_by,
            "content": s.content,
            "difficulties": s.difficulties,
            "proposals": s.proposals,
            "attachments": s.attachments or [],
        }
        for s, unit_name, full_name in session.execute(query)
    ]


def figures(
    session: Session,
    row: ReportRound,
    *,
    calendar: WorkCalendar,
    now: datetime,
    soon_days: int,
    unit_codes: list[str] | None,
) -> tuple[list[dict], date, bool]:
    """The round's Biểu tổng hợp rows the caller may see, the date they stand as of, and whether they are
    the frozen ones; an open round's are computed as the freeze would compute them now."""
    if row.figures is None:
        today = calendar.local_date(now)
        live = round_figures(
            session, row, calendar=calendar, today=today, soon_days=soon_days, unit_codes=unit_codes
        )
        return live, figures_as_of(row.window_to, today), False
    as_of = figures_as_of(row.window_to, calendar.local_date(row.consolidated_at or now))
    frozen = [r for r in row.figures if unit_codes is None or r["unit_code"] in unit_codes]
    return frozen, as_of, True


@dataclass(frozen=True)
class RoundView:
    """A round as a page, the API or a step's panel shows it to one person."""

    round: ReportRound
    submissions: list[dict[str, Any]]
    counts: dict[str, int]  # tally of the submissions shown
    figures: list[dict]  # the Biểu tổng hợp rows shown
    as_of: date
    frozen: bool


def view(
    session: Session, row: ReportRound, *, settings: Settings, now: datetime, unit_codes: list[str] | None
) -> RoundView:
    """The round's units' reports and Biểu tổng hợp over the units given (None: all), as of `now`."""
    calendar = workdays.calendar(session=session, settings=settings)
    found = submissions(session, row, calendar=calendar, now=now, unit_codes=unit_codes)
    rows, as_of, frozen = figures(
        session, row, calendar=calendar, now=now, soon_days=settings.due_soon_days, unit_codes=unit_codes
    )
    counts = tally({s["unit_code"]: s["status"] for s in found})
    return RoundView(row, found, counts, rows, as_of, frozen)


def _units(unit_codes: list[str] | None):
    if unit_codes is None:
        return true()
    return ReportSubmission.unit_code.in_(unit_codes) if unit_codes else false()
