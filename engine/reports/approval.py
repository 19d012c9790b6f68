"""Đ8.1.c in P9: the unit leader approves the periodic report its staff wrote before it goes to VP, or
returns it with remarks. Whether a unit's reports need it is its type's setting (unit_types.leader_approval,
switched on the units admin page). The submission itself is recorded afterwards by record_report_submission
(engine.reports.periodic), so it is the approved text, stamped with the approval time."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.auth.models import User
from engine.directory.models import Unit
from engine.directory.units import leader_approves
from engine.errors import ValidationError
from engine.notifications.operators import notify
from engine.operators import StepContext, operator

APPROVAL_DECISIONS = ("approve", "return")
RETURNED = "periodic_report_returned"


def checked_remarks(decision: str, remarks: str | None) -> str | None:
    """Đ8.1.c, for every report a unit leader approves: the decision is approve or return, and a return
    carries remarks for the staff. The stripped remarks of a return, None for an approval; a
    ValidationError (the form's approval_remarks named) otherwise."""
    if decision not in APPROVAL_DECISIONS:
        raise ValidationError(f"unknown decision {decision!r}", fields={"decision": "approve hoặc return"})
    if decision != "return":
        return None
    remarks = (remarks or "").strip()
    if not remarks:
        raise ValidationError(
            "Nhập ý kiến chỉnh sửa, bổ sung khi trả lại cán bộ",
            fields={"approval_remarks": "bắt buộc khi trả lại cán bộ"},
        )
    return remarks


@operator(
    "periodic_report_approval_needed",
    title="Xét báo cáo định kỳ của đơn vị có cần lãnh đạo đơn vị phê duyệt không",
)
def periodic_report_approval_needed(ctx: StepContext, *, unit_code: str) -> dict[str, Any]:
    """Whether the unit's leader approves the report its staff just wrote (not one the leader wrote), and
    who wrote it, for the leader's task."""
    writer = ctx.session.scalar(select(User).where(User.username == ctx.actor)) if ctx.actor else None
    is_leader = writer is not None and "unit_leader" in (writer.roles or [])
    return {
        "needed": not is_leader and leader_approves(session=ctx.session, unit_code=unit_code),
        "reporter": ctx.actor,
        "reporter_name": writer.full_name if writer else (ctx.actor or ""),
    }


@operator("record_periodic_report_approval", title="Ghi ý kiến phê duyệt báo cáo định kỳ của lãnh đạo đơn vị")
def record_periodic_report_approval(
    ctx: StepContext, *, period: dict[str, Any], unit_code: str, decision: str, remarks: str | None = None
) -> str:
    """The leader's decision; a return needs remarks, which the unit's staff are told."""
    if remarks := checked_remarks(decision, remarks):
        unit = ctx.session.get(Unit, unit_code)
        notify(
            ctx,
            group="unit_staff",
            unit=unit_code,
            kind=RETURNED,
            message=(
                f"{period['label']}: lãnh đạo {unit.name if unit else unit_code} trả lại báo cáo định kỳ: "
                f"{remarks}"
            ),
        )
    return decision
