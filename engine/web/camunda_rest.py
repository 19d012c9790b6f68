"""The part of Camunda 7's REST API that Camunda Modeler's Deploy button calls, so analysts can deploy to
theodoi straight from the Modeler (endpoint URL <theodoi>/engine-rest).

The Modeler tests the connection with GET /deployment?maxResults=0 and GET /version, then posts the
diagram and its attached files as multipart to POST /deployment/create. Uploads go through the same
validation and deploy as the API's, with the analyst's permissions; answers and refusals take Camunda's
shapes, because the Modeler reads those (it logs an error's `message`, so every problem is listed there).
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from flask import Blueprint, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException, InternalServerError

from engine import errors
from engine.auth import service as auth
from engine.definitions import service
from engine.definitions.models import ProcessDefinition
from engine.definitions.views import ANALYSTS
from engine.web.api import authenticate_bearer, reading, sign_in_attempt, system, transaction
from engine.web.errors import status_of

bp = Blueprint("camunda_rest", __name__, url_prefix="/engine-rest")

# The Camunda 7 release whose deployment API this subset follows; the Modeler reads it to pick the
# engine version it checks diagrams against.
CAMUNDA_VERSION = "7.21.0"
DIAGRAM_SUFFIXES = (".bpmn", ".bpmn20.xml")
FORM_SUFFIX = ".json"
# Camunda's exception names, which clients show as the kind of error.
ERROR_TYPES: list[tuple[type[errors.EngineError], str]] = [
    (errors.AuthenticationError, "AuthenticationException"),
    (errors.PermissionDeniedError, "AuthorizationException"),
    (errors.ValidationError, "InvalidRequestException"),
    (errors.NotFoundError, "InvalidRequestException"),
]


@bp.before_request
def require_analyst() -> None:
    """Every call needs a theodoi user (HTTP Basic password or API token) who may deploy."""
    principal = g.principal = _principal()
    if not principal.is_admin and not principal.roles.intersection(ANALYSTS):
        raise errors.PermissionDeniedError(
            f"Người dùng {principal.full_name} không có quyền triển khai quy trình "
            "(cần vai trò Chuyên viên nghiệp vụ hoặc Quản trị hệ thống)."
        )


def _principal() -> auth.Principal:
    header = request.headers.get("Authorization", "")
    if not header:
        raise errors.AuthenticationError(
            "Cần đăng nhập: HTTP Basic (tên đăng nhập và mật khẩu theodoi) hoặc Bearer (API token theodoi)"
        )
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() != "basic":
        return authenticate_bearer()  # Bearer: theodoi's API token, checked exactly as the API checks it
    try:
        username, colon, password = base64.b64decode(credentials, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        colon = ""
    if not colon:
        raise errors.AuthenticationError("Thông tin đăng nhập HTTP Basic không đọc được")
    with transaction() as session:  # throttled like /login: a Basic header is a password guess too
        outcome = sign_in_attempt(session, username, password)
    return auth.principal(outcome.user_or_raise())


@bp.get("/version")
def version():
    return jsonify(version=CAMUNDA_VERSION)


@bp.get("/deployment")
def list_deployments():
    """Deployed versions, newest first, as Camunda deployments (one per version)."""
    first, limit = _int_arg("firstResult", 0), _int_arg("maxResults", None)
    with reading() as session:
        rows = sorted(service.list_(session=session), key=lambda d: d.id, reverse=True)
        window = rows[first:] if limit is None else rows[first : first + limit]
        return jsonify([_deployment(d.process_id, d.deployed_at, str(d.id), "") for d in window])


@bp.post("/deployment/create")
def create_deployment():
    """Validate every diagram of the upload, then deploy them all, or none (400 listing every problem)."""
    # enable-duplicate-filtering and deploy-changed-only change nothing: theodoi never stores the same
    # content twice (an upload equal to the newest version answers with that version).
    name = request.form.get("deployment-name", "")
    source = request.form.get("deployment-source", "")
    if request.form.get("tenant-id", "").strip():
        raise errors.ValidationError(
            "theodoi không phân chia tenant: để trống ô Tenant ID khi triển khai.",
            fields={"tenant-id": "must be empty"},
        )
    diagrams, forms = _uploaded_files()
    settings = system().settings
    with transaction() as session:
        deployed: list[ProcessDefinition] = []
        problems: list[errors.DiagramProblem] = []
        warnings: list[errors.DiagramProblem] = []
        # Diagram by diagram, so that one calling another uploaded before it finds it deployed.
        for filename, data in diagrams:
            report = service.validate_upload(
                session=session, settings=settings, data=data, filename=filename, forms=forms
            )
            problems += report.problems
            warnings += report.warnings
            if report.ok:
                results = service.deploy(
                    session=session,
                    settings=settings,
                    data=data,
                    filename=filename,
                    actor=g.principal.username,
                    forms=forms,
                )
                deployed += [r.definition for r in results]
        if problems:
            raise UploadRefused(problems, warnings)  # leaves the transaction: nothing of the upload stays
        first = deployed[0]
        body = _deployment(name or first.process_id, first.deployed_at, str(first.id), source)
        body["deployedProcessDefinitions"] = {_definition_id(d): _definition(d) for d in deployed}
    body.update(deployedCaseDefinitions=None, deployedDecisionDefinitions=None)
    body["deployedDecisionRequirementsDefinitions"] = None
    return jsonify(body)


class UploadRefused(errors.InvalidDiagramError):
    """The upload's diagrams have problems; carries the warnings too, for Camunda's per-file report."""

    def __init__(self, problems: list[errors.DiagramProblem], warnings: list[errors.DiagramProblem]) -> None:
        super().__init__(problems)
        self.warnings = warnings


def _uploaded_files() -> tuple[list[tuple[str, bytes]], dict[str, bytes]]:
    """(diagrams, {form file name: content}); other kinds of file are refused, naming each."""
    diagrams, forms, refused = [], {}, []
    for field in request.files:
        for upload in request.files.getlist(field):
            filename = upload.filename or field
            if filename.lower().endswith(DIAGRAM_SUFFIXES):
                diagrams.append((filename, upload.read()))
            elif filename.lower().endswith(FORM_SUFFIX):
                forms[filename] = upload.read()
            else:
                refused.append(filename)
    if refused:
        raise errors.ValidationError(
            "theodoi chỉ triển khai sơ đồ BPMN (.bpmn) và biểu mẫu JSON Schema (.json); không nhận: "
            + ", ".join(refused)
            + ". Biểu mẫu Camunda Forms (.form) cần chuyển thành JSON Schema.",
            fields={name: "unsupported file type" for name in refused},
        )
    if not diagrams:
        raise errors.ValidationError(
            "Không có sơ đồ BPMN (.bpmn) nào trong yêu cầu triển khai", fields={"": "attach a .bpmn file"}
        )
    return diagrams, forms


def _int_arg(name: str, default: int | None) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise errors.ValidationError(
            f"{name} phải là số nguyên không âm", fields={name: "non-negative integer"}
        )
    return value


def _camunda_time(moment: datetime) -> str:
    """Camunda's default date format: 2026-12-07T09:30:00.000+0000."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}" + moment.strftime("%z")


def _deployment(name: str, deployed_at: datetime, deployment_id: str, source: str) -> dict:
    return {
        "links": [],
        "id": deployment_id,
        "name": name,
        "source": source or None,
        "deploymentTime": _camunda_time(deployed_at),
        "tenantId": None,
    }


def _definition_id(d: ProcessDefinition) -> str:
    """Camunda's process definition id, key:version:deployment id."""
    return f"{d.process_id}:{d.version}:{d.id}"


def _definition(d: ProcessDefinition) -> dict:
    return {
        "id": _definition_id(d),
        "key": d.process_id,
        "category": None,
        "description": None,
        "name": d.name,
        "version": d.version,
        "resource": d.filename,
        "deploymentId": str(d.id),
        "diagram": None,
        "suspended": False,
        "tenantId": None,
        "versionTag": None,
        "historyTimeToLive": None,
        "startableInTasklist": True,
    }


def _problem_entry(problem: errors.DiagramProblem) -> dict:
    element_ids = [problem.element_id] if problem.element_id and problem.element_id != "-" else []
    return {
        "message": problem.message,
        "line": problem.line or 0,
        "column": 0,
        "mainElementId": element_ids[0] if element_ids else None,
        "elementIds": element_ids,
    }


def _parse_exception(exc: errors.InvalidDiagramError) -> Response:
    """Camunda's ParseException: the message lists every problem (the Modeler logs it), details by file."""
    warnings = getattr(exc, "warnings", [])
    details: dict[str, dict[str, list]] = {}
    for kind, found in (("errors", exc.problems), ("warnings", warnings)):
        for problem in found:
            details.setdefault(problem.file, {"errors": [], "warnings": []})[kind].append(
                _problem_entry(problem)
            )
    count = len(exc.problems)
    message = "\n".join(
        [f"Sơ đồ không hợp lệ, không có gì được triển khai ({count} lỗi):", *map(str, exc.problems)]
    )
    response = jsonify(type="ParseException", message=message, code=None, details=details)
    response.status_code = 400
    return response


@bp.errorhandler(errors.EngineError)
def camunda_error(exc: errors.EngineError):
    """Our errors in Camunda's shape, {"type", "message"}, with the status the rest of theodoi gives."""
    if isinstance(exc, errors.InvalidDiagramError):
        return _parse_exception(exc)
    kind = next((name for cls, name in ERROR_TYPES if isinstance(exc, cls)), "RestException")
    status = 400 if isinstance(exc, errors.ValidationError) else status_of(exc)
    response = jsonify(type=kind, message=exc.message)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Basic realm="theodoi"'
    if getattr(exc, "retry_after", None) is not None:  # a locked sign-in, a busy database
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


@bp.errorhandler(InternalServerError)  # before the app's 500 page: Camunda clients read JSON
@bp.errorhandler(HTTPException)
def camunda_http_error(exc: HTTPException):
    response = jsonify(type="RestException", message=exc.description or exc.name)
    response.status_code = exc.code or 500
    return response
