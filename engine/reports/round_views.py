"""P9 API: the periodic report rounds and one round with its units' reports, its Biểu tổng hợp and its
publication, with the pages' scope: VP and the leadership see every unit, a unit's people their own unit's
report and the rounds' dates (engine.reports.rounds)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint, jsonify

from engine import clock
from engine.reports import buckets, publication, rounds
from engine.reports.models import ReportRound
from engine.web.api import API_PREFIX, PAGING_QUERY, operation, paging, reading, system, user

bp = Blueprint("report_rounds", __name__, url_prefix=API_PREFIX + "/report-rounds")

DATE = {"type": "string", "format": "date"}
INSTANT = {"type": ["string", "null"], "format": "date-time"}
TEXT = {"type": ["string", "null"]}
STATUS = {"type": "string", "enum": list(rounds.STATUS_LABELS)}
UNIT_STATE = {"type": "string", "enum": list(rounds.SUBMISSION_LABELS)}
ROUND = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "label": {"type": "string"},
        "kind": {"type": "string"},
        "year": {"type": "integer"},
        "period": {"type": "integer"},
        "window_from": DATE,
        "window_to": DATE,
        "unit_due": DATE,
        "consolidation_due": DATE,
        "status": STATUS,
        "status_label": {"type": "string"},
        "opened_at": {"type": "string", "format": "date-time"},
        "consolidated_at": INSTANT,
        "published_at": INSTANT,
        "instance_id": {"type": ["integer", "null"]},
        "units": {
            "type": "object",
            "description": "số đơn vị (trong phạm vi người gọi được xem) đã gửi đúng hạn, quá hạn, chưa gửi",
            "properties": {key: {"type": "integer"} for key in ("on_time", "late", "not_sent")},
        },
    },
}
SUBMISSION = {
    "type": "object",
    "properties": {
        "unit_code": {"type": "string"},
        "unit_name": {"type": "string"},
        "status": UNIT_STATE,
        "status_label": {"type": "string"},
        "due_date": DATE,
        "submitted_at": INSTANT,
        "submitted_by": TEXT,
        "submitted_by_name": TEXT,
        "content": TEXT,
        "difficulties": TEXT,
        "proposals": TEXT,
        "attachments": {"type": "array", "items": {"type": "object"}},
    },
}
ROUND_DETAIL = {
    "type": "object",
    "properties": {
        **ROUND["properties"],
        "submissions": {"type": "array", "items": SUBMISSION},
        "figures": {
            "type": "object",
            "properties": {
                "as_of": DATE,
                "frozen": {
                    "type": "boolean",
                    "description": "false: chưa chốt, số liệu tính tại thời điểm gọi",
                },
                "items": {"type": "array", "items": {"type": "object"}},
                "total": {"type": ["object", "null"]},
            },
        },
        "publications": {
            "type": "array",
            "description": "các bản công khai của kỳ, bản số 1 trước; bản đính chính ghi bản nó đính chính",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "number": {"type": "integer"},
                    "published_at": {"type": "string", "format": "date-time"},
                    "corrects_id": {"type": ["integer", "null"]},
                    "correction_note": TEXT,
                    "sha256": {"type": "string"},
                },
            },
        },
    },
}


@bp.get("")
@operation(
    summary="Các kỳ báo cáo định kỳ (kỳ mới nhất trước), số đơn vị gửi báo cáo đúng hạn, quá hạn, chưa gửi",
    tag="reports",
    query=PAGING_QUERY,
    response={
        "type": "object",
        "properties": {"items": {"type": "array", "items": ROUND}, "total": {"type": "integer"}},
    },
)
def list_rounds():
    limit, offset = paging()
    units = rounds.visible_units(user())
    with reading() as session:
        rows, total = rounds.listing(session, limit=limit, offset=offset)
        states = rounds.states(
            session, [r.id for r in rows], settings=system().settings, now=clock.now(), unit_codes=units
        )
        return jsonify(items=[present(r, rounds.tally(states[r.id])) for r in rows], total=total)


@bp.get("/<int:round_id>")
@operation(
    summary="Một kỳ báo cáo định kỳ: báo cáo của các đơn vị, Biểu tổng hợp đã chốt hoặc tính đến hiện tại",
    tag="reports",
    response=ROUND_DETAIL,
)
def get_round(round_id: int):
    units = rounds.visible_units(user())
    with reading() as session:
        row = rounds.get_or_raise(session, round_id)
        shown = rounds.view(session, row, settings=system().settings, now=clock.now(), unit_codes=units)
        return jsonify(
            **present(row, shown.counts),
            submissions=[
                _plain(s | {"status_label": rounds.SUBMISSION_LABELS[s["status"]]}) for s in shown.submissions
            ],
            figures={
                "as_of": shown.as_of.isoformat(),
                "frozen": shown.frozen,
                "items": shown.figures,
                "total": buckets.totals(shown.figures) if shown.figures else None,
            },
            publications=[
                _plain(
                    {
                        "id": p.id,
                        "number": p.number,
                        "published_at": p.published_at,
                        "corrects_id": p.corrects_id,
                        "correction_note": p.correction_note,
                        "sha256": p.sha256,
                    }
                )
                for p in publication.publications_of(session, row.id)
            ],
        )


def present(row: ReportRound, counts: dict[str, int]) -> dict[str, Any]:
    """A round as the API gives it, with the count of its units' reports (rounds.tally)."""
    return _plain(
        {
            "id": row.id,
            "label": row.label,
            "kind": row.kind,
            "year": row.year,
            "period": row.period,
            "window_from": row.window_from,
            "window_to": row.window_to,
            "unit_due": row.unit_due,
            "consolidation_due": row.consolidation_due,
            "status": row.status,
            "status_label": rounds.STATUS_LABELS[row.status],
            "opened_at": row.opened_at,
            "consolidated_at": row.consolidated_at,
            "published_at": row.published_at,
            "instance_id": row.instance_id,
            "units": counts,
        }
    )


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """Dates and instants as ISO text."""
    return {k: v.isoformat() if isinstance(v, date | datetime) else v for k, v in values.items()}
