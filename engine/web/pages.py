"""The staff pages (Tasklist and Cockpit in Vietnamese): thin views over the services, session login.

Validation and permissions stay in the services; these views only translate requests and errors."""

from __future__ import annotations

import calendar as month_calendar
import copy
import functools
import json
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
from flask import Blueprint, flash, g, jsonify, redirect, render_template, request, url_for
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape
from sqlalchemy import func, select
from werkzeug.exceptions import HTTPException

from engine import clock
from engine.auth import service as auth
from engine.auth.models import ROLES, User
from engine.definitions import service as definitions
from engine.errors import (
    AuthenticationError,
    ConflictError,
    EngineError,
    NotFoundError,
    PermissionDeniedError,
    ProcessExecutionError,
    StaleInstanceError,
    TaskNotReadyError,
    ValidationError,
)
from engine.instances import service as instances
from engine.instances.models import RUNNING, ProcessInstance
from engine.notifications import service as notifications
from engine.tracking import service as tracking
from engine.tracking.models import COORDINATING, Document
from engine.tracking.schemas import DOCUMENT_IN
from engine.usertasks import service as usertasks
from engine.usertasks.models import READY, UserTaskRow
from engine.web import session as login_session
from engine.web.api import reading, system, transaction
from engine.web.errors import status_of
from engine.web.session import csrf_token, safe_next
from engine.workdays import service as workdays

bp = Blueprint("pages", __name__, template_folder="templates")
login_session.install(bp)

# Who sees what: the same role sets as the API (engine/*/views.py); admins pass every check.
DOCUMENT_READERS = {"vp_specialist", "vp_leadership", "province_leadership", "monitor"}
DOCUMENT_WRITERS = {"vp_specialist", "vp_leadership"}
INSTANCE_WATCHERS = {"monitor", "analyst", "vp_specialist", "vp_leadership"}
INSTANCE_OPERATORS = {"monitor", "analyst"}

INSTANCE_STATUS = {"running": "Đang chạy", "completed": "Hoàn thành", "error": "Lỗi", "cancelled": "Đã hủy"}
TASK_STATE = {"ready": "Đang chờ xử lý", "completed": "Đã hoàn thành", "cancelled": "Đã hủy"}
PROGRESS = {"not_started": "Chưa thực hiện", "in_progress": "Đang thực hiện", "done": "Đã hoàn thành"}
DEADLINE_KIND = {"completion": "Hạn hoàn thành", "report": "Hạn báo cáo", "submission": "Hạn trình"}
EVENT_KIND = {
    "instance_started": "Bắt đầu",
    "user_task_created": "Tạo công việc",
    "user_task_completed": "Hoàn thành công việc",
    "user_task_claimed": "Nhận xử lý",
    "user_task_unclaimed": "Trả lại",
    "user_task_cancelled": "Hủy công việc",
    "timer_fired": "Hết hạn (bộ hẹn giờ)",
    "message_received": "Nhận thông điệp",
    "step_completed": "Thực hiện bước",
    "instance_completed": "Kết thúc",
    "incident": "Lỗi",
    "incident_resolved": "Chạy lại",
}
# Đ3.2: the kinds of directive documents; Độ mật and Độ khẩn as the document system names them.
DOC_TYPES = [
    "Quyết định",
    "Chỉ thị",
    "Chương trình",
    "Kế hoạch",
    "Công văn",
    "Công điện",
    "Thông báo kết luận",
    "Ý kiến chỉ đạo trực tiếp",
]
SECRECY = ["Thường", "Mật", "Tối mật", "Tuyệt mật"]
URGENCY = ["Thường", "Khẩn", "Thượng khẩn", "Hỏa tốc"]
WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]


# ---- request plumbing -------------------------------------------------------------------------------


@bp.context_processor
def layout_context() -> dict:
    """What base.html needs: the user, their role names, the CSRF token and the menu's role sets."""
    me = g.get("principal")
    return {
        "me": me,
        "role_names": [ROLES.get(r, r) for r in sorted(me.roles)] if me else [],
        "csrf_token": csrf_token,
        "can": lambda roles: me is not None and me.in_any(tuple(roles)),
        "DOCUMENT_READERS": DOCUMENT_READERS,
        "INSTANCE_MENU": INSTANCE_OPERATORS,
    }


@bp.errorhandler(EngineError)
def engine_error(exc: EngineError):
    """fetch() callers get the API's error shape; pages get a readable Vietnamese page."""
    status = status_of(exc)
    if request.is_json:
        return jsonify(error=exc.code, message=exc.message, details=exc.details), status
    return render_template("error.html", status=status, message=page_message(exc), detail=exc.message), status


@bp.errorhandler(HTTPException)
def http_error(exc: HTTPException):
    """Werkzeug errors (400 from the CSRF check, 405...) as a Vietnamese page, or JSON for fetch()."""
    status = exc.code or 500
    message = exc.description if status == 400 else f"Lỗi {status}: {exc.name}"
    if request.is_json:
        code = (exc.name or "error").lower().replace(" ", "_")
        return jsonify(error=code, message=message, details={}), status
    return render_template("error.html", status=status, message=message, detail=None), status


FORBIDDEN = "Bạn không có quyền truy cập nội dung này."
# What staff read instead of the services' messages, which are for developers unless Vietnamese.
PAGE_MESSAGES: list[tuple[type[EngineError], str]] = [
    (TaskNotReadyError, "Công việc này đã được xử lý."),
    (StaleInstanceError, "Dữ liệu vừa được người khác thay đổi; vui lòng tải lại trang và thử lại."),
    (ConflictError, "Không thực hiện được vì trạng thái đã thay đổi."),
    (PermissionDeniedError, FORBIDDEN),
    (NotFoundError, "Không tìm thấy nội dung yêu cầu."),
    (AuthenticationError, "Bạn cần đăng nhập để tiếp tục."),
    (ProcessExecutionError, "Quy trình gặp lỗi khi chạy; không có thay đổi nào được lưu."),
]


def page_message(exc: EngineError) -> str:
    """The Vietnamese sentence a page shows for an engine error."""
    if isinstance(exc, ValidationError):
        return exc.message
    return next((text for kind, text in PAGE_MESSAGES if isinstance(exc, kind)), exc.message)


def json_body(what: str) -> dict:
    """The JSON object a fetch() call posted; anything else is refused like the API does."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationError(f"Dữ liệu {what} phải là một đối tượng JSON", fields={"": "expected an object"})
    return body


def me() -> auth.Principal:
    """The logged-in Principal (loaded by the session guard)."""
    return g.principal


def require(roles: Iterable[str]) -> None:
    """Refuse (403) unless the user has one of `roles` (admins always pass)."""
    if not me().in_any(tuple(roles)):
        raise PermissionDeniedError(FORBIDDEN, details={"roles": sorted(roles)})


# ---- formatting (dates dd/mm/yyyy in local time, numbers 14.068) ------------------------------------


def _tz() -> ZoneInfo:
    return ZoneInfo(system().settings.timezone)


@bp.app_template_filter("vn_date")
def vn_date(value: date | datetime | str | None) -> str:
    """dd/mm/yyyy; an instant is shown as its local date."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.astimezone(_tz()).date()
    return value.strftime("%d/%m/%Y")


@bp.app_template_filter("vn_datetime")
def vn_datetime(value: datetime | None) -> str:
    """dd/mm/yyyy HH:MM in local time."""
    return value.astimezone(_tz()).strftime("%d/%m/%Y %H:%M") if value else ""


@bp.app_template_filter("vn_number")
def vn_number(value: int) -> str:
    """14.068: the dot groups thousands."""
    return f"{value:,}".replace(",", ".")


@bp.app_template_filter("due_day")
def due_day(due_at: datetime | None) -> date | None:
    """The last day of a deadline: due_at is the instant it ends (24:00 local, R3), i.e. the next midnight."""
    return (due_at.astimezone(_tz()) - timedelta(microseconds=1)).date() if due_at else None


@bp.app_template_filter("overdue")
def overdue(due_at: datetime | None) -> bool:
    """R9: past the instant the deadline ends."""
    return due_at is not None and clock.now() >= due_at


@bp.app_template_filter("instructions")
def instructions(text: str | None) -> Markup:
    """Escape everything, then allow **bold** only; line breaks are kept by CSS (white-space: pre-line)."""
    return Markup(re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", str(escape(text or ""))))


@bp.app_template_filter("form_json")
def form_json(value) -> Markup:
    """JSON for a <script type="application/json"> block: key order kept (ui:order falls back on it)."""
    return htmlsafe_json_dumps(value, dumps=functools.partial(json.dumps, ensure_ascii=False))


@bp.app_template_filter("role_names")
def role_names(roles: Iterable[str]) -> str:
    """Candidate groups by their Vietnamese role names."""
    return ", ".join(ROLES.get(r, r) for r in roles)


@bp.app_template_filter("pretty_json")
def pretty_json(value) -> str:
    """Indented JSON for the data panels."""
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str)


# ---- Tổng quan, Việc cần làm -----------------------------------------------------------------------


@bp.get("/")
def home():
    """Tổng quan: counts of the user's user tasks, overdue ones, documents waiting, notifications."""
    with reading() as session:
        tasks = usertasks.inbox(session=session, user=me(), limit=1000)
        waiting_documents = None
        if me().in_any(tuple(DOCUMENT_READERS)):
            waiting_documents = session.scalar(
                select(func.count(Document.id))
                .join(ProcessInstance, ProcessInstance.id == Document.intake_instance_id)
                .where(ProcessInstance.status == RUNNING)
            )
        return render_template(
            "home.html",
            task_count=len(tasks),
            overdue_count=sum(1 for t in tasks if overdue(t.due_at)),
            waiting_documents=waiting_documents,
            upcoming=tasks[:5],
            process_names=_process_names(session),
            notifications=notifications.for_user(session=session, user=me(), limit=20),
        )


@bp.get("/tasks")
def tasks():
    """Việc cần làm: the inbox, all / claimed by me / unclaimed."""
    assigned = request.args.get("assigned")
    assigned = assigned if assigned in {"me", "unassigned"} else None
    with reading() as session:
        rows = usertasks.inbox(session=session, user=me(), assigned=assigned, limit=500)
        return render_template(
            "tasks.html",
            rows=rows,
            assigned=assigned,
            process_names=_process_names(session),
            people=_full_names(session, {r.assignee for r in rows if r.assignee}),
        )


@bp.get("/tasks/<task_id>")
def task(task_id: str):
    """One user task: instructions, due date and its form (rendered by form.js)."""
    with reading() as session:
        row = usertasks.get_or_raise(session=session, task_id=task_id)
        usertasks.check_can_see(row, me())
        schema = usertasks.form_schema(session=session, row=row)
        data = usertasks.form_data(session=session, engine=system().engine, row=row)
        properties = (schema or {}).get("properties", {})
        form = {
            "schema": schema,
            "ui": usertasks.form_schema(session=session, row=row, ui=True) or {},
            "data": {k: v for k, v in data.items() if k in properties},
            "readonly": row.state != READY or not _can_act(row),
            "submitUrl": url_for("pages.complete_task", task_id=row.id),
            "submitLabel": "Hoàn thành",
        }
        return render_template(
            "task.html",
            row=row,
            form=form,
            can_act=row.state == READY and _can_act(row),
            process_name=_process_names(session).get(row.process_id, row.process_id),
            people=_full_names(session, {row.assignee, row.completed_by} - {None}),
            task_state=TASK_STATE,
        )


@bp.post("/tasks/<task_id>/complete")
def complete_task(task_id: str):
    """Called by form.js with the form's JSON; the service validates it (422 with field paths)."""
    data = json_body("biểu mẫu")
    with transaction() as session:
        engine = system().engine
        row = usertasks.complete(session=session, engine=engine, task_id=task_id, data=data, user=me())
        name = row.name
    flash(f"Đã hoàn thành: {name}", "success")
    return jsonify(ok=True, redirect=url_for("pages.tasks"))


@bp.post("/tasks/<task_id>/claim")
def claim_task(task_id: str):
    """Nhận xử lý."""
    return _assign(task_id, usertasks.claim, "Đã nhận xử lý")


@bp.post("/tasks/<task_id>/unclaim")
def unclaim_task(task_id: str):
    """Trả lại: back to the candidate groups."""
    return _assign(task_id, usertasks.unclaim, "Đã trả lại cho nhóm")


def _assign(task_id: str, action, done: str):
    try:
        with transaction() as session:
            name = action(session=session, task_id=task_id, user=me()).name
    except EngineError as exc:
        flash(page_message(exc), "error")
    else:
        flash(f"{done}: {name}", "success")  # only once the transaction has committed
    return redirect(safe_next(request.form.get("next"), url_for("pages.tasks")))


def _can_act(row: UserTaskRow) -> bool:
    try:
        usertasks.check_can_act(row, me())
    except PermissionDeniedError:
        return False
    return True


# ---- Văn bản chỉ đạo -------------------------------------------------------------------------------


@bp.get("/documents")
def documents():
    """Văn bản chỉ đạo, newest first."""
    require(DOCUMENT_READERS)
    offset = max(request.args.get("offset", 0, type=int), 0)
    with reading() as session:
        rows = tracking.list_documents(session=session, limit=50, offset=offset)
        ids = [d.intake_instance_id for d in rows if d.intake_instance_id]
        status = dict(
            session.execute(
                select(ProcessInstance.id, ProcessInstance.status).where(ProcessInstance.id.in_(ids))
            ).all()
        )
        return render_template("documents.html", rows=rows, status=status, offset=offset)


@bp.get("/documents/<int:document_id>")
def document(document_id: int):
    """One document: fields a–e and its assignments (or its draft tasks before classification)."""
    require(DOCUMENT_READERS)
    with reading() as session:
        doc = tracking.get_document_or_raise(session=session, document_id=document_id)
        assignments = tracking.assignments_of(session=session, document_id=document_id)
        units = tracking.units_of(session=session, assignment_ids=[a.id for a in assignments])
        intake = None
        if doc.intake_instance_id:
            intake = instances.get_or_raise(session=session, instance_id=doc.intake_instance_id)
        return render_template(
            "document.html",
            doc=doc,
            assignments=assignments,
            coordinating={
                i: sorted(u.unit_code for u in rows if u.role == COORDINATING) for i, rows in units.items()
            },
            unit_names={u.code: u.name for u in tracking.list_units(session=session)},
            intake=intake,
            progress=PROGRESS,
            deadline_kind=DEADLINE_KIND,
            instance_status=INSTANCE_STATUS,
            can_watch=me().in_any(tuple(INSTANCE_WATCHERS)),
        )


@bp.route("/documents/new", methods=["GET", "POST"])
def new_document():
    """Tiếp nhận văn bản: the form is rendered by form.js; register_document validates and refuses secrets."""
    require(DOCUMENT_WRITERS)
    if request.method == "POST":
        payload = json_body("văn bản")
        with transaction() as session:
            doc = tracking.register_document(
                session=session, engine=system().engine, payload=payload, actor=me().username
            )
            number, doc_id = doc.number, doc.id
        flash(f"Đã tiếp nhận văn bản số {number} và bắt đầu quy trình phân loại.", "success")
        return jsonify(ok=True, redirect=url_for("pages.document", document_id=doc_id))
    with reading() as session:
        today = clock.now().astimezone(_tz()).date()
        units = [u for u in tracking.list_units(session=session) if not u.active_to or u.active_to >= today]
    schema, ui = document_form(units)
    form = {
        "schema": schema,
        "ui": ui,
        "data": {"issued_on": today.isoformat(), "secrecy": "Thường"},
        "readonly": False,
        "submitUrl": url_for("pages.new_document"),
        "submitLabel": "Tiếp nhận văn bản",
    }
    return render_template("document_new.html", form=form)


def document_form(units: list) -> tuple[dict, dict]:
    """DOCUMENT_IN as a page form: unit codes become choices by name; the service still validates."""
    schema = copy.deepcopy(DOCUMENT_IN)
    props = schema["properties"]
    props.pop("external_id")
    props["doc_type"] = {"title": "Loại văn bản", "type": "string", "oneOf": _choices(DOC_TYPES)}
    props["secrecy"] = {
        "title": "Độ mật",
        "type": "string",
        "description": "Văn bản Mật, Tối mật, Tuyệt mật không được nhập vào hệ thống (khoản 2 Điều 5).",
        "oneOf": _choices(SECRECY),
    }
    props["urgency"] = {
        "title": "Độ khẩn",
        "type": ["string", "null"],
        "oneOf": [{"type": "null", "title": "(Không)"}, *_choices(URGENCY)],
    }
    unit_choices = [{"const": u.code, "title": u.name} for u in units]
    task_props = props["tasks"]["items"]["properties"]
    props["tasks"]["items"]["title"] = "Nhiệm vụ"
    task_props["lead_unit"] = {
        "title": "Đơn vị chủ trì",
        "type": ["string", "null"],
        "oneOf": [{"type": "null", "title": "(Chưa xác định)"}, *unit_choices],
    }
    task_props["coordinating_units"]["title"] = "Đơn vị phối hợp"
    task_props["coordinating_units"]["items"] = {"type": "string", "oneOf": unit_choices}
    task_props["due_date"]["description"] = "Để trống nếu nhiệm vụ không có thời hạn."
    ui = {
        "ui:order": [
            "number",
            "doc_type",
            "title",
            "issued_on",
            "signer",
            "submitting_agency",
            "urgency",
            "secrecy",
            "needs_consultation",
            "tasks",
        ],
        "title": {"ui:widget": "textarea", "ui:options": {"rows": 3}},
        "tasks": {
            "items": {
                "ui:order": ["content", "lead_unit", "coordinating_units", "due_date"],
                "content": {"ui:widget": "textarea", "ui:options": {"rows": 3}},
            }
        },
    }
    return schema, ui


def _choices(values: list[str]) -> list[dict]:
    return [{"const": v, "title": v} for v in values]


# ---- Quy trình (instances) -------------------------------------------------------------------------


@bp.get("/instances")
def instance_list():
    """Quy trình: instances filtered by process and status."""
    require(INSTANCE_WATCHERS)
    process_id = request.args.get("process_id") or None
    status = request.args.get("status") if request.args.get("status") in INSTANCE_STATUS else None
    offset = max(request.args.get("offset", 0, type=int), 0)
    with reading() as session:
        rows = instances.list_(session=session, process_id=process_id, status=status, limit=50, offset=offset)
        return render_template(
            "instances.html",
            rows=rows,
            process_names=_process_names(session),
            process_id=process_id,
            status=status,
            offset=offset,
            instance_status=INSTANCE_STATUS,
        )


@bp.get("/instances/<int:instance_id>")
def instance(instance_id: int):
    """One instance: status, user tasks, waiting timers, Lịch sử xử lý, current data."""
    require(INSTANCE_WATCHERS)
    with reading() as session:
        inst = instances.get_or_raise(session=session, instance_id=instance_id)
        data, data_error = None, None
        try:
            data = instances.current_data(session=session, engine=system().engine, instance=inst)
        except EngineError as exc:
            data, data_error = None, exc.message
        return render_template(
            "instance.html",
            inst=inst,
            process_name=_process_names(session).get(inst.process_id, inst.process_id),
            user_tasks=usertasks.of_instance(session=session, instance_id=instance_id),
            timers=instances.timers(session=session, instance_id=instance_id),
            events=instances.events(session=session, instance_id=instance_id),
            data=data,
            data_error=data_error,
            can_retry=inst.status == "error" and me().in_any(tuple(INSTANCE_OPERATORS)),
            instance_status=INSTANCE_STATUS,
            task_state=TASK_STATE,
            event_kind=EVENT_KIND,
        )


@bp.post("/instances/<int:instance_id>/retry")
def retry_instance(instance_id: int):
    """Chạy lại an instance in error."""
    require(INSTANCE_OPERATORS)
    try:
        with transaction() as session:
            inst = instances.lock_or_raise(session=session, instance_id=instance_id)
            instances.retry(session=session, instance=inst, actor=me().username)
        flash("Đã chạy lại quy trình; các bộ hẹn giờ đến hạn sẽ được xử lý ở lượt quét kế tiếp.", "success")
    except ConflictError as exc:
        flash(page_message(exc), "error")
    return redirect(url_for("pages.instance", instance_id=instance_id))


# ---- Lịch làm việc ---------------------------------------------------------------------------------


@bp.get("/calendar")
def work_calendar():
    """Lịch làm việc: one month, Monday first."""
    today = clock.now().astimezone(_tz()).date()
    year = request.args.get("year", today.year, type=int)
    month = request.args.get("month", today.month, type=int)
    if not (1 <= month <= 12 and 1900 <= year <= 2200):
        raise ValidationError("Tháng hoặc năm không hợp lệ", fields={"month": "1..12", "year": "1900..2200"})
    with reading() as session:
        cal = workdays.calendar(session=session, settings=system().settings)
        notes = {o.day: o.note for o in workdays.list_(session=session, year=year)}
    weeks = []
    for week in month_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append([_day_cell(cal, day, month, notes, today) for day in week])
    first = date(year, month, 1)
    previous, following = first - timedelta(days=1), first + timedelta(days=31)
    return render_template(
        "calendar.html",
        year=year,
        month=month,
        weeks=weeks,
        weekdays=WEEKDAYS,
        previous=(previous.year, previous.month),
        following=(following.year, following.month),
    )


def _day_cell(cal, day: date, month: int, notes: dict, today: date) -> dict:
    """One cell: working or not, the holiday's name, and "Làm bù"/"Nghỉ bù" for days swapped by decision."""
    working, holiday, weekend = cal.is_working_day(day), cal.holiday_name(day), day.weekday() >= 5
    label = None
    if working and (weekend or holiday):
        label = "Làm bù"
    elif not working and not weekend and (day in cal.overrides or "substitute" in (holiday or "").lower()):
        label = "Nghỉ bù"  # an announced swap: an override, or the package's "Day off (substituted from ...)"
    return {
        "day": day,
        "in_month": day.month == month,
        "working": working,
        "holiday": _vietnamese_holidays(day.year).get(day, holiday) if holiday else None,
        "label": label,
        "note": notes.get(day, ""),
        "today": day == today,
    }


@functools.lru_cache(maxsize=32)
def _vietnamese_holidays(year: int) -> dict[date, str]:
    """The package's own Vietnamese names of the days off (the calendar itself speaks English)."""
    return dict(holidays.country_holidays("VN", years=year, language="vi"))


# ---- lookups shared by several pages ---------------------------------------------------------------


def _process_names(session) -> dict[str, str]:
    latest = definitions.list_(session=session, latest_only=True)
    return {d.process_id: d.name or d.process_id for d in latest}


def _full_names(session, usernames: set[str]) -> dict[str, str]:
    if not usernames:
        return {}
    query = select(User.username, User.full_name).where(User.username.in_(sorted(usernames)))
    return dict(session.execute(query).all())
