"""Đ8.1.c: the unit leader approves what the unit's staff report; Đ9.1.b, Đ21.2: VP advises the leadership
on a difficulty and tells the sở concerned."""

from __future__ import annotations

from typing import Any

from engine.assignments.models import ADVICE_PROPOSALS, DifficultyReport
from engine.assignments.operators.common import (
    check_later_deadline,
    get_assignment,
    parse_day,
    required,
)
from engine.directory.checks import inactive_message
from engine.directory.models import Unit
from engine.errors import NotFoundError, ValidationError
from engine.notifications.operators import notify, notify_unit
from engine.operators import StepContext, operator
from engine.reports import approval


@operator("leader_approval_needed", title="Xét báo cáo của đơn vị có cần lãnh đạo đơn vị phê duyệt không")
def leader_approval_needed(ctx: StepContext, *, assignment_id: int) -> dict[str, Any]:
    """Đ8.1.c: a result or difficulty report written by the staff of a unit whose type asks for it goes
    to the unit's leader first; one the leader writes does not. Also who wrote it, for the leader's task
    (the same check as the periodic and ad hoc reports', engine.reports.approval)."""
    a = get_assignment(ctx, assignment_id)
    return approval.periodic_report_approval_needed(ctx, unit_code=a.lead_unit_code)


@operator("record_report_approval", title="Ghi ý kiến phê duyệt của lãnh đạo đơn vị về báo cáo")
def record_report_approval(
    ctx: StepContext, *, assignment_id: int, decision: str, remarks: str | None = None
) -> str:
    """The unit leader approves the report, or returns it to the staff with remarks (told to the staff)."""
    a = get_assignment(ctx, assignment_id)
    if remarks := approval.checked_remarks(decision, remarks):
        notify(
            ctx,
            group="unit_staff",
            unit=a.lead_unit_code,
            kind="report_returned",
            message=f"Lãnh đạo đơn vị trả lại báo cáo về nhiệm vụ “{a.content}”: {remarks}",
        )
    return decision


@operator("record_difficulty_advice", title="Ghi ý kiến tham mưu của Văn phòng về khó khăn, vướng mắc")
def record_difficulty_advice(
    ctx: StepContext,
    *,
    difficulty_report_id: int,
    advice: str,
    proposal: str,
    advised_due_date: str | None = None,
    concerned_unit: str | None = None,
) -> dict[str, Any]:
    """Đ9.1.b, Đ20.2, Đ21.2: VP's assessment and proposal on a difficulty, kept on the report for the
    leadership; the sở concerned, if named, is told and may open the assignment."""
    report = ctx.session.get(DifficultyReport, difficulty_report_id)
    if report is None:
        raise NotFoundError(f"no difficulty report {difficulty_report_id}")
    a = get_assignment(ctx, report.assignment_id)
    advice = required(advice, "advice")
    if proposal not in ADVICE_PROPOSALS:
        raise ValidationError(
            f"unknown proposal {proposal!r}",
            fields={"proposal": "chọn: " + ", ".join(ADVICE_PROPOSALS.values())},
        )
    due = None
    if proposal == "extend":
        if not advised_due_date:
            raise ValidationError(
                "Nhập thời hạn đề xuất gia hạn", fields={"advised_due_date": "bắt buộc khi đề xuất gia hạn"}
            )
        due = parse_day(advised_due_date, "advised_due_date")
        check_later_deadline(ctx, a, due, "advised_due_date", "thời hạn đề xuất")
    unit = _concerned_unit(ctx, concerned_unit, a.lead_unit_code)
    report.advice, report.proposal, report.advised_due_date = advice, proposal, due
    report.concerned_unit_code = unit.code if unit else None
    report.advised_by, report.advised_at = ctx.actor, ctx.now
    if unit is not None:
        notify_unit(
            ctx,
            unit=unit.code,
            kind="difficulty_concerned",
            message=(
                f"Văn phòng UBND tỉnh đề nghị {unit.name} nắm thông tin, phối hợp tham mưu xử lý khó khăn, "
                f"vướng mắc của {ctx.session.get(Unit, a.lead_unit_code).name} khi thực hiện nhiệm vụ "
                f"“{a.content}” (khoản 2 Điều 21): {report.difficulties}"
            ),
        )
    ctx.session.flush()
    return advice_view(ctx, report)


def advice_view(ctx: StepContext, report: DifficultyReport) -> dict[str, Any]:
    """VP's advice as the leadership's direction task shows it."""
    concerned = ctx.session.get(Unit, report.concerned_unit_code) if report.concerned_unit_code else None
    return {
        "advice": report.advice,
        "proposal": report.proposal,
        "proposal_text": ADVICE_PROPOSALS.get(report.proposal or "", ""),
        "advised_due_date": report.advised_due_date.isoformat() if report.advised_due_date else None,
        "concerned_unit": concerned.code if concerned else None,
        "concerned_unit_name": concerned.name if concerned else None,
    }


def _concerned_unit(ctx: StepContext, code: str | None, lead_unit: str) -> Unit | None:
    if not (code or "").strip():
        return None
    unit = ctx.session.get(Unit, code.strip())
    if unit is None:
        raise ValidationError(
            "Chọn đơn vị trong danh mục", fields={"concerned_unit": f"không có đơn vị {code!r}"}
        )
    if unit.code == lead_unit:
        raise ValidationError(
            "Sở, ngành liên quan phải khác đơn vị chủ trì", fields={"concerned_unit": "trùng đơn vị chủ trì"}
        )
    if ended := inactive_message(unit, ctx.calendar.local_date(ctx.now)):
        raise ValidationError(ended, fields={"concerned_unit": ended})
    return unit
