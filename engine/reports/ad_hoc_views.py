"""Báo cáo đột xuất API: the requests the caller may see and one request with its answers (VP and the
leadership: every answer and VP's consolidation; a unit: the requests naming it, with its own answer)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from engine import clock
from engine.reports import ad_hoc_records as records
from engine.web.api import API_PREFIX, PAGING_QUERY, operation, paging, reading, system, user
from engine.workdays import service as workdays

bp = Blueprint("ad_hoc_reports", __name__, url_prefix=API_PREFIX + "/ad-hoc-reports")
LISTED = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "kind": {"type": "string", "enum": list(records.KINDS)},
        "kind_label": {"type": "string"},
        "requester": {"type": "string"},
        "due_date": {"type": "string", "format": "date"},
        "answered": {"type": "integer"},
        "units": {"type": "integer"},
        "status": {"type": "string", "enum": list(records.STATUSES)},
        "status_label": {"type": "string"},
    },
}
DETAIL = {
    "type": "object",
    "properties": {
        "request": {"type": "object"},
        "status": {"type": "string", "enum": list(records.STATUSES)},
        "answers": {"type": "array", "items": {"type": "object"}},
        "consolidation": {"type": ["object", "null"]},
    },
}


@bp.get("")
@operation(
    summary="Các yêu cầu báo cáo đột xuất người gọi được xem (Văn phòng, lãnh đạo: tất cả; đơn vị: các yêu "
    "cầu gửi đơn vị mình), hạn gần nhất trước",
    tag="reports",
    query=PAGING_QUERY,
    response={
        "type": "object",
        "properties": {"items": {"type": "array", "items": LISTED}, "total": {"type": "integer"}},
    },
)
def list_reports():
    limit, offset = paging()
    with reading() as session:
        items = records.list_(session, user=user(), limit=limit, offset=offset)
        return jsonify(items=records.as_json(items), total=records.count_(session, user=user()))


@bp.get("/<int:report_id>")
@operation(
    summary="Một yêu cầu báo cáo đột xuất và báo cáo của các đơn vị (đơn vị: chỉ báo cáo của mình); báo cáo "
    "theo chế độ mật không có nội dung",
    tag="reports",
    response=DETAIL,
)
def get_report(report_id: int):
    with reading() as session:
        today = workdays.calendar(session=session, settings=system().settings).local_date(clock.now())
        found = records.detail(session, user=user(), report_id=report_id, today=today)
        return jsonify(records.as_json(found))
