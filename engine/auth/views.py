"""API tokens for scripts and integrations (create, list, revoke), who the caller is, and their password."""

from __future__ import annotations

from flask import Blueprint, jsonify

from engine import clock
from engine.auth import service
from engine.auth.models import ROLES, ApiToken
from engine.web.api import API_PREFIX, operation, reading, sign_in_attempt, system, transaction, user

bp = Blueprint("auth", __name__, url_prefix=API_PREFIX)

ME = {
    "type": "object",
    "properties": {
        "username": {"type": "string"},
        "full_name": {"type": "string"},
        "roles": {"type": "array", "items": {"type": "string"}},
        "role_names": {"type": "array", "items": {"type": "string"}},
        "unit_code": {"type": ["string", "null"]},
    },
}
TOKEN = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "label": {"type": "string"},
        "created_at": {"type": "string", "format": "date-time"},
        "expires_at": {"type": "string", "format": "date-time"},
        "last_used_at": {"type": ["string", "null"], "format": "date-time"},
        "revoked_at": {"type": ["string", "null"], "format": "date-time"},
    },
}
TOKEN_IN = {
    "type": "object",
    "additionalProperties": False,
    "required": ["username", "password"],
    "properties": {
        "username": {"type": "string", "minLength": 1, "maxLength": 100},
        "password": {"type": "string", "minLength": 1, "maxLength": 1024},
        "label": {"type": "string", "maxLength": 200, "description": "the token's name"},
        "days": {"type": "integer", "minimum": 1, "maximum": 366, "description": "lifetime (default 90)"},
    },
}
PASSWORD_IN = {
    "type": "object",
    "additionalProperties": False,
    "required": ["current_password", "new_password"],
    "properties": {
        "current_password": {"type": "string", "minLength": 1, "maxLength": 1024},
        "new_password": {"type": "string", "minLength": 1, "maxLength": 1024},
    },
}


@bp.post("/tokens")
@operation(
    summary="Đổi tên đăng nhập và mật khẩu lấy một API token có tên và thời hạn (chỉ hiện một lần); "
    "đăng nhập sai nhiều lần bị tạm chặn (429)",
    tag="auth",
    public=True,
    body=TOKEN_IN,
    response={
        "type": "object",
        "properties": {"token": {"type": "string"}, "user": ME, **TOKEN["properties"]},
    },
    status=201,
)
def create_token(body: dict):
    settings = system().settings
    with transaction() as session:
        outcome = sign_in_attempt(session, body["username"], body["password"])
    account = outcome.user_or_raise()
    with transaction() as session:
        token, row = service.issue_token(
            session=session,
            username=account.username,
            label=body.get("label", "api"),
            now=clock.now(),
            days=body.get("days"),
            settings=settings,
        )
    return jsonify(token=token, user=_me(service.principal(account)), **present_token(row)), 201


@bp.get("/tokens")
@operation(
    summary="Các API token của người đang gọi (kể cả đã hết hạn, đã thu hồi)",
    tag="auth",
    response={"type": "object", "properties": {"items": {"type": "array", "items": TOKEN}}},
)
def list_tokens():
    with reading() as session:
        return jsonify(
            items=[present_token(t) for t in service.list_tokens(session=session, username=user().username)]
        )


@bp.delete("/tokens/<int:token_id>")
@operation(
    summary="Thu hồi một API token (của chính mình; quản trị hệ thống: của bất kỳ ai)",
    tag="auth",
    response=TOKEN,
)
def revoke_token(token_id: int):
    with transaction() as session:
        return jsonify(
            present_token(
                service.revoke_token(session=session, token_id=token_id, by=user(), now=clock.now())
            )
        )


@bp.get("/me")
@operation(summary="Người đang gọi API, vai trò và đơn vị", tag="auth", response=ME)
def me():
    return jsonify(_me(user()))


@bp.put("/me/password")
@operation(
    summary="Đổi mật khẩu của chính mình (mọi phiên đăng nhập trên trình duyệt kết thúc)",
    tag="auth",
    body=PASSWORD_IN,
    response=ME,
)
def change_password(body: dict):
    with transaction() as session:
        service.change_password(
            session=session,
            username=user().username,
            current=body["current_password"],
            new=body["new_password"],
            now=clock.now(),
        )
    return jsonify(_me(user()))


def present_token(t: ApiToken) -> dict:
    return {
        "id": t.id,
        "label": t.label,
        "created_at": t.created_at.isoformat(),
        "expires_at": t.expires_at.isoformat(),
        "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
        "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
    }


def _me(p: service.Principal) -> dict:
    return {
        "username": p.username,
        "full_name": p.full_name,
        "roles": sorted(p.roles),
        "role_names": [ROLES[r] for r in sorted(p.roles) if r in ROLES],
        "unit_code": p.unit_code,
    }
