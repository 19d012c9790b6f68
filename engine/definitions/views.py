"""Process definitions: list, upload (deploy), validate, versions, download the XML."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from engine.bpmn.loader import load_diagram
from engine.definitions import service
from engine.definitions.models import ProcessDefinition
from engine.errors import ValidationError
from engine.web.api import API_PREFIX, operation, reading, system, transaction, user

bp = Blueprint("definitions", __name__, url_prefix=API_PREFIX + "/process-definitions")
ANALYSTS = {"analyst", "admin"}
WATCHERS = {"analyst", "monitor", "vp_specialist", "vp_leadership"}

DEFINITION = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "process_id": {"type": "string"},
        "version": {"type": "integer"},
        "name": {"type": "string"},
        "filename": {"type": "string"},
        "content_hash": {"type": "string"},
        "forms": {"type": "array", "items": {"type": "string"}},
        "dependencies": {"type": "object"},
        "deployed_at": {"type": "string", "format": "date-time"},
        "deployed_by": {"type": ["string", "null"]},
    },
}
DEPLOYED = {
    "type": "object",
    "properties": {
        "deployed": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"created": {"type": "boolean"}, "definition": DEFINITION},
            },
        }
    },
}


def present(d: ProcessDefinition) -> dict:
    return {
        "id": d.id,
        "process_id": d.process_id,
        "version": d.version,
        "name": d.name,
        "filename": d.filename,
        "content_hash": d.content_hash,
        "forms": sorted(d.forms or {}),
        "dependencies": d.dependencies,
        "deployed_at": d.deployed_at.isoformat(),
        "deployed_by": d.deployed_by,
    }


@bp.get("")
@operation(
    summary="Quy trình đã triển khai (phiên bản mới nhất của mỗi quy trình, hoặc mọi phiên bản với all=true)",
    tag="process-definitions",
    roles=WATCHERS,
    query={"all": {"type": "boolean"}, "process_id": {"type": "string"}},
    response={"type": "object", "properties": {"items": {"type": "array", "items": DEFINITION}}},
)
def list_definitions():
    every = request.args.get("all", "").lower() in {"1", "true", "yes"}
    with reading() as session:
        rows = service.list_(
            session=session, process_id=request.args.get("process_id"), latest_only=not every
        )
        return jsonify(items=[present(d) for d in rows])


@bp.post("")
@operation(
    summary="Triển khai sơ đồ BPMN (multipart: file=<.bpmn>, forms=<.json>...; hoặc thân application/xml)",
    tag="process-definitions",
    roles=ANALYSTS,
    response=DEPLOYED,
    status=201,
)
def upload():
    filename, data, forms = _uploaded()
    with transaction() as session:
        results = service.deploy(
            session=session,
            settings=system().settings,
            data=data,
            filename=filename,
            actor=user().username,
            forms=forms,
        )
        payload = [{"created": r.created, "definition": present(r.definition)} for r in results]
    status = 201 if any(r["created"] for r in payload) else 200
    return jsonify(deployed=payload), status


@bp.post("/validate")
@operation(
    summary="Kiểm tra sơ đồ BPMN mà không triển khai: trả về mọi lỗi (dòng, phần tử, thông báo)",
    tag="process-definitions",
    roles=ANALYSTS,
    response={"type": "object", "properties": {"valid": {"type": "boolean"}, "processes": {"type": "array"}}},
)
def validate():
    filename, data, _ = _uploaded()
    settings = system().settings
    with reading() as session:
        known = {d.process_id for d in service.list_(session=session, latest_only=True)}
    diagram = load_diagram(
        data,
        filename,
        max_bytes=settings.max_diagram_bytes,
        max_depth=settings.max_xml_depth,
        known_processes=known,
    )
    return jsonify(valid=True, processes=diagram.process_ids)


@bp.get("/<int:definition_id>")
@operation(summary="Một phiên bản quy trình", tag="process-definitions", roles=WATCHERS, response=DEFINITION)
def get(definition_id: int):
    with reading() as session:
        return jsonify(present(service.get_or_raise(session=session, definition_id=definition_id)))


@bp.get("/<int:definition_id>/xml")
@operation(
    summary="Tải tệp BPMN của một phiên bản",
    tag="process-definitions",
    roles=WATCHERS,
    response={"type": "string"},
    content_type="application/xml",
)
def download(definition_id: int):
    with reading() as session:
        d = service.get_or_raise(session=session, definition_id=definition_id)
        return Response(
            d.bpmn_xml,
            mimetype="application/xml",
            headers={"Content-Disposition": f'attachment; filename="{d.process_id}-v{d.version}.bpmn"'},
        )


@bp.get("/<int:definition_id>/diagram.svg")
@operation(
    summary="Sơ đồ của một phiên bản quy trình (SVG)",
    tag="process-definitions",
    roles=WATCHERS,
    response={"type": "string"},
    content_type="image/svg+xml",
)
def diagram(definition_id: int):
    with reading() as session:
        return Response(
            service.diagram_svg(session=session, definition_id=definition_id), mimetype="image/svg+xml"
        )


@bp.get("/key/<process_id>/versions")
@operation(
    summary="Mọi phiên bản của một quy trình, mới nhất trước",
    tag="process-definitions",
    roles=WATCHERS,
    response={"type": "object", "properties": {"items": {"type": "array", "items": DEFINITION}}},
)
def versions(process_id: str):
    with reading() as session:
        rows = service.list_(session=session, process_id=process_id)
        if not rows:
            service.latest_or_raise(session=session, process_id=process_id)
        return jsonify(items=[present(d) for d in rows])


def _uploaded() -> tuple[str, bytes, dict[str, bytes] | None]:
    """(filename, diagram bytes, uploaded forms) from a multipart upload or a raw XML body."""
    if request.files:
        diagram = request.files.get("file")
        if diagram is None:
            raise ValidationError("Thiếu tệp sơ đồ", fields={"file": "attach the .bpmn file as 'file'"})
        forms = {f.filename: f.read() for f in request.files.getlist("forms") if f.filename}
        return diagram.filename or "upload.bpmn", diagram.read(), forms or None
    data = request.get_data()
    if not data:
        raise ValidationError(
            "Thiếu tệp sơ đồ", fields={"file": "send multipart 'file' or an application/xml body"}
        )
    return request.args.get("filename", "upload.bpmn"), data, None
