"""Process definitions: list, upload (deploy), validate, versions, download the XML."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from engine.bpmn.loader import load_diagram
from engine.definitions import service
from engine.definitions.models import ProcessDefinition
from engine.errors import ValidationError
from engine.instances import starting
from engine.instances import views as instance_views
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
        "source_definition_id": {"type": ["integer", "null"]},
        "deploy_note": {
            "type": ["string", "null"],
            "description": "why it was deployed despite failing tests",
        },
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
        "source_definition_id": d.source_definition_id,
        "deploy_note": d.deploy_note,
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
        return xml_response(service.get_or_raise(session=session, definition_id=definition_id))


def xml_response(d: ProcessDefinition) -> Response:
    """A version's BPMN file as a download named <process id>-v<version>.bpmn (the API and the pages)."""
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


START_FORM = {
    "type": "object",
    "properties": {
        "process_id": {"type": "string"},
        "name": {"type": "string"},
        "version": {"type": "integer"},
        "starter_groups": {"type": "array", "items": {"type": "string"}},
        "schema": {"type": ["object", "null"]},
        "ui_schema": {"type": ["object", "null"]},
    },
}


def present_start_form(form: starting.StartForm) -> dict:
    return {
        "process_id": form.definition.process_id,
        "name": form.definition.name,
        "version": form.definition.version,
        "starter_groups": list(form.starter_groups),
        "schema": form.schema,
        "ui_schema": form.ui_schema,
    }


@bp.get("/startable")
@operation(
    summary="Quy trình người gọi được khởi tạo (phản hồi của địa phương, kiểm tra, điều chỉnh thông tin…)",
    tag="process-definitions",
    response={"type": "object", "properties": {"items": {"type": "array", "items": START_FORM}}},
)
def list_startable():
    with reading() as session:
        forms = starting.startable(session=session, user=user())
        return jsonify(items=[present_start_form(f) for f in forms])


@bp.get("/key/<process_id>/start-form")
@operation(summary="Biểu mẫu khởi tạo của một quy trình", tag="process-definitions", response=START_FORM)
def get_start_form(process_id: str):
    with reading() as session:
        return jsonify(present_start_form(starting.start_form(session=session, process_id=process_id)))


@bp.post("/key/<process_id>/start")
@operation(
    summary="Khởi tạo quy trình với dữ liệu của biểu mẫu khởi tạo (chỉ các vai trò sơ đồ cho phép)",
    tag="process-definitions",
    body={"type": "object"},
    response=instance_views.INSTANCE,
    status=201,
)
def start(process_id: str, body: dict):
    with transaction() as session:
        instance = starting.start_on_demand(
            session=session, engine=system().engine, process_id=process_id, data=body, user=user()
        )
        return jsonify(instance_views.present(instance)), 201
