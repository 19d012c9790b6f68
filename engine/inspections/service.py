"""Queries of P8 for the pages and the API: the inspections a user may see (engine.inspections.scope),
filtered and paged, and the yearly plans (Đ12.1.a, Đ14.1): create, approve, start an item's inspection."""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.auth.models import User
from engine.auth.service import Principal
from engine.directory.models import Unit
from engine.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from engine.inspections import scope
from engine.inspections.models import (
    PROVINCE,
    Inspection,
    InspectionMember,
    InspectionPlan,
    InspectionPlanItem,
)
from engine.inspections.operators import CANCELLED, DOSSIER_ITEMS
from engine.instances import starting

STATUSES = {
    "planned": "Chờ quyết định kiểm tra",
    "in_progress": "Đang kiểm tra",
    "fieldwork_done": "Đã kết thúc kiểm tra, chờ báo cáo kết quả",
    "reported": "Đã báo cáo kết quả, đang lập hồ sơ",
    "closed": "Đã kết thúc hồ sơ kiểm tra",
    "cancelled": "Không tiến hành kiểm tra",
}
LEVELS = {"province": "Văn phòng UBND tỉnh", "department": "Sở, ban, ngành", "commune": "UBND cấp xã"}
# Who writes a yearly plan: the inspecting unit's staff (VP's specialists for the province).
PLAN_WRITERS = frozenset({"vp_specialist", "unit_staff"})
# The years a plan may be written for and the lists filtered by.
YEARS = range(2000, 2101)


@dataclass(frozen=True)
class InspectionFilters:
    """The list's filters: the year it was planned in, who inspects, who is inspected, its status."""

    year: int | None = None
    inspecting_unit: str | None = None
    inspected_unit: str | None = None
    status: str | None = None


def check_year(year: int | None) -> None:
    """A year filter outside YEARS is the caller's error, not an empty list (nor a date out of range)."""
    if year is not None and year not in YEARS:
        raise ValidationError(
            "Năm không hợp lệ", fields={"year": f"nhập năm từ {YEARS.start} đến {YEARS.stop - 1}"}
        )


def _query(user: Principal, filters: InspectionFilters, tz: ZoneInfo):
    check_year(filters.year)
    query = select(Inspection).where(scope.visible(user))
    if filters.year:
        first = datetime(filters.year, 1, 1, tzinfo=tz).astimezone(UTC)
        after = datetime(filters.year + 1, 1, 1, tzinfo=tz).astimezone(UTC)
        query = query.where(Inspection.created_at >= first, Inspection.created_at < after)
    if filters.inspecting_unit:
        query = query.where(Inspection.inspecting_unit_code == filters.inspecting_unit)
    if filters.inspected_unit:
        query = query.where(Inspection.inspected_unit == filters.inspected_unit)
    if filters.status:
        query = query.where(Inspection.status == filters.status)
    return query


def list_inspections(
    *, session: Session, user: Principal, filters: InspectionFilters, tz: ZoneInfo, limit: int, offset: int
) -> list[Inspection]:
    """The inspections `user` may see, newest first."""
    query = _query(user, filters, tz).order_by(Inspection.created_at.desc(), Inspection.id.desc())
    return list(session.scalars(query.limit(limit).offset(offset)))


def count_inspections(*, session: Session, user: Principal, filters: InspectionFilters, tz: ZoneInfo) -> int:
    """How many inspections the list shows over all its pages."""
    inner = _query(user, filters, tz).with_only_columns(Inspection.id).subquery()
    return session.scalar(select(func.count()).select_from(inner)) or 0


def members_of(session: Session, inspection_id: int) -> list[InspectionMember]:
    """The team's members and invited members of one inspection."""
    query = select(InspectionMember).where(InspectionMember.inspection_id == inspection_id)
    return list(session.scalars(query.order_by(InspectionMember.role, InspectionMember.id)))


def dossier_rows(row: Inspection) -> list[dict[str, Any]]:
    """Đ18 items 1-8 with whether each is filed and its files (empty until the dossier closes)."""
    dossier = row.dossier or {}
    return [
        {"number": number, "field": field, **(dossier.get(number) or {"filed": False, "files": []})}
        for number, field in DOSSIER_ITEMS
    ]


def present(session: Session, row: Inspection) -> dict[str, Any]:
    """The inspection as the API returns it: codes, and the names a reader needs beside them."""
    members = members_of(session, row.id)
    names = _full_names(session, {row.team_leader, *(m.username for m in members)})
    units = _unit_names(session, {row.inspected_unit, row.inspecting_unit_code, row.related_sector_unit_code})
    return {
        "id": row.id,
        "title": row.title,
        "level": row.level,
        "status": row.status,
        "status_name": STATUSES.get(row.status, row.status),
        "inspecting_unit": row.inspecting_unit_code,
        "inspecting_unit_name": units.get(row.inspecting_unit_code),
        "inspected_unit": row.inspected_unit,
        "inspected_unit_name": units.get(row.inspected_unit),
        "related_sector_unit": row.related_sector_unit_code,
        "plan": row.plan,
        "plan_item_id": row.plan_item_id,
        "proposal": row.proposal,
        "decision": row.decision,
        "team_leader": row.team_leader,
        "team_leader_name": names.get(row.team_leader),
        "members": [
            {"username": m.username, "full_name": names.get(m.username), "role": m.role} for m in members
        ],
        "start_date": _iso(row.start_date),
        "end_date": _iso(row.end_date),
        "report_due": _iso(row.report_due),
        "inspected_report_due": _iso(row.inspected_report_due),
        "inspected_report": row.inspected_report,
        "inspected_reported_on": _iso(row.inspected_reported_on),
        "report": row.report,
        "reported_on": _iso(row.reported_on),
        "routing": row.routing or [],
        "dossier": row.dossier or {},
        "instance_id": row.instance_id,
        "created_at": row.created_at.isoformat(),
    }


# ---- yearly plans ---------------------------------------------------------------------------------------


def plan_level(session: Session, plan: InspectionPlan) -> str:
    """The plan's level is its writer's, as an inspection's is its starter's (Đ12)."""
    writer = session.scalar(select(User).where(User.username == plan.created_by))
    return scope.level_of(session, writer) if writer is not None else PROVINCE


def plans(session: Session, *, user: Principal, year: int | None = None) -> list[InspectionPlan]:
    """The plans `user` may see: every plan for VP, the leadership and monitors, else his unit's."""
    check_year(year)
    query = select(InspectionPlan)
    if not scope.sees_all(user):
        query = query.where(InspectionPlan.inspecting_unit_code == (user.unit_code or ""))
    if year:
        query = query.where(InspectionPlan.year == year)
    return list(session.scalars(query.order_by(InspectionPlan.year.desc(), InspectionPlan.id.desc())))


def items_of(session: Session, plan_ids: list[int]) -> dict[int, list[InspectionPlanItem]]:
    """plan id -> its items, by planned month."""
    found: dict[int, list[InspectionPlanItem]] = {i: [] for i in plan_ids}
    query = select(InspectionPlanItem).where(InspectionPlanItem.plan_id.in_(plan_ids))
    for item in session.scalars(query.order_by(InspectionPlanItem.planned_month, InspectionPlanItem.id)):
        found[item.plan_id].append(item)
    return found


def started_from(session: Session, item_ids: list[int]) -> dict[int, Inspection]:
    """plan item id -> the inspection started from it (the latest one not cancelled, else the latest)."""
    query = select(Inspection).where(Inspection.plan_item_id.in_(item_ids)).order_by(Inspection.id)
    found: dict[int, Inspection] = {}
    for row in session.scalars(query):
        if row.plan_item_id not in found or row.status != CANCELLED:
            found[row.plan_item_id] = row
    return found


def may_write_plan(user: Principal) -> bool:
    """The inspecting unit's staff write its plans (Đ12.1.a)."""
    return bool(user.unit_code) and bool(PLAN_WRITERS.intersection(user.roles))


def may_approve(session: Session, user: Principal, plan: InspectionPlan) -> bool:
    """Đ15: the Chairman approves VP's plan; the head of a sở or commune approves his unit's."""
    if plan_level(session, plan) == PROVINCE:
        return "chairman" in user.roles
    return "unit_leader" in user.roles and user.unit_code == plan.inspecting_unit_code


def create_plan(
    *, session: Session, user: Principal, values: dict[str, Any], now: datetime
) -> InspectionPlan:
    """A yearly plan of the user's unit with its items ({inspected_unit, planned_month, contents})."""
    if not may_write_plan(user):
        raise PermissionDeniedError("Chỉ cán bộ, chuyên viên của đơn vị kiểm tra lập kế hoạch kiểm tra")
    fields: dict[str, str] = {}
    year, title = values.get("year"), (values.get("title") or "").strip()
    if not isinstance(year, int) or year not in YEARS:
        fields["year"] = "nhập năm của kế hoạch, ví dụ 2026"
    if not title:
        fields["title"] = "nhập tên kế hoạch kiểm tra"
    items = values.get("items") or []
    if not items:
        fields["items"] = "kế hoạch phải có ít nhất một cuộc kiểm tra"
    for n, item in enumerate(items):
        unit = session.get(Unit, item.get("inspected_unit") or "")
        if unit is None:
            fields[f"items/{n}/inspected_unit"] = "chọn đơn vị được kiểm tra trong danh mục"
        elif unit.code == user.unit_code:
            fields[f"items/{n}/inspected_unit"] = "đơn vị không tự kiểm tra chính mình"
        month = item.get("planned_month")
        if not isinstance(month, int) or not 1 <= month <= 12:
            fields[f"items/{n}/planned_month"] = "chọn tháng từ 1 đến 12"
        if not (item.get("contents") or "").strip():
            fields[f"items/{n}/contents"] = "nhập nội dung kiểm tra"
    if fields:
        raise ValidationError("Kế hoạch kiểm tra năm không hợp lệ", fields=fields)
    plan = InspectionPlan(
        year=year, inspecting_unit_code=user.unit_code, title=title, created_by=user.username, created_at=now
    )
    session.add(plan)
    session.flush()
    for item in items:
        session.add(
            InspectionPlanItem(
                plan_id=plan.id,
                inspected_unit_code=item["inspected_unit"],
                planned_month=item["planned_month"],
                contents=item["contents"].strip(),
            )
        )
    session.flush()
    return plan


def get_plan(session: Session, *, user: Principal, plan_id: int) -> InspectionPlan:
    """One plan the user may see; 404 if none, 403 if another unit's."""
    plan = session.get(InspectionPlan, plan_id)
    if plan is None:
        raise NotFoundError(f"Không tìm thấy kế hoạch kiểm tra số {plan_id}")
    if not scope.sees_all(user) and plan.inspecting_unit_code != user.unit_code:
        raise PermissionDeniedError("Bạn không có quyền xem kế hoạch kiểm tra này")
    return plan


def approve_plan(*, session: Session, user: Principal, plan_id: int, today: date) -> InspectionPlan:
    """Phê duyệt: recorded with who and when; a plan is approved once."""
    plan = get_plan(session, user=user, plan_id=plan_id)
    if not may_approve(session, user, plan):
        who = "Chủ tịch UBND tỉnh" if plan_level(session, plan) == PROVINCE else "thủ trưởng đơn vị kiểm tra"
        raise PermissionDeniedError(f"Kế hoạch kiểm tra này do {who} phê duyệt (Điều 15)")
    if plan.approved_on is not None:
        raise ConflictError("Kế hoạch kiểm tra đã được phê duyệt")
    plan.approved_by, plan.approved_on = user.username, today
    return plan


def start_form_data(session: Session, item: InspectionPlanItem) -> dict[str, Any]:
    """The inspection's start form prefilled from a plan item: its unit, its month, its contents."""
    plan = session.get(InspectionPlan, item.plan_id)
    unit = session.get(Unit, item.inspected_unit_code)
    last_day = month_calendar.monthrange(plan.year, item.planned_month)[1]
    return {
        "title": f"Kiểm tra {unit.name if unit else item.inspected_unit_code} theo {plan.title[:1].lower()}"
        f"{plan.title[1:]}",
        "inspected_unit": item.inspected_unit_code,
        "inspection_form": "regular",
        "planned_from": date(plan.year, item.planned_month, 1).isoformat(),
        "planned_to": date(plan.year, item.planned_month, last_day).isoformat(),
        "plan_contents": item.contents,
        "plan_item_id": item.id,
    }


def get_item(session: Session, *, user: Principal, item_id: int) -> InspectionPlanItem:
    """One item of a plan the user may see."""
    item = session.get(InspectionPlanItem, item_id)
    if item is None:
        raise NotFoundError(f"Không tìm thấy mục kế hoạch kiểm tra số {item_id}")
    get_plan(session, user=user, plan_id=item.plan_id)
    return item


def start_from_item(
    *, session: Session, engine, user: Principal, item_id: int, form: dict[str, Any]
) -> Inspection:
    """Tiến hành kiểm tra: start P8 with the start form, bound to the plan item (the record_plan step
    checks the item is of an approved plan of the unit, for that unit, not started yet)."""
    get_item(session, user=user, item_id=item_id)
    data = {**form, "plan_item_id": item_id}
    instance = starting.start_on_demand(
        session=session, engine=engine, process_id="inspection", data=data, user=user
    )
    return session.scalars(select(Inspection).where(Inspection.instance_id == instance.id)).one()


def _full_names(session: Session, usernames: set[str | None]) -> dict[str, str]:
    wanted = {u for u in usernames if u}
    query = select(User.username, User.full_name).where(User.username.in_(wanted))
    return dict(session.execute(query).all()) if wanted else {}


def _unit_names(session: Session, codes: set[str | None]) -> dict[str, str]:
    wanted = {c for c in codes if c}
    return dict(session.execute(select(Unit.code, Unit.name).where(Unit.code.in_(wanted))).all())


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
