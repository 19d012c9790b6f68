"""Đ19.3, Đ10.4: a unit still silent `escalation_days` working days after an urging letter is brought to the
Chairman: VP proposes measures from the unit's record on the task, the Chairman directs.

The operators run inside the deadline watch of the `assignment` diagram: a change of the assignment restarts
the watch, which then picks up an urging still unanswered for the deadline in force (`pending_escalation`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from engine.assignments.models import (
    CONFIRMED,
    ESCALATION_DIRECTIONS,
    LEAD,
    RESULT_REPORTED,
    URGING_LETTER,
    Assignment,
    AssignmentReturn,
    Escalation,
    StatusUpdate,
    Urging,
)
from engine.assignments.operators.common import (
    T2_WORKING_DAYS,
    check_later_deadline,
    get_assignment,
    parse_day,
    required,
    set_due,
    updated_since,
)
from engine.errors import ConflictError, NotFoundError, ValidationError
from engine.notifications.operators import notify_unit
from engine.notifications.writing import about_instance, write
from engine.operators import StepContext, operator


@operator("pending_escalation", title="Tìm văn bản đôn đốc đơn vị chưa trả lời theo thời hạn hiện hành")
def pending_escalation(ctx: StepContext, *, assignment_id: int) -> int | None:
    """The urging letter sent for the deadline in force that the lead unit has not answered and the
    Chairman has not directed on yet, or None: the watch, restarted, resumes its escalation."""
    a = get_assignment(ctx, assignment_id)
    if a.stage in (RESULT_REPORTED, CONFIRMED) or a.effective_due_date is None:
        return None
    t2_end = ctx.calendar.end_of_day(ctx.calendar.add_working_days(a.effective_due_date, T2_WORKING_DAYS))
    directed = select(Escalation.urging_id).where(Escalation.directed_at.is_not(None))
    urging = ctx.session.scalar(
        select(Urging)
        .where(
            Urging.assignment_id == a.id,
            Urging.unit_code == a.lead_unit_code,
            Urging.kind == URGING_LETTER,
            Urging.issued_at >= t2_end,
            Urging.id.not_in(directed),
        )
        .order_by(Urging.id.desc())
        .limit(1)
    )
    if urging is None or updated_since(ctx, a, urging.issued_at):
        return None
    return urging.id


@operator("escalation_due", title="Xác định hạn đơn vị phải cập nhật sau văn bản đôn đốc")
def escalation_due(ctx: StepContext, *, urging_id: int) -> str:
    """The last day (ISO) the unit has to update after the urging letter: `escalation_days` working days."""
    urging = _urging(ctx, urging_id)
    issued = ctx.calendar.local_date(urging.issued_at)
    return ctx.calendar.add_working_days(issued, ctx.engine.settings.escalation_days).isoformat()


@operator("escalation_needed", title="Xét đơn vị đã cập nhật sau văn bản đôn đốc chưa")
def escalation_needed(ctx: StepContext, *, assignment_id: int, urging_id: int) -> dict[str, Any]:
    """Whether the lead unit is still silent since the urging letter, and its record on this task (what VP
    and the Chairman read: updates, urgings, returns, days overdue)."""
    a = get_assignment(ctx, assignment_id)
    urging = _urging(ctx, urging_id)
    needed = (
        a.stage not in (RESULT_REPORTED, CONFIRMED)
        and urging.unit_code == a.lead_unit_code
        and not updated_since(ctx, a, urging.issued_at)
    )
    return {"needed": needed, **record(ctx, a, urging)}


def record(ctx: StepContext, a: Assignment, urging: Urging) -> dict[str, Any]:
    """The lead unit's record on the assignment, in figures and in words."""
    unit = a.lead_unit_code
    updates = _count(ctx, StatusUpdate, StatusUpdate.unit_code == unit, StatusUpdate.role == LEAD, a=a)
    urgings = _count(ctx, Urging, Urging.unit_code == unit, a=a)
    returns = _count(ctx, AssignmentReturn, AssignmentReturn.unit_code == unit, a=a)
    last = ctx.session.scalar(
        select(func.max(StatusUpdate.reported_at)).where(
            StatusUpdate.assignment_id == a.id, StatusUpdate.unit_code == unit, StatusUpdate.role == LEAD
        )
    )
    today = ctx.calendar.local_date(ctx.now)
    overdue = (
        (today - a.effective_due_date).days if a.effective_due_date and today > a.effective_due_date else 0
    )
    last_text = f"{ctx.calendar.local_date(last):%d/%m/%Y}" if last else "chưa cập nhật lần nào"
    return {
        "updates": updates,
        "urgings": urgings,
        "returns": returns,
        "days_overdue": overdue,
        "urging_number": urging.number,
        "urging_date": f"{ctx.calendar.local_date(urging.issued_at):%d/%m/%Y}",
        "summary": (
            f"Số lần cập nhật: {updates} (lần gần nhất: {last_text}); số lần bị nhắc, đôn đốc: {urgings}; "
            f"số lần trả lại nhiệm vụ: {returns}; quá hạn {overdue} ngày."
        ),
    }


@operator("record_escalation_proposal", title="Ghi đề xuất biện pháp xử lý đơn vị chậm cập nhật")
def record_escalation_proposal(ctx: StepContext, *, assignment_id: int, urging_id: int, measures: str) -> int:
    """VP's proposed measures to the Chairman (Đ19.3); proposing again for the same urging replaces them."""
    a = get_assignment(ctx, assignment_id)
    urging = _urging(ctx, urging_id)
    measures = required(measures, "measures")
    row = ctx.session.scalar(select(Escalation).where(Escalation.urging_id == urging.id))
    if row is not None and row.directed_at is not None:
        raise ConflictError(f"urging {urging.id} was already directed on")
    if row is None:
        row = Escalation(
            assignment_id=a.id, urging_id=urging.id, unit_code=urging.unit_code, measures=measures
        )
        ctx.session.add(row)
    row.measures, row.proposed_by, row.proposed_at = measures, ctx.actor, ctx.now
    ctx.session.flush()
    return row.id


@operator("record_escalation_direction", title="Ghi chỉ đạo của Chủ tịch UBND tỉnh về đơn vị chậm cập nhật")
def record_escalation_direction(
    ctx: StepContext,
    *,
    escalation_id: int,
    direction_kind: str,
    direction: str,
    new_due_date: str | None = None,
) -> bool:
    """Đ10.4, Đ19.3: the Chairman's direction, told to the lead unit and to VP's tracking specialist; an
    extension moves the deadline as any extension does. True when the deadline moved (the watch restarts)."""
    row = ctx.session.get(Escalation, escalation_id)
    if row is None:
        raise NotFoundError(f"no escalation {escalation_id}")
    if row.directed_at is not None:
        raise ConflictError(f"escalation {row.id} was already directed on")
    a = get_assignment(ctx, row.assignment_id)
    if direction_kind not in ESCALATION_DIRECTIONS:
        raise ValidationError(
            f"unknown direction {direction_kind!r}",
            fields={"direction_kind": "chọn: " + ", ".join(ESCALATION_DIRECTIONS.values())},
        )
    direction = required(direction, "direction")
    message = (
        f"Chủ tịch UBND tỉnh chỉ đạo ({ESCALATION_DIRECTIONS[direction_kind].lower()}) về việc chậm cập nhật "
        f"nhiệm vụ “{a.content}”: {direction}"
    )
    moved = direction_kind == "extend"
    if moved:
        if not new_due_date:
            raise ValidationError("Nhập thời hạn mới", fields={"new_due_date": "bắt buộc khi gia hạn"})
        due = parse_day(new_due_date, "new_due_date")
        check_later_deadline(ctx, a, due, "new_due_date", "thời hạn gia hạn")
        set_due(ctx, a, due, basis=direction)
        row.new_due_date = due
        message += f" Thời hạn mới: {a.due_date:%d/%m/%Y}."
    row.direction_kind, row.direction, row.directed_by, row.directed_at = (
        direction_kind,
        direction,
        ctx.actor,
        ctx.now,
    )
    notify_unit(ctx, unit=a.lead_unit_code, kind="escalation_direction", message=message)
    about = about_instance(ctx.session, ctx.instance_id)
    write(
        ctx.session,
        kind="escalation_direction",
        message=message,
        about=about,
        now=ctx.now,
        user=a.tracking_specialist,
    )
    ctx.session.flush()
    return moved


def _urging(ctx: StepContext, urging_id: int) -> Urging:
    urging = ctx.session.get(Urging, urging_id)
    if urging is None:
        raise NotFoundError(f"no urging {urging_id}")
    return urging


def _count(ctx: StepContext, model: Any, *where: Any, a: Assignment) -> int:
    return ctx.session.scalar(
        select(func.count()).select_from(model).where(model.assignment_id == a.id, *where)
    )
