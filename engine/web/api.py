"""The API's plumbing: the `operation` decorator that authenticates, checks roles and validates bodies,
and the OpenAPI document built from those same declarations (never written by hand)."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app, g, request
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from werkzeug.routing import IntegerConverter

from engine import clock
from engine.auth import service as auth
from engine.auth import throttle
from engine.errors import AuthenticationError, PermissionDeniedError, ValidationError
from engine.system import System
from engine.validation import bounded, refuse_unstorable, validate
from engine.web.errors import database_busy

API_PREFIX = "/api/v1"
# Row ids are INTEGER columns (32 bits on PostgreSQL): a larger id in a path names nothing (404).
MAX_ID = 2**31 - 1
MAX_OFFSET = 1_000_000
MAX_LIMIT = 500
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "message", "details"],
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}, "details": {"type": "object"}},
}


def system() -> System:
    return current_app.extensions["theodoi"]


@contextmanager
def transaction() -> Iterator[Session]:
    """The request's unit of work; a write lock it cannot get is a 503 (try again), never a 500."""
    try:
        with system().db.transaction() as session:
            yield session
    except OperationalError as exc:
        busy = database_busy(exc)
        if busy is None:
            raise
        raise busy from exc


@contextmanager
def reading() -> Iterator[Session]:
    with system().db.reading() as session:
        yield session


def user() -> auth.Principal:
    return g.principal


def paging(default: int = 50) -> tuple[int, int]:
    """(limit, offset) from the query string: limit clamped to 1..MAX_LIMIT, offset at most MAX_OFFSET."""
    try:
        limit = min(max(int(request.args.get("limit", default)), 1), MAX_LIMIT)
        offset = max(int(request.args.get("offset", 0)), 0)
    except ValueError:
        raise ValidationError(
            "limit và offset phải là số nguyên", fields={"limit": "integer", "offset": "integer"}
        ) from None
    if offset > MAX_OFFSET:
        raise ValidationError(
            f"offset không được lớn hơn {MAX_OFFSET}", fields={"offset": f"maximum {MAX_OFFSET}"}
        )
    return limit, offset


PAGING_QUERY = {
    "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
    "offset": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
}


def guard_requests(app: Flask) -> None:
    """Install the door on `app`, before its routes are added: bounded ids, refused hostile bodies."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_hostile_request)


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: ids beyond what a row can carry do not match (404), never reach SQL."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None) -> None:
        super().__init__(map, fixed_digits, min, MAX_ID if max is None else max)


def refuse_hostile_request() -> None:
    """At the door, before any view: a JSON body nested too deep, invalid Unicode, or NUL anywhere in
    the body, the query string, the form or the path is refused (422) before anything reads it."""
    refuse_unstorable({**request.args.to_dict(flat=False), **(request.view_args or {})}, where="")
    if request.mimetype == "application/x-www-form-urlencoded":
        refuse_unstorable(request.form.to_dict(flat=False), where="")
    if request.is_json and request.content_length != 0:
        refuse_unstorable(_json_or_none(), where="")


def _json_or_none() -> Any:
    """The JSON body, or None when it is not JSON (the view then says so); too deep is refused here,
    where the parser's own recursion limit would otherwise surface as a 500."""
    raw = request.get_data(cache=True)
    try:
        return json.loads(raw)
    except RecursionError:
        raise ValidationError(
            "Nội dung JSON lồng nhau quá sâu", fields={"": "JSON nested too deeply"}
        ) from None
    except ValueError:
        return None


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
    form: dict | None = None,
) -> Callable:
    """Declare an API operation: who may call it, the body it takes (validated), what it returns.
    `form` documents a multipart/form-data body (a file upload), which the view reads itself."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not public:
                g.principal = authenticate_bearer()
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
            "body": bounded(body) if body is not None else None,
            "response": response,
            "status": status,
            "query": query or {},
            "public": public,
            "content_type": content_type,
            "form": form,
        }
        return wrapper

    return decorate


def sign_in_attempt(session: Session, username: str, password: str) -> throttle.Outcome:
    """A password check throttled for this request's client address (/login, /tokens, HTTP Basic)."""
    return throttle.attempt(
        session=session,
        username=username,
        password=password,
        address=request.remote_addr or "",
        now=clock.now(),
        settings=system().settings,
    )


def authenticate_bearer() -> auth.Principal:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise AuthenticationError("Thiếu API token: gửi header 'Authorization: Bearer <token>'")
    now = clock.now()
    with reading() as session:
        account, token = auth.user_for_token(session=session, token=header[7:].strip(), now=now)
    if auth.token_use_due(token, now):
        with transaction() as session:
            auth.record_token_use(session=session, token_id=token.id, now=now)
    return auth.principal(account)


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


# What a change answers besides its usual body when the diagram failed after the change was kept: the
# instances parked as incidents (engine.web.incident_notices).
INCIDENTS = {
    "type": "array",
    "description": "the procedure failed after your change was saved: the instances parked as incidents",
    "items": {
        "type": "object",
        "properties": {
            "instance_id": {"type": "integer"},
            "element_id": {"type": ["string", "null"]},
            "element_name": {"type": ["string", "null"]},
            "line": {"type": ["integer", "null"]},
            "message": {"type": "string"},
        },
    },
}


def _operation_object(rule, spec: dict) -> dict:
    params = [
        {"name": name, "in": "path", "required": True, "schema": _path_schema(rule, name)}
        for name in rule.arguments
    ]
    params += [
        {"name": name, "in": "query", "required": False, "schema": schema}
        for name, schema in spec["query"].items()
    ]
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    schema = spec["response"] or {}
    if "GET" not in rule.methods and spec["content_type"] == "application/json" and schema:
        schema = {"allOf": [schema, {"type": "object", "properties": {"incidents": INCIDENTS}}]}
    responses: dict[str, Any] = {
        str(spec["status"]): {"description": "OK", "content": {spec["content_type"]: {"schema": schema}}}
    }
    for code, text in [
        ("400", "Bad request"),
        ("404", "Not found"),
        ("409", "Conflict"),
        ("413", "Request body too large"),
        ("422", "Invalid data"),
        ("500", "The diagram failed before anything could be kept (process_error: element, line in details)"),
        ("503", "The database is busy with another writer: try again after Retry-After seconds"),
    ]:
        responses[code] = {"description": text, **error}
    operation: dict[str, Any] = {
        "summary": spec["summary"],
        "tags": [spec["tag"]],
        "operationId": rule.endpoint.replace(".", "_"),
        "parameters": params,
        "responses": responses,
    }
    # 401: no or a bad token, or (a public operation such as POST /tokens) wrong credentials.
    responses["401"] = {"description": "Unauthenticated", **error}
    responses["429"] = {
        "description": "Too many failed attempts: try again after Retry-After seconds",
        **error,
    }
    if spec["public"]:
        operation["security"] = []
    else:
        operation["security"] = [{"bearer": []}]
        responses["403"] = {
            "description": "Forbidden" + (f": needs {spec['roles']}" if spec["roles"] else ""),
            **error,
        }
    if spec["body"] is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": spec["body"]}},
        }
    if spec.get("form") is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"multipart/form-data": {"schema": spec["form"]}},
        }
    return operation


def _path_schema(rule, name: str) -> dict:
    converter = rule._converters.get(name)
    if isinstance(converter, IntegerConverter):
        return {"type": "integer", "minimum": 0, "maximum": converter.max}
    return {"type": "string"}
