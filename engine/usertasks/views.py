"""User tasks: the caller's inbox, one task with its form, claim, unclaim, assign, complete."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from engine import clock
from engine.search import params
from engine.search.fold import words
from engine.search.sql import Sort
from engine.usertasks import inbox as inbox_list
from engine.usertasks import service
from engine.usertasks.models import UserTaskRow
from engine.web.api import API_PREFIX, operation, paging, reading, system, transaction, user
from engine.workdays import service as workdays

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
    summary="Việc cần làm: user task đang chờ của các nhóm và đơn vị của người gọi; tìm theo tên, nội dung "
    "(số văn bản, nội dung nhiệm vụ) và tên quy trình, lọc theo quy trình, người nhận và hạn xử lý",
    tag="user-tasks",
    query={
        "process_id": {"type": "string"},
        "assigned": {"type": "string", "enum": ["me", "unassigned"]},
        "view": {
            "type": "string",
            "enum": list(inbox_list.VIEWS),
            "description": "mine: của tôi; group: chưa ai nhận trong nhóm của tôi; today: đến hạn hôm nay; "
            "soon: sắp đến hạn (trong số ngày làm việc của cấu hình due_soon_days); overdue: quá hạn",
        },
        "q": params.Q,
        **params.sorting(inbox_list.SORT_KEYS),
        "limit": {"type": "integer"},
        "offset": {"type": "integer"},
    },
    response={"type": "object", "properties": {"items": {"type": "array", "items": USER_TASK}}},
)
def inbox():
    limit, offset = paging()
    args = request.args
    view = args.get("view") if args.get("view") in inbox_list.VIEWS else None
    searched = words(args.get("q"))
    settings = system().settings
    with reading() as session:
        calendar = workdays.calendar(session=session, settings=settings)
        rows = service.inbox(
            session=session,
            user=user(),
            process_id=args.get("process_id"),
            assigned=args.get("assigned"),
            view=view,
            words=searched,
            windows=inbox_list.DueWindows.of(calendar, clock.now(), settings.due_soon_days),
            sort=Sort.choose(set(inbox_list.SORT_KEYS), args.get("sort"), args.get("dir")),
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
@operation(
    summary="Bỏ nhận xử lý user task: trả về danh sách chung của nhóm", tag="user-tasks", response=USER_TASK
)
def unclaim(task_id: str):
    with transaction() as session:
        return jsonify(present_user_task(service.unclaim(session=session, task_id=task_id, user=user())))


@bp.post("/<task_id>/assign")
@operation(
    summary=(
        "Giao user task đang chờ cho một người khác của đơn vị thuộc nhóm xử lý "
        "(lãnh đạo đơn vị; lãnh đạo Văn phòng với công việc của Văn phòng)"
    ),
    tag="user-tasks",
    body={
        "type": "object",
        "required": ["user"],
        "additionalProperties": False,
        "properties": {"user": {"type": "string", "minLength": 1, "maxLength": 100}},
    },
    response=USER_TASK,
)
def assign(task_id: str, body: dict):
    with transaction() as session:
        row = service.reassign(session=session, task_id=task_id, assignee=body["user"], user=user())
        return jsonify(present_user_task(row))


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
