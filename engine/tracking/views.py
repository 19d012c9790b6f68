"""Directive documents (register, list, detail with assignments) and the unit directory."""

from __future__ import annotations

from flask import Blueprint, jsonify

from engine.tracking import scope, service
from engine.tracking.models import Assignment, AssignmentUnit, Document, Unit
from engine.tracking.schemas import DOCUMENT_IN
from engine.web.api import API_PREFIX, operation, paging, reading, system, transaction, user

bp = Blueprint("tracking", __name__, url_prefix=API_PREFIX)

ASSIGNMENT = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "seq": {"type": "integer"},
        "content": {"type": "string"},
        "lead_unit": {"type": "string"},
        "coordinating_units": {"type": "array", "items": {"type": "string"}},
        "has_deadline": {"type": "boolean"},
        "must_report": {"type": "boolean"},
        "deadline_kind": {"type": ["string", "null"]},
        "due_date": {"type": ["string", "null"], "format": "date"},
        "effective_due_date": {"type": ["string", "null"], "format": "date"},
        "tracking_room": {"type": "string"},
        "tracking_specialist": {"type": "string"},
        "progress": {"type": "string"},
    },
}
DOCUMENT = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "number": {"type": "string"},
        "doc_type": {"type": "string"},
        "title": {"type": "string"},
        "issued_on": {"type": "string", "format": "date"},
        "intake_instance_id": {"type": ["integer", "null"]},
        "assignments": {"type": "array", "items": ASSIGNMENT},
    },
}
UNIT = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "name": {"type": "string"},
        "unit_type": {"type": "string"},
        "parent_code": {"type": ["string", "null"]},
    },
}


def present_document(
    document: Document, assignments: list[Assignment], units: dict[int, list[AssignmentUnit]]
) -> dict:
    return {
        **service.document_data(document),
        "assignments": [present_assignment(a, units[a.id]) for a in assignments],
    }


def present_assignment(a: Assignment, units: list[AssignmentUnit]) -> dict:
    return {
        "id": a.id,
        "seq": a.seq,
        "content": a.content,
        "lead_unit": a.lead_unit_code,
        "coordinating_units": sorted(u.unit_code for u in units if u.role == "coordinating"),
        "has_deadline": a.has_deadline,
        "must_report": a.must_report,
        "deadline_kind": a.deadline_kind,
        "due_date": a.due_date.isoformat() if a.due_date else None,
        "effective_due_date": a.effective_due_date.isoformat() if a.effective_due_date else None,
        "tracking_room": a.tracking_room,
        "tracking_specialist": a.tracking_specialist,
        "progress": a.progress,
    }


def present_unit(u: Unit) -> dict:
    return {"code": u.code, "name": u.name, "unit_type": u.unit_type, "parent_code": u.parent_code}


@bp.post("/documents")
@operation(
    summary="Tiếp nhận văn bản chỉ đạo (từ chối văn bản mật theo Đ5.2) và bắt đầu quy trình phân loại",
    tag="documents",
    roles={"vp_specialist", "vp_leadership"},
    body=DOCUMENT_IN,
    response=DOCUMENT,
    status=201,
)
def register(body: dict):
    with transaction() as session:
        document = service.register_document(
            session=session, engine=system().engine, payload=body, actor=user().username
        )
        return jsonify(present_document(document, [], {})), 201


@bp.get("/documents")
@operation(
    summary="Văn bản chỉ đạo, mới nhất trước",
    tag="documents",
    roles=set(scope.ALL_SEEING),
    query={"limit": {"type": "integer"}, "offset": {"type": "integer"}},
    response={"type": "object", "properties": {"items": {"type": "array", "items": DOCUMENT}}},
)
def list_documents():
    limit, offset = paging()
    with reading() as session:
        return jsonify(
            items=[
                present_document(d, [], {})
                for d in service.list_documents(session=session, limit=limit, offset=offset)
            ]
        )


@bp.get("/documents/<int:document_id>")
@operation(
    summary="Một văn bản chỉ đạo và các nhiệm vụ của nó",
    tag="documents",
    roles=set(scope.ALL_SEEING),
    response=DOCUMENT,
)
def get_document(document_id: int):
    with reading() as session:
        document = service.get_document_or_raise(session=session, document_id=document_id)
        assignments = service.assignments_of(session=session, document_id=document_id)
        units = service.units_of(session=session, assignment_ids=[a.id for a in assignments])
        return jsonify(present_document(document, assignments, units))


@bp.get("/units")
@operation(
    summary="Danh mục cơ quan, đơn vị",
    tag="units",
    response={"type": "object", "properties": {"items": {"type": "array", "items": UNIT}}},
)
def list_units():
    with reading() as session:
        return jsonify(items=[present_unit(u) for u in service.list_units(session=session)])
