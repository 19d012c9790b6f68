"""Văn bản chỉ đạo: the list, one document with its assignments, and Tiếp nhận văn bản."""

from __future__ import annotations

import copy

from flask import flash, jsonify, render_template, request, url_for
from sqlalchemy import select

from engine.assignments import service as assignment_service
from engine.assignments.models import COORDINATING
from engine.directory import leaders
from engine.directory import units as directory_units
from engine.documents import listing as document_list
from engine.documents import secrecy
from engine.documents import service as document_service
from engine.documents.schemas import DOCUMENT_IN
from engine.errors import DuplicateDocumentError, ValidationError
from engine.instances import service as instances
from engine.instances.models import ProcessInstance
from engine.web.api import reading, system, transaction
from engine.web.pages import listing
from engine.web.pages.common import (
    DOCUMENT_READERS,
    DOCUMENT_WRITERS,
    INSTANCE_STATUS,
    INSTANCE_WATCHERS,
    PAGE_SIZE,
    bp,
    full_names,
    json_body,
    me,
    page_offset,
    require,
    today,
    unit_directory,
)
from engine.web.pages.files import upload_config

PROGRESS = {"not_started": "Chưa thực hiện", "in_progress": "Đang thực hiện", "done": "Đã hoàn thành"}
DEADLINE_KIND = {"completion": "Hạn hoàn thành", "report": "Hạn báo cáo", "submission": "Hạn trình"}
# Đ3.2: the kinds of directive documents; Độ khẩn as the document system names them.
DOC_TYPES = [
    "Quyết định",
    "Chỉ thị",
    "Chương trình",
    "Kế hoạch",
    "Công văn",
    "Công điện",
    "Thông báo kết luận",
    "Ý kiến chỉ đạo trực tiếp",
]
URGENCY = ["Thường", "Khẩn", "Thượng khẩn", "Hỏa tốc"]


# The filter bar's "Phân loại" choices: classified (split into assignments) or not yet.
CLASSIFIED = {"yes": True, "no": False}


@bp.get("/documents")
def documents():
    """Văn bản chỉ đạo, newest first: searched, filtered by type, issue date and classification, sorted
    by a column, paged with the total."""
    require(DOCUMENT_READERS)
    typed, words = listing.search_box()
    doc_type = request.args.get("doc_type") if request.args.get("doc_type") in DOC_TYPES else None
    issued_from, issued_to = listing.day_range("issued_from", "issued_to")
    classified = request.args.get("classified") if request.args.get("classified") in CLASSIFIED else None
    sort = listing.chosen_sort(document_list.SORTS)
    offset = page_offset()
    chosen = document_list.DocumentFilters(
        words=words,
        doc_type=doc_type,
        issued_from=issued_from,
        issued_to=issued_to,
        classified=CLASSIFIED.get(classified or ""),
    )
    with reading() as session:
        rows = document_service.list_documents(
            session=session, filters=chosen, sort=sort, limit=PAGE_SIZE, offset=offset
        )
        ids = [d.intake_instance_id for d in rows if d.intake_instance_id]
        status = dict(
            session.execute(
                select(ProcessInstance.id, ProcessInstance.status).where(ProcessInstance.id.in_(ids))
            ).all()
        )
        filter_args = {
            "q": typed or None,
            "doc_type": doc_type,
            "issued_from": issued_from.isoformat() if issued_from else None,
            "issued_to": issued_to.isoformat() if issued_to else None,
            "classified": classified,
        }
        return render_template(
            "documents.html",
            rows=rows,
            status=status,
            offset=offset,
            total=document_list.count(session=session, filters=chosen),
            q=typed,
            doc_type=doc_type,
            doc_types=DOC_TYPES,
            issued_from=issued_from,
            issued_to=issued_to,
            classified=classified,
            sort=sort,
            filter_args=filter_args,
            page_args={**filter_args, **listing.sort_args(sort)},
            filtered=any(filter_args.values()),
        )


@bp.get("/documents/<int:document_id>")
def document(document_id: int):
    """One document: fields a–e and its assignments (or its draft tasks before classification)."""
    require(DOCUMENT_READERS)
    with reading() as session:
        doc = document_service.get_document_or_raise(session=session, document_id=document_id)
        assignments = assignment_service.assignments_of(session=session, document_id=document_id)
        units = assignment_service.units_of(session=session, assignment_ids=[a.id for a in assignments])
        intake = None
        if doc.intake_instance_id:
            intake = instances.get_or_raise(session=session, instance_id=doc.intake_instance_id)
        return render_template(
            "document.html",
            doc=doc,
            assignments=assignments,
            coordinating={
                i: sorted(u.unit_code for u in rows if u.role == COORDINATING) for i, rows in units.items()
            },
            unit_names={u.code: u.name for u in directory_units.list_units(session=session)},
            leader_names=leaders.leader_names(session=session),
            sector_names=leaders.sector_names(session=session),
            intake=intake,
            progress=PROGRESS,
            deadline_kind=DEADLINE_KIND,
            instance_status=INSTANCE_STATUS,
            can_watch=me().in_any(tuple(INSTANCE_WATCHERS)),
            # Who registered it and who tracks each assignment, by full name (usernames are not for pages).
            people=full_names(session, {doc.created_by, *(a.tracking_specialist for a in assignments)}),
        )


@bp.route("/documents/new", methods=["GET", "POST"])
def new_document():
    """Tiếp nhận văn bản: the form is rendered by form.js; register_document validates and refuses secrets."""
    require(DOCUMENT_WRITERS)
    if request.method == "POST":
        payload = json_body("văn bản")
        try:
            with transaction() as session:
                doc = document_service.register_document(
                    session=session, engine=system().engine, payload=payload, actor=me().username
                )
                number, doc_id = doc.number, doc.id
        except DuplicateDocumentError as exc:
            raise duplicate_on_page(exc) from exc
        flash(f"Đã tiếp nhận văn bản số {number} và bắt đầu quy trình phân loại.", "success")
        return jsonify(ok=True, redirect=url_for("pages.document", document_id=doc_id))
    with reading() as session:
        units = unit_directory(session)
        given_by = leaders.leader_choices(session=session)
    schema, ui = document_form(given_by)
    form = {
        "schema": schema,
        "ui": ui,
        "data": {"issued_on": today().isoformat(), "secrecy": secrecy.NORMAL},
        "units": units,
        "readonly": False,
        "submitUrl": url_for("pages.new_document"),
        "submitLabel": "Tiếp nhận văn bản",
        "files": upload_config(document=True),  # for "ui:widget": "files" (static/form-files.js)
    }
    return render_template("document_new.html", form=form)


def duplicate_on_page(exc: DuplicateDocumentError) -> ValidationError:
    """The page's form shows a refusal beside a field: the duplicate's message goes to confirm_duplicate
    (static/form-duplicate.js then shows it with the checkbox "Vẫn tiếp nhận văn bản này"), the address of
    the registered document to its "document" part, the link."""
    link = url_for("pages.document", document_id=exc.details["document_id"])
    fields = {"confirm_duplicate": exc.message, "confirm_duplicate/document": link}
    return ValidationError("Văn bản này có thể đã được tiếp nhận", fields=fields)


def document_form(given_by: list[leaders.Choice] | None = None) -> tuple[dict, dict]:
    """DOCUMENT_IN as a page form: closed lists become choices, units are picked from the directory, the
    leader who gave the tasks from the active leaders (`given_by`, the collective first)."""
    schema = copy.deepcopy(DOCUMENT_IN)
    props = schema["properties"]
    props.pop("external_id")
    props.pop("leader_code")
    if given_by:  # a required choice once the directory has leaders (engine.directory.leaders)
        props["leader_code"] = {
            "title": "Lãnh đạo giao nhiệm vụ",
            "description": "UBND tỉnh (tập thể), Chủ tịch hoặc Phó Chủ tịch UBND tỉnh đã giao các nhiệm vụ "
            "của văn bản (khoản 1 Điều 1).",
            "type": "string",
            "oneOf": [{"const": c.code, "title": c.label} for c in given_by],
        }
        schema["required"] = [*schema["required"], "leader_code"]
    props["doc_type"] = {"title": "Loại văn bản", "type": "string", "oneOf": _choices(DOC_TYPES)}
    props["secrecy"] = {
        secrecy.MARKER: True,
        "title": "Độ mật",
        "type": "string",
        "description": "Văn bản Mật, Tối mật, Tuyệt mật không được nhập vào hệ thống (khoản 2 Điều 5).",
        "oneOf": secrecy.choices(),
    }
    props["urgency"] = {
        "title": "Độ khẩn",
        "type": ["string", "null"],
        "oneOf": [{"type": "null", "title": "(Không)"}, *_choices(URGENCY)],
    }
    # The API's help names its upload call and codes; a page's speaks of what the person does.
    props["attachments"]["description"] = "Bản điện tử của văn bản và tài liệu kèm theo."
    props["confirm_duplicate"].pop("description")
    props["tasks"]["items"]["title"] = "Nhiệm vụ"
    task_props = props["tasks"]["items"]["properties"]
    task_props["lead_unit"]["title"] = "Đơn vị chủ trì"
    task_props["lead_unit"]["description"] = "Để trống nếu chưa xác định; Văn phòng bổ sung khi phân loại."
    task_props["coordinating_units"]["title"] = "Đơn vị phối hợp"
    task_props["due_date"]["description"] = "Để trống nếu nhiệm vụ không có thời hạn."
    task_props["secrecy"] = {
        secrecy.MARKER: True,
        "title": "Độ mật của nhiệm vụ",
        "type": ["string", "null"],
        "oneOf": [{"type": "null", "title": "(Như văn bản)"}, *secrecy.choices()],
    }
    ui = {
        "ui:order": [
            "confirm_duplicate",  # shown only when the server finds the document registered already
            "number",
            "doc_type",
            "title",
            "issued_on",
            "leader_code",
            "signer",
            "submitting_agency",
            "urgency",
            "secrecy",
            "needs_consultation",
            "attachments",
            "tasks",
        ],
        "attachments": {"ui:widget": "files"},
        "confirm_duplicate": {"ui:widget": "duplicate"},  # static/form-duplicate.js
        "title": {"ui:widget": "textarea", "ui:options": {"rows": 3}},
        "tasks": {
            "items": {
                "ui:order": ["content", "lead_unit", "coordinating_units", "due_date", "secrecy"],
                "content": {"ui:widget": "textarea", "ui:options": {"rows": 3}},
                "lead_unit": {"ui:widget": "unit"},
                "coordinating_units": {"ui:widget": "units", "ui:options": {"exclude": "lead_unit"}},
            }
        },
    }
    return schema, ui


def _choices(values: list[str]) -> list[dict]:
    return [{"const": v, "title": v} for v in values]
