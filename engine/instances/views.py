"""Process instances: list with filters, detail with user tasks, timers, events and data; retry."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from engine.instances import service
from engine.instances.models import InstanceEvent, ProcessInstance, WaitingTimer
from engine.usertasks import service as usertasks
from engine.usertasks.views import USER_TASK, present_user_task
from engine.web.api import API_PREFIX, operation, paging, reading, system, transaction, user

bp = Blueprint("instances", __name__, url_prefix=API_PREFIX + "/process-instances")
WATCHERS = {"monitor", "analyst", "vp_specialist", "vp_leadership"}

INSTANCE = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "process_id": {"type": "string"},
        "definition_id": {"type": "integer"},
        "business_key": {"type": ["string", "null"]},
        "status": {"type": "string", "enum": ["running", "completed", "error", "cancelled"]},
        "error": {"type": ["object", "null"]},
        "started_by": {"type": ["string", "null"]},
        "started_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
        "ended_at": {"type": ["string", "null"], "format": "date-time"},
    },
}
EVENT = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "at": {"type": "string", "format": "date-time"},
        "actor": {"type": ["string", "null"]},
        "kind": {"type": "string"},
        "bpmn_id": {"type": ["string", "null"]},
        "element_name": {"type": ["string", "null"]},
        "task_id": {"type": ["string", "null"]},
        "data": {"type": "object"},
    },
}
TIMER = {
    "type": "object",
    "properties": {
        "task_id": {"type": "string"},
        "bpmn_id": {"type": "string"},
        "name": {"type": "string"},
        "fire_at": {"type": "string", "format": "date-time"},
    },
}
DETAIL = {
    "allOf": [INSTANCE],
    "type": "object",
    "properties": {
        "user_tasks": {"type": "array", "items": USER_TASK},
        "timers": {"type": "array", "items": TIMER},
        "events": {"type": "array", "items": EVENT},
        "data": {"type": "object"},
    },
}


def present(i: ProcessInstance) -> dict:
    return {
        "id": i.id,
        "process_id": i.process_id,
        "definition_id": i.definition_id,
        "business_key": i.business_key,
        "status": i.status,
        "error": i.error,
        "started_by": i.started_by,
        "started_at": i.started_at.isoformat(),
        "updated_at": i.updated_at.isoformat(),
        "ended_at": i.ended_at.isoformat() if i.ended_at else None,
    }


def present_event(e: InstanceEvent) -> dict:
    return {
        "id": e.id,
        "at": e.at.isoformat(),
        "actor": e.actor,
        "kind": e.kind,
        "bpmn_id": e.bpmn_id,
        "element_name": e.element_name,
        "task_id": e.task_id,
        "data": e.data,
    }


def present_timer(t: WaitingTimer) -> dict:
    return {"task_id": t.task_id, "bpmn_id": t.bpmn_id, "name": t.name, "fire_at": t.fire_at.isoformat()}


@bp.get("")
@operation(
    summary="Danh sách phiên bản quy trình đang chạy/đã xong, lọc theo quy trình, trạng thái, khóa nghiệp vụ",
    tag="process-instances",
    roles=WATCHERS,
    query={
        "process_id": {"type": "string"},
        "status": {"type": "string", "enum": ["running", "completed", "error", "cancelled"]},
        "business_key": {"type": "string"},
        "limit": {"type": "integer", "minimum": 1, "maximum": 500},
        "offset": {"type": "integer", "minimum": 0},
    },
    response={"type": "object", "properties": {"items": {"type": "array", "items": INSTANCE}}},
)
def list_instances():
    limit, offset = paging()
    with reading() as session:
        rows = service.list_(
            session=session,
            process_id=request.args.get("process_id"),
            status=request.args.get("status"),
            business_key=request.args.get("business_key"),
            limit=limit,
            offset=offset,
        )
        return jsonify(items=[present(i) for i in rows])


START_IN = {
    "type": "object",
    "additionalProperties": False,
    "required": ["process_id"],
    "properties": {
        "process_id": {"type": "string", "minLength": 1},
        "business_key": {"type": ["string", "null"], "maxLength": 200},
        "data": {"type": "object"},
    },
}


@bp.post("")
@operation(
    summary="Bắt đầu phiên bản mới nhất của một quy trình với dữ liệu cho trước (để chạy thử sơ đồ)",
    tag="process-instances",
    roles={"analyst"},
    body=START_IN,
    response=INSTANCE,
    status=201,
)
def start(body: dict):
    with transaction() as session:
        instance = service.start(
            session=session,
            engine=system().engine,
            process_id=body["process_id"],
            data=body.get("data", {}),
            actor=user().username,
            business_key=body.get("business_key"),
        )
        return jsonify(present(instance)), 201


@bp.get("/<int:instance_id>")
@operation(
    summary="Chi tiết một phiên bản quy trình", tag="process-instances", roles=WATCHERS, response=DETAIL
)
def detail(instance_id: int):
    with reading() as session:
        instance = service.get_or_raise(session=session, instance_id=instance_id)
        return jsonify(
            **present(instance),
            user_tasks=[
                present_user_task(t) for t in usertasks.of_instance(session=session, instance_id=instance_id)
            ],
            timers=[present_timer(t) for t in service.timers(session=session, instance_id=instance_id)],
            events=[present_event(e) for e in service.events(session=session, instance_id=instance_id)],
            data=service.current_data(session=session, engine=system().engine, instance=instance),
        )


@bp.get("/<int:instance_id>/diagram.svg")
@operation(
    summary="Sơ đồ của phiên bản quy trình, đánh dấu bước đã xong, đang chờ, lỗi (SVG)",
    tag="process-instances",
    roles=WATCHERS,
    response={"type": "string"},
    content_type="image/svg+xml",
)
def diagram(instance_id: int):
    with reading() as session:
        return Response(
            service.diagram_svg(session=session, instance_id=instance_id), mimetype="image/svg+xml"
        )


@bp.post("/<int:instance_id>/retry")
@operation(
    summary="Chạy lại phiên bản quy trình đang lỗi (sau khi đã sửa nguyên nhân)",
    tag="process-instances",
    roles={"monitor", "analyst"},
    response=INSTANCE,
)
def retry(instance_id: int):
    with transaction() as session:
        instance = service.lock_or_raise(session=session, instance_id=instance_id)
        return jsonify(
            present(
                service.retry(
                    session=session, engine=system().engine, instance=instance, actor=user().username
                )
            )
        )


EVENT_IN = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name"],
    "properties": {"name": {"type": "string", "minLength": 1}, "payload": {}},
}
SENDERS = {"vp_specialist", "vp_leadership", "monitor", "analyst"}


@bp.post("/<int:instance_id>/messages")
@operation(
    summary="Gửi một thông điệp (BPMN message) tới phiên bản quy trình đang chờ nó",
    tag="process-instances",
    roles=SENDERS,
    body=EVENT_IN,
    response=INSTANCE,
)
def send_message(instance_id: int, body: dict):
    return _deliver(instance_id, "message", body)


@bp.post("/<int:instance_id>/signals")
@operation(
    summary="Gửi một tín hiệu (BPMN signal) tới phiên bản quy trình đang chờ nó",
    tag="process-instances",
    roles=SENDERS,
    body=EVENT_IN,
    response=INSTANCE,
)
def send_signal(instance_id: int, body: dict):
    return _deliver(instance_id, "signal", body)


def _deliver(instance_id: int, kind: str, body: dict):
    with transaction() as session:
        instance = service.lock_or_raise(session=session, instance_id=instance_id)
        service.deliver(
            session=session,
            engine=system().engine,
            instance=instance,
            kind=kind,
            name=body["name"],
            payload=body.get("payload"),
            actor=user().username,
        )
        return jsonify(present(instance))
