"""API tokens for scripts and integrations, and who the caller is."""

from __future__ import annotations

from flask import Blueprint, jsonify

from engine import clock
from engine.auth import service
from engine.auth.models import ROLES
from engine.web.api import API_PREFIX, operation, transaction, user

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
TOKEN_IN = {
    "type": "object",
    "additionalProperties": False,
    "required": ["username", "password"],
    "properties": {
        "username": {"type": "string", "minLength": 1},
        "password": {"type": "string", "minLength": 1},
        "label": {"type": "string", "maxLength": 200},
    },
}


@bp.post("/tokens")
@operation(
    summary="Đổi tên đăng nhập và mật khẩu lấy một API token (chỉ hiện một lần)",
    tag="auth",
    public=True,
    body=TOKEN_IN,
    response={"type": "object", "properties": {"token": {"type": "string"}, "user": ME}},
    status=201,
)
def create_token(body: dict):
    with transaction() as session:
        account = service.authenticate(session=session, username=body["username"], password=body["password"])
        token = service.create_token(
            session=session, username=account.username, label=body.get("label", "api"), now=clock.now()
        )
        return jsonify(token=token, user=_me(service.principal(account))), 201


@bp.get("/me")
@operation(summary="Người đang gọi API, vai trò và đơn vị", tag="auth", response=ME)
def me():
    return jsonify(_me(user()))


def _me(p: service.Principal) -> dict:
    return {
        "username": p.username,
        "full_name": p.full_name,
        "roles": sorted(p.roles),
        "role_names": [ROLES[r] for r in sorted(p.roles) if r in ROLES],
        "unit_code": p.unit_code,
    }
