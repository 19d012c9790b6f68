"""The calendar: working-day arithmetic for anyone, overrides kept by administrators."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, jsonify, request

from engine import clock
from engine.calendar import as_date
from engine.errors import ValidationError
from engine.web.api import API_PREFIX, PAGING_QUERY, operation, paging, reading, system, transaction, user
from engine.workdays import corrections, service
from engine.workdays.models import CalendarChange, CalendarOverride, CalendarYear
from engine.workdays.moves import KINDS, Move

bp = Blueprint("workdays", __name__, url_prefix=API_PREFIX + "/calendar")

YEAR_QUERY = {"type": "integer", "minimum": service.YEARS.start, "maximum": service.YEARS.stop - 1}
# About 20 years of working days: the calendar's reach (calendar.MAX_SPAN_DAYS) and any real deadline's.
MAX_WORKING_DAYS = 5000

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
MOVE = {
    "type": "object",
    "description": "Một thời hạn được điều chỉnh theo lịch mới",
    "properties": {
        "kind": {"type": "string", "enum": list(KINDS)},
        "kind_label": {"type": "string"},
        "subject": {"type": "string"},
        "unit_code": {"type": ["string", "null"]},
        "unit_name": {"type": "string"},
        "old_date": {"type": "string", "format": "date"},
        "new_date": {"type": "string", "format": "date"},
        "entity": {"type": ["string", "null"]},
        "entity_id": {"type": ["string", "null"]},
        "instance_id": {"type": ["integer", "null"]},
    },
}
MOVES = {"type": "array", "items": MOVE}
CHANGED = {
    "change_id": {"type": ["integer", "null"], "description": "null: không có gì thay đổi"},
    "moves": MOVES,
}
PREVIEW_IN = {
    "type": "object",
    "additionalProperties": False,
    "required": ["date"],
    "properties": {
        "date": {"type": "string", "format": "date", "title": "Ngày"},
        "working": {"type": "boolean", "title": "Ngày làm việc (true) hay ngày nghỉ (false)"},
        "remove": {"type": "boolean", "title": "Bỏ khai báo của ngày"},
        "note": {"type": "string", "maxLength": 500, "title": "Ghi chú, căn cứ"},
    },
}
PREVIEW = {
    "type": "object",
    "properties": {
        "date": {"type": "string", "format": "date"},
        "working": {"type": ["boolean", "null"], "description": "null: bỏ khai báo"},
        "dry_run": {"type": "boolean"},
        "moves": MOVES,
    },
}
YEAR = {
    "type": "object",
    "properties": {
        "year": {"type": "integer"},
        "status": {"type": "string", "enum": ["official", "estimated"]},
        "status_label": {"type": "string"},
        "notice": {"type": "string"},
        "notice_date": {"type": ["string", "null"], "format": "date"},
        "changed_by": {"type": ["string", "null"]},
        "changed_at": {"type": ["string", "null"], "format": "date-time"},
    },
}
YEAR_IN = {
    "type": "object",
    "additionalProperties": False,
    "required": ["official"],
    "properties": {
        "official": {
            "type": "boolean",
            "title": "Đã có thông báo chính thức (true) hay lịch dự kiến (false)",
        },
        "notice": {"type": "string", "maxLength": 300, "title": "Số, ký hiệu thông báo"},
        "notice_date": {"type": ["string", "null"], "format": "date", "title": "Ngày thông báo"},
    },
}
CHANGE = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "kind": {"type": "string", "enum": ["override", "year"]},
        "date": {"type": ["string", "null"], "format": "date"},
        "year": {"type": ["integer", "null"]},
        "old": {"type": ["object", "null"]},
        "new": {"type": ["object", "null"]},
        "actor": {"type": ["string", "null"]},
        "at": {"type": "string", "format": "date-time"},
        "moves": MOVES,
    },
}
STATUS_LABELS = {"official": "chính thức", "estimated": "dự kiến"}
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


def present_year(y: CalendarYear) -> dict:
    status = "official" if y.official else "estimated"
    return {
        "year": y.year,
        "status": status,
        "status_label": STATUS_LABELS[status],
        "notice": y.notice or "",
        "notice_date": y.notice_date.isoformat() if y.notice_date else None,
        "changed_by": y.changed_by,
        "changed_at": y.changed_at.isoformat() if y.changed_at else None,
    }


def present_change(c: CalendarChange, moved: list[Move]) -> dict:
    return {
        "id": c.id,
        "kind": c.kind,
        "date": c.day.isoformat() if c.day else None,
        "year": c.year,
        "old": c.old,
        "new": c.new,
        "actor": c.actor,
        "at": c.at.isoformat(),
        "moves": _moves(moved),
    }


def _changed(done: corrections.Correction) -> dict:
    return {"change_id": done.change.id if done.change else None, "moves": _moves(done.moves)}


def _moves(moved: list[Move]) -> list[dict]:
    return [m.as_dict() for m in moved]


@bp.get("/overrides")
@operation(
    summary="Ngày nghỉ thêm và ngày làm bù do quản trị khai báo",
    tag="calendar",
    query={"year": YEAR_QUERY},
    response={"type": "object", "properties": {"items": {"type": "array", "items": OVERRIDE}}},
)
def list_overrides():
    year = _year()
    with reading() as session:
        return jsonify(items=[present(o) for o in service.list_(session=session, year=year)])


@bp.put("/overrides/<day>")
@operation(
    summary="Khai báo một ngày là ngày làm việc (làm bù) hoặc ngày nghỉ; các thời hạn đang mở phụ thuộc "
    "vào ngày đó được tính lại ngay trong cùng giao dịch",
    tag="calendar",
    roles={"admin"},
    body=OVERRIDE_IN,
    response={"type": "object", "properties": {**OVERRIDE["properties"], **CHANGED}},
)
def put_override(day: str, body: dict):
    with transaction() as session:
        done = corrections.change_override(
            session=session,
            engine=system().engine,
            day=_day(day),
            working=body["working"],
            note=body.get("note", ""),
            actor=user().username,
            now=clock.now(),
        )
        return jsonify({**present(done.override), **_changed(done)})


@bp.delete("/overrides/<day>")
@operation(
    summary="Bỏ khai báo của một ngày; các thời hạn đang mở phụ thuộc vào ngày đó được tính lại",
    tag="calendar",
    roles={"admin"},
    response={"type": "object", "properties": {"deleted": {"type": "string", "format": "date"}, **CHANGED}},
)
def delete_override(day: str):
    with transaction() as session:
        done = corrections.change_override(
            session=session,
            engine=system().engine,
            day=_day(day),
            working=None,
            actor=user().username,
            now=clock.now(),
        )
        return jsonify(deleted=done.day.isoformat(), **_changed(done))


@bp.post("/overrides/preview")
@operation(
    summary="Xem trước (chạy thử) các thời hạn sẽ được điều chỉnh nếu khai báo hoặc bỏ khai báo một ngày; "
    "không thay đổi gì",
    tag="calendar",
    roles={"admin"},
    body=PREVIEW_IN,
    response=PREVIEW,
)
def preview_override(body: dict):
    if body.get("remove") is True and "working" in body:
        raise ValidationError("Chọn khai báo ngày hoặc bỏ khai báo, không cả hai", fields={"remove": "thừa"})
    if body.get("remove") is not True and "working" not in body:
        raise ValidationError(
            "Cho biết ngày làm việc hay ngày nghỉ", fields={"working": "bắt buộc khi không bỏ khai báo"}
        )
    working = None if body.get("remove") is True else body["working"]
    with reading() as session:
        done = corrections.change_override(
            session=session,
            engine=system().engine,
            day=_day(body["date"]),
            working=working,
            note=body.get("note", ""),
            actor=user().username,
            now=clock.now(),
            dry_run=True,
        )
    return jsonify(date=done.day.isoformat(), working=working, dry_run=True, moves=_moves(done.moves))


@bp.get("/years")
@operation(
    summary="Tình trạng lịch nghỉ của các năm: chính thức (đã có thông báo) hay dự kiến",
    tag="calendar",
    query={"from": YEAR_QUERY, "to": YEAR_QUERY},
    response={"type": "object", "properties": {"items": {"type": "array", "items": YEAR}}},
)
def list_years():
    this_year = clock.now().year
    first = request.args.get("from", this_year - 1, type=int)
    last = request.args.get("to", this_year + 2, type=int)
    if not (first in service.YEARS and last in service.YEARS and 0 <= last - first < 100):
        raise ValidationError("Khoảng năm không hợp lệ", fields={"from": "1900..2200", "to": "from..from+99"})
    with reading() as session:
        rows = service.year_statuses(session=session, years=range(first, last + 1))
        return jsonify(items=[present_year(r) for r in rows])


@bp.put("/years/<int:year>")
@operation(
    summary="Ghi nhận thông báo chính thức về lịch nghỉ của một năm, hoặc đưa năm về lịch dự kiến",
    tag="calendar",
    roles={"admin"},
    body=YEAR_IN,
    response=YEAR,
)
def put_year(year: int, body: dict):
    notice_date = _day(body["notice_date"]) if body.get("notice_date") else None
    with transaction() as session:
        row = service.set_year(
            session=session,
            year=year,
            official=body["official"],
            notice=body.get("notice", ""),
            notice_date=notice_date,
            actor=user().username,
            now=clock.now(),
        )
        return jsonify(present_year(row))


@bp.get("/changes")
@operation(
    summary="Lịch sử thay đổi lịch làm việc (ai, khi nào, cũ, mới) và các thời hạn mỗi thay đổi đã "
    "điều chỉnh",
    tag="calendar",
    query={"year": YEAR_QUERY, **PAGING_QUERY},
    response={"type": "object", "properties": {"items": {"type": "array", "items": CHANGE}}},
)
def list_changes():
    limit, offset = paging()
    year = _year()
    with reading() as session:
        found = service.changes(session=session, year=year, limit=limit, offset=offset)
        moved = service.moves_of(session=session, change_ids=[c.id for c in found])
        return jsonify(items=[present_change(c, [Move.of(m) for m in moved[c.id]]) for c in found])


@bp.get("/days")
@operation(
    summary="Các ngày của một tháng: làm việc hay nghỉ, vì sao",
    tag="calendar",
    query={"year": YEAR_QUERY, "month": {"type": "integer", "minimum": 1, "maximum": 12}},
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
    query={
        "date": {"type": "string", "format": "date"},
        "n": {"type": "integer", "minimum": 0, "maximum": MAX_WORKING_DAYS},
    },
    response={
        "type": "object",
        "properties": {"date": {"type": "string"}, "n": {"type": "integer"}, "result": {"type": "string"}},
    },
)
def add():
    start, n = _day(request.args.get("date", "")), request.args.get("n", type=int)
    if n is None or not 0 <= n <= MAX_WORKING_DAYS:
        raise ValidationError(
            f"n phải là số nguyên từ 0 đến {MAX_WORKING_DAYS}", fields={"n": f"0..{MAX_WORKING_DAYS}"}
        )
    with reading() as session:
        calendar = service.calendar(session=session, settings=system().settings)
    try:
        result = calendar.add_working_days(start, n)
    except ValueError as exc:  # past the calendar's reach (its last year)
        raise ValidationError("Kết quả nằm ngoài phạm vi của lịch", fields={"n": str(exc)}) from None
    return jsonify(date=start.isoformat(), n=n, result=result.isoformat())


@bp.get("/due")
@operation(
    summary="Ngày hết hạn của một thời hạn theo ngày (trùng ngày nghỉ thì là ngày làm việc tiếp theo)",
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
        day = as_date(text)
    except (ValueError, TypeError):
        raise ValidationError(
            "Ngày không hợp lệ (định dạng YYYY-MM-DD)", fields={"date": f"got {text!r}"}
        ) from None
    if day.year not in service.YEARS:
        span = f"years {service.YEARS.start}..{service.YEARS.stop - 1}"
        raise ValidationError("Ngày nằm ngoài phạm vi của lịch", fields={"date": span})
    return day


def _year() -> int | None:
    """The optional `year` filter of the query string, within the calendar's years."""
    year = request.args.get("year", type=int)
    if year is not None and year not in service.YEARS:
        raise ValidationError(
            "Năm không hợp lệ", fields={"year": f"{service.YEARS.start}..{service.YEARS.stop - 1}"}
        )
    return year
