"""JSON Schemas of the tracking API bodies: views validate with them, the OpenAPI document shows them."""

from __future__ import annotations

from engine.documents import secrecy
from engine.files.binding import file_list

# A document's tasks are classified in one transaction that holds the write lock (SQLite) while it starts
# one assignment process per task: this bound keeps that transaction short (measured in the tests).
MAX_TASKS = 200
UNIT_CODE = {"type": "string", "minLength": 1, "maxLength": 50}

DRAFT_TASK = {
    "type": "object",
    "title": "Nhiệm vụ trong văn bản",
    "additionalProperties": False,
    "required": ["content"],
    "properties": {
        "content": {"type": "string", "minLength": 1, "maxLength": 5000, "title": "Nội dung nhiệm vụ"},
        "lead_unit": {"type": ["string", "null"], "maxLength": 50, "title": "Đơn vị chủ trì (mã)"},
        "coordinating_units": {
            "type": "array",
            "items": UNIT_CODE,
            "uniqueItems": True,
            "maxItems": 200,
            "title": "Đơn vị phối hợp (mã)",
        },
        "due_date": {"type": ["string", "null"], "format": "date", "title": "Thời hạn"},
        "secrecy": secrecy.SCHEMA,
    },
}

DOCUMENT_IN = {
    "type": "object",
    "title": "Văn bản chỉ đạo",
    "additionalProperties": False,
    "required": ["number", "doc_type", "title", "issued_on", "tasks"],
    "properties": {
        "external_id": {
            "type": ["string", "null"],
            "maxLength": 200,
            "title": "Mã văn bản ở hệ thống gửi",
            "description": "Để trống (hoặc null) nếu hệ thống gửi không có mã cho văn bản.",
        },
        "number": {"type": "string", "minLength": 1, "maxLength": 100, "title": "Số, ký hiệu"},
        "doc_type": {"type": "string", "minLength": 1, "maxLength": 100, "title": "Loại văn bản"},
        "title": {"type": "string", "minLength": 1, "maxLength": 2000, "title": "Trích yếu"},
        "issued_on": {
            "type": "string",
            "format": "date",
            "title": "Ngày ban hành",
            "description": "Từ ngày 01/01/1990 đến không quá một năm sau ngày hiện tại.",
        },
        "signer": {"type": "string", "maxLength": 200, "title": "Người ký"},
        "leader_code": {
            "type": ["string", "null"],
            "maxLength": 50,
            "title": "Lãnh đạo giao nhiệm vụ (mã)",
            "description": "UBND tỉnh (tập thể), Chủ tịch hoặc Phó Chủ tịch UBND tỉnh đã giao các nhiệm vụ "
            "của văn bản (GET /api/v1/leaders?active=true); bắt buộc khi danh mục lãnh đạo đã có.",
        },
        "submitting_agency": {"type": ["string", "null"], "maxLength": 300, "title": "Cơ quan trình"},
        "urgency": {"type": ["string", "null"], "maxLength": 50, "title": "Độ khẩn"},
        "secrecy": secrecy.SCHEMA,
        "needs_consultation": {"type": "boolean", "title": "Cần xin ý kiến"},
        "confirm_duplicate": {
            "type": "boolean",
            "title": "Vẫn tiếp nhận văn bản này",
            "description": "true: tiếp nhận dù đã có văn bản cùng số, ký hiệu, loại và ngày ban hành "
            "(không có thì yêu cầu bị từ chối với mã 409 duplicate_document).",
        },
        "attachments": file_list(
            "Tệp đính kèm",
            "Bản điện tử của văn bản và tài liệu kèm theo: tải từng tệp lên trước (POST /api/v1/files, "
            "purpose=document), rồi ghi file_id của tệp vào đây.",
        ),
        "tasks": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_TASKS,
            "items": DRAFT_TASK,
            "title": "Các nhiệm vụ",
        },
    },
}
