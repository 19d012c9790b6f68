"""Operators of P8, the inspection (Đ12-18): each step of the diagram writes the Inspection row.

Every write goes through the ORM, so the change history (engine.history) records who changed
what and when. Input the forms cannot check by themselves (unknown unit or person, dates out of order) is
refused with a ValidationError naming the form field, and the whole step rolls back. The routing of the
report (Đ17) and the team's members are in engine.inspections.routing."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from engine.auth.models import User
from engine.calendar import as_date
from engine.directory.models import Unit
from engine.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from engine.inspections import scope
from engine.inspections.models import Inspection, InspectionPlan, InspectionPlanItem
from engine.operators import StepContext, operator

PLANNED, IN_PROGRESS, FIELDWORK_DONE = "planned", "in_progress", "fieldwork_done"
REPORTED, CLOSED, CANCELLED = "reported", "closed", "cancelled"
# Đ16.3: the inspected unit reports while the inspection is under way, until its dossier closes.
OPEN = (IN_PROGRESS, FIELDWORK_DONE, REPORTED)

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
    plan_item_id: int | None = None,
) -> dict[str, Any]:
    """Đ12.1.a: store the plan of the starter's unit, at the starter's level; returns what the diagram
    routes on: {"id", "unit_name", "level", "inspecting_unit", "inspecting_unit_name"}."""
    starter = ctx.session.scalar(select(User).where(User.username == ctx.actor))
    inspecting = (
        ctx.session.get(Unit, starter.unit_code) if starter is not None and starter.unit_code else None
    )
    if inspecting is None:
        raise ValidationError(
            "Người lập kế hoạch kiểm tra phải thuộc một cơ quan, đơn vị trong danh mục",
            fields={"inspected_unit": "tài khoản của bạn chưa gắn với đơn vị kiểm tra"},
        )
    unit = ctx.session.get(Unit, inspected_unit)
    fields = {}
    if unit is None:
        fields["inspected_unit"] = f"không có đơn vị mã {inspected_unit!r} trong danh mục"
    elif unit.code == inspecting.code:
        fields["inspected_unit"] = "đơn vị không tự kiểm tra chính mình theo quy trình này"
    if as_date(planned_to) < as_date(planned_from):
        fields["planned_to"] = "thời gian kết thúc dự kiến không được trước thời gian bắt đầu"
    if plan_item_id is not None:
        problem = _plan_item_problem(ctx, plan_item_id, inspecting.code, inspected_unit)
        if problem:
            fields["plan_item_id"] = problem
    if fields:
        raise ValidationError("Kế hoạch kiểm tra không hợp lệ", fields=fields)
    level = scope.level_of(ctx.session, starter)
    row = Inspection(
        title=title,
        inspected_unit=inspected_unit,
        inspecting_unit_code=inspecting.code,
        level=level,
        plan={
            "inspection_form": inspection_form,
            "planned_from": planned_from,
            "planned_to": planned_to,
            "purpose": purpose,
            "contents": plan_contents,
        },
        plan_item_id=plan_item_id,
        routing=[],
        status=PLANNED,
        instance_id=ctx.instance_id,
        created_by=ctx.actor,
        created_at=ctx.now,
    )
    ctx.session.add(row)
    ctx.session.flush()
    return {
        "id": row.id,
        "unit_name": unit.name,
        "level": level,
        "inspecting_unit": inspecting.code,
        "inspecting_unit_name": inspecting.name,
    }


def _plan_item_problem(ctx: StepContext, item_id: int, inspecting: str, inspected: str) -> str | None:
    """Why the plan item cannot start this inspection, or None: it must be of an approved plan of the
    inspecting unit, for the same inspected unit, and not started yet (or only cancelled)."""
    item = ctx.session.get(InspectionPlanItem, item_id)
    plan = ctx.session.get(InspectionPlan, item.plan_id) if item is not None else None
    if item is None or plan is None or plan.inspecting_unit_code != inspecting:
        return "không có mục kế hoạch này trong kế hoạch kiểm tra của đơn vị"
    if plan.approved_on is None:
        return "kế hoạch kiểm tra chưa được phê duyệt (khoản 1 Điều 14)"
    if item.inspected_unit_code != inspected:
        return "đơn vị được kiểm tra khác với mục kế hoạch"
    started = select(Inspection.id).where(Inspection.plan_item_id == item_id, Inspection.status != CANCELLED)
    if ctx.session.scalar(started.limit(1)) is not None:
        return "mục kế hoạch này đã được tiến hành kiểm tra"
    return None


@operator("record_inspection_proposal", title="Ghi ý kiến đề nghị của Chánh Văn phòng UBND tỉnh")
def record_inspection_proposal(
    ctx: StepContext, *, inspection_id: int, outcome: str, remarks: str | None = None
) -> str:
    """Đ15.1: the Chánh VP proposes the plan to the Chairman, or sends it back with remarks."""
    row = _load(ctx, inspection_id, PLANNED)
    if outcome == "send_back" and not (remarks or "").strip():
        raise ValidationError(
            "Nêu ý kiến khi trả lại kế hoạch", fields={"remarks": "nhập ý kiến, yêu cầu chỉnh sửa"}
        )
    row.proposal = {"outcome": outcome, "remarks": remarks, "by": ctx.actor, "on": _today(ctx).isoformat()}
    return outcome


@operator("revise_inspection_plan", title="Ghi nhận kế hoạch kiểm tra đã chỉnh sửa")
def revise_inspection_plan(ctx: StepContext, *, inspection_id: int, plan: dict[str, Any]) -> str:
    """The VP specialist revises the plan the Chánh VP sent back; it goes to him again."""
    row = _load(ctx, inspection_id, PLANNED)
    if as_date(plan["planned_to"]) < as_date(plan["planned_from"]):
        raise ValidationError(
            "Kế hoạch kiểm tra không hợp lệ",
            fields={"planned_to": "thời gian kết thúc dự kiến không được trước thời gian bắt đầu"},
        )
    row.title = plan["title"]
    row.plan = {**row.plan, **{k: v for k, v in plan.items() if k != "title"}}
    return row.status


@operator("record_inspection_decision", title="Ghi nhận quyết định kiểm tra và thành lập Đoàn kiểm tra")
def record_inspection_decision(
    ctx: StepContext,
    *,
    inspection_id: int,
    decision: dict[str, Any],
    team_leader: str,
    related_sector_unit: str | None = None,
    inspected_report_due: str | None = None,
) -> dict[str, Any]:
    """Đ15: the decision (number, date, contents a-đ), its Trưởng đoàn (a person of the inspecting unit),
    the sở concerned (Đ17.3) and the day the inspected unit reports by (Đ16.3); the inspection is under way.
    Returns {"status", "team_leader_name"}."""
    row = _load(ctx, inspection_id, PLANNED)
    decided_on, today = as_date(decision["date"]), _today(ctx)
    fields = {}
    if decided_on > today:
        fields["decision_date"] = "ngày quyết định không được sau ngày hôm nay"
    leader = ctx.session.scalar(select(User).where(User.username == team_leader, User.active.is_(True)))
    if leader is None or leader.unit_code != row.inspecting_unit_code:
        fields["team_leader"] = "Trưởng đoàn phải là người của đơn vị kiểm tra"
    if related_sector_unit:
        sector = ctx.session.get(Unit, related_sector_unit)
        if sector is None or related_sector_unit in (row.inspected_unit, row.inspecting_unit_code):
            fields["related_sector_unit"] = "chọn sở, ngành quản lý ngành, lĩnh vực trong danh mục"
    if inspected_report_due and as_date(inspected_report_due) < decided_on:
        fields["inspected_report_due"] = (
            "hạn báo cáo của đơn vị được kiểm tra không được trước ngày quyết định"
        )
    if fields:
        raise ValidationError("Quyết định kiểm tra không hợp lệ", fields=fields)
    row.decision = dict(decision)
    row.team_leader = team_leader
    row.related_sector_unit_code = related_sector_unit or None
    row.inspected_report_due = as_date(inspected_report_due) if inspected_report_due else None
    row.status = IN_PROGRESS
    return {"status": row.status, "team_leader_name": leader.full_name}


@operator("cancel_inspection", title="Ghi nhận quyết định không kiểm tra, nêu lý do")
def cancel_inspection(ctx: StepContext, *, inspection_id: int, reason: str) -> str:
    """The one who decides declines to inspect: the plan is kept, marked cancelled, with the reason."""
    row = _load(ctx, inspection_id, PLANNED)
    row.decision = {"declined": True, "reason": reason}
    row.status = CANCELLED
    return row.status


@operator("record_inspection_fieldwork", title="Ghi nhận đoàn kiểm tra, thời gian kiểm tra và biên bản")
def record_inspection_fieldwork(
    ctx: StepContext,
    *,
    inspection_id: int,
    start_date: str,
    end_date: str,
    minutes: str,
    report_due: date,
    minutes_files: list[dict] | None = None,
) -> str:
    """Đ16: the team's fieldwork, recorded by its Trưởng đoàn. The end date starts T4 (R6), so it must be
    real and in order. The minutes (biên bản) are kept in `report["minutes"]`, with their files."""
    row = _load(ctx, inspection_id, IN_PROGRESS)
    _check_team_leader(ctx, row)
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
    leader = ctx.session.scalar(select(User).where(User.username == row.team_leader))
    row.leader = leader.full_name if leader is not None else row.team_leader
    row.start_date, row.end_date, row.report_due = start, end, as_date(report_due)
    row.report = {"minutes": minutes, "minutes_files": list(minutes_files or [])}
    row.status = FIELDWORK_DONE
    return row.status


@operator("record_inspected_unit_report", title="Ghi nhận báo cáo, tài liệu của đơn vị được kiểm tra")
def record_inspected_unit_report(
    ctx: StepContext, *, inspection_id: int, situation: str, files: list[dict] | None = None
) -> str:
    """Đ16.3: the inspected unit's report on its tasks, and the documents it hands over to the team."""
    row = ctx.session.get(Inspection, inspection_id)
    if row is None:
        raise NotFoundError(f"no inspection {inspection_id}")
    if row.status not in OPEN:
        raise ConflictError(f"inspection {inspection_id} is {row.status}: it takes no report of the unit")
    row.inspected_report = {"situation": situation, "files": list(files or []), "by": ctx.actor}
    row.inspected_reported_on = _today(ctx)
    return row.inspected_reported_on.isoformat()


@operator("record_inspection_report", title="Ghi nhận báo cáo kết quả kiểm tra")
def record_inspection_report(
    ctx: StepContext,
    *,
    inspection_id: int,
    assessment: str,
    conclusion: str,
    recommendations: str,
    report_files: list[dict] | None = None,
) -> str:
    """Đ17.4: the report contents a-c by the Trưởng đoàn, dated today (judged against report_due, T4)."""
    row = _load(ctx, inspection_id, FIELDWORK_DONE)
    _check_team_leader(ctx, row)
    row.report = {
        **(row.report or {}),
        "assessment": assessment,
        "conclusion": conclusion,
        "recommendations": recommendations,
        "report_files": list(report_files or []),
    }
    row.reported_on = _today(ctx)
    row.status = REPORTED
    return row.status


@operator("close_inspection_dossier", title="Đóng hồ sơ kiểm tra khi đủ tám thành phần (Điều 18)")
def close_inspection_dossier(
    ctx: StepContext, *, inspection_id: int, filed: dict[str, Any], files: dict[str, Any] | None = None
) -> str:
    """Đ18: the dossier closes only when all eight items are filed; each item keeps its files. Otherwise
    nothing changes."""
    row = _load(ctx, inspection_id, REPORTED)
    missing = [(number, field) for number, field in DOSSIER_ITEMS if filed.get(field) is not True]
    if missing:
        numbers = ", ".join(number for number, _ in missing)
        raise ValidationError(
            f"Chưa thể kết thúc hồ sơ kiểm tra: hồ sơ phải có đủ 8 thành phần theo Điều 18 Quy chế "
            f"35/2015/QĐ-UBND, còn thiếu mục {numbers}.",
            fields={field: f"chưa có trong hồ sơ (mục {number} Điều 18)" for number, field in missing},
        )
    files = files or {}
    row.dossier = {
        number: {"filed": True, "files": list(files.get(field) or [])} for number, field in DOSSIER_ITEMS
    }
    row.status = CLOSED
    return row.status


def _check_team_leader(ctx: StepContext, row: Inspection) -> None:
    """Đ16.1: the Trưởng đoàn named in the decision runs the inspection and reports its results."""
    if row.team_leader and ctx.actor != row.team_leader:
        leader = ctx.session.scalar(select(User.full_name).where(User.username == row.team_leader))
        raise PermissionDeniedError(
            f"Chỉ Trưởng đoàn kiểm tra ({leader or row.team_leader}) thực hiện bước này"
        )


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
