"""The request side of files, shared by the API (engine.files.views) and the pages (engine.web.pages.files):
reading an upload within its own size limit, the upload's steps, and the download response."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Response, request
from werkzeug.exceptions import RequestEntityTooLarge

from engine.auth.service import Principal
from engine.errors import ValidationError
from engine.files import incoming, kinds, service, storage
from engine.files.models import StoredFile
from engine.web.api import MAX_ID, system

# What a multipart body carries around the file itself: boundaries, headers, the task_id field.
MULTIPART_SLACK = 64 * 1024
# A PDF or an image shown inline: only our own pages may frame it, and it may load nothing else (no
# script, no other origin). Chromium's PDF viewer renders under this policy (tests/browser/test_attachments).
PREVIEW_POLICY = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'"


def accept_upload(user: Principal) -> StoredFile:
    """The multipart upload (file + task_id, assignment_id, process_id or purpose=document), checked, stored
    and recorded."""
    settings = system().settings
    upload, task_id, purpose, assignment_id, process_id = _read_upload(settings.files_max_bytes)
    return service.upload(
        db=system().db,
        settings=settings,
        user=user,
        stream=upload.stream,
        filename=upload.filename,
        task_id=task_id,
        purpose=purpose,
        assignment_id=assignment_id,
        process_id=process_id,
    )


def _read_upload(max_bytes: int):
    """(the file, task_id, purpose, assignment_id, process_id) of the multipart body, which may be as large
    as one file allows."""
    request.max_content_length = max_bytes + MULTIPART_SLACK
    if request.content_length is not None and request.content_length > request.max_content_length:
        raise incoming.too_large(None, max_bytes)
    if request.mimetype != "multipart/form-data":
        raise ValidationError(
            "Gửi tệp dưới dạng multipart/form-data, trong trường “file”", fields={"file": "bắt buộc"}
        )
    try:
        upload = request.files.get("file")
        task_id, purpose = request.form.get("task_id") or None, request.form.get("purpose") or None
        assignment_id = request.form.get("assignment_id") or None
        process_id = request.form.get("process_id") or None
    except RequestEntityTooLarge:
        raise incoming.too_large(None, max_bytes) from None
    if upload is None or not upload.filename:
        raise ValidationError("Chưa chọn tệp để tải lên", fields={"file": "bắt buộc"})
    if assignment_id is not None:
        if not assignment_id.isdigit() or int(assignment_id) > MAX_ID:
            raise ValidationError("Mã nhiệm vụ phải là số", fields={"assignment_id": "số nguyên dương"})
        assignment_id = int(assignment_id)
    return upload, task_id, purpose, assignment_id, process_id


def send(row: StoredFile, *, inline: bool = False) -> Response:
    """The file's bytes: a download, or (PDF and images, inline=True) shown in a frame of our pages."""
    inline = inline and row.content_type in kinds.PREVIEW_TYPES
    source = storage.storage_for(system().settings).open(row.storage_key)

    def chunks() -> Iterator[bytes]:
        try:
            while block := source.read(incoming.CHUNK):
                yield block
        finally:
            source.close()

    content_type = row.content_type + ("; charset=utf-8" if row.content_type.startswith("text/") else "")
    response = Response(chunks(), content_type=content_type, direct_passthrough=True)
    response.headers["Content-Length"] = str(row.size)
    response.headers["Content-Disposition"] = kinds.content_disposition(row.name, inline=inline)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    if inline:
        response.headers["Content-Security-Policy"] = PREVIEW_POLICY
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response
