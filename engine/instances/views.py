"""Process instances: list with filters, detail with user tasks, timers, events and data; retry, cancel,
migrate to another version."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from engine.instances import listing, operations, service, starting
from engine.instances.models import InstanceEvent, ProcessInstance, WaitingTimer
from engine.search import params
from engine.search.fold import words
from engine.search.sql import Sort
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
        "version": {"type": "integer", "description": "the version of the process the instance runs"},
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
        "version": service.version_of(i),
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
        "definition_id": {"type": "integer"},
        "business_key": {"type": "string"},
        "q": {
            **params.Q,
            "description": params.Q["description"]
            + ": tên quy trình, mã (#12), khóa nghiệp vụ, văn bản và nhiệm vụ mà quy trình xử lý",
        },
        **params.sorting(listing.SORT_KEYS),
        "limit": {"type": "integer", "minimum": 1, "maximum": 500},
        "offset": {"type": "integer", "minimum": 0},
    },
    response={"type": "object", "properties": {"items": {"type": "array", "items": INSTANCE}}},
)
def list_instances():
    limit, offset = paging()
    args = request.args
    searched = words(args.get("q"))
    with reading() as session:
        rows = service.list_(
            session=session,
            process_id=args.get("process_id"),
            status=args.get("status"),
            definition_id=args.get("definition_id", type=int),
            business_key=args.get("business_key"),
            words=searched,
            sort=Sort.choose(set(listing.SORT_KEYS), args.get("sort"), args.get("dir")),
            limit=limit,
            offset=offset,
        )
        return jsonify(items=[present(i) for i in rows])


START_IN = {
    "type": "object",
    "additionalProperties": False,
    "required": ["process_id"],
    "properties": {
        "process_id": {"type": "string", "minLength": 1, "maxLength": 200},
        "data": {"type": "object", "description": "the start form's fields, checked against its schema"},
    },
}


@bp.post("")
@operation(
    summary="Khởi tạo phiên bản mới nhất của một quy trình theo biểu mẫu khởi tạo của nó; chỉ những vai trò "
    "mà sự kiện bắt đầu cho phép (candidateStarterGroups) mới được khởi tạo",
    tag="process-instances",
    body=START_IN,
    response=INSTANCE,
    status=201,
)
def start(body: dict):
    with transaction() as session:
        instance = starting.start_on_demand(
            session=session,
            engine=system().engine,
            process_id=body["process_id"],
            data=body.get("data", {}),
            user=user(),
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


OPERATORS = {"monitor", "analyst"}


@bp.post("/<int:instance_id>/retry")
@operation(
    summary="Chạy lại ngay phiên bản quy trình đang lỗi (sau khi đã sửa nguyên nhân); "
    "nếu lại lỗi, nó vẫn ở trạng thái lỗi với lỗi mới",
    tag="process-instances",
    roles=OPERATORS,
    response=INSTANCE,
)
def retry(instance_id: int):
    with transaction() as session:
        instance = service.lock_or_raise(session=session, instance_id=instance_id)
        service.retry(session=session, engine=system().engine, instance=instance, actor=user().username)
        return jsonify(present(instance))


CANCEL_IN = {
    "type": "object",
    "additionalProperties": False,
    "required": ["reason"],
    "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": operations.MAX_REASON}},
}


@bp.post("/<int:instance_id>/cancel")
@operation(
    summary="Hủy một phiên bản quy trình đang chạy hoặc đang lỗi, nêu lý do (ghi vào lịch sử xử lý)",
    tag="process-instances",
    roles=OPERATORS,
    body=CANCEL_IN,
    response=INSTANCE,
)
def cancel(instance_id: int, body: dict):
    with transaction() as session:
        instance = service.lock_or_raise(session=session, instance_id=instance_id)
        operations.cancel(session=session, instance=instance, reason=body["reason"], actor=user().username)
        return jsonify(present(instance))


MIGRATE_IN = {
    "type": "object",
    "additionalProperties": False,
    "required": ["instance_ids", "target_definition_id"],
    "properties": {
        "instance_ids": {"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 500},
        "target_definition_id": {"type": "integer"},
        "dry_run": {"type": "boolean", "default": False},
    },
}
TASK_MAPPING = {
    "type": "object",
    "properties": {
        "bpmn_id": {"type": "string"},
        "name": {"type": "string"},
        "state": {"type": "string", "enum": ["ready", "waiting", "started"]},
        "target_id": {"type": ["string", "null"], "description": "null: no such element in the target"},
        "changed": {"type": "boolean"},
    },
}
MIGRATION = {
    "type": "object",
    "properties": {
        "target_definition_id": {"type": "integer"},
        "target_version": {"type": "integer"},
        "migrated": {"type": "boolean", "description": "false for a dry run"},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "instance_id": {"type": "integer"},
                    "from_definition_id": {"type": "integer"},
                    "from_version": {"type": "integer"},
                    "status": {"type": "string"},
                    "ok": {"type": "boolean"},
                    "problems": {"type": "array", "items": {"type": "string"}},
                    "tasks": {"type": "array", "items": TASK_MAPPING},
                },
            },
        },
    },
}


@bp.post("/migrate")
@operation(
    summary="Chuyển một hoặc nhiều phiên bản quy trình đang chạy (hoặc đang lỗi) sang phiên bản khác của "
    "cùng quy trình; dry_run chỉ xem trước cách các bước đang hoạt động được ánh xạ. Nếu có phiên bản "
    "không chuyển được thì không phiên bản nào được chuyển (409, lý do trong details.refused)",
    tag="process-instances",
    roles=OPERATORS,
    body=MIGRATE_IN,
    response=MIGRATION,
)
def migrate(body: dict):
    args = {"instance_ids": body["instance_ids"], "target_id": body["target_definition_id"]}
    if body.get("dry_run"):
        with reading() as session:
            target, items = operations.preview(session=session, engine=system().engine, **args)
    else:
        with transaction() as session:
            target, items = operations.migrate(
                session=session, engine=system().engine, actor=user().username, **args
            )
    return jsonify(
        target_definition_id=target.id,
        target_version=target.version,
        migrated=not body.get("dry_run"),
        items=[present_preview(p) for p in items],
    )


def present_preview(p: operations.MigrationPreview) -> dict:
    return {
        "instance_id": p.instance_id,
        "from_definition_id": p.from_definition_id,
        "from_version": p.from_version,
        "status": p.status,
        "ok": p.ok,
        "problems": list(p.problems),
        "tasks": [
            {
                "bpmn_id": t.bpmn_id,
                "name": t.name,
                "state": t.state,
                "target_id": t.target_id,
                "changed": t.changed,
            }
            for t in p.tasks
        ],
    }


EVENT_IN = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name"],
    "properties": {"name": {"type": "string", "minLength": 1}, "payload": {}},
}
# Monitors watch and do not signal (a signal can restart an assignment's deadline watch); analysts send
# messages to the diagrams they test, the VP to the ones it runs.
SENDERS = {"vp_specialist", "vp_leadership", "analyst"}


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
