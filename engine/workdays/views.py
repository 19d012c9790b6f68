"""The calendar: working-day arithmetic for anyone, overrides kept by administrators."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, jsonify, request

from engine import clock
from engine.calendar import as_date
from engine.errors import ValidationError
from engine.web.api import API_PREFIX, operation, reading, system, transaction, user
from engine.workdays import service
from engine.workdays.models import CalendarOverride

bp = Blueprint("workdays", __name__, url_prefix=API_PREFIX + "/calendar")

OVERRIDE = {
    "type": "object",
    "properties": {
        "date": {"type": "string", "format": "date"},
        "working": {"type": "boolean"},
        "note": {"type": "string"},
        "changed_by": {"type": ["string", "null"]},
        "changed_at": {"type": "string", "format": "date-time"},
    },
}
OVERRIDE_IN = {
    "type": "object",
    "additionalProperties": False,
    "required": ["working"],
    "properties": {
        "working": {"type": "boolean", "title": "Ngày làm việc (true) hay ngày nghỉ (false)"},
        "note": {"type": "string", "maxLength": 500, "title": "Ghi chú, căn cứ"},
    },
}
DAY = {
    "type": "object",
    "properties": {
        "date": {"type": "string", "format": "date"},
        "working": {"type": "boolean"},
        "holiday": {"type": ["string", "null"]},
        "override": {"type": ["boolean", "null"]},
    },
}


def present(o: CalendarOverride) -> dict:
    return {
        "date": o.day.isoformat(),
        "working": o.working,
        "note": o.note,
        "changed_by": o.changed_by,
        "changed_at": o.changed_at.isoformat(),
    }


@bp.get("/overrides")
@operation(
    summary="Ngày nghỉ thêm và ngày làm bù do quản trị khai báo",
    tag="calendar",
    query={"year": {"type": "integer"}},
    response={"type": "object", "properties": {"items": {"type": "array", "items": OVERRIDE}}},
)
def list_overrides():
    year = request.args.get("year", type=int)
    with reading() as session:
        return jsonify(items=[present(o) for o in service.list_(session=session, year=year)])


@bp.put("/overrides/<day>")
@operation(
    summary="Khai báo một ngày là ngày làm việc (làm bù) hoặc ngày nghỉ",
    tag="calendar",
    roles={"admin"},
    body=OVERRIDE_IN,
    response=OVERRIDE,
)
def put_override(day: str, body: dict):
    with transaction() as session:
        row = service.set_override(
            session=session,
            day=_day(day),
            working=body["working"],
            note=body.get("note", ""),
            actor=user().username,
            now=clock.now(),
        )
        return jsonify(present(row))


@bp.delete("/overrides/<day>")
@operation(summary="Bỏ khai báo của một ngày", tag="calendar", roles={"admin"}, response={"type": "object"})
def delete_override(day: str):
    with transaction() as session:
        service.delete(session=session, day=_day(day))
    return jsonify(deleted=day)


@bp.get("/days")
@operation(
    summary="Các ngày của một tháng: làm việc hay nghỉ, vì sao",
    tag="calendar",
    query={"year": {"type": "integer"}, "month": {"type": "integer"}},
    response={"type": "object", "properties": {"items": {"type": "array", "items": DAY}}},
)
def days():
    today = clock.now().date()
    year, month = (
        request.args.get("year", today.year, type=int),
        request.args.get("month", today.month, type=int),
    )
    if not 1 <= month <= 12 or not 1900 <= year <= 2200:
        raise ValidationError("Tháng hoặc năm không hợp lệ", fields={"month": "1..12", "year": "1900..2200"})
    with reading() as session:
        calendar = service.calendar(session=session, settings=system().settings)
    first = date(year, month, 1)
    items = []
    for offset in range(31):
        day = date.fromordinal(first.toordinal() + offset)
        if day.month != month:
            break
        items.append(
            {
                "date": day.isoformat(),
                "working": calendar.is_working_day(day),
                "holiday": calendar.holiday_name(day),
                "override": calendar.overrides.get(day),
            }
        )
    return jsonify(items=items)


@bp.get("/add")
@operation(
    summary="Ngày làm việc thứ n sau một ngày (ngày đó không tính)",
    tag="calendar",
    query={"date": {"type": "string", "format": "date"}, "n": {"type": "integer", "minimum": 0}},
    response={
        "type": "object",
        "properties": {"date": {"type": "string"}, "n": {"type": "integer"}, "result": {"type": "string"}},
    },
)
def add():
    start, n = _day(request.args.get("date", "")), request.args.get("n", type=int)
    if n is None or n < 0:
        raise ValidationError("n phải là số nguyên không âm", fields={"n": "integer >= 0"})
    with reading() as session:
        calendar = service.calendar(session=session, settings=system().settings)
    return jsonify(date=start.isoformat(), n=n, result=calendar.add_working_days(start, n).isoformat())


@bp.get("/due")
@operation(
    summary="Hạn hiệu lực của một thời hạn theo ngày (ngày nghỉ thì lùi sang ngày làm việc kế tiếp)",
    tag="calendar",
    query={"date": {"type": "string", "format": "date"}},
    response={"type": "object", "properties": {"date": {"type": "string"}, "result": {"type": "string"}}},
)
def due():
    day = _day(request.args.get("date", ""))
    with reading() as session:
        calendar = service.calendar(session=session, settings=system().settings)
    return jsonify(date=day.isoformat(), result=calendar.effective_due_date(day).isoformat())


def _day(text: str) -> date:
    try:
        return as_date(text)
    except (ValueError, TypeError):
        raise ValidationError(
            "Ngày không hợp lệ (định dạng YYYY-MM-DD)", fields={"date": f"got {text!r}"}
        ) from None
