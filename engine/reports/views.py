"""Báo cáo, thống kê: the per-unit table (Biểu tổng hợp) and a unit's detail appendix, as of any date,
as JSON or as an Excel workbook. A unit's staff get their own unit's figures only."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask import Blueprint, Response, jsonify, request

from engine import clock
from engine.assignments import scope
from engine.errors import ValidationError
from engine.reports import buckets, publication, workbook
from engine.web.api import API_PREFIX, operation, reading, system, user
from engine.workdays import service as workdays

bp = Blueprint("reports", __name__, url_prefix=API_PREFIX + "/reports")

PERIOD_QUERY = {
    "as_of": {"type": "string", "format": "date"},
    "from": {"type": "string", "format": "date"},
}
UNIT_ROW = {
    "type": "object",
    "properties": {
        key: {"type": "number" if key == "on_time_rate" else "integer"}
        for key in (
            "total done done_on_time done_late open open_in_time open_late no_deadline due_soon on_time_rate"
        ).split()
    }
    | {"unit_code": {"type": "string"}, "unit_name": {"type": "string"}},
}
TABLE = {
    "type": "object",
    "properties": {
        "as_of": {"type": "string", "format": "date"},
        "window_from": {"type": ["string", "null"], "format": "date"},
        "items": {"type": "array", "items": UNIT_ROW},
    },
}


def request_period(session, args: Mapping[str, str] | None = None) -> dict:
    """as_of (default today) and window_from from the query string (or `args`), with the calendar.
    Shared with the Báo cáo, thống kê page, which takes the same query string (its dates read first)."""
    calendar = workdays.calendar(session=session, settings=system().settings)
    problems, values = {}, {}
    for name in ("as_of", "from"):
        raw = (request.args if args is None else args).get(name)
        try:
            values[name] = date.fromisoformat(raw) if raw else None
        except ValueError:
            problems[name] = "ngày dạng YYYY-MM-DD"
        if values.get(name) and values[name].year not in workdays.YEARS:  # the calendar's reach
            problems[name] = f"năm từ {workdays.YEARS.start} đến {workdays.YEARS.stop - 1}"
    if problems:
        raise ValidationError("Thời gian chốt số liệu không hợp lệ", fields=problems)
    as_of = values["as_of"] or calendar.local_date(clock.now())
    if values["from"] and values["from"] > as_of:
        raise ValidationError("Kỳ báo cáo không hợp lệ", fields={"from": "phải trước hoặc bằng as_of"})
    return {
        "as_of": as_of,
        "window_from": values["from"],
        "calendar": calendar,
        "soon_days": system().settings.due_soon_days,
    }


def summary_table(session, args: Mapping[str, str] | None = None) -> tuple[dict, list[dict]]:
    """The period and the Biểu tổng hợp rows the caller may see (a unit: its own row only)."""
    principal = user()
    period = request_period(session, args)
    mine = None if scope.sees_all(principal) else [principal.unit_code or ""]
    return period, buckets.per_unit(session, unit_codes=mine, **period)


@bp.get("/buckets")
@operation(
    summary="Biểu tổng hợp theo đơn vị chủ trì tại ngày chốt số liệu (as_of), kỳ báo cáo từ ngày `from`",
    tag="reports",
    query=PERIOD_QUERY,
    response=TABLE,
)
def bucket_table():
    with reading() as session:
        period, rows = summary_table(session)
    window_from = period["window_from"]
    return jsonify(
        as_of=period["as_of"].isoformat(),
        window_from=window_from.isoformat() if window_from else None,
        items=rows,
    )


@bp.get("/buckets.xlsx")
@operation(
    summary="Xuất Excel biểu tổng hợp",
    tag="reports",
    query=PERIOD_QUERY,
    content_type=workbook.XLSX,
    response={"type": "string", "format": "binary"},
)
def bucket_workbook():
    return workbook_download()


def workbook_download() -> Response:
    """The Biểu tổng hợp of the request's period and the caller's scope as an .xlsx attachment (shared
    with the Xuất Excel page)."""
    with reading() as session:
        period, rows = summary_table(session)
    body = workbook.summary_workbook(rows, as_of=period["as_of"], window_from=period["window_from"])
    headers = {"Content-Disposition": workbook.attachment(period["as_of"])}
    return Response(body, mimetype=workbook.XLSX, headers=headers)


@bp.get("/units/<unit_code>/detail")
@operation(
    summary="Phụ lục chi tiết: từng nhiệm vụ của một đơn vị chủ trì tại ngày chốt số liệu",
    tag="reports",
    query=PERIOD_QUERY,
    response={"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object"}}}},
)
def unit_detail(unit_code: str):
    scope.check_can_see_unit(user(), unit_code)
    with reading() as session:
        rows = buckets.detail(session, unit_code=unit_code, **request_period(session))
    for row in rows:
        for key in ("due_date", "completed_on"):
            row[key] = row[key].isoformat() if row[key] else None
    return jsonify(items=rows)


PUBLISHED_ROUND = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "label": {"type": "string"},
        "window_from": {"type": "string", "format": "date"},
        "window_to": {"type": "string", "format": "date"},
        "published_at": {"type": "string", "format": "date-time"},
        # A unit with no task in the period has no rate.
        "figures": {
            "type": "array",
            "items": {
                **UNIT_ROW,
                "properties": {**UNIT_ROW["properties"], "on_time_rate": {"type": ["number", "null"]}},
            },
        },
    },
}


def present_published(row) -> dict:
    return {
        "id": row.id,
        "label": row.label,
        "window_from": row.window_from.isoformat(),
        "window_to": row.window_to.isoformat(),
        "published_at": row.published_at.isoformat(),
        "figures": row.figures or [],
    }


@bp.get("/published")
@operation(
    summary="Công khai kết quả (Đ19.2): số liệu tổng hợp theo đơn vị của các kỳ báo cáo đã công khai",
    tag="reports",
    public=True,
    response={"type": "object", "properties": {"items": {"type": "array", "items": PUBLISHED_ROUND}}},
)
def published():
    with reading() as session:
        return jsonify(items=[present_published(r) for r in publication.published_rounds(session)])
