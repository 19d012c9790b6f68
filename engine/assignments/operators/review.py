"""P2 (Đ6.2.a): the lead unit accepts or returns the assignment; VP corrects it or transfers it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.assignments.models import (
    ACCEPTED,
    AWAITING_ACCEPTANCE,
    RETURN_REASONS,
    RETURNED,
    Assignment,
    AssignmentReturn,
)
from engine.assignments.operators.common import (
    document_of,
    get_assignment,
    parse_day,
    require_stage,
    set_due,
    view,
)
from engine.assignments.transfers import transfer_lead
from engine.directory.checks import inactive_message
from engine.directory.models import Unit
from engine.documents.service import before_issue
from engine.errors import ConflictError, ValidationError
from engine.operators import StepContext, operator


@operator("load_assignment", title="Tra cứu thông tin hiện tại của nhiệm vụ")
def load_assignment(ctx: StepContext, *, assignment_id: int) -> dict[str, Any]:
    """The assignment as it stands now."""
    return view(ctx, get_assignment(ctx, assignment_id))


@operator("review_assignment", title="Ghi nhận đơn vị chủ trì tiếp nhận hoặc trả lại nhiệm vụ")
def review_assignment(
    ctx: StepContext,
    *,
    assignment_id: int,
    decision: str,
    reason_kind: str | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    """Đ6.2.a: the lead unit accepts the assignment, or returns it to VP with a reason."""
    a = get_assignment(ctx, assignment_id)
    require_stage(a, AWAITING_ACCEPTANCE)
    if decision == "accept":
        a.stage = ACCEPTED
    elif decision == "return":
        problems = {}
        if reason_kind not in RETURN_REASONS:
            problems["reason_kind"] = "chọn lý do trả lại: " + ", ".join(RETURN_REASONS.values())
        if not (reason or "").strip():
            problems["reason"] = "nêu rõ lý do trả lại (điểm a khoản 2 Điều 6)"
        if problems:
            raise ValidationError("Thiếu lý do trả lại nhiệm vụ", fields=problems)
        ctx.session.add(
            AssignmentReturn(
                assignment_id=a.id,
                unit_code=a.lead_unit_code,
                reason_kind=reason_kind,
                reason=reason.strip(),
                returned_by=ctx.actor,
                returned_at=ctx.now,
            )
        )
        a.stage = RETURNED
    else:
        raise ValidationError(f"unknown decision {decision!r}", fields={"decision": "accept hoặc return"})
    ctx.session.flush()
    return view(ctx, a)


@operator("resolve_return", title="Xử lý nhiệm vụ bị trả lại: điều chỉnh hoặc chuyển đơn vị khác")
def resolve_return(
    ctx: StepContext,
    *,
    assignment_id: int,
    resolution: str,
    new_content: str | None = None,
    new_due_date: str | None = None,
    to_unit: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """VP corrects the returned assignment or transfers it to another unit; it goes back to review."""
    a = get_assignment(ctx, assignment_id)
    require_stage(a, RETURNED)
    returned = ctx.session.scalar(
        select(AssignmentReturn)
        .where(AssignmentReturn.assignment_id == a.id, AssignmentReturn.resolution.is_(None))
        .order_by(AssignmentReturn.id.desc())
        .limit(1)
    )
    if returned is None:
        raise ConflictError(f"assignment {a.id} has no open return")
    if resolution == "corrected":
        if not (new_content or "").strip() and not new_due_date and not (note or "").strip():
            raise ValidationError(
                "Nhập nội dung, thời hạn đã điều chỉnh hoặc ghi chú về việc xử lý",
                fields={"new_content": "không có gì được điều chỉnh"},
            )
        if (new_content or "").strip():
            a.content = new_content.strip()
        if new_due_date:
            due = parse_day(new_due_date, "new_due_date")
            if problem := before_issue(due, document_of(ctx, a).issued_on):
                raise ValidationError(problem[0].upper() + problem[1:], fields={"new_due_date": problem})
            basis = "Văn phòng UBND tỉnh điều chỉnh thời hạn khi xử lý nhiệm vụ bị trả lại"
            basis += f": {note.strip()}" if (note or "").strip() else ""
            set_due(ctx, a, due, basis=basis)
    elif resolution == "transferred":
        _transfer(ctx, a, to_unit, note or returned.reason, returned.id)
    else:
        raise ValidationError(
            f"unknown resolution {resolution!r}", fields={"resolution": "corrected hoặc transferred"}
        )
    returned.resolution, returned.resolution_note = resolution, (note or "").strip() or None
    returned.resolved_by, returned.resolved_at = ctx.actor, ctx.now
    a.stage = AWAITING_ACCEPTANCE
    ctx.session.flush()
    return view(ctx, a)


def _transfer(ctx: StepContext, a: Assignment, to_unit: str | None, reason: str, return_id: int) -> None:
    """The lead unit changes hands: the old lead row goes, the new unit becomes lead (Đ6.2.a)."""
    unit = ctx.session.get(Unit, to_unit) if to_unit else None
    if unit is None:
        raise ValidationError("Chọn đơn vị nhận nhiệm vụ", fields={"to_unit": f"không có đơn vị {to_unit!r}"})
    if to_unit == a.lead_unit_code:
        raise ValidationError(
            "Đơn vị nhận phải khác đơn vị đã trả lại", fields={"to_unit": "trùng đơn vị chủ trì hiện tại"}
        )
    if ended := inactive_message(unit, ctx.calendar.local_date(ctx.now)):
        raise ValidationError(ended, fields={"to_unit": ended})
    transfer_lead(ctx.session, a, to_unit, reason=reason, actor=ctx.actor, now=ctx.now, return_id=return_id)
