"""Directive documents (register, list, detail with assignments) and the unit directory."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from engine.search import params
from engine.search.fold import words
from engine.search.sql import Sort
from engine.tracking import choices, document_list, scope, service
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
    summary="Văn bản chỉ đạo, mới nhất trước: tìm theo số, trích yếu, người ký, loại, cơ quan trình (không "
    "phân biệt dấu), lọc theo loại, ngày ban hành và đã phân loại hay chưa, sắp xếp theo cột",
    tag="documents",
    roles=set(scope.ALL_SEEING),
    query={
        "q": params.Q,
        "doc_type": {"type": "string"},
        "issued_from": {"type": "string", "format": "date"},
        "issued_to": {"type": "string", "format": "date"},
        "classified": {"type": "string", "enum": ["true", "false"], "description": "đã chia thành nhiệm vụ"},
        **params.sorting(document_list.SORTS),
        "limit": {"type": "integer"},
        "offset": {"type": "integer"},
    },
    response={"type": "object", "properties": {"items": {"type": "array", "items": DOCUMENT}}},
)
def list_documents():
    limit, offset = paging()
    args = request.args
    issued_from, issued_to = params.iso_range(args, "issued_from", "issued_to")
    filters = document_list.DocumentFilters(
        words=words(args.get("q")),
        doc_type=args.get("doc_type") or None,
        issued_from=issued_from,
        issued_to=issued_to,
        classified={"true": True, "false": False}.get(args.get("classified", "")),
    )
    sort = Sort.choose(document_list.SORTS, args.get("sort"), args.get("dir"))
    with reading() as session:
        found = service.list_documents(
            session=session, filters=filters, sort=sort, limit=limit, offset=offset
        )
        return jsonify(items=[present_document(d, [], {}) for d in found])


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


CHOICE = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "label": {"type": "string"},
        "document_number": {"type": "string"},
        "seq": {"type": "integer"},
        "content": {"type": "string"},
        "lead_unit_name": {"type": "string"},
    },
}


@bp.get("/assignment-choices")
@operation(
    summary="Nhiệm vụ để chọn trong biểu mẫu (số, ký hiệu văn bản, nội dung, đơn vị chủ trì): "
    "data_correction: nhiệm vụ người gọi xem được; local_feedback: nhiệm vụ đang thực hiện của sở, ngành "
    "mà chính quyền địa phương phản hồi (khoản 3 Điều 21)",
    tag="assignments",
    query={
        "purpose": {"type": "string", "enum": list(choices.PURPOSES)},
        "q": params.Q,
        "id": {"type": "integer", "description": "Nhãn của một nhiệm vụ đã chọn"},
    },
    response={
        "type": "object",
        "properties": {"items": {"type": "array", "items": CHOICE}, "note": {"type": ["string", "null"]}},
    },
)
def assignment_choices():
    args = request.args
    with reading() as session:
        return jsonify(
            choices.answer(
                session,
                user=user(),
                purpose=args.get("purpose"),
                q=args.get("q"),
                id_=args.get("id"),
            )
        )
