"""Công khai kết quả in the API: publications as JSON (shared with /api/v1/reports/published) and
Đính chính số liệu công khai under /api/v1/report-rounds/<id>/corrections, for VP's leadership."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy.orm import Session

from engine import clock
from engine.reports import buckets, opendata, publication
from engine.reports import publication_corrections as corrections
from engine.reports.models import Publication
from engine.web.api import API_PREFIX, operation, reading, system, transaction, user

bp = Blueprint("publications", __name__, url_prefix=API_PREFIX + "/report-rounds")

# A row of a publication's table: the counts (None where a row frozen before they were recorded lacks
# one) and the rates (None where there is nothing to divide by).
FIGURE_ROW = {
    "type": "object",
    "properties": {
        "unit_code": {"type": ["string", "null"]},
        "unit_name": {"type": "string"},
        **{key: {"type": ["integer", "null"]} for key in buckets.COUNT_KEYS},
        **{key: {"type": ["number", "null"]} for key in buckets.RATE_KEYS},
    },
}
REFERENCE = {
    "type": ["object", "null"],
    "properties": {"id": {"type": "integer"}, "number": {"type": "integer"}},
}
PUBLICATION = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "round_id": {"type": "integer"},
        "number": {"type": "integer"},
        "label": {"type": "string"},
        "window_from": {"type": "string", "format": "date"},
        "window_to": {"type": "string", "format": "date"},
        "as_of": {"type": "string", "format": "date"},
        "published_at": {"type": "string", "format": "date-time"},
        "corrects": REFERENCE,
        "correction_note": {"type": ["string", "null"]},
        "corrected_by": REFERENCE,
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "columns": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"key": {"type": "string"}, "title": {"type": "string"}},
            },
        },
        "figures": {"type": "array", "items": FIGURE_ROW},
        "total": {"anyOf": [FIGURE_ROW, {"type": "null"}]},
    },
}
CORRECTION_IN = {
    "type": "object",
    "additionalProperties": False,
    "required": ["reason"],
    "properties": {
        "reason": {"type": "string", "minLength": 1, "maxLength": corrections.MAX_REASON},
        # From the preview: the publication it showed differences against, and the recomputed figures'
        # fingerprint; given, a correction of anything else is refused (409).
        "base_id": {"type": "integer", "minimum": 1},
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
    },
}
PREVIEW = {
    "type": "object",
    "properties": {
        "base": REFERENCE,
        "sha256": {"type": "string"},
        "differences": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "unit_code": {"type": "string"},
                    "unit_name": {"type": "string"},
                    "changes": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "key": {"type": "string"},
                                "title": {"type": "string"},
                                "old": {"type": ["number", "null"]},
                                "new": {"type": ["number", "null"]},
                            },
                        },
                    },
                },
            },
        },
    },
}


def present_all(rows: list[Publication]) -> list[dict]:
    """The JSON of each of `rows`, naming what each corrects and what corrects it (when among `rows`)."""
    by_id = {row.id: row for row in rows}
    successor = {row.corrects_id: row for row in rows if row.corrects_id}
    return [
        opendata.document(row, corrects=by_id.get(row.corrects_id), corrected_by=successor.get(row.id))
        for row in rows
    ]


def present(session: Session, row: Publication) -> dict:
    """The JSON of one publication."""
    corrects, corrected_by = publication.neighbours(session, row)
    return opendata.document(row, corrects=corrects, corrected_by=corrected_by)


@bp.get("/<int:round_id>/corrections/preview")
@operation(
    summary="Xem trước đính chính số liệu công khai: số liệu của kỳ tính lại đến ngày chốt với dữ liệu hiện "
    "nay, khác biệt theo từng đơn vị so với bản đang công khai",
    tag="reports",
    roles=set(corrections.CORRECTORS),
    response=PREVIEW,
)
def correction_preview(round_id: int):
    with reading() as session:
        seen = corrections.preview(session=session, settings=system().settings, round_id=round_id)
    return jsonify(
        base=opendata.reference(seen.base),
        sha256=seen.sha256,
        differences=[
            {
                "unit_code": d.unit_code,
                "unit_name": d.unit_name,
                "changes": [{"key": c.key, "title": c.title, "old": c.old, "new": c.new} for c in d.changes],
            }
            for d in seen.differences
        ],
    )


@bp.post("/<int:round_id>/corrections")
@operation(
    summary="Đính chính số liệu công khai: công khai bản mới của kỳ báo cáo, tính lại đến ngày chốt với "
    "dữ liệu hiện nay, ghi rõ bản được đính chính và lý do (422 nếu số liệu không khác)",
    tag="reports",
    roles=set(corrections.CORRECTORS),
    body=CORRECTION_IN,
    response=PUBLICATION,
    status=201,
)
def create_correction(round_id: int, body: dict):
    with transaction() as session:
        row = corrections.correct(
            session=session,
            settings=system().settings,
            round_id=round_id,
            reason=body["reason"],
            actor=user().username,
            now=clock.now(),
            base_id=body.get("base_id"),
            sha256=body.get("sha256"),
        )
        return jsonify(present(session, row)), 201
