"""The one place that maps errors to HTTP: {"error", "message", "details"}."""

from __future__ import annotations

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from engine import errors

STATUS: list[tuple[type[errors.EngineError], int]] = [
    (errors.DiagramTooLargeError, 413),
    (errors.InvalidDiagramError, 422),
    (errors.ValidationError, 422),
    (errors.NotFoundError, 404),
    (errors.ConflictError, 409),
    (errors.AuthenticationError, 401),
    (errors.PermissionDeniedError, 403),
    (errors.ProcessExecutionError, 500),
]


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
    else:
        name = (exc.name or "error").lower().replace(" ", "_")
        response = jsonify(error=name, message=message or exc.description or exc.name, details={})
        response.status_code = exc.code or 500
    return response


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
