"""User administration for the administrator: list, create, change roles or unit, deactivate or reactivate,
reset a password (generated and shown once, or chosen), revoke a user's tokens; each change is recorded."""

from __future__ import annotations

from flask import Blueprint, jsonify

from engine import clock
from engine.auth import events, passwords, service
from engine.auth.models import ROLES, AccountEvent, User
from engine.auth.views import TOKEN, present_token
from engine.web.api import API_PREFIX, operation, reading, transaction, user

bp = Blueprint("users", __name__, url_prefix=API_PREFIX + "/users")
ADMINS = {"admin"}

USER = {
    "type": "object",
    "properties": {
        "username": {"type": "string"},
        "full_name": {"type": "string"},
        "roles": {"type": "array", "items": {"type": "string", "enum": sorted(ROLES)}},
        "unit_code": {"type": ["string", "null"]},
        "email": {"type": ["string", "null"]},
        "active": {"type": "boolean"},
        "must_change_password": {"type": "boolean"},
        "created_at": {"type": "string", "format": "date-time"},
        "last_login_at": {"type": ["string", "null"], "format": "date-time"},
    },
}
EVENT = {
    "type": "object",
    "properties": {
        "at": {"type": "string", "format": "date-time"},
        "actor": {"type": ["string", "null"]},
        "kind": {"type": "string"},
        "details": {"type": "object"},
    },
}
ROLES_IN = {
    "type": "array",
    "items": {"type": "string", "enum": sorted(ROLES)},
    "minItems": 1,
    "maxItems": 20,
}
CREATE_IN = {
    "type": "object",
    "additionalProperties": False,
    "required": ["username", "full_name", "roles"],
    "properties": {
        "username": {"type": "string", "minLength": 2, "maxLength": 100},
        "full_name": {"type": "string", "minLength": 1, "maxLength": 200},
        "roles": ROLES_IN,
        "unit_code": {"type": ["string", "null"], "maxLength": 50},
        "email": {"type": ["string", "null"], "maxLength": 254},
        "password": {"type": "string", "maxLength": 128, "description": "omitted: one is generated"},
    },
}
UPDATE_IN = {
    "type": "object",
    "additionalProperties": False,
    "minProperties": 1,
    "properties": {
        "full_name": {"type": "string", "minLength": 1, "maxLength": 200},
        "roles": ROLES_IN,
        "unit_code": {"type": ["string", "null"], "maxLength": 50},
        "active": {"type": "boolean"},
    },
}
RESET_IN = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"password": {"type": "string", "maxLength": 128, "description": "omitted: generated"}},
}
WITH_PASSWORD = {"type": "object", "properties": {"user": USER, "password": {"type": "string"}}}


@bp.get("")
@operation(
    summary="Danh sách người dùng",
    tag="users",
    roles=ADMINS,
    response={"type": "object", "properties": {"items": {"type": "array", "items": USER}}},
)
def list_users():
    with reading() as session:
        return jsonify(items=[present(u) for u in service.list_users(session=session)])


@bp.post("")
@operation(
    summary="Thêm người dùng; mật khẩu ban đầu (tạo ngẫu nhiên nếu không gửi) chỉ hiện một lần và phải đổi "
    "khi đăng nhập lần đầu",
    tag="users",
    roles=ADMINS,
    body=CREATE_IN,
    response=WITH_PASSWORD,
    status=201,
)
def create(body: dict):
    password = body.get("password") or passwords.generate()
    with transaction() as session:
        account = service.create_user(
            session=session,
            username=body["username"],
            password=password,
            full_name=body["full_name"],
            roles=body["roles"],
            unit_code=body.get("unit_code"),
            email=body.get("email"),
            now=clock.now(),
            actor=user().username,
            must_change_password=True,
        )
        return jsonify(user=present(account), password=password), 201


@bp.get("/<username>")
@operation(
    summary="Một người dùng, các API token và lịch sử thay đổi tài khoản",
    tag="users",
    roles=ADMINS,
    response={
        "allOf": [USER],
        "type": "object",
        "properties": {
            "tokens": {"type": "array", "items": TOKEN},
            "events": {"type": "array", "items": EVENT},
        },
    },
)
def detail(username: str):
    with reading() as session:
        account = service.get_user_or_raise(session=session, username=username)
        return jsonify(
            **present(account),
            tokens=[present_token(t) for t in service.list_tokens(session=session, username=username)],
            events=[present_event(e) for e in events.list_(session=session, username=username)],
        )


@bp.patch("/<username>")
@operation(
    summary="Sửa họ tên, vai trò, đơn vị; khóa hoặc mở lại tài khoản (khóa: phiên và token kết thúc ngay)",
    tag="users",
    roles=ADMINS,
    body=UPDATE_IN,
    response=USER,
)
def update(username: str, body: dict):
    now, actor = clock.now(), user().username
    with transaction() as session:
        account = service.update_user(
            session=session,
            username=username,
            now=now,
            actor=actor,
            full_name=body.get("full_name"),
            roles=body.get("roles"),
            unit_code=body.get("unit_code"),
            set_unit="unit_code" in body,
        )
        if "active" in body:
            service.set_active(
                session=session, username=username, active=body["active"], now=now, actor=actor
            )
        return jsonify(present(account))


@bp.post("/<username>/password")
@operation(
    summary="Đặt lại mật khẩu (tạo ngẫu nhiên nếu không gửi, chỉ hiện một lần); người dùng phải đổi khi đăng "
    "nhập lại, mọi phiên đăng nhập của họ kết thúc",
    tag="users",
    roles=ADMINS,
    body=RESET_IN,
    response=WITH_PASSWORD,
)
def reset_password(username: str, body: dict):
    with transaction() as session:
        password = service.reset_password(
            session=session,
            username=username,
            now=clock.now(),
            actor=user().username,
            password=body.get("password"),
        )
        account = service.get_user_or_raise(session=session, username=username)
        return jsonify(user=present(account), password=password)


@bp.delete("/<username>/tokens")
@operation(
    summary="Thu hồi mọi API token còn hiệu lực của người dùng",
    tag="users",
    roles=ADMINS,
    response={"type": "object", "properties": {"revoked": {"type": "integer"}}},
)
def revoke_tokens(username: str):
    with transaction() as session:
        count = service.revoke_all_tokens(session=session, username=username, now=clock.now(), by=user())
        return jsonify(revoked=count)


def present(u: User) -> dict:
    return {
        "username": u.username,
        "full_name": u.full_name,
        "roles": list(u.roles),
        "unit_code": u.unit_code,
        "email": u.email,
        "active": u.active,
        "must_change_password": u.must_change_password,
        "created_at": u.created_at.isoformat(),
        "last_login_at": u.last_login_at.isoformat() if u.last_login_at else None,
    }


def present_event(e: AccountEvent) -> dict:
    return {"at": e.at.isoformat(), "actor": e.actor, "kind": e.kind, "details": e.details}
