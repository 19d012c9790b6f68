"""The API of P8: the inspections a user may see (engine.inspections.scope) and the yearly plans."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, jsonify, request

from engine import clock
from engine.errors import ValidationError
from engine.inspections import scope, service
from engine.inspections.models import InspectionPlan
from engine.web.api import (
    API_PREFIX,
    PAGING_QUERY,
    operation,
    paging,
    reading,
    system,
    transaction,
    user,
)

bp = Blueprint("inspections", __name__, url_prefix=API_PREFIX)

_CODE = {"type": "string", "minLength": 1, "maxLength": 50}
_YEAR = {"type": "integer", "minimum": service.YEARS.start, "maximum": service.YEARS.stop - 1}
INSPECTION = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "level": {"type": "string", "enum": ["province", "department", "commune"]},
        "status": {"type": "string", "enum": list(service.STATUSES)},
        "status_name": {"type": "string"},
        "inspecting_unit": {"type": ["string", "null"]},
        "inspected_unit": {"type": "string"},
        "decision": {"type": ["object", "null"], "description": "số, ngày và nội dung a–đ (Điều 15)"},
        "team_leader_name": {"type": ["string", "null"]},
        "members": {"type": "array", "items": {"type": "object"}},
        "report": {"type": ["object", "null"], "description": "nội dung a–c (khoản 4 Điều 17)"},
        "routing": {"type": "array", "items": {"type": "object"}, "description": "nơi nhận (Điều 17)"},
        "dossier": {"type": "object", "description": "thành phần 1–8 (Điều 18)"},
    },
}
LIST_QUERY = {
    "year": {**_YEAR, "description": "năm lập kế hoạch kiểm tra"},
    "inspecting_unit": {**_CODE, "description": "mã đơn vị kiểm tra"},
    "inspected_unit": {**_CODE, "description": "mã đơn vị được kiểm tra"},
    "status": {"type": "string", "enum": list(service.STATUSES)},
    **PAGING_QUERY,
}
PLAN_ITEM = {
    "type": "object",
    "additionalProperties": False,
    "required": ["inspected_unit", "planned_month", "contents"],
    "properties": {
        "inspected_unit": {**_CODE, "title": "Mã đơn vị được kiểm tra"},
        "planned_month": {"type": "integer", "minimum": 1, "maximum": 12, "title": "Tháng dự kiến"},
        "contents": {"type": "string", "minLength": 1, "maxLength": 4000, "title": "Nội dung kiểm tra"},
    },
}
PLAN_IN = {
    "type": "object",
    "additionalProperties": False,
    "required": ["year", "title", "items"],
    "properties": {
        "year": {**_YEAR, "title": "Năm"},
        "title": {"type": "string", "minLength": 1, "maxLength": 500, "title": "Tên kế hoạch"},
        "items": {"type": "array", "minItems": 1, "maxItems": 200, "items": PLAN_ITEM},
    },
}
PLAN = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "year": {"type": "integer"},
        "title": {"type": "string"},
        "inspecting_unit": {"type": "string"},
        "approved_by": {"type": ["string", "null"]},
        "approved_on": {"type": ["string", "null"], "format": "date"},
        "items": {"type": "array", "items": {"type": "object"}},
    },
}


def _tz() -> ZoneInfo:
    return ZoneInfo(system().settings.timezone)


def _year() -> int | None:
    """The optional `year` of the query string: digits within service.YEARS, else a 400."""
    year = request.args.get("year")
    if year is None:
        return None
    if not (year.isascii() and year.isdigit()):
        raise ValidationError("Năm không hợp lệ", fields={"year": "nhập năm, ví dụ 2026"})
    service.check_year(int(year))
    return int(year)


def _filters() -> service.InspectionFilters:
    year = _year()
    status = request.args.get("status") or None
    if status is not None and status not in service.STATUSES:
        raise ValidationError(
            "Trạng thái không hợp lệ", fields={"status": f"một trong {list(service.STATUSES)}"}
        )
    return service.InspectionFilters(
        year=year,
        inspecting_unit=request.args.get("inspecting_unit") or None,
        inspected_unit=request.args.get("inspected_unit") or None,
        status=status,
    )


@bp.get("/inspections")
@operation(
    summary="Các cuộc kiểm tra người dùng được xem (Văn phòng, lãnh đạo: tất cả; đơn vị: cuộc kiểm tra "
    "do mình tiến hành hoặc được kiểm tra; người được mời: cuộc kiểm tra của mình)",
    tag="inspections",
    query=LIST_QUERY,
    response={
        "type": "object",
        "properties": {"items": {"type": "array", "items": INSPECTION}, "total": {"type": "integer"}},
    },
)
def list_inspections():
    limit, offset = paging()
    filters = _filters()
    with reading() as session:
        rows = service.list_inspections(
            session=session, user=user(), filters=filters, tz=_tz(), limit=limit, offset=offset
        )
        total = service.count_inspections(session=session, user=user(), filters=filters, tz=_tz())
        return jsonify(items=[service.present(session, r) for r in rows], total=total)


@bp.get("/inspections/<int:inspection_id>")
@operation(
    summary="Một cuộc kiểm tra: quyết định, đoàn kiểm tra, báo cáo, nơi nhận, hồ sơ",
    tag="inspections",
    response=INSPECTION,
)
def get_inspection(inspection_id: int):
    with reading() as session:
        row = scope.get_visible(session=session, user=user(), inspection_id=inspection_id)
        return jsonify(service.present(session, row))


def present_plan(session, plan: InspectionPlan) -> dict:
    items = service.items_of(session, [plan.id])[plan.id]
    started = service.started_from(session, [i.id for i in items])
    return {
        "id": plan.id,
        "year": plan.year,
        "title": plan.title,
        "inspecting_unit": plan.inspecting_unit_code,
        "approved_by": plan.approved_by,
        "approved_on": plan.approved_on.isoformat() if plan.approved_on else None,
        "created_by": plan.created_by,
        "items": [
            {
                "id": i.id,
                "inspected_unit": i.inspected_unit_code,
                "planned_month": i.planned_month,
                "contents": i.contents,
                "inspection_id": started[i.id].id if i.id in started else None,
                "inspection_status": started[i.id].status if i.id in started else None,
            }
            for i in items
        ],
    }


@bp.get("/inspection-plans")
@operation(
    summary="Kế hoạch kiểm tra năm (điểm a khoản 1 Điều 12, khoản 1 Điều 14): của mọi đơn vị cho Văn phòng "
    "và lãnh đạo, của đơn vị mình cho đơn vị",
    tag="inspections",
    query={"year": {**_YEAR, "description": "năm của kế hoạch"}},
    response={"type": "object", "properties": {"items": {"type": "array", "items": PLAN}}},
)
def list_plans():
    year = _year()
    with reading() as session:
        found = service.plans(session, user=user(), year=year)
        return jsonify(items=[present_plan(session, p) for p in found])


@bp.post("/inspection-plans")
@operation(
    summary="Lập kế hoạch kiểm tra năm của đơn vị mình, gồm các cuộc kiểm tra dự kiến",
    tag="inspections",
    roles=set(service.PLAN_WRITERS),
    body=PLAN_IN,
    response=PLAN,
    status=201,
)
def create_plan(body: dict):
    with transaction() as session:
        plan = service.create_plan(session=session, user=user(), values=body, now=clock.now())
        return jsonify(present_plan(session, plan)), 201


@bp.post("/inspection-plans/<int:plan_id>/approve")
@operation(
    summary="Phê duyệt kế hoạch kiểm tra năm (Chủ tịch UBND tỉnh cho kế hoạch của Văn phòng; thủ trưởng "
    "sở, ngành, Chủ tịch UBND cấp xã cho kế hoạch của đơn vị mình)",
    tag="inspections",
    response=PLAN,
)
def approve_plan(plan_id: int):
    with transaction() as session:
        today = clock.now().astimezone(_tz()).date()
        plan = service.approve_plan(session=session, user=user(), plan_id=plan_id, today=today)
        return jsonify(present_plan(session, plan))
