"""Operators of P8, the inspection (Đ12-18): each step of the diagram writes the Inspection row.

Every write goes through the ORM, so the change history (engine.history) records who changed
what and when. Input the forms cannot check by themselves (unknown unit, dates out of order) is refused
with a ValidationError naming the form field, and the whole step rolls back."""

from __future__ import annotations

from datetime import date
from typing import Any

from engine.calendar import as_date
from engine.directory.models import Unit
from engine.errors import ConflictError, NotFoundError, ValidationError
from engine.inspections.models import Inspection
from engine.notifications.operators import notify_unit
from engine.operators import StepContext, operator

PLANNED, IN_PROGRESS, FIELDWORK_DONE = "planned", "in_progress", "fieldwork_done"
REPORTED, CLOSED, CANCELLED = "reported", "closed", "cancelled"

# Đ18: the eight items of a closed dossier, by their number in the article and their form field.
DOSSIER_ITEMS = (
    ("1", "team_decision"),
    ("2", "assignment_documents"),
    ("3", "urging_documents"),
    ("4", "implementation_reports"),
    ("5", "inspection_plan"),
    ("6", "minutes_and_records"),
    ("7", "result_report"),
    ("8", "other_documents"),
)


@operator("record_inspection_plan", title="Lưu kế hoạch kiểm tra")
def record_inspection_plan(
    ctx: StepContext,
    *,
    title: str,
    inspected_unit: str,
    inspection_form: str,
    planned_from: str,
    planned_to: str,
    purpose: str,
    plan_contents: str,
) -> dict[str, Any]:
    """Đ12.1.a: store the plan; returns {"id", "unit_name"} for the rest of the diagram."""
    unit = ctx.session.get(Unit, inspected_unit)
    fields = {}
    if unit is None:
        fields["inspected_unit"] = f"không có đơn vị mã {inspected_unit!r} trong danh mục"
    if as_date(planned_to) < as_date(planned_from):
        fields["planned_to"] = "thời gian kết thúc dự kiến không được trước thời gian bắt đầu"
    if fields:
        raise ValidationError("Kế hoạch kiểm tra không hợp lệ", fields=fields)
    row = Inspection(
        title=title,
        inspected_unit=inspected_unit,
        plan={
            "inspection_form": inspection_form,
            "planned_from": planned_from,
            "planned_to": planned_to,
            "purpose": purpose,
            "contents": plan_contents,
        },
        status=PLANNED,
        instance_id=ctx.instance_id,
        created_by=ctx.actor,
        created_at=ctx.now,
    )
    ctx.session.add(row)
    ctx.session.flush()
    return {"id": row.id, "unit_name": unit.name}


@operator("record_inspection_decision", title="Ghi nhận quyết định kiểm tra của Chủ tịch UBND tỉnh")
def record_inspection_decision(ctx: StepContext, *, inspection_id: int, decision: dict[str, Any]) -> str:
    """Đ15.1, Đ15.3: the Chairman's decision (number, date, contents a-đ); the inspection is under way."""
    row = _load(ctx, inspection_id, PLANNED)
    if as_date(decision["date"]) > _today(ctx):
        raise ValidationError(
            "Quyết định kiểm tra không hợp lệ",
            fields={"decision_date": "ngày quyết định không được sau ngày hôm nay"},
        )
    row.decision = dict(decision)
    row.status = IN_PROGRESS
    return row.status


@operator("cancel_inspection", title="Ghi nhận Chủ tịch quyết định không kiểm tra, nêu lý do")
def cancel_inspection(ctx: StepContext, *, inspection_id: int, reason: str) -> str:
    """The Chairman decides not to inspect: the plan is kept, marked cancelled, with the reason."""
    row = _load(ctx, inspection_id, PLANNED)
    row.decision = {"declined": True, "reason": reason}
    row.status = CANCELLED
    return row.status


@operator("record_inspection_fieldwork", title="Ghi nhận đoàn kiểm tra, thời gian kiểm tra và biên bản")
def record_inspection_fieldwork(
    ctx: StepContext,
    *,
    inspection_id: int,
    leader: str,
    members: list[str],
    start_date: str,
    end_date: str,
    minutes: str,
    report_due: date,
) -> str:
    """Đ16: the team and its fieldwork. The end date starts T4 (R6), so it must be real and in order.

    The minutes summary (biên bản) is kept in `report["minutes"]`: the team's written output, next to
    the report contents a-c that follow, without a column of its own."""
    row = _load(ctx, inspection_id, IN_PROGRESS)
    start, end = as_date(start_date), as_date(end_date)
    fields = {}
    if start < as_date(row.decision["date"]):
        fields["start_date"] = "ngày bắt đầu kiểm tra không được trước ngày quyết định kiểm tra"
    if end < start:
        fields["end_date"] = "ngày kết thúc kiểm tra không được trước ngày bắt đầu kiểm tra"
    elif end > _today(ctx):
        fields["end_date"] = "ngày kết thúc kiểm tra không được sau ngày hôm nay"
    if fields:
        raise ValidationError("Thông tin đoàn kiểm tra không hợp lệ", fields=fields)
    row.leader, row.members = leader, list(members)
    row.start_date, row.end_date, row.report_due = start, end, as_date(report_due)
    row.report = {"minutes": minutes}
    row.status = FIELDWORK_DONE
    return row.status


@operator("record_inspection_report", title="Ghi nhận báo cáo kết quả kiểm tra")
def record_inspection_report(
    ctx: StepContext, *, inspection_id: int, assessment: str, conclusion: str, recommendations: str
) -> str:
    """Đ17.4: the report contents a-c, dated today (judged against report_due, T4)."""
    row = _load(ctx, inspection_id, FIELDWORK_DONE)
    row.report = {
        **(row.report or {}),
        "assessment": assessment,
        "conclusion": conclusion,
        "recommendations": recommendations,
    }
    row.reported_on = _today(ctx)
    row.status = REPORTED
    return row.status


@operator("send_inspection_notice", title="Thông báo kết quả kiểm tra đến đơn vị được kiểm tra")
def send_inspection_notice(ctx: StepContext, *, inspection_id: int, message: str) -> str:
    """Đ17.1: notify the inspected unit of the results and record the day the notice went out."""
    row = _load(ctx, inspection_id, REPORTED)
    notify_unit(ctx, unit=row.inspected_unit, kind="inspection_notice", message=message)
    row.notice_sent_on = _today(ctx)
    return row.notice_sent_on.isoformat()


@operator("close_inspection_dossier", title="Đóng hồ sơ kiểm tra khi đủ tám thành phần (Điều 18)")
def close_inspection_dossier(ctx: StepContext, *, inspection_id: int, filed: dict[str, Any]) -> str:
    """Đ18: the dossier closes only when all eight items are filed; otherwise nothing changes."""
    row = _load(ctx, inspection_id, REPORTED)
    missing = [(number, field) for number, field in DOSSIER_ITEMS if filed.get(field) is not True]
    if missing:
        numbers = ", ".join(number for number, _ in missing)
        raise ValidationError(
            f"Chưa thể kết thúc hồ sơ kiểm tra: hồ sơ phải có đủ 8 thành phần theo Điều 18 Quy chế "
            f"35/2015/QĐ-UBND, còn thiếu mục {numbers}.",
            fields={field: f"chưa có trong hồ sơ (mục {number} Điều 18)" for number, field in missing},
        )
    row.dossier = {number: True for number, _ in DOSSIER_ITEMS}
    row.status = CLOSED
    return row.status


def _load(ctx: StepContext, inspection_id: int, status: str) -> Inspection:
    """The inspection, which must be at `status`: a step run out of order is refused, not applied."""
    row = ctx.session.get(Inspection, inspection_id)
    if row is None:
        raise NotFoundError(f"no inspection {inspection_id}")
    if row.status != status:
        raise ConflictError(f"inspection {inspection_id} is {row.status}, expected {status}")
    return row


def _today(ctx: StepContext) -> date:
    return ctx.calendar.local_date(ctx.now)
