"""The directory API: the unit list for everyone; for administrators only, every change audited: add,
change and end units, the unit types that send periodic reports, VP's tracking rooms."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from flask import Blueprint, jsonify

from engine import clock
from engine.directory import succession, units
from engine.directory.models import TrackingRoom, Unit
from engine.errors import ValidationError
from engine.web.api import API_PREFIX, operation, reading, system, transaction, user

bp = Blueprint("directory", __name__, url_prefix=API_PREFIX)
ADMINS = {"admin"}

_TEXT = {"type": "string", "minLength": 1}
UNIT = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "name": {"type": "string"},
        "unit_type": {"type": "string"},
        "parent_code": {"type": ["string", "null"]},
        "active_from": {"type": ["string", "null"], "format": "date"},
        "active_to": {"type": ["string", "null"], "format": "date"},
        "successor_code": {"type": ["string", "null"]},
    },
}
UNIT_SUMMARY = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "name": {"type": "string"},
        "unit_type": {"type": "string"},
        "parent_code": {"type": ["string", "null"]},
    },
}
UNIT_IN = {
    "type": "object",
    "additionalProperties": False,
    "required": ["code", "name", "unit_type"],
    "properties": {
        "code": {**_TEXT, "maxLength": 50, "title": "Mã đơn vị"},
        "name": {**_TEXT, "maxLength": 300, "title": "Tên đơn vị"},
        "unit_type": {**_TEXT, "maxLength": 100, "title": "Loại đơn vị"},
        "parent_code": {"type": ["string", "null"], "maxLength": 50, "title": "Đơn vị cấp trên"},
        "active_from": {"type": ["string", "null"], "format": "date", "title": "Hoạt động từ ngày"},
    },
}
UNIT_CHANGE = {
    "type": "object",
    "additionalProperties": False,
    "minProperties": 1,
    "properties": {
        "name": {**_TEXT, "maxLength": 300, "title": "Tên đơn vị"},
        "unit_type": {**_TEXT, "maxLength": 100, "title": "Loại đơn vị"},
        "parent_code": {"type": ["string", "null"], "maxLength": 50, "title": "Đơn vị cấp trên"},
    },
}
END_IN = {
    "type": "object",
    "additionalProperties": False,
    "required": ["last_day", "successor_code"],
    "properties": {
        "last_day": {"type": "string", "format": "date", "title": "Ngày cuối cùng hoạt động"},
        "successor_code": {**_TEXT, "maxLength": 50, "title": "Đơn vị kế thừa"},
    },
}
ENDED = {
    "type": "object",
    "properties": {
        "unit": UNIT,
        "transferred": {"type": "array", "items": {"type": "integer"}, "description": "nhiệm vụ chủ trì"},
        "coordination_moved": {"type": "array", "items": {"type": "integer"}},
    },
}
UNIT_TYPE = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "sends_reports": {"type": "boolean"},
        "local_government": {"type": "boolean", "description": "chính quyền địa phương (khoản 3 Điều 21)"},
        "leader_approval": {
            "type": "boolean",
            "description": "lãnh đạo đơn vị phê duyệt báo cáo trước khi gửi Văn phòng "
            "(điểm c khoản 1 Điều 8)",
        },
        "unit_count": {"type": "integer"},
    },
}
UNIT_TYPE_IN = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "sends_reports"],
    "properties": {
        "name": {**_TEXT, "maxLength": 100, "title": "Loại đơn vị"},
        "sends_reports": {"type": "boolean", "title": "Gửi báo cáo định kỳ"},
        "local_government": {
            "type": "boolean",
            "title": "Chính quyền địa phương",
            "description": "Đơn vị loại này chọn được nhiệm vụ của sở, ngành để phản hồi (khoản 3 Điều 21)",
        },
        "leader_approval": {
            "type": "boolean",
            "title": "Lãnh đạo đơn vị phê duyệt báo cáo",
            "description": "Báo cáo do cán bộ lập (báo cáo kết quả, khó khăn, vướng mắc, báo cáo định kỳ) "
            "được lãnh đạo đơn vị phê duyệt trước khi gửi Văn phòng UBND tỉnh (điểm c khoản 1 Điều 8)",
        },
    },
}
ROOM = {"type": "object", "properties": {"name": {"type": "string"}, "active": {"type": "boolean"}}}
ROOM_IN = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name"],
    "properties": {"name": {**_TEXT, "maxLength": 200, "title": "Tên phòng theo dõi"}},
}
ROOM_ACTIVE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["active"],
    "properties": {"active": {"type": "boolean", "title": "Còn theo dõi nhiệm vụ"}},
}


def present_unit(u: Unit) -> dict:
    return {"code": u.code, "name": u.name, "unit_type": u.unit_type, "parent_code": u.parent_code}


def present(u: Unit) -> dict:
    return {
        **present_unit(u),
        "active_from": u.active_from.isoformat() if u.active_from else None,
        "active_to": u.active_to.isoformat() if u.active_to else None,
        "successor_code": u.successor_code,
    }


def present_room(r: TrackingRoom) -> dict:
    return {"name": r.name, "active": r.active}


@bp.get("/units")
@operation(
    summary="Danh mục cơ quan, đơn vị",
    tag="units",
    response={"type": "object", "properties": {"items": {"type": "array", "items": UNIT_SUMMARY}}},
)
def list_units():
    with reading() as session:
        return jsonify(items=[present_unit(u) for u in units.list_units(session=session)])


@bp.post("/units")
@operation(summary="Thêm cơ quan, đơn vị", tag="units", roles=ADMINS, body=UNIT_IN, response=UNIT, status=201)
def create_unit(body: dict):
    now = clock.now()
    with transaction() as session:
        unit = units.create(
            session=session,
            code=body["code"],
            name=body["name"],
            unit_type=body["unit_type"],
            parent_code=body.get("parent_code"),
            active_from=_day(body.get("active_from"), "active_from"),
            actor=user().username,
            today=_today(),
            now=now,
        )
        return jsonify(present(unit)), 201


@bp.get("/units/<code>")
@operation(summary="Một cơ quan, đơn vị", tag="units", response=UNIT)
def get_unit(code: str):
    with reading() as session:
        return jsonify(present(units.get_or_raise(session=session, code=code)))


@bp.patch("/units/<code>")
@operation(
    summary="Đổi tên, loại hoặc đơn vị cấp trên của một đơn vị",
    tag="units",
    roles=ADMINS,
    body=UNIT_CHANGE,
    response=UNIT,
)
def update_unit(code: str, body: dict):
    with transaction() as session:
        unit = units.update(
            session=session, code=code, values=body, actor=user().username, today=_today(), now=clock.now()
        )
        return jsonify(present(unit))


@bp.post("/units/<code>/end")
@operation(
    summary="Kết thúc hoạt động của một đơn vị; đơn vị kế thừa nhận các nhiệm vụ đang thực hiện (mỗi lần "
    "chuyển được ghi lại, quy trình đang chạy chuyển theo)",
    tag="units",
    roles=ADMINS,
    body=END_IN,
    response=ENDED,
)
def end_unit(code: str, body: dict):
    with transaction() as session:
        ending = succession.end_unit(
            session=session,
            engine=system().engine,
            code=code,
            last_day=_day(body["last_day"], "last_day"),
            successor_code=body["successor_code"],
            actor=user().username,
            now=clock.now(),
            today=_today(),
        )
        return jsonify(
            unit=present(ending.unit), transferred=ending.led, coordination_moved=ending.coordinated
        )


@bp.get("/unit-types")
@operation(
    summary="Các loại đơn vị và loại nào phải gửi báo cáo định kỳ",
    tag="units",
    response={"type": "object", "properties": {"items": {"type": "array", "items": UNIT_TYPE}}},
)
def list_unit_types():
    with reading() as session:
        found = units.unit_types(session=session)
        local = units.local_government_types(session=session)
        approving = units.approving_types(session=session)
    return jsonify(
        items=[
            {
                "name": n,
                "sends_reports": r,
                "local_government": n in local,
                "leader_approval": n in approving,
                "unit_count": c,
            }
            for n, r, c in found
        ]
    )


@bp.put("/unit-types")
@operation(
    summary="Đặt một loại đơn vị có (hay không) phải gửi báo cáo định kỳ, có là chính quyền địa phương "
    "không, lãnh đạo đơn vị có phê duyệt báo cáo trước khi gửi Văn phòng không",
    tag="units",
    roles=ADMINS,
    body=UNIT_TYPE_IN,
    response=UNIT_TYPE,
)
def put_unit_type(body: dict):
    with transaction() as session:
        row = units.set_type(
            session=session,
            unit_type=body["name"],
            sends_reports=body["sends_reports"],
            local_government=body.get("local_government"),
            leader_approval=body.get("leader_approval"),
            actor=user().username,
        )
        count = sum(c for n, _, c in units.unit_types(session=session) if n == row.name)
        return jsonify(
            name=row.name,
            sends_reports=row.sends_reports,
            local_government=row.local_government,
            leader_approval=row.leader_approval,
            unit_count=count,
        )


@bp.get("/tracking-rooms")
@operation(
    summary="Các phòng theo dõi của Văn phòng UBND tỉnh",
    tag="units",
    response={"type": "object", "properties": {"items": {"type": "array", "items": ROOM}}},
)
def list_rooms():
    with reading() as session:
        return jsonify(items=[present_room(r) for r in units.rooms(session=session)])


@bp.post("/tracking-rooms")
@operation(summary="Thêm phòng theo dõi", tag="units", roles=ADMINS, body=ROOM_IN, response=ROOM, status=201)
def add_room(body: dict):
    with transaction() as session:
        return jsonify(
            present_room(units.add_room(session=session, name=body["name"], actor=user().username))
        ), 201


@bp.put("/tracking-rooms/<name>")
@operation(
    summary="Ngừng (hoặc dùng lại) một phòng theo dõi",
    tag="units",
    roles=ADMINS,
    body=ROOM_ACTIVE,
    response=ROOM,
)
def set_room(name: str, body: dict):
    with transaction() as session:
        room = units.set_room_active(session=session, name=name, active=body["active"], actor=user().username)
        return jsonify(present_room(room))


def _today() -> date:
    return clock.now().astimezone(ZoneInfo(system().settings.timezone)).date()


def _day(text: str | None, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            "Ngày không hợp lệ (định dạng YYYY-MM-DD)", fields={field: repr(text)}
        ) from None
