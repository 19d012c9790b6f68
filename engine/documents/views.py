"""Directive documents: register, list, one with its assignments."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from engine.assignments import scope
from engine.assignments import service as assignment_service
from engine.assignments.models import Assignment, AssignmentUnit
from engine.assignments.views import ASSIGNMENT, present_assignment
from engine.documents import listing as document_list
from engine.documents import service
from engine.documents.models import Document
from engine.documents.schemas import DOCUMENT_IN
from engine.search import params
from engine.search.fold import words
from engine.search.sql import Sort
from engine.web.api import API_PREFIX, operation, paging, reading, system, transaction, user

bp = Blueprint("documents", __name__, url_prefix=API_PREFIX)

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


def present_document(
    document: Document, assignments: list[Assignment], units: dict[int, list[AssignmentUnit]]
) -> dict:
    return {
        **service.document_data(document),
        "assignments": [present_assignment(a, units[a.id]) for a in assignments],
    }


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
        assignments = assignment_service.assignments_of(session=session, document_id=document_id)
        units = assignment_service.units_of(session=session, assignment_ids=[a.id for a in assignments])
        return jsonify(present_document(document, assignments, units))
