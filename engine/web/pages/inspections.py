"""Kiểm tra (Đ12-18): the inspections the user may see, one inspection with its decision, team, reports,
routing, dossier and history, and the yearly plans with "Tiến hành kiểm tra" for each of their items."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select

from engine import clock, history
from engine.directory.models import Unit
from engine.errors import PermissionDeniedError, ValidationError
from engine.inspections import scope, service
from engine.inspections.models import INVITED, InspectionPlan, InspectionPlanItem
from engine.inspections.operators import CANCELLED
from engine.instances import starting
from engine.web.api import reading, system, transaction
from engine.web.pages import filters
from engine.web.pages.common import (
    PAGE_SIZE,
    bp,
    full_names,
    json_body,
    me,
    open_tasks,
    page_offset,
    today,
    tz,
    unit_directory,
    unit_names,
    user_directory,
    user_widget_roles,
)

# Lịch sử: the columns of an inspection a reader follows, by their name on the page.
HISTORY_FIELDS = {
    "title": "Tên cuộc kiểm tra",
    "status": "Tình trạng",
    "plan": "Kế hoạch kiểm tra",
    "proposal": "Ý kiến của Chánh Văn phòng",
    "decision": "Quyết định kiểm tra",
    "team_leader": "Trưởng đoàn",
    "related_sector_unit_code": "Sở, ngành liên quan",
    "inspected_report_due": "Hạn đơn vị được kiểm tra báo cáo",
    "start_date": "Ngày bắt đầu kiểm tra",
    "end_date": "Ngày kết thúc kiểm tra",
    "report_due": "Hạn báo cáo kết quả (T4)",
    "inspected_report": "Báo cáo của đơn vị được kiểm tra",
    "report": "Biên bản, báo cáo kết quả kiểm tra",
    "reported_on": "Ngày báo cáo kết quả",
    "routing": "Nơi nhận báo cáo",
    "dossier": "Hồ sơ kiểm tra",
}
# Columns whose content the page shows in full elsewhere: the history says only that they changed.
SHOWN_ELSEWHERE = {"plan", "proposal", "decision", "inspected_report", "report", "routing", "dossier"}
FORMS = {"regular": "Thường xuyên, định kỳ", "ad_hoc": "Đột xuất"}
# A new plan's form offers this many rows of items; empty rows are left out.
PLAN_ROWS = 6


def _number(text: str) -> int | None:
    """A whole number typed in a form or a query; anything else (empty, "²", "x") is None."""
    return int(text) if text.isascii() and text.isdigit() else None


@bp.get("/kiem-tra")
def inspection_list():
    """The inspections the user may see, filtered by year, inspecting unit, inspected unit and status."""
    year = request.args.get("year", "")
    chosen = service.InspectionFilters(
        year=_number(year),
        inspecting_unit=request.args.get("inspecting_unit") or None,
        inspected_unit=request.args.get("inspected_unit") or None,
        status=request.args.get("status") if request.args.get("status") in service.STATUSES else None,
    )
    offset = page_offset()
    with reading() as session:
        rows = service.list_inspections(
            session=session, user=me(), filters=chosen, tz=tz(), limit=PAGE_SIZE, offset=offset
        )
        total = service.count_inspections(session=session, user=me(), filters=chosen, tz=tz())
        filter_args = {
            "year": chosen.year,
            "inspecting_unit": chosen.inspecting_unit,
            "inspected_unit": chosen.inspected_unit,
            "status": chosen.status,
        }
        return render_template(
            "inspections.html",
            rows=rows,
            total=total,
            offset=offset,
            filters=chosen,
            filter_args=filter_args,
            filtered=any(filter_args.values()),
            units=session.execute(select(Unit.code, Unit.name).order_by(Unit.name)).all(),
            unit_names=unit_names(session),
            statuses=service.STATUSES,
            years=range(today().year + 1, today().year - 6, -1),
            can_plan=service.may_write_plan(me()) or scope.sees_all(me()) or "unit_leader" in me().roles,
        )


@bp.get("/kiem-tra/<int:inspection_id>")
def inspection(inspection_id: int):
    """One inspection: plan, decision a-đ, team, the inspected unit's report, the report a-c, routing,
    dossier, the steps under way (with a link to the user's own) and the history."""
    with reading() as session:
        row = scope.get_visible(session=session, user=me(), inspection_id=inspection_id)
        members = service.members_of(session, row.id)
        changes = history.of(session, "inspections", row.id)
        tasks = open_tasks(session, row.instance_id)
        people = full_names(
            session,
            {row.team_leader, row.created_by, *(m.username for m in members), *(c.actor for c in changes)}
            | {(row.proposal or {}).get("by"), (row.inspected_report or {}).get("by")}
            | {t["row"].assignee for t in tasks},
        )
        names = unit_names(session)
        item = session.get(InspectionPlanItem, row.plan_item_id) if row.plan_item_id else None
        plan = session.get(InspectionPlan, item.plan_id) if item else None
        return render_template(
            "inspection.html",
            row=row,
            team=[m for m in members if m.role != INVITED],
            invited=[m for m in members if m.role == INVITED],
            people=people,
            unit_names=names,
            statuses=service.STATUSES,
            levels=service.LEVELS,
            forms=FORMS,
            dossier=service.dossier_rows(row),
            dossier_titles=_dossier_titles(session),
            tasks=tasks,
            history=[h for h in (_history_row(c, people, names) for c in changes) if h["items"]],
            plan=plan,
            item=item,
            plan_visible=plan is not None
            and (scope.sees_all(me()) or plan.inspecting_unit_code == me().unit_code),
        )


@bp.get("/kiem-tra/ke-hoach")
def inspection_plans():
    """Kế hoạch kiểm tra năm: the plans the user may see, their items and the inspections started."""
    return _plans_page()


@bp.post("/kiem-tra/ke-hoach")
def inspection_plan_create():
    """Lập kế hoạch kiểm tra năm, from the page's form (empty item rows are left out)."""
    form = request.form
    items = []
    for unit, month, contents in zip(
        form.getlist("item_unit"), form.getlist("item_month"), form.getlist("item_contents"), strict=False
    ):
        if unit or contents.strip():
            items.append(
                {
                    "inspected_unit": unit,
                    "planned_month": _number(month),
                    "contents": contents,
                }
            )
    year = form.get("year", "")
    values = {"year": _number(year), "title": form.get("title", ""), "items": items}
    try:
        with transaction() as session:
            plan = service.create_plan(session=session, user=me(), values=values, now=clock.now())
            title = plan.title
    except ValidationError as exc:
        return _plans_page(errors=exc.fields, message=exc.message, status=422)
    flash(f"Đã lập kế hoạch “{title}”, chờ phê duyệt.", "success")
    return redirect(url_for("pages.inspection_plans"))


@bp.post("/kiem-tra/ke-hoach/<int:plan_id>/phe-duyet")
def inspection_plan_approve(plan_id: int):
    """Phê duyệt kế hoạch kiểm tra năm (Đ15): who and when are recorded."""
    with transaction() as session:
        plan = service.approve_plan(session=session, user=me(), plan_id=plan_id, today=today())
        title = plan.title
    flash(f"Đã phê duyệt kế hoạch “{title}”.", "success")
    return redirect(url_for("pages.inspection_plans") + f"#ke-hoach-{plan_id}")


@bp.get("/kiem-tra/ke-hoach/muc/<int:item_id>")
def inspection_item_start_form(item_id: int):
    """Tiến hành kiểm tra: the inspection's start form, prefilled with the plan item."""
    with reading() as session:
        item = service.get_item(session, user=me(), item_id=item_id)
        form = starting.start_form(session=session, process_id="inspection")
        if not form.can_start(me()):
            raise PermissionDeniedError("Chỉ cán bộ, chuyên viên của đơn vị kiểm tra tiến hành kiểm tra")
        ui = form.ui_schema or {}
        config = {
            "schema": form.schema,
            "ui": ui,
            "data": service.start_form_data(session, item),
            "units": unit_directory(session),
            "users": user_directory(session, user_widget_roles(ui)),
            "readonly": False,
            "submitUrl": url_for("pages.inspection_item_start", item_id=item_id),
            "submitLabel": "Tiến hành kiểm tra",
        }
        plan = session.get(InspectionPlan, item.plan_id)
        return render_template("inspection_start.html", form=config, plan=plan, item=item)


@bp.post("/kiem-tra/ke-hoach/muc/<int:item_id>")
def inspection_item_start(item_id: int):
    """Called by form.js: start P8 bound to the plan item, then open the new inspection."""
    data = json_body("biểu mẫu")
    with transaction() as session:
        row = service.start_from_item(
            session=session, engine=system().engine, user=me(), item_id=item_id, form=data
        )
        inspection_id = row.id
    flash("Đã tiến hành kiểm tra theo kế hoạch; kế hoạch kiểm tra chờ quyết định.", "success")
    return jsonify(ok=True, redirect=url_for("pages.inspection", inspection_id=inspection_id))


def _plans_page(errors: dict | None = None, message: str | None = None, status: int = 200):
    with reading() as session:
        found = service.plans(session, user=me())
        items = service.items_of(session, [p.id for p in found])
        started = service.started_from(session, [i.id for rows in items.values() for i in rows])
        approvable = {p.id for p in found if p.approved_on is None and service.may_approve(session, me(), p)}
        people = full_names(session, {p.approved_by for p in found} | {p.created_by for p in found})
        # Units that have ended stay out of a new plan's choices.
        ended = Unit.active_to.is_not(None) & (Unit.active_to < today())
        units = session.execute(select(Unit.code, Unit.name).where(~ended).order_by(Unit.name))
        return (
            render_template(
                "inspection_plans.html",
                plans=found,
                items=items,
                started=started,
                approvable=approvable,
                can_start=service.may_write_plan(me()),
                can_write=service.may_write_plan(me()),
                people=people,
                unit_names=unit_names(session),
                units=units.all(),
                statuses=service.STATUSES,
                cancelled=CANCELLED,
                rows=PLAN_ROWS,
                errors=errors or {},
                message=message,
                typed=request.form if errors else {},
                this_year=today().year,
            ),
            status,
        )


def _history_row(change, people: dict[str, str], names: dict[str, str]) -> dict:
    items = []
    for field, (old, new) in change.changes.items():
        if field not in HISTORY_FIELDS or new in (None, "", [], {}):
            continue  # a column the page does not follow, or one still empty
        if field in SHOWN_ELSEWHERE:
            items.append({"label": HISTORY_FIELDS[field], "old": None, "new": "được ghi nhận"})
            continue
        shown = None if change.action == "insert" else _value(field, old, people, names)
        items.append({"label": HISTORY_FIELDS[field], "old": shown, "new": _value(field, new, people, names)})
    return {
        "at": change.at,
        "actor": people.get(change.actor, change.actor) if change.actor else "Hệ thống",
        "action": change.action,
        "items": items,
    }


def _value(field: str, value, people: dict[str, str], names: dict[str, str]) -> str:
    if field == "status":
        return service.STATUSES.get(value, value or "—")
    if field == "team_leader":
        return people.get(value, value or "—")
    if field == "related_sector_unit_code":
        return names.get(value, value or "—")
    return filters.change_value(value, tz())


def _dossier_titles(session) -> dict[str, str]:
    """Đ18 item field -> its title on the dossier form of the newest version."""
    form = starting.start_form(session=session, process_id="inspection")
    schema = (form.definition.forms or {}).get("dossier.schema.json") or {}
    return {k: v.get("title", k) for k, v in (schema.get("properties") or {}).items()}
