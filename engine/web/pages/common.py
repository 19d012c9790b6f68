"""The pages blueprint and what every page module shares: login guard, layout, errors, role sets, lookups.

Validation and permissions stay in the services; the page modules only translate requests and errors."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, g, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from engine import clock
from engine.auth import service as auth
from engine.auth.models import ROLES, User
from engine.definitions import service as definitions
from engine.directory import units as directory_units
from engine.directory.checks import inactive_message
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
from engine.notifications import service as notifications
from engine.reports.regulation_views import READERS as REGULATION_REPORT_READERS
from engine.usertasks import service as usertasks
from engine.usertasks.models import READY
from engine.web import session as login_session
from engine.web.api import MAX_OFFSET, reading, system
from engine.web.errors import UNEXPECTED, error_response, status_of
from engine.web.pages import filters
from engine.web.session import csrf_token

# The templates live next to the package (engine/web/templates), shared with nothing else.
bp = Blueprint("pages", __name__, template_folder="../templates")
login_session.install(bp)

# Who sees what: the same role sets as the API (engine/*/views.py); admins pass every check.
DOCUMENT_READERS = {"vp_specialist", "vp_leadership", "province_leadership", "monitor"}
DOCUMENT_WRITERS = {"vp_specialist", "vp_leadership"}
INSTANCE_WATCHERS = {"monitor", "analyst", "vp_specialist", "vp_leadership"}
INSTANCE_OPERATORS = {"monitor", "analyst"}

INSTANCE_STATUS = {"running": "Đang chạy", "completed": "Hoàn thành", "error": "Lỗi", "cancelled": "Đã hủy"}
TASK_STATE = {"ready": "Đang chờ xử lý", "completed": "Đã hoàn thành", "cancelled": "Đã hủy"}
PAGE_SIZE = 50  # rows per page of the document and instance lists


# ---- request plumbing -------------------------------------------------------------------------------


@bp.app_context_processor  # app-wide: the 404 page of an address no blueprint knows extends base.html too
def layout_context() -> dict:
    """What base.html needs: the user, their role names, the CSRF token and the menu's role sets."""
    me = g.get("principal")
    return {
        "me": me,
        "role_names": [ROLES.get(r, r) for r in sorted(me.roles)] if me else [],
        "csrf_token": csrf_token,
        "can": lambda roles: me is not None and me.in_any(tuple(roles)),
        "DOCUMENT_READERS": DOCUMENT_READERS,
        "REGULATION_REPORT_READERS": REGULATION_REPORT_READERS,
        "INSTANCE_MENU": INSTANCE_OPERATORS,
        "page_size": PAGE_SIZE,
    }


@bp.app_context_processor
def notification_bell() -> dict:
    """The header's bell: its count is computed only if the layout renders it (JSON answers never do)."""
    return {"unread_notifications": unread_notifications}


def unread_notifications() -> int | None:
    """How many notification entries the signed-in user has not read (capped), once per request; None for
    a visitor, or when the database cannot answer (its error page must still render)."""
    if "unread_notifications" not in g:
        me = g.get("principal")
        g.unread_notifications = None
        if me is not None:
            try:
                with reading() as session:
                    g.unread_notifications = notifications.unread_count(session=session, user=me)
            except SQLAlchemyError:
                current_app.logger.warning("the unread notifications could not be counted", exc_info=True)
    return g.unread_notifications


@bp.errorhandler(EngineError)
def engine_error(exc: EngineError):
    """fetch() callers get the API's error shape; pages get a readable Vietnamese page."""
    if request.is_json:
        return error_response(exc)
    status = status_of(exc)
    return render_template("error.html", status=status, message=page_message(exc), detail=exc.message), status


@bp.errorhandler(HTTPException)
def http_error(exc: HTTPException):
    """Werkzeug errors (400 from the CSRF check, 405...) as a Vietnamese page, or JSON for fetch()."""
    status = exc.code or 500
    message = exc.description if status == 400 else HTTP_MESSAGES.get(status, f"Lỗi {status}: {exc.name}")
    if request.is_json:
        return error_response(exc, message=message)
    # A stale CSRF token (signed in again in another tab): the way on is the page the form was on, afresh.
    reload_url = login_session.return_path() if isinstance(exc, login_session.CsrfRefused) else None
    page = render_template("error.html", status=status, message=message, detail=None, reload_url=reload_url)
    return page, status


@bp.app_errorhandler(404)
def unknown_address(exc: HTTPException):
    """An address nobody serves: the API's error shape under /api/, Camunda's own under /engine-rest,
    else the Vietnamese error page."""
    if request.path.startswith("/engine-rest"):
        return exc
    if request.path.startswith("/api/"):
        return error_response(exc)
    return http_error(exc)


FORBIDDEN = "Bạn không có quyền truy cập nội dung này."
HTTP_MESSAGES = {
    404: "Không tìm thấy trang yêu cầu.",
    405: "Trang này không nhận thao tác đó.",
    413: "Tệp hoặc dữ liệu gửi lên quá lớn.",
    500: UNEXPECTED,
}
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


# ---- template filters: the pure ones of filters.py, bound to the configured time zone and clock ------


def tz() -> ZoneInfo:
    """The configured local time zone."""
    return ZoneInfo(system().settings.timezone)


def today() -> date:
    """Today in local time."""
    return clock.now().astimezone(tz()).date()


# A stand-in id that no real path or query string contains, cut out of a URL built once.
_ROW_ID = 2_147_483_647


@bp.app_template_global("row_link")
def row_link(endpoint: str, key: str) -> Callable[[int], str]:
    """link(id) -> `endpoint`'s URL with `key` = id, for the rows of a long list: url_for runs once per
    list instead of once per row (most of the rendering of a unit's 5,000-row appendix)."""
    prefix, suffix = url_for(endpoint, **{key: _ROW_ID}).split(str(_ROW_ID))
    return lambda row_id: f"{prefix}{int(row_id)}{suffix}"


@bp.app_template_filter("vn_date")
def vn_date(value: date | datetime | str | None) -> str:
    """dd/mm/yyyy in local time."""
    return filters.vn_date(value, tz())


@bp.app_template_filter("vn_datetime")
def vn_datetime(value: datetime | None) -> str:
    """dd/mm/yyyy HH:MM in local time."""
    return filters.vn_datetime(value, tz())


@bp.app_template_filter("due_day")
def due_day(due_at: datetime | None) -> date | None:
    """The last local day of a deadline."""
    return filters.due_day(due_at, tz())


@bp.app_template_filter("overdue")
def overdue(due_at: datetime | None) -> bool:
    """Past the deadline now."""
    return filters.is_overdue(due_at, clock.now())


bp.add_app_template_filter(filters.instructions, "instructions")
bp.add_app_template_filter(filters.vn_number, "vn_number")
bp.add_app_template_filter(filters.form_json, "form_json")
bp.add_app_template_filter(filters.role_names, "role_names")
bp.add_app_template_filter(filters.pretty_json, "pretty_json")
bp.add_app_template_filter(filters.typed_day, "typed_day")


# ---- lookups shared by several pages ---------------------------------------------------------------


def process_names(session: Session) -> dict[str, str]:
    """process_id -> the latest definition's name."""
    latest = definitions.list_(session=session, latest_only=True)
    return {d.process_id: d.name or d.process_id for d in latest}


def full_names(session: Session, usernames: Iterable[str | None]) -> dict[str, str]:
    """username -> full name, for the users named (None and "" among them are skipped: nobody)."""
    usernames = {name for name in usernames if name}
    if not usernames:
        return {}
    query = select(User.username, User.full_name).where(User.username.in_(sorted(usernames)))
    return dict(session.execute(query).all())


def unit_names(session: Session) -> dict[str, str]:
    """unit code -> its name, every unit the directory has known (an ended one still names old rows)."""
    return {u.code: u.name for u in directory_units.list_units(session=session)}


def unit_directory(session: Session) -> list[dict]:
    """The units a form may pick (code, name, unit_type): those that may be given new work today."""
    current = today()
    return [
        {"code": u.code, "name": u.name, "unit_type": u.unit_type}
        for u in directory_units.list_units(session=session)
        if not inactive_message(u, current)
    ]


def user_widget_roles(ui: object) -> set[str]:
    """The roles that the UI schema's "ui:widget": "user" fields ask for in "ui:options": {"role": ...}."""
    if isinstance(ui, list):
        return set().union(*(user_widget_roles(item) for item in ui))
    if not isinstance(ui, dict):
        return set()
    found = set().union(*(user_widget_roles(value) for value in ui.values()))
    options = ui.get("ui:options")
    if ui.get("ui:widget") == "user" and isinstance(options, dict) and isinstance(options.get("role"), str):
        found.add(options["role"])
    return found


def user_directory(session: Session, roles: Iterable[str]) -> list[dict]:
    """Active users having one of `roles`: username, full name and which of those roles, nothing more."""
    wanted = set(roles)
    if not wanted:
        return []
    query = (
        select(User.username, User.full_name, User.roles)
        .where(User.active.is_(True))
        .order_by(User.full_name, User.username)
    )
    people = []
    # roles is a JSON list, filtered here rather than in SQL so that SQLite and PostgreSQL read it alike.
    for username, full_name, user_roles in session.execute(query):
        mine = sorted(wanted.intersection(user_roles or []))
        if mine:
            people.append({"username": username, "full_name": full_name, "roles": mine})
    return people


def form_day(text: str | None, field: str) -> date | None:
    """A date of a page form or query string, typed dd/mm/yyyy or ISO (filters.parse_day); None when
    empty; otherwise a 422 naming the field, so the page can show the message beside it."""
    if text is None or not text.strip():
        return None
    try:
        return filters.parse_day(text)
    except ValueError:
        raise ValidationError(filters.BAD_DAY, fields={field: filters.BAD_DAY}) from None


def page_offset() -> int:
    """The list's offset from the query string, bounded like the API's (a huge one is the last page)."""
    return min(max(request.args.get("offset", 0, type=int), 0), MAX_OFFSET)


def open_tasks(session: Session, instance_id: int | None) -> list[dict]:
    """The instance's steps under way, and whether the signed-in user may act on each (his task, or his
    group's): {"row": UserTaskRow, "mine": bool}."""
    if instance_id is None:
        return []
    found = []
    for row in usertasks.of_instance(session=session, instance_id=instance_id):
        if row.state != READY:
            continue
        try:
            usertasks.check_can_act(row, me())
            mine = True
        except PermissionDeniedError:
            mine = False
        found.append({"row": row, "mine": mine})
    return found
