"""P10 API: the yearly reports on implementing the regulation, and a past year's report on demand."""

from __future__ import annotations

from flask import Blueprint, jsonify

from engine import clock
from engine.instances import service as instances
from engine.reports import regulation_report as reports
from engine.web.api import API_PREFIX, operation, reading, system, transaction, user
from engine.workdays import service as workdays

bp = Blueprint("regulation_reports", __name__, url_prefix=API_PREFIX + "/regulation-reports")
# Who reads the yearly reports: VP, its leadership and the province's leadership (Đ26.1).
READERS = {"vp_specialist", "vp_leadership", "vp_chief", "chairman", "province_leadership"}
PRODUCERS = {"vp_specialist", "vp_chief"}
REPORT = {"type": "object", "properties": {"year": {"type": "integer"}, "status": {"type": "string"}}}


def present(row: reports.RegulationReport) -> dict:
    """A report as the API gives it."""
    return {
        "year": row.year,
        "label": reports.label(row.year),
        "as_of": row.as_of.isoformat(),
        "status": row.status,
        "figures": row.figures,
        "assessment": row.assessment,
        "approval_note": row.approval_note,
        "submitted_by": row.submitted_by,
        "submitted_at": row.submitted_at.isoformat() if row.submitted_at else None,
        "instance_id": row.instance_id,
    }


@bp.get("")
@operation(summary="Các báo cáo tình hình thực hiện Quy chế hằng năm", tag="reports", roles=READERS)
def list_reports():
    with reading() as session:
        return jsonify(items=[present(row) for row in reports.listing(session)])


@bp.get("/<int:year>")
@operation(
    summary="Báo cáo tình hình thực hiện Quy chế của một năm", tag="reports", roles=READERS, response=REPORT
)
def get_report(year: int):
    with reading() as session:
        return jsonify(present(reports.get(session, year)))


@bp.post("")
@operation(
    summary="Lập báo cáo tình hình thực hiện Quy chế của một năm đã qua (theo yêu cầu)",
    tag="reports",
    roles=PRODUCERS,
    status=201,
    body={
        "type": "object",
        "additionalProperties": False,
        "required": ["year"],
        "properties": {"year": {"type": "integer", "minimum": 2000, "maximum": 2100}},
    },
    response=REPORT,
)
def produce_report(body: dict):
    year = body["year"]
    with transaction() as session:
        today = workdays.calendar(session=session, settings=system().settings).local_date(clock.now())
        reports.check_on_demand(session, year, today)
        instances.start(
            session=session,
            engine=system().engine,
            process_id=reports.PROCESS_ID,
            data={},
            actor=user().username,
            business_key=reports.on_demand_key(year),
        )
        row = reports.get(session, year)
        return jsonify(present(row)), 201
