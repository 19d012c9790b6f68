"""The API's plumbing: the `operation` decorator that authenticates, checks roles and validates bodies,
and the OpenAPI document built from those same declarations (never written by hand)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app, g, request
from sqlalchemy.orm import Session

from engine.auth import service as auth
from engine.errors import AuthenticationError, PermissionDeniedError, ValidationError
from engine.system import System
from engine.validation import validate

API_PREFIX = "/api/v1"
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "message", "details"],
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}, "details": {"type": "object"}},
}


def system() -> System:
    return current_app.extensions["theodoi"]


@contextmanager
def transaction() -> Iterator[Session]:
    """The request's unit of work."""
    with system().db.transaction() as session:
        yield session


@contextmanager
def reading() -> Iterator[Session]:
    with system().db.reading() as session:
        yield session


def user() -> auth.Principal:
    return g.principal


def paging(default: int = 50) -> tuple[int, int]:
    """(limit, offset) from the query string, bounded."""
    try:
        limit = min(max(int(request.args.get("limit", default)), 1), 500)
        offset = max(int(request.args.get("offset", 0)), 0)
    except ValueError:
        raise ValidationError(
            "limit và offset phải là số nguyên", fields={"limit": "integer", "offset": "integer"}
        ) from None
    return limit, offset


def operation(
    *,
    summary: str,
    tag: str,
    roles: set[str] | None = None,
    body: dict | None = None,
    response: dict | None = None,
    status: int = 200,
    query: dict[str, dict] | None = None,
    public: bool = False,
    content_type: str = "application/json",
) -> Callable:
    """Declare an API operation: who may call it, the body it takes (validated), what it returns."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not public:
                g.principal = _authenticate()
                if roles and not g.principal.is_admin and not g.principal.roles.intersection(roles):
                    raise PermissionDeniedError(
                        f"this needs one of the roles {', '.join(sorted(roles))}",
                        details={"roles": sorted(roles)},
                    )
            if body is not None:
                payload = request.get_json(silent=True)
                if payload is None:
                    raise ValidationError(
                        "Nội dung yêu cầu phải là JSON", fields={"": "expected a JSON body"}
                    )
                validate(body, payload, message="Dữ liệu gửi lên không hợp lệ")
                kwargs["body"] = payload
            return view(*args, **kwargs)

        wrapper.openapi = {
            "summary": summary,
            "tag": tag,
            "roles": sorted(roles) if roles else None,
            "body": body,
            "response": response,
            "status": status,
            "query": query or {},
            "public": public,
            "content_type": content_type,
        }
        return wrapper

    return decorate


def _authenticate() -> auth.Principal:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise AuthenticationError("Thiếu API token: gửi header 'Authorization: Bearer <token>'")
    with reading() as session:
        return auth.principal(auth.user_for_token(session=session, token=header[7:].strip()))


def openapi_document(app: Flask) -> dict:
    """OpenAPI 3.1 from the routes and their `operation` declarations."""
    paths: dict[str, dict] = {}
    for rule in app.url_map.iter_rules():
        view = app.view_functions.get(rule.endpoint)
        spec = getattr(view, "openapi", None)
        if spec is None:
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation_object(rule, spec)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "theodoi API",
            "version": "1",
            "description": "Theo dõi, đôn đốc, kiểm tra việc thực hiện nhiệm vụ (Quy chế 35/2015/QĐ-UBND).",
        },
        "servers": [{"url": "/"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR_SCHEMA},
        },
        "paths": dict(sorted(paths.items())),
    }


def _operation_object(rule, spec: dict) -> dict:
    params = [
        {"name": name, "in": "path", "required": True, "schema": {"type": _path_type(rule, name)}}
        for name in rule.arguments
    ]
    params += [
        {"name": name, "in": "query", "required": False, "schema": schema}
        for name, schema in spec["query"].items()
    ]
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    responses: dict[str, Any] = {
        str(spec["status"]): {
            "description": "OK",
            "content": {spec["content_type"]: {"schema": spec["response"] or {}}},
        }
    }
    for code, text in [
        ("400", "Bad request"),
        ("404", "Not found"),
        ("409", "Conflict"),
        ("422", "Invalid data"),
        ("500", "The diagram failed while running (process_error: element and line in details)"),
    ]:
        responses[code] = {"description": text, **error}
    operation: dict[str, Any] = {
        "summary": spec["summary"],
        "tags": [spec["tag"]],
        "operationId": rule.endpoint.replace(".", "_"),
        "parameters": params,
        "responses": responses,
    }
    if spec["public"]:
        operation["security"] = []
    else:
        operation["security"] = [{"bearer": []}]
        responses["401"] = {"description": "Unauthenticated", **error}
        responses["403"] = {
            "description": "Forbidden" + (f": needs {spec['roles']}" if spec["roles"] else ""),
            **error,
        }
    if spec["body"] is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": spec["body"]}},
        }
    return operation


def _path_type(rule, name: str) -> str:
    converter = rule._converters.get(name)
    return "integer" if converter is not None and type(converter).__name__ == "IntegerConverter" else "string"
