"""Tệp đính kèm in the API: upload for a user task, a start form or a new document, read the metadata,
download."""

from __future__ import annotations

from flask import Blueprint, jsonify

from engine.files import http, scope, service
from engine.files.models import StoredFile
from engine.web.api import API_PREFIX, operation, reading, user

bp = Blueprint("files", __name__, url_prefix=API_PREFIX)

FILE = {
    "type": "object",
    "required": ["id", "name", "size", "content_type", "sha256"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "size": {"type": "integer"},
        "content_type": {"type": "string"},
        "sha256": {"type": "string"},
    },
}
FILE_DETAIL = {
    "type": "object",
    "required": [*FILE["required"], "uploaded_by", "uploaded_at", "attached"],
    "properties": {
        **FILE["properties"],
        "uploaded_by": {"type": "string"},
        "uploaded_at": {"type": "string", "format": "date-time"},
        "attached": {"type": "boolean", "description": "taken by a completed form or a registered document"},
        "task_id": {"type": ["string", "null"]},
    },
}
UPLOAD = {
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {"type": "string", "format": "binary", "description": "the file (at most 20 MB by default)"},
        "task_id": {
            "type": "string",
            "maxLength": 36,
            "description": "the ready user task whose form the file is for",
        },
        "assignment_id": {
            "type": "integer",
            "minimum": 1,
            "description": "instead of task_id: an assignment the user's unit coordinates (Đ9.2.b)",
        },
        "process_id": {
            "type": "string",
            "maxLength": 200,
            "description": "instead of task_id: the start form of this process, which the user may start; "
            "name the file in the form when starting (POST /api/v1/process-instances)",
        },
        "purpose": {
            "type": "string",
            "enum": ["document"],
            "description": "instead of task_id: a file of a document about to be registered (VP)",
        },
    },
}


def present(row: StoredFile) -> dict:
    return {
        "id": row.id,
        "name": row.name,
        "size": row.size,
        "content_type": row.content_type,
        "sha256": row.sha256,
    }


def present_detail(row: StoredFile) -> dict:
    return {
        **present(row),
        "uploaded_by": row.uploaded_by,
        "uploaded_at": row.uploaded_at.isoformat(),
        "attached": row.attached_at is not None,
        "task_id": row.task_id,
    }


@bp.post("/files")
@operation(
    summary="Tải lên tệp đính kèm cho công việc đang xử lý, nhiệm vụ đơn vị phối hợp, biểu mẫu khởi tạo "
    "quy trình, hoặc văn bản",
    tag="files",
    form=UPLOAD,
    response=FILE,
    status=201,
)
def upload():
    return jsonify(present(http.accept_upload(user()))), 201


@bp.get("/files/<int:file_id>")
@operation(summary="Thông tin một tệp đính kèm", tag="files", response=FILE_DETAIL)
def get_file(file_id: int):
    with reading() as session:
        row = service.get_or_raise(session=session, file_id=file_id)
        scope.check_can_read(session, user(), row)
        return jsonify(present_detail(row))


@bp.get("/files/<int:file_id>/content")
@operation(
    summary="Tải về nội dung một tệp đính kèm (với loại của tệp: application/pdf, image/png...)",
    tag="files",
    response={"type": "string", "format": "binary"},
    content_type="*/*",
)
def get_content(file_id: int):
    with reading() as session:
        row = service.get_or_raise(session=session, file_id=file_id)
        scope.check_can_read(session, user(), row)
    return http.send(row)
