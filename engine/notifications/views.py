"""Notifications for the caller's groups and for the caller, with the caller's read state; marking one (and
its earlier repeats) read, or everything up to a notification, as the Thông báo page does."""

from __future__ import annotations

from flask import Blueprint, jsonify

from engine import clock
from engine.notifications import reads, service
from engine.web.api import API_PREFIX, operation, reading, transaction, user

bp = Blueprint("notifications", __name__, url_prefix=API_PREFIX + "/notifications")

NOTIFICATION = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "kind": {"type": "string"},
        "message": {"type": "string"},
        "recipient_group": {"type": ["string", "null"]},
        "recipient_unit": {"type": ["string", "null"]},
        "recipient_user": {"type": ["string", "null"]},
        "instance_id": {"type": ["integer", "null"]},
        "task_id": {"type": ["string", "null"]},
        "assignment_id": {"type": ["integer", "null"]},
        "document_id": {"type": ["integer", "null"]},
        "created_at": {"type": "string", "format": "date-time"},
        "unread": {"type": "boolean"},
    },
}


@bp.get("")
@operation(
    summary="Thông báo cho các nhóm của người gọi và cho chính người gọi",
    tag="notifications",
    response={
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": NOTIFICATION},
            # What the bell shows: the unread entries, a notice sent several times counting once.
            "unread_entries": {"type": "integer"},
        },
    },
)
def list_notifications():
    with reading() as session:
        rows = service.for_user(session=session, user=user())
        unread = service.unread_among(session=session, user=user(), ids=[n.id for n in rows])
        return jsonify(
            unread_entries=service.unread_count(session=session, user=user()),
            items=[
                {
                    "id": n.id,
                    "kind": n.kind,
                    "message": n.message,
                    "recipient_group": n.recipient_group,
                    "recipient_unit": n.recipient_unit,
                    "recipient_user": n.recipient_user,
                    "instance_id": n.instance_id,
                    "task_id": n.task_id,
                    "assignment_id": n.assignment_id,
                    "document_id": n.document_id,
                    "created_at": n.created_at.isoformat(),
                    "unread": n.id in unread,
                }
                for n in rows
            ],
        )


@bp.post("/<int:notification_id>/read")
@operation(
    summary="Đánh dấu đã đọc một thông báo và các lần gửi trước của cùng thông báo",
    tag="notifications",
    response={"type": "object", "properties": {"marked": {"type": "integer"}}},
)
def mark_read(notification_id: int):
    with transaction() as session:
        notice = service.get_or_raise(session=session, user=user(), notification_id=notification_id)
        marked = reads.mark_read(session=session, user=user(), notification=notice, now=clock.now())
        return jsonify(marked=marked)


@bp.post("/read")
@operation(
    summary="Đánh dấu đã đọc mọi thông báo đến thông báo `through` (mặc định: thông báo mới nhất)",
    tag="notifications",
    body={
        "type": "object",
        "additionalProperties": False,
        "properties": {"through": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}},
    },
    response={"type": "object", "properties": {"read_through": {"type": "integer"}}},
)
def mark_all_read(body: dict):
    with transaction() as session:
        through = body.get("through")
        through = reads.mark_all_read(session=session, user=user(), now=clock.now(), through=through)
        return jsonify(read_through=through)
