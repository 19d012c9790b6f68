"""Nhập dữ liệu in the API: POST /api/v1/imports takes a tracking sheet (multipart) and answers the report;
and the reading of an upload, shared with the upload page (engine.web.pages.imports)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from flask import Blueprint, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from engine.errors import ValidationError
from engine.files import incoming
from engine.files.http import MULTIPART_SLACK
from engine.imports import report as reports
from engine.imports import service, staging
from engine.imports.columns import FIELDS
from engine.web.api import API_PREFIX, operation, system, user

bp = Blueprint("imports", __name__, url_prefix=API_PREFIX)

IMPORTERS = set(service.IMPORTERS)  # admins pass every role check
FLAG = {"type": "string", "enum": ["true", "false", "1", "0", "on", "off", ""]}
TRUE = frozenset({"true", "1", "on"})
UPLOAD = {
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {
            "type": "string",
            "format": "binary",
            "description": "bảng theo dõi .xlsx (tối đa 20 MB mặc định)",
        },
        "sheet": {"type": "string", "description": "trang tính; mặc định trang đầu tiên có dòng tiêu đề"},
        "map": {
            "type": "array",
            "items": {"type": "string"},
            "description": "TRƯỜNG=Tiêu đề cột (hoặc chữ cột, ví dụ lead_unit=G), thay cho cột hệ thống "
            "đoán; TRƯỜNG= để bỏ. Các trường: " + ", ".join(f"{f.key} ({f.label})" for f in FIELDS),
        },
        "dry_run": {**FLAG, "description": "true: chỉ kiểm tra, không ghi gì"},
        "valid_only": {**FLAG, "description": "true: nhập các dòng hợp lệ dù có dòng lỗi"},
        "tracking_room": {"type": "string", "description": "phòng theo dõi của các dòng không ghi phòng"},
        "tracking_specialist": {
            "type": "string",
            "description": "chuyên viên theo dõi (tên đăng nhập) của các dòng không ghi; mặc định người nhập",
        },
    },
}


@bp.post("/imports")
@operation(
    summary="Nhập nhiệm vụ từ bảng theo dõi Excel (.xlsx): kiểm tra mọi dòng, chỉ ghi khi cả tệp hợp lệ "
    "(hoặc valid_only); nhập lại cùng tệp không thay đổi gì",
    tag="imports",
    roles=IMPORTERS,
    form=UPLOAD,
    response=reports.SCHEMA,
)
def create_import():
    """The report of the sheet's import (or of its check, dry_run); 422 with every problem when refused."""
    with uploaded() as received:
        options = service.Options(
            sheet=request.form.get("sheet") or None,
            mapping=service.parse_map(request.form.getlist("map")),
            dry_run=_flag("dry_run"),
            valid_only=_flag("valid_only"),
            tracking_room=request.form.get("tracking_room") or None,
            tracking_specialist=request.form.get("tracking_specialist") or None,
        )
        report = service.run(
            system=system(),
            path=received.path,
            file_name=received.name,
            options=options,
            actor=user().username,
        )
    if report.refused:
        raise reports.InvalidImportError(report)
    return jsonify(report.as_dict())


@contextlib.contextmanager
def uploaded() -> Iterator[incoming.Incoming]:
    """The multipart upload's `file`, received and checked into the staging folder, removed afterwards."""
    settings = system().settings
    request.max_content_length = settings.files_max_bytes + MULTIPART_SLACK
    if request.content_length is not None and request.content_length > request.max_content_length:
        raise incoming.too_large(None, settings.files_max_bytes)
    if request.mimetype != "multipart/form-data":
        raise ValidationError(
            "Gửi tệp dưới dạng multipart/form-data, trong trường “file”", fields={"file": "bắt buộc"}
        )
    try:
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        raise incoming.too_large(None, settings.files_max_bytes) from None
    if upload is None or not upload.filename:
        raise ValidationError("Chưa chọn tệp Excel (.xlsx) để nhập", fields={"file": "bắt buộc"})
    received = staging.receive(upload.stream, filename=upload.filename, settings=settings)
    try:
        yield received
    finally:
        received.path.unlink(missing_ok=True)


def _flag(name: str) -> bool:
    value = (request.form.get(name) or "").strip().lower()
    if value not in FLAG["enum"]:
        raise ValidationError(f"{name} phải là true hoặc false", fields={name: "true hoặc false"})
    return value in TRUE
