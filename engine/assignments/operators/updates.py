"""P3 (Đ6.2.b, Đ7.2) and P7 (Đ10.4, Đ19.3, Đ20.2, Đ21.2): the lead unit's updates, results and
difficulties; VP's confirmation; the leadership's direction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.assignments.models import (
    ACCEPTED,
    CONFIRMED,
    DONE,
    IN_PROGRESS,
    LEAD,
    RESULT_REPORTED,
    Assignment,
    DifficultyReport,
    StatusUpdate,
)
from engine.assignments.operators.common import (
    check_later_deadline,
    get_assignment,
    parse_day,
    require_stage,
    required,
    set_due,
    view,
)
from engine.errors import NotFoundError, ValidationError
from engine.notifications.operators import notify_unit
from engine.operators import StepContext, operator


@operator("record_progress", title="Cập nhật tiến độ thực hiện nhiệm vụ")
def record_progress(
    ctx: StepContext, *, assignment_id: int, situation: str, attachments: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Đ6.2.b: the lead unit reports how the work goes (Cập nhật tiến độ), with its files if any."""
    a = get_assignment(ctx, assignment_id)
    require_stage(a, ACCEPTED)
    situation = required(situation, "situation")
    _status_update(ctx, a, progress=IN_PROGRESS, situation=situation, attachments=attachments or [])
    a.progress = IN_PROGRESS
    ctx.session.flush()
    return view(ctx, a)


@operator("record_result", title="Ghi nhận báo cáo kết quả thực hiện nhiệm vụ")
def record_result(
    ctx: StepContext,
    *,
    assignment_id: int,
    result: str,
    completed_on: str,
    situation: str | None = None,
    attachments: list[dict[str, Any]] | None = None,
    reporter: str | None = None,
    approval: str | None = None,
) -> dict[str, Any]:
    """The lead unit reports the result (Báo cáo kết quả); VP confirms it before it counts as done.
    `reporter` wrote it when the unit leader approved it (`approval`, Đ8.1.c) in this step."""
    a = get_assignment(ctx, assignment_id)
    require_stage(a, ACCEPTED)
    done_on = parse_day(completed_on, "completed_on")
    if done_on > ctx.calendar.local_date(ctx.now):
        raise ValidationError(
            "Ngày hoàn thành không được sau ngày báo cáo", fields={"completed_on": "ngày trong tương lai"}
        )
    result = required(result, "result")
    _status_update(
        ctx,
        a,
        progress=DONE,
        situation=(situation or "").strip() or result,
        result=result,
        completed_on=done_on,
        attachments=attachments or [],
        is_result_report=True,
        **_authors(ctx, reporter, approval),
    )
    a.progress, a.stage = IN_PROGRESS, RESULT_REPORTED
    ctx.session.flush()
    return view(ctx, a)


@operator("record_difficulty", title="Ghi nhận báo cáo khó khăn, vướng mắc và đề xuất của đơn vị chủ trì")
def record_difficulty(
    ctx: StepContext,
    *,
    assignment_id: int,
    difficulties: str,
    proposals: str | None = None,
    proposed_due_date: str | None = None,
    situation: str | None = None,
    attachments: list[dict[str, Any]] | None = None,
    reporter: str | None = None,
    approval: str | None = None,
) -> int:
    """Đ20.2, Đ21.2: the lead unit reports difficulties and proposals (with files if any), approved by
    its leader where `approval` says so (Đ8.1.c); returns the report's id."""
    a = get_assignment(ctx, assignment_id)
    require_stage(a, ACCEPTED)
    difficulties = required(difficulties, "difficulties")
    proposed = parse_day(proposed_due_date, "proposed_due_date") if proposed_due_date else None
    if proposed is not None:
        check_later_deadline(ctx, a, proposed, "proposed_due_date", "thời hạn đề nghị")
    authors = _authors(ctx, reporter, approval)
    _status_update(
        ctx,
        a,
        progress=a.progress,
        situation=(situation or "").strip() or difficulties,
        difficulties=difficulties,
        proposals=(proposals or "").strip() or None,
        attachments=attachments or [],
        **authors,
    )
    report = DifficultyReport(
        assignment_id=a.id,
        unit_code=a.lead_unit_code,
        difficulties=difficulties,
        proposals=(proposals or "").strip(),
        proposed_due_date=proposed,
        reported_at=ctx.now,
        **authors,
    )
    ctx.session.add(report)
    ctx.session.flush()
    return report.id


@operator("confirm_completion", title="Xác nhận hoàn thành nhiệm vụ hoặc trả lại kết quả cho đơn vị")
def confirm_completion(
    ctx: StepContext, *, assignment_id: int, decision: str, reason: str | None = None
) -> dict[str, Any]:
    """VP confirms the reported result (the assignment is done as of the reported date) or sends it back."""
    a = get_assignment(ctx, assignment_id)
    require_stage(a, RESULT_REPORTED)
    if decision == "confirm":
        report = ctx.session.scalar(
            select(StatusUpdate)
            .where(StatusUpdate.assignment_id == a.id, StatusUpdate.is_result_report.is_(True))
            .order_by(StatusUpdate.id.desc())
            .limit(1)
        )
        a.progress, a.completed_on, a.confirmed_at, a.stage = DONE, report.completed_on, ctx.now, CONFIRMED
    elif decision == "send_back":
        reason = required(reason, "reason")
        a.stage = ACCEPTED
        notify_unit(
            ctx,
            unit=a.lead_unit_code,
            kind="result_sent_back",
            message=f"Văn phòng UBND tỉnh chưa xác nhận hoàn thành nhiệm vụ “{a.content}”: {reason}",
        )
    else:
        raise ValidationError(f"unknown decision {decision!r}", fields={"decision": "confirm hoặc send_back"})
    ctx.session.flush()
    return view(ctx, a)


@operator("record_direction", title="Ghi nhận ý kiến chỉ đạo về khó khăn, vướng mắc (gia hạn, điều chỉnh)")
def record_direction(
    ctx: StepContext,
    *,
    difficulty_report_id: int,
    decision: str,
    direction: str,
    new_due_date: str | None = None,
    new_content: str | None = None,
) -> dict[str, Any]:
    """Đ10.4, Đ19.3: the leadership's direction on a difficulty: extend the deadline, keep it, or
    adjust the content. An extension is a DeadlineAdjustment, so reports as of earlier dates keep the
    old deadline."""
    report = ctx.session.get(DifficultyReport, difficulty_report_id)
    if report is None:
        raise NotFoundError(f"no difficulty report {difficulty_report_id}")
    a = get_assignment(ctx, report.assignment_id)
    direction = required(direction, "direction")
    message = f"Ý kiến chỉ đạo về khó khăn, vướng mắc của nhiệm vụ “{a.content}”: {direction}"
    if decision == "extend":
        if not new_due_date:
            raise ValidationError("Nhập thời hạn mới", fields={"new_due_date": "bắt buộc khi gia hạn"})
        new_due = parse_day(new_due_date, "new_due_date")
        check_later_deadline(ctx, a, new_due, "new_due_date", "thời hạn gia hạn")
        set_due(ctx, a, new_due, basis=direction, difficulty_report_id=report.id)
        message += f" Thời hạn mới: {a.due_date:%d/%m/%Y}."
    elif decision == "adjust":
        a.content = required(new_content, "new_content")
    elif decision != "keep":
        raise ValidationError(
            f"unknown decision {decision!r}", fields={"decision": "extend, keep hoặc adjust"}
        )
    report.decision, report.direction, report.decided_by, report.decided_at = (
        decision,
        direction,
        ctx.actor,
        ctx.now,
    )
    notify_unit(ctx, unit=a.lead_unit_code, kind="direction_given", message=message)
    ctx.session.flush()
    return view(ctx, a)


def _authors(ctx: StepContext, reporter: str | None, approval: str | None) -> dict[str, Any]:
    """Who wrote a report and, when the unit leader approved it in this step (Đ8.1.c), who approved."""
    if approval == "approve":
        return {"reported_by": reporter or ctx.actor, "approved_by": ctx.actor, "approved_at": ctx.now}
    return {"reported_by": ctx.actor}


def _status_update(ctx: StepContext, a: Assignment, **fields: Any) -> None:
    fields.setdefault("reported_by", ctx.actor)
    ctx.session.add(
        StatusUpdate(assignment_id=a.id, unit_code=a.lead_unit_code, role=LEAD, reported_at=ctx.now, **fields)
    )
    a.last_update_at = ctx.now
