"""The one place that maps errors to HTTP: {"error", "message", "details"}."""

from __future__ import annotations

from flask import Flask, jsonify, request
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
    return next((code for kind, code in STATUS if isinstance(exc, kind)), 400)


def init_app(app: Flask) -> None:
    @app.errorhandler(errors.EngineError)
    def engine_error(exc: errors.EngineError):
        response = jsonify(error=exc.code, message=exc.message, details=exc.details)
        response.status_code = status_of(exc)
        if response.status_code == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if not request.path.startswith("/api/"):
            return exc
        name = (exc.name or "error").lower().replace(" ", "_")
        response = jsonify(error=name, message=exc.description or exc.name, details={})
        response.status_code = exc.code or 500
        return response
