"""What the assignment operators share: the assignment as process data, lookups, checks, notices."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from engine.assignments.models import LEAD, Assignment, DeadlineAdjustment, StatusUpdate
from engine.directory.models import Unit
from engine.directory.units import leader_approves
from engine.documents.models import Document
from engine.errors import ConflictError, NotFoundError, ValidationError
from engine.operators import StepContext

T2_WORKING_DAYS = 3  # Đ7.2.a


def view(ctx: StepContext, a: Assignment, **extra: Any) -> dict[str, Any]:
    """The assignment as process data: what inbox subjects, instructions and timers read."""
    document = document_of(ctx, a)
    effective = a.effective_due_date
    t2 = ctx.calendar.add_working_days(effective, T2_WORKING_DAYS) if effective else None
    return {
        "id": a.id,
        "document_number": document.number,
        "document_title": document.title,
        "content": a.content,
        "lead_unit": a.lead_unit_code,
        "lead_unit_name": ctx.session.get(Unit, a.lead_unit_code).name,
        "has_deadline": a.has_deadline,
        "due_date": _iso(a.due_date),
        "effective_due_date": _iso(effective),
        "t2_due": _iso(t2),
        "deadline_text": _deadline_text(a),
        "t2_text": f"{t2:%d/%m/%Y}" if t2 else None,
        "stage": a.stage,
        "progress": a.progress,
        # Đ8.1.c: the lead unit's leader approves its results and difficulty reports before they go to VP.
        "leader_approval": leader_approves(session=ctx.session, unit_code=a.lead_unit_code),
        **extra,
    }


def get_assignment(ctx: StepContext, assignment_id: int) -> Assignment:
    """The assignment row, or NotFoundError."""
    a = ctx.session.get(Assignment, assignment_id)
    if a is None:
        raise NotFoundError(f"no assignment {assignment_id}")
    return a


def document_of(ctx: StepContext, a: Assignment) -> Document:
    """The directive document the assignment comes from."""
    return ctx.session.get(Document, a.document_id)


def require_stage(a: Assignment, stage: str) -> None:
    """Refuse a step the assignment is not at (a stale or replayed request): ConflictError."""
    if a.stage != stage:
        raise ConflictError(f"assignment {a.id} is {a.stage}, not {stage}")


def required(value: str | None, field: str) -> str:
    """The stripped text of a field the step needs, or ValidationError naming it."""
    if not (value or "").strip():
        raise ValidationError(f"{field} is required", fields={field: "bắt buộc"})
    return value.strip()


def parse_day(value: str, field: str) -> date:
    """An ISO date from form data, or ValidationError naming the field."""
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ValidationError(f"{field} is not a date", fields={field: "ngày không hợp lệ"}) from None


def check_later_deadline(ctx: StepContext, a: Assignment, day: date, field: str, what: str) -> None:
    """Refuse a deadline extension (or its proposal) that moves nothing forward: `day` must be after the
    deadline in force and after today, else ValidationError naming `field`. `what` names the date."""
    today = ctx.calendar.local_date(ctx.now)
    if a.effective_due_date is not None and day <= a.effective_due_date:
        problem = f"{what} phải sau thời hạn đang có hiệu lực ({a.effective_due_date:%d/%m/%Y})"
    elif day <= today:
        problem = f"{what} phải sau ngày hôm nay ({today:%d/%m/%Y})"
    else:
        return
    raise ValidationError(problem[0].upper() + problem[1:], fields={field: problem})


def set_due(
    ctx: StepContext, a: Assignment, due: date, *, basis: str, difficulty_report_id: int | None = None
) -> None:
    """Give the assignment the deadline `due` and its effective date (R4), recorded as a
    DeadlineAdjustment resting on `basis`, so that reports as of an earlier date keep the deadline that
    was in force then (none, if the task had none)."""
    old_due, old_effective = a.due_date, a.effective_due_date
    a.has_deadline, a.due_date, a.effective_due_date = True, due, ctx.calendar.effective_due_date(due)
    a.deadline_kind = a.deadline_kind or "completion"
    ctx.session.add(
        DeadlineAdjustment(
            assignment_id=a.id,
            old_due_date=old_due,
            old_effective_due_date=old_effective,
            new_due_date=a.due_date,
            new_effective_due_date=a.effective_due_date,
            basis=basis,
            difficulty_report_id=difficulty_report_id,
            decided_by=ctx.actor,
            decided_at=ctx.now,
        )
    )


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _deadline_text(a: Assignment) -> str:
    """The deadline as staff read it: dd/mm/yyyy, and the working day it moves to if it is a day off (R4)."""
    if a.due_date is None:
        return "Không có thời hạn"
    if a.effective_due_date != a.due_date:
        return f"{a.due_date:%d/%m/%Y} (ngày nghỉ, tính đến hết ngày {a.effective_due_date:%d/%m/%Y})"
    return f"{a.due_date:%d/%m/%Y}"


def updated_since(ctx: StepContext, a: Assignment, since: datetime) -> bool:
    """Whether the current lead unit reported anything at or after `since`."""
    found = ctx.session.scalar(
        select(StatusUpdate.id)
        .where(
            StatusUpdate.assignment_id == a.id,
            StatusUpdate.unit_code == a.lead_unit_code,
            StatusUpdate.role == LEAD,
            StatusUpdate.reported_at >= since,
        )
        .limit(1)
    )
    return found is not None
