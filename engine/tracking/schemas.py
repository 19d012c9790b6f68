"""JSON Schemas of the tracking API bodies: views validate with them, the OpenAPI document shows them."""

from __future__ import annotations

DRAFT_TASK = {
    "type": "object",
    "title": "Nhiệm vụ trong văn bản",
    "additionalProperties": False,
    "required": ["content"],
    "properties": {
        "content": {"type": "string", "minLength": 1, "title": "Nội dung nhiệm vụ"},
        "lead_unit": {"type": ["string", "null"], "title": "Đơn vị chủ trì (mã)"},
        "coordinating_units": {
            "type": "array",
            "items": {"type": "string"},
            "uniqueItems": True,
            "title": "Đơn vị phối hợp (mã)",
        },
        "due_date": {"type": ["string", "null"], "format": "date", "title": "Thời hạn"},
        "secrecy": {"type": ["string", "null"], "title": "Độ mật"},
    },
}

DOCUMENT_IN = {
    "type": "object",
    "title": "Văn bản chỉ đạo",
    "additionalProperties": False,
    "required": ["number", "doc_type", "title", "issued_on", "tasks"],
    "properties": {
        "external_id": {"type": ["string", "null"], "maxLength": 200, "title": "Mã văn bản ở hệ thống gửi"},
        "number": {"type": "string", "minLength": 1, "maxLength": 100, "title": "Số, ký hiệu"},
        "doc_type": {"type": "string", "minLength": 1, "maxLength": 100, "title": "Loại văn bản"},
        "title": {"type": "string", "minLength": 1, "title": "Trích yếu"},
        "issued_on": {"type": "string", "format": "date", "title": "Ngày ban hành"},
        "signer": {"type": "string", "maxLength": 200, "title": "Người ký"},
        "submitting_agency": {"type": ["string", "null"], "maxLength": 300, "title": "Cơ quan trình"},
        "urgency": {"type": ["string", "null"], "maxLength": 50, "title": "Độ khẩn"},
        "secrecy": {"type": ["string", "null"], "title": "Độ mật"},
        "needs_consultation": {"type": "boolean", "title": "Cần xin ý kiến"},
        "tasks": {"type": "array", "minItems": 1, "items": DRAFT_TASK, "title": "Các nhiệm vụ"},
    },
}
