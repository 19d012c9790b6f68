"""The API of who gives tasks (Đ1.1) and of the lĩnh vực (Đ9.2.a): everyone signed in reads both lists,
administrators add and change them (every change goes to history; nothing is deleted)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from engine.directory import leaders
from engine.directory.models import LEADER_KINDS, Leader, Sector
from engine.web.api import API_PREFIX, operation, reading, transaction, user

bp = Blueprint("leaders", __name__, url_prefix=API_PREFIX)
ADMINS = {"admin"}

_CODE = {"type": "string", "minLength": 1, "maxLength": 50, "pattern": "^[A-Za-z0-9_.-]+$"}
_SECTOR_CODES = {"type": "array", "items": _CODE, "uniqueItems": True, "maxItems": 100}
_LEADER_PROPS = {
    "kind": {"type": "string", "enum": list(LEADER_KINDS), "title": "Loại: tập thể, Chủ tịch, Phó Chủ tịch"},
    "title": {"type": "string", "minLength": 1, "maxLength": 200, "title": "Chức danh"},
    "person_name": {"type": ["string", "null"], "maxLength": 200, "title": "Họ và tên"},
    "username": {"type": ["string", "null"], "maxLength": 100, "title": "Tài khoản của lãnh đạo"},
    "position": {"type": "integer", "minimum": 0, "maximum": 999, "title": "Thứ tự trong danh sách"},
    "active": {"type": "boolean", "title": "Còn giao nhiệm vụ"},
    "sectors": {**_SECTOR_CODES, "title": "Mã các lĩnh vực phụ trách"},
}
LEADER = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        **_LEADER_PROPS,
        "label": {"type": "string", "description": "tên hiển thị"},
        "kind_name": {"type": "string"},
    },
}
LEADER_IN = {
    "type": "object",
    "additionalProperties": False,
    "required": ["code", "kind"],
    "properties": {"code": {**_CODE, "title": "Mã lãnh đạo"}, **_LEADER_PROPS},
}
LEADER_CHANGE = {
    "type": "object",
    "additionalProperties": False,
    "minProperties": 1,
    "properties": _LEADER_PROPS,
}
SECTOR = {
    "type": "object",
    "properties": {"code": {"type": "string"}, "name": {"type": "string"}, "active": {"type": "boolean"}},
}
SECTOR_IN = {
    "type": "object",
    "additionalProperties": False,
    "required": ["code", "name"],
    "properties": {
        "code": {**_CODE, "title": "Mã lĩnh vực"},
        "name": {"type": "string", "minLength": 1, "maxLength": 200, "title": "Tên lĩnh vực"},
    },
}
SECTOR_CHANGE = {
    "type": "object",
    "additionalProperties": False,
    "minProperties": 1,
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 200, "title": "Tên lĩnh vực"},
        "active": {"type": "boolean", "title": "Còn sử dụng"},
    },
}
ACTIVE_ONLY = {"active": {"type": "string", "enum": ["true"], "description": "chỉ những mục đang sử dụng"}}


def present_leader(row: Leader, sectors: list[str]) -> dict:
    return {
        "code": row.code,
        "kind": row.kind,
        "kind_name": LEADER_KINDS.get(row.kind, row.kind),
        "title": row.title,
        "person_name": row.person_name,
        "label": leaders.label(row),
        "username": row.username,
        "position": row.position,
        "active": row.active,
        "sectors": sectors,
    }


def present_sector(row: Sector) -> dict:
    return {"code": row.code, "name": row.name, "active": row.active}


@bp.get("/leaders")
@operation(
    summary="Lãnh đạo giao nhiệm vụ: UBND tỉnh (tập thể), Chủ tịch, các Phó Chủ tịch và lĩnh vực phụ trách",
    tag="leaders",
    query=ACTIVE_ONLY,
    response={"type": "object", "properties": {"items": {"type": "array", "items": LEADER}}},
)
def list_leaders():
    with reading() as session:
        found = leaders.leaders(session=session, active_only=request.args.get("active") == "true")
        overseen = leaders.sectors_of(session=session)
        return jsonify(items=[present_leader(r, overseen.get(r.code, [])) for r in found])


@bp.post("/leaders")
@operation(
    summary="Thêm lãnh đạo giao nhiệm vụ",
    tag="leaders",
    roles=ADMINS,
    body=LEADER_IN,
    response=LEADER,
    status=201,
)
def create_leader(body: dict):
    with transaction() as session:
        row = leaders.create_leader(session=session, values=body, actor=user().username)
        return jsonify(present_leader(row, leaders.sectors_of(session=session).get(row.code, []))), 201


@bp.get("/leaders/<code>")
@operation(summary="Một lãnh đạo giao nhiệm vụ", tag="leaders", response=LEADER)
def get_leader(code: str):
    with reading() as session:
        row = leaders.get_leader(session=session, code=code)
        return jsonify(present_leader(row, leaders.sectors_of(session=session).get(code, [])))


@bp.put("/leaders/<code>")
@operation(
    summary="Sửa lãnh đạo giao nhiệm vụ: chức danh, họ tên, tài khoản, lĩnh vực phụ trách, ngừng hoặc "
    "dùng lại",
    tag="leaders",
    roles=ADMINS,
    body=LEADER_CHANGE,
    response=LEADER,
)
def update_leader(code: str, body: dict):
    with transaction() as session:
        row = leaders.update_leader(session=session, code=code, values=body, actor=user().username)
        return jsonify(present_leader(row, leaders.sectors_of(session=session).get(code, [])))


@bp.get("/sectors")
@operation(
    summary="Danh mục lĩnh vực",
    tag="leaders",
    query=ACTIVE_ONLY,
    response={"type": "object", "properties": {"items": {"type": "array", "items": SECTOR}}},
)
def list_sectors():
    with reading() as session:
        found = leaders.sectors(session=session, active_only=request.args.get("active") == "true")
        return jsonify(items=[present_sector(r) for r in found])


@bp.post("/sectors")
@operation(summary="Thêm lĩnh vực", tag="leaders", roles=ADMINS, body=SECTOR_IN, response=SECTOR, status=201)
def create_sector(body: dict):
    with transaction() as session:
        row = leaders.create_sector(
            session=session, code=body["code"], name=body["name"], actor=user().username
        )
        return jsonify(present_sector(row)), 201


@bp.put("/sectors/<code>")
@operation(
    summary="Đổi tên lĩnh vực, ngừng sử dụng hoặc dùng lại (lĩnh vực không bị xóa)",
    tag="leaders",
    roles=ADMINS,
    body=SECTOR_CHANGE,
    response=SECTOR,
)
def update_sector(code: str, body: dict):
    with transaction() as session:
        row = leaders.update_sector(session=session, code=code, values=body, actor=user().username)
        return jsonify(present_sector(row))
