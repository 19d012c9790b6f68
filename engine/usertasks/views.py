"""User tasks: the caller's inbox, one task with its form, claim, unclaim, complete."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from engine.usertasks import service
from engine.usertasks.models import UserTaskRow
from engine.web.api import API_PREFIX, operation, paging, reading, system, transaction, user

bp = Blueprint("usertasks", __name__, url_prefix=API_PREFIX + "/user-tasks")

USER_TASK = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "instance_id": {"type": "integer"},
        "process_id": {"type": "string"},
        "bpmn_id": {"type": "string"},
        "name": {"type": "string"},
        "lane": {"type": ["string", "null"]},
        "candidate_groups": {"type": "array", "items": {"type": "string"}},
        "unit_code": {"type": ["string", "null"]},
        "assignee": {"type": ["string", "null"]},
        "form": {"type": ["string", "null"]},
        "subject": {"type": ["string", "null"]},
        "instructions": {"type": ["string", "null"]},
        "due_at": {"type": ["string", "null"], "format": "date-time"},
        "state": {"type": "string", "enum": ["ready", "completed", "cancelled"]},
        "created_at": {"type": "string", "format": "date-time"},
        "completed_at": {"type": ["string", "null"], "format": "date-time"},
        "completed_by": {"type": ["string", "null"]},
    },
}
USER_TASK_DETAIL = {
    "allOf": [USER_TASK],
    "type": "object",
    "properties": {
        "form_schema": {"type": ["object", "null"]},
        "ui_schema": {"type": ["object", "null"]},
        "data": {"type": "object"},
    },
}


def present_user_task(t: UserTaskRow) -> dict:
    return {
        "id": t.id,
        "instance_id": t.instance_id,
        "process_id": t.process_id,
        "bpmn_id": t.bpmn_id,
        "name": t.name,
        "lane": t.lane,
        "candidate_groups": t.candidate_groups,
        "unit_code": t.unit_code,
        "assignee": t.assignee,
        "form": t.form,
        "subject": t.subject,
        "instructions": t.instructions,
        "due_at": t.due_at.isoformat() if t.due_at else None,
        "state": t.state,
        "created_at": t.created_at.isoformat(),
        "completed_at": t.completed_at.isoformat() if t.completed_at else None,
        "completed_by": t.completed_by,
    }


@bp.get("")
@operation(
    summary="Việc cần làm: user task đang chờ của các nhóm và đơn vị của người gọi",
    tag="user-tasks",
    query={
        "process_id": {"type": "string"},
        "assigned": {"type": "string", "enum": ["me", "unassigned"]},
        "limit": {"type": "integer"},
        "offset": {"type": "integer"},
    },
    response={"type": "object", "properties": {"items": {"type": "array", "items": USER_TASK}}},
)
def inbox():
    limit, offset = paging()
    with reading() as session:
        rows = service.inbox(
            session=session,
            user=user(),
            process_id=request.args.get("process_id"),
            assigned=request.args.get("assigned"),
            limit=limit,
            offset=offset,
        )
        return jsonify(items=[present_user_task(t) for t in rows])


@bp.get("/<task_id>")
@operation(
    summary="Một user task, kèm biểu mẫu và dữ liệu để điền", tag="user-tasks", response=USER_TASK_DETAIL
)
def get(task_id: str):
    with reading() as session:
        row = service.get_or_raise(session=session, task_id=task_id)
        service.check_can_see(row, user())
        return jsonify(
            **present_user_task(row),
            form_schema=service.form_schema(session=session, row=row),
            ui_schema=service.form_schema(session=session, row=row, ui=True),
            data=service.form_data(session=session, engine=system().engine, row=row),
        )


@bp.post("/<task_id>/claim")
@operation(summary="Nhận xử lý user task", tag="user-tasks", response=USER_TASK)
def claim(task_id: str):
    with transaction() as session:
        return jsonify(present_user_task(service.claim(session=session, task_id=task_id, user=user())))


@bp.post("/<task_id>/unclaim")
@operation(summary="Trả lại user task cho nhóm", tag="user-tasks", response=USER_TASK)
def unclaim(task_id: str):
    with transaction() as session:
        return jsonify(present_user_task(service.unclaim(session=session, task_id=task_id, user=user())))


@bp.post("/<task_id>/complete")
@operation(
    summary="Hoàn thành user task với dữ liệu biểu mẫu (kiểm tra theo JSON Schema của biểu mẫu)",
    tag="user-tasks",
    body={"type": "object"},
    response=USER_TASK,
)
def complete(task_id: str, body: dict):
    with transaction() as session:
        row = service.complete(
            session=session, engine=system().engine, task_id=task_id, data=body, user=user()
        )
        return jsonify(present_user_task(row))
