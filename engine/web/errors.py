"""The one place that maps errors to HTTP: {"error", "message", "details"}."""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, render_template, request
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from engine import errors

# How each database says "another writer holds the lock and we gave up waiting": SQLite's messages
# (after its busy timeout) and PostgreSQL's lock_not_available (SQLSTATE 55P03, after lock_timeout).
_LOCKED_MESSAGES = ("database is locked", "database table is locked", "database schema is locked")
_LOCK_NOT_AVAILABLE = "55P03"

STATUS: list[tuple[type[errors.EngineError], int]] = [
    (errors.DiagramTooLargeError, 413),
    (errors.FileTooLargeError, 413),
    (errors.InvalidDiagramError, 422),
    (errors.ValidationError, 422),
    (errors.NotFoundError, 404),
    (errors.ConflictError, 409),
    (errors.AuthenticationError, 401),
    (errors.PermissionDeniedError, 403),
    (errors.TooManyAttemptsError, 429),
    (errors.ProcessExecutionError, 500),
    (errors.ServiceUnavailable, 503),
]


# What anyone reads after an unexpected exception; the traceback goes to the server's log only.
UNEXPECTED = (
    "Đã có lỗi xảy ra trong hệ thống; thao tác vừa rồi có thể chưa được thực hiện. Vui lòng thử lại sau ít "
    "phút; nếu lỗi vẫn lặp lại, hãy báo cho bộ phận quản trị hệ thống."
)


def status_of(exc: errors.EngineError) -> int:
    """The HTTP status of an engine error (400 when no rule names it)."""
    return next((code for kind, code in STATUS if isinstance(exc, kind)), 400)


def error_response(exc: errors.EngineError | HTTPException, *, message: str | None = None) -> Response:
    """The JSON error body and status for `exc`; `message` replaces the default text (pages translate it)."""
    if isinstance(exc, errors.EngineError):
        response = jsonify(error=exc.code, message=message or exc.message, details=exc.details)
        response.status_code = status_of(exc)
        if response.status_code == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        if getattr(exc, "retry_after", None) is not None:  # 429 and 503: when trying again makes sense
            response.headers["Retry-After"] = str(exc.retry_after)
    else:
        name = (exc.name or "error").lower().replace(" ", "_")
        response = jsonify(error=name, message=message or exc.description or exc.name, details={})
        response.status_code = exc.code or 500
        if "Allow" in dict(exc.get_headers()):  # a 405 names the methods that would work
            response.headers["Allow"] = dict(exc.get_headers())["Allow"]
    return response


def database_busy(exc: OperationalError) -> errors.ServiceUnavailable | None:
    """The 503 for a write lock we could not get, or None when `exc` is another database failure."""
    orig = exc.orig
    locked = getattr(orig, "sqlstate", None) == _LOCK_NOT_AVAILABLE or any(
        text in str(orig) for text in _LOCKED_MESSAGES
    )
    if not locked:
        return None
    return errors.ServiceUnavailable(
        "Hệ thống đang bận ghi dữ liệu khác; không có thay đổi nào được lưu, vui lòng thử lại sau ít giây."
    )


def init_app(app: Flask) -> None:
    """Install the handlers: engine errors everywhere, Werkzeug errors as JSON under /api/."""

    @app.errorhandler(errors.EngineError)
    def engine_error(exc: errors.EngineError):
        return error_response(exc)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if not request.path.startswith("/api/"):
            return exc
        return error_response(exc)

    @app.errorhandler(InternalServerError)
    def unexpected_error(exc: InternalServerError):
        """An unexpected exception, which Flask has already logged with its traceback (handle_exception):
        JSON under /api/ and for fetch(), else the Vietnamese error page in the layout. (Camunda's REST
        answers in its own shape: its blueprint's handler comes first.)"""
        if request.path.startswith("/api/") or request.is_json:
            return error_response(exc, message=UNEXPECTED)
        try:
            return render_template("error.html", status=500, message=UNEXPECTED, detail=None), 500
        except Exception:  # the layout itself failed (the database is down, say): the sentence alone
            current_app.logger.exception("the error page could not be rendered")
            return Response(UNEXPECTED, status=500, mimetype="text/plain; charset=utf-8")

    @app.errorhandler(OperationalError)
    def database_error(exc: OperationalError):
        """A write lock not obtained outside api.transaction() (which raises the 503 itself)."""
        busy = database_busy(exc)
        if busy is None:
            raise exc
        return error_response(busy)
