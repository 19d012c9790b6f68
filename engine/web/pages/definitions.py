"""Quy trình nghiệp vụ: the deployed processes and their versions, an upload checked (validation report
and scenario tests) before anything is deployed, and making an earlier version the newest again.

Analysts (and admins) change things; monitors read. The uploaded content travels to the confirm step
in one signed hidden field, so what is deployed is exactly what was checked, on any web process."""

from __future__ import annotations

import json

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from engine import clock
from engine.definitions import service as definitions
from engine.definitions import versions
from engine.definitions.models import ProcessDefinition
from engine.definitions.views import xml_response
from engine.errors import ConflictError, InvalidDiagramError, NotFoundError
from engine.scenarios import runner as scenarios
from engine.web.api import MAX_ID, reading, system, transaction
from engine.web.pages.common import INSTANCE_STATUS, bp, full_names, me, require

DEFINITION_READERS = {"analyst", "monitor"}
DEFINITION_EDITORS = {"analyst"}
PREFIX = "/quy-trinh-nghiep-vu"
# How long an upload report may be confirmed: long enough to read it, short enough that a forgotten
# tab does not deploy yesterday's check.
UPLOAD_MAX_AGE = 2 * 60 * 60
UPLOAD_REFUSED = "Nội dung xác nhận không hợp lệ hoặc đã quá hạn; vui lòng tải tệp lên và kiểm tra lại."
# The editor names the version it was opened on, so the report leads back to it and a deploy drops its draft.
EDITED_FIELD = "edited_definition"
EDITED_REFUSED = "Phiên bản quy trình gửi kèm không tồn tại; vui lòng mở lại trình soạn thảo."
# Failing scenarios do not block a deploy the analyst stands behind (an intended change the scenario files
# do not know yet), but only with the reason written down: it stays with the version.
REASON_FIELD = "reason"
REASON_MAX = 1000
REASON_REQUIRED = "Có kịch bản kiểm thử không đạt: hãy ghi lý do vẫn triển khai (tối đa 1000 ký tự)."
TYPE_NAMES = {
    "string": "văn bản",
    "integer": "số nguyên",
    "number": "số",
    "boolean": "có/không",
    "array": "danh sách",
    "object": "nhóm trường",
    "null": "có thể để trống",
}
# Deployments made by the program, not a person (engine/startup.py, engine/cli.py).
PROGRAM_ACTORS = {"system": "Hệ thống (khi khởi động)", "cli": "Dòng lệnh (theodoi deploy)"}
MAX_FIELD_DEPTH = 5
FORMAT_NAMES = {"date": "ngày", "date-time": "ngày giờ", "email": "thư điện tử", "uri": "địa chỉ web"}


@bp.app_context_processor
def definitions_menu() -> dict:
    """The role set of the "Quy trình nghiệp vụ" menu entry in base.html."""
    return {"DEFINITION_MENU": DEFINITION_READERS}


@bp.get(PREFIX)
def definition_list():
    """Every process with its newest version and how many instances run on each of its versions."""
    require(DEFINITION_READERS)
    with reading() as session:
        latest = definitions.list_(session=session, latest_only=True)
        counts = versions.instance_counts(session=session)
        running: dict[str, list[tuple[int, int]]] = {}
        for (process_id, version), by_status in sorted(counts.items(), reverse=True):
            if by_status.get("running"):
                running.setdefault(process_id, []).append((version, by_status["running"]))
        return render_template(
            "definitions.html",
            rows=sorted(latest, key=lambda d: (d.name or d.process_id).lower()),
            running=running,
            people=deployers(session, latest),
            can_upload=me().in_any(tuple(DEFINITION_EDITORS)),
        )


@bp.get(PREFIX + "/quy-trinh/<process_id>")
def definition_process(process_id: str):
    """One process: all its versions, newest first, who deployed each and the instances on each."""
    require(DEFINITION_READERS)
    with reading() as session:
        rows = definitions.list_(session=session, process_id=process_id)
        if not rows:
            raise NotFoundError(f"no deployed process {process_id!r}")
        return render_template(
            "definition_process.html",
            rows=rows,
            newest=rows[0],
            version_of={d.id: d.version for d in rows},
            counts=versions.instance_counts(session=session, process_id=process_id),
            people=deployers(session, rows),
            can_edit=me().in_any(tuple(DEFINITION_EDITORS)),
            instance_status=INSTANCE_STATUS,
            # Set by definition_deploy: the editor's draft of that version is deployed, the page drops it.
            deployed_draft=request.args.get("draft", type=int),
        )


@bp.get(PREFIX + "/<int:definition_id>")
def definition_version(definition_id: int):
    """One version: its diagram, its forms and their fields, download, editor and "make newest"."""
    require(DEFINITION_READERS)
    with reading() as session:
        d = definitions.get_or_raise(session=session, definition_id=definition_id)
        newest = definitions.latest_or_raise(session=session, process_id=d.process_id)
        source = (
            definitions.get_or_raise(session=session, definition_id=d.source_definition_id)
            if d.source_definition_id
            else None
        )
        svg, svg_error = None, None
        try:
            svg = definitions.diagram_svg(session=session, definition_id=d.id)
        except InvalidDiagramError as exc:
            svg_error = "; ".join(p.message for p in exc.problems)
        counts = versions.instance_counts(session=session, process_id=d.process_id)
        return render_template(
            "definition_version.html",
            d=d,
            newest=newest,
            source=source,
            svg=svg,
            svg_error=svg_error,
            forms=[form_summary(name, schema) for name, schema in sorted((d.forms or {}).items())],
            counts=counts.get((d.process_id, d.version), {}),
            people=deployers(session, [d]),
            can_edit=me().in_any(tuple(DEFINITION_EDITORS)),
            instance_status=INSTANCE_STATUS,
        )


@bp.get(PREFIX + "/<int:definition_id>/xml")
def definition_xml(definition_id: int):
    """The version's BPMN file, as the API serves it."""
    require(DEFINITION_READERS)
    with reading() as session:
        return xml_response(definitions.get_or_raise(session=session, definition_id=definition_id))


@bp.get(PREFIX + "/<int:definition_id>/bieu-mau/<path:name>")
def definition_form(definition_id: int, name: str):
    """One form file of the version, as the JSON stored with it."""
    require(DEFINITION_READERS)
    with reading() as session:
        forms = definitions.get_or_raise(session=session, definition_id=definition_id).forms or {}
    if name not in forms:
        raise NotFoundError(f"no form {name!r} in process definition {definition_id}")
    text = json.dumps(forms[name], ensure_ascii=False, indent=2)
    return current_app.response_class(text, mimetype="application/json")


@bp.post(PREFIX + "/<int:definition_id>/dat-moi-nhat")
def definition_make_newest(definition_id: int):
    """Đặt phiên bản này làm mới nhất: an earlier version deployed again as the newest."""
    require(DEFINITION_EDITORS)
    with reading() as session:
        old = definitions.get_or_raise(session=session, definition_id=definition_id)
        process_id, old_version = old.process_id, old.version
    try:
        with transaction() as session:
            copy = versions.make_newest(session=session, definition_id=definition_id, actor=me().username)
            version = copy.version
        flash(
            f"Đã đặt phiên bản v{old_version} làm mới nhất: triển khai thành phiên bản v{version}.", "success"
        )
    except ConflictError as exc:
        flash(exc.message, "error")
    return redirect(url_for("pages.definition_process", process_id=process_id))


@bp.route(PREFIX + "/tai-len", methods=["GET", "POST"])
def definition_upload():
    """Tải lên phiên bản mới: the form, then the full report (problems, warnings, scenario tests).

    Shared with the editor, which posts its XML as `file` and its forms as `forms` here. Nothing is
    deployed here; the report carries a signed copy of the content when it may be deployed."""
    require(DEFINITION_EDITORS)
    if request.method == "GET":
        return render_template("definition_upload.html")
    edited = _edited_definition()
    diagram = request.files.get("file")
    if diagram is None or not diagram.filename:
        return render_template("definition_upload.html", error="Chọn tệp sơ đồ BPMN (.bpmn) để tải lên."), 400
    filename, data = diagram.filename, diagram.read()
    forms = {f.filename: f.read() for f in request.files.getlist("forms") if f.filename} or None
    settings = system().settings
    with reading() as session:
        report = definitions.validate_upload(
            session=session, settings=settings, data=data, filename=filename, forms=forms
        )
    tests = None
    if report.ok:
        tests = scenarios.run_for_upload(settings=settings, data=data, filename=filename, forms=forms)
    token, too_large = None, False
    if report.ok:
        token = _signer().dumps(
            {
                "user": me().username,
                "filename": filename,
                # latin-1 maps every byte to one character: the file travels exactly, whatever its encoding
                "data": data.decode("latin-1"),
                "forms": {name: raw.decode("latin-1") for name, raw in (forms or {}).items()},
                "edited": edited,
                "failing": [r.name for r in tests.results if not r.passed],
            }
        )
        # The confirm form must fit the server's limit on form fields (Flask's MAX_FORM_MEMORY_SIZE).
        limit = request.max_form_memory_size
        too_large = limit is not None and len(token) > limit - 4096
        token = None if too_large else token
    page = render_template(
        "definition_upload_report.html",
        too_large=too_large,
        filename=filename,
        form_names=sorted(forms or {}),
        report=report,
        tests=tests,
        token=token,
        edited=edited,
    )
    return page, 200 if token and tests.ok else 422


@bp.post(PREFIX + "/tai-len/trien-khai")
def definition_deploy():
    """Triển khai: deploy exactly the content of a report that allowed it; anything else is refused."""
    require(DEFINITION_EDITORS)
    try:
        upload = _signer().loads(request.form.get("upload", ""), max_age=UPLOAD_MAX_AGE)
    except BadSignature:
        abort(400, description=UPLOAD_REFUSED)
    if upload.get("user") != me().username:  # a report is confirmed by the analyst who read it
        abort(400, description=UPLOAD_REFUSED)
    forms = {name: raw.encode("latin-1") for name, raw in upload["forms"].items()} or None
    note = None
    if upload["failing"]:
        reason = request.form.get(REASON_FIELD, "").strip()
        if not reason or len(reason) > REASON_MAX:
            abort(400, description=REASON_REQUIRED)
        note = f"Triển khai khi {len(upload['failing'])} kịch bản kiểm thử không đạt: {reason}"
    with transaction() as session:
        results = definitions.deploy(
            session=session,
            settings=system().settings,
            data=upload["data"].encode("latin-1"),
            filename=upload["filename"],
            actor=me().username,
            forms=forms,
            note=note,
        )
        done = [
            (r.definition.process_id, r.definition.name, r.definition.version, r.created) for r in results
        ]
    for _, name, version, created in done:
        if created:
            flash(f"Đã triển khai {name}: phiên bản v{version}.", "success")
        else:
            flash(f"{name}: nội dung trùng phiên bản mới nhất (v{version}), không tạo phiên bản mới.", "info")
    return redirect(url_for("pages.definition_process", process_id=done[0][0], draft=upload.get("edited")))


def _edited_definition() -> int | None:
    """The stored version the editor was opened on (its hidden field), or None for a plain upload."""
    raw = request.form.get(EDITED_FIELD)
    if raw is None:
        return None
    try:
        definition_id = int(raw)
    except ValueError:
        abort(400, description=EDITED_REFUSED)
    if not 0 < definition_id <= MAX_ID:  # an id no row can carry: refused before it reaches SQL
        abort(400, description=EDITED_REFUSED)
    try:
        with reading() as session:
            return definitions.get_or_raise(session=session, definition_id=definition_id).id
    except NotFoundError:
        abort(400, description=EDITED_REFUSED)


def deployers(session: Session, rows: list[ProcessDefinition]) -> dict[str, str]:
    """deployed_by -> the person's full name, or what the program that deployed is called."""
    return {**PROGRAM_ACTORS, **full_names(session, {d.deployed_by for d in rows if d.deployed_by})}


class _ClockSigner(TimestampSigner):
    """Timestamps from engine.clock, so that tests move time instead of waiting."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="definition-upload", signer=_ClockSigner)


def form_summary(name: str, schema: object) -> dict:
    """A form file as the version page lists it: its title and fields, or a UI schema (no fields)."""
    is_schema = isinstance(schema, dict) and isinstance(schema.get("properties"), dict)
    return {
        "name": name,
        "title": schema.get("title", "") if isinstance(schema, dict) else "",
        "fields": form_fields(schema) if is_schema else None,
    }


def form_fields(schema: dict, root: dict | None = None, depth: int = 0) -> list[dict]:
    """The fields of a JSON Schema object in order: name, title, type in words, required, sub-fields
    (of an object, or of each item of a list), following the schema's own "#/..." references."""
    root = root if root is not None else schema
    if depth > MAX_FIELD_DEPTH:  # a schema that refers to itself (a tree) is listed a few levels deep
        return []
    required = set(schema.get("required") or [])
    fields = []
    for name, prop in schema.get("properties", {}).items():
        prop = _resolved(prop, root)
        if not isinstance(prop, dict):
            continue
        items = _resolved(prop.get("items"), root)
        inner = items if isinstance(items, dict) else prop
        fields.append(
            {
                "name": name,
                "title": prop.get("title", ""),
                "type": _type_words(prop),
                "required": name in required,
                "fields": form_fields(inner, root, depth + 1)
                if isinstance(inner.get("properties"), dict)
                else [],
            }
        )
    return fields


def _resolved(node: object, root: dict, hops: int = 0) -> object:
    """A local "$ref" ("#/$defs/task") replaced by what it names (its own keywords kept); else as it is."""
    ref = node.get("$ref") if isinstance(node, dict) else None
    if not isinstance(ref, str) or not ref.startswith("#/") or hops > MAX_FIELD_DEPTH:
        return node
    target: object = root
    for part in ref[2:].split("/"):
        target = target.get(part.replace("~1", "/").replace("~0", "~")) if isinstance(target, dict) else None
    if not isinstance(target, dict):
        return node
    own = {key: value for key, value in node.items() if key != "$ref"}
    return _resolved({**target, **own}, root, hops + 1)


def _type_words(prop: dict) -> str:
    kinds = prop.get("type", [])
    kinds = [kinds] if isinstance(kinds, str) else [k for k in kinds if isinstance(k, str)]
    words = [
        FORMAT_NAMES.get(prop.get("format"), TYPE_NAMES.get(k, k)) if k == "string" else TYPE_NAMES.get(k, k)
        for k in kinds
    ]
    choices = prop.get("enum") or prop.get("oneOf")
    if isinstance(choices, list):
        words.append(f"chọn trong {len(choices)} giá trị")
    return ", ".join(words)
