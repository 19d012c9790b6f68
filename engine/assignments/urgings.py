"""Đôn đốc recorded by VP after the fact (Đ11.3-4): a phone call, a meeting, an e-mail or a letter sent
outside any process. The row is an Urging like the ones the processes write, so the assignment's lists and the
compliance counts read one table."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from engine.assignments import service as assignments
from engine.assignments.models import (
    HE_THONG,
    URGING_CHANNELS,
    URGING_CONTACT,
    URGING_LETTER,
    VAN_BAN,
    AssignmentUnit,
    Urging,
)
from engine.auth.service import Principal
from engine.calendar import WorkCalendar
from engine.documents.models import Document
from engine.errors import PermissionDeniedError, ValidationError
from engine.validation import validate

RECORDERS = ("vp_specialist", "vp_leadership")  # Văn phòng UBND tỉnh urges (Đ11.3)
# What VP may record: every channel but the system's own reminders.
RECORDED_CHANNELS = {code: label for code, label in URGING_CHANNELS.items() if code != HE_THONG}

URGING_IN = {
    "type": "object",
    "additionalProperties": False,
    "required": ["channel", "urged_on", "person", "content"],
    "properties": {
        # record() checks the channel, the day and empty texts, naming each problem in Vietnamese.
        "channel": {
            "type": "string",
            "maxLength": 20,
            "description": "Hình thức đôn đốc: "
            + ", ".join(f"{k} ({v})" for k, v in RECORDED_CHANNELS.items()),
        },
        "urged_on": {"type": "string", "maxLength": 10, "description": "Ngày đôn đốc (YYYY-MM-DD)"},
        "person": {
            "type": "string",
            "maxLength": 200,
            "description": "Người được liên hệ: họ tên, chức vụ",
        },
        "content": {"type": "string", "maxLength": 8000, "description": "Nội dung đôn đốc"},
        "number": {
            "type": ["string", "null"],
            "maxLength": 100,
            "description": "Số, ký hiệu văn bản (khi đôn đốc bằng văn bản)",
        },
        "unit_code": {
            "type": ["string", "null"],
            "maxLength": 50,
            "description": "Đơn vị được đôn đốc; mặc định là đơn vị chủ trì",
        },
    },
}


def record(
    session: Session,
    *,
    user: Principal,
    assignment_id: int,
    payload: dict[str, Any],
    now: datetime,
    calendar: WorkCalendar,
) -> Urging:
    """Store an urging VP made outside any process; refuses a future day, a day before the document's issue
    date, an unknown channel or a unit that takes no part in the assignment (422, nothing stored)."""
    if not user.in_any(RECORDERS):
        raise PermissionDeniedError("Chỉ Văn phòng UBND tỉnh ghi nhận việc đôn đốc")
    a = assignments.get_or_raise(session, user=user, assignment_id=assignment_id)
    payload = {k: (v.strip() if isinstance(v, str) else v) for k, v in payload.items()}
    fields = _problems(payload)
    if fields:
        raise ValidationError("Thông tin đôn đốc không hợp lệ", fields=fields)
    urged_on = _day(payload["urged_on"])
    issued_on = session.get(Document, a.document_id).issued_on
    today = calendar.local_date(now)
    if urged_on > today:
        fields["urged_on"] = "ngày đôn đốc không được sau ngày hôm nay"
    elif urged_on < issued_on:
        fields["urged_on"] = f"ngày đôn đốc không được trước ngày ban hành văn bản ({issued_on:%d/%m/%Y})"
    unit_code = payload.get("unit_code") or a.lead_unit_code
    if session.get(AssignmentUnit, (a.id, unit_code)) is None:
        fields["unit_code"] = "đơn vị không chủ trì hoặc phối hợp thực hiện nhiệm vụ này"
    if fields:
        raise ValidationError("Thông tin đôn đốc không hợp lệ", fields=fields)
    channel = payload["channel"]
    row = Urging(
        # A letter counts as the letter the process would have asked for after T2 (Đ9.1, Đ19.3).
        kind=URGING_LETTER if channel == VAN_BAN else URGING_CONTACT,
        assignment_id=a.id,
        unit_code=unit_code,
        number=(payload.get("number") or None) if channel == VAN_BAN else None,
        content=payload["content"],
        issued_by=user.username,
        issued_at=now,
        channel=channel,
        urged_on=urged_on,
        person=payload["person"],
        recorded_by=user.username,
    )
    session.add(row)
    session.flush()
    return row


def _problems(payload: dict[str, Any]) -> dict[str, str]:
    """Each field's problem in words (the page posts strings; the API's schema is checked too)."""
    fields: dict[str, str] = {}
    try:
        validate(URGING_IN, payload, message="Thông tin đôn đốc không hợp lệ")
    except ValidationError as exc:
        fields.update(exc.fields)
    if payload.get("channel") not in RECORDED_CHANNELS:
        fields["channel"] = "chọn một trong: " + ", ".join(RECORDED_CHANNELS.values())
    if not payload.get("person"):
        fields["person"] = "nhập người được liên hệ (họ tên, chức vụ)"
    if not payload.get("content"):
        fields["content"] = "nhập nội dung đôn đốc"
    if _day(payload.get("urged_on")) is None:
        fields["urged_on"] = "nhập ngày đôn đốc (ngày/tháng/năm)"
    return fields


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def present(row: Urging) -> dict[str, Any]:
    """An urging as the API returns it."""
    return {
        "id": row.id,
        "assignment_id": row.assignment_id,
        "kind": row.kind,
        "channel": row.channel,
        "channel_label": URGING_CHANNELS.get(row.channel, row.channel),
        "urged_on": row.urged_on.isoformat(),
        "person": row.person,
        "unit_code": row.unit_code,
        "number": row.number,
        "content": row.content,
        "recorded_by": row.recorded_by,
        "issued_at": row.issued_at.isoformat(),
    }
