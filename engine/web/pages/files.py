"""Tệp đính kèm in the pages: the upload the forms' file widget (static/form-files.js) posts, and the
download, or the preview inside a page (?xem=1: PDF and images only). Who may upload where and who may
read what are decided in engine.files, as for the API."""

from __future__ import annotations

from flask import jsonify, request, url_for

from engine.errors import EngineError
from engine.files import binding, http, kinds, scope
from engine.files import service as files
from engine.files.models import FOR_DOCUMENT
from engine.web.api import reading, system
from engine.web.errors import error_response
from engine.web.pages.common import bp, me, page_message


@bp.post("/tep-dinh-kem")
def upload_file():
    """One file from the widget (multipart: file + task_id, process_id or purpose=document): its metadata
    as JSON, or the error as JSON in Vietnamese, so that the widget shows it beside the field."""
    try:
        row = http.accept_upload(me())
    except EngineError as exc:
        return error_response(exc, message=page_message(exc))
    return jsonify({**binding.metadata(row), "url": url_for("pages.file_content", file_id=row.id)}), 201


@bp.get("/tep-dinh-kem/<int:file_id>")
def file_content(file_id: int):
    """The file, downloaded; with ?xem=1 a PDF or an image is shown inline (the preview's frame)."""
    with reading() as session:
        row = files.get_or_raise(session=session, file_id=file_id)
        scope.check_can_read(session, me(), row)
    return http.send(row, inline=request.args.get("xem") == "1")


def upload_config(
    *, task_id: str | None = None, document: bool = False, process_id: str | None = None
) -> dict:
    """What the file widget of a form needs: where to send, for what (a user task, a new document, the
    start form of a process), and the limits to check first."""
    settings = system().settings
    if document:
        target = {"purpose": FOR_DOCUMENT}
    else:
        target = {"process_id": process_id} if process_id else {"task_id": task_id}
    return {
        "url": url_for("pages.upload_file"),
        **target,
        "maxBytes": settings.files_max_bytes,
        "maxSize": kinds.format_size(settings.files_max_bytes),
        "accept": kinds.allowed_labels(settings.file_types).replace(" ", ""),
        "previewTypes": sorted(kinds.PREVIEW_TYPES),
    }


@bp.app_template_filter("file_size")
def file_size(size: int | None) -> str:
    """1,5 MB: a file's size in Vietnamese units."""
    return kinds.format_size(size) if isinstance(size, int) else ""


@bp.app_template_filter("file_preview")
def file_preview(content_type: str | None) -> str | None:
    """How a file is previewed in a page: "pdf" in a frame, "image" as an image, None (download only)."""
    if content_type not in kinds.PREVIEW_TYPES:
        return None
    return "pdf" if content_type == "application/pdf" else "image"
