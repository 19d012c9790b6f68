"""Notifications raised by diagrams for the caller's groups."""

from __future__ import annotations

from flask import Blueprint, jsonify

from engine.notifications import service
from engine.web.api import API_PREFIX, operation, reading, user

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
    },
}


@bp.get("")
@operation(
    summary="Thông báo cho các nhóm của người gọi và cho chính người gọi",
    tag="notifications",
    response={"type": "object", "properties": {"items": {"type": "array", "items": NOTIFICATION}}},
)
def list_notifications():
    with reading() as session:
        rows = service.for_user(session=session, user=user())
        return jsonify(
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
                }
                for n in rows
            ]
        )
