"""Directive documents and assignments: the tracking database that lists and reports query."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.errors import ConflictError, NotFoundError, SecretDocumentRefused, ValidationError
from engine.instances import service as instances
from engine.tracking.models import Assignment, AssignmentUnit, Document, Unit
from engine.tracking.schemas import DOCUMENT_IN
from engine.validation import validate

# Độ mật that Đ5.2 keeps out of the system, compared without diacritics or case.
SECRET_LEVELS = {"mat", "toi mat", "tuyet mat"}


def register_document(
    *, session: Session, engine: instances.Engine, payload: dict[str, Any], actor: str | None
) -> Document:
    """Store a directive document and start its intake (P1); a secret one is refused and nothing is kept."""
    refuse_secret(payload.get("secrecy"))
    for task in payload.get("tasks", []) if isinstance(payload.get("tasks"), list) else []:
        refuse_secret(task.get("secrecy") if isinstance(task, dict) else None)
    validate(DOCUMENT_IN, payload, message="Dữ liệu văn bản không hợp lệ")
    unknown = unknown_units(session, payload.get("tasks", []))
    if unknown:
        raise ValidationError("Đơn vị không có trong danh mục", fields=unknown)
    external_id = payload.get("external_id")
    if external_id and session.scalar(select(Document.id).where(Document.external_id == external_id)):
        raise ConflictError(f"document {external_id!r} was already registered")
    tasks = [
        {
            "content": t["content"],
            "lead_unit": t.get("lead_unit"),
            "coordinating_units": t.get("coordinating_units", []),
            "due_date": t.get("due_date"),
        }
        for t in payload.get("tasks", [])
    ]
    document = Document(
        external_id=external_id,
        number=payload["number"],
        doc_type=payload["doc_type"],
        title=payload["title"],
        issued_on=date.fromisoformat(payload["issued_on"]),
        signer=payload.get("signer", ""),
        submitting_agency=payload.get("submitting_agency"),
        urgency=payload.get("urgency"),
        needs_consultation=bool(payload.get("needs_consultation", False)),
        draft_tasks=tasks,
        created_by=actor,
        created_at=clock.now(),
    )
    session.add(document)
    session.flush()
    instance = instances.start(
        session=session,
        engine=engine,
        process_id="intake",
        data={
            "document": document_data(document),
            "issued_on": document.issued_on,
            "needs_consultation": document.needs_consultation,
        },
        actor=actor,
        business_key=f"document:{document.id}",
    )
    document.intake_instance_id = instance.id
    return document


def refuse_secret(secrecy: Any) -> None:
    """Đ5.2: documents classified Mật, Tối mật or Tuyệt mật never enter the system."""
    if isinstance(secrecy, str) and _fold(secrecy) in SECRET_LEVELS:
        raise SecretDocumentRefused(
            f"Văn bản có độ mật '{secrecy}' không được cập nhật vào hệ thống (Điều 5 khoản 2 Quy chế "
            "35/2015/QĐ-UBND); không có thông tin nào của văn bản được lưu.",
            fields={"secrecy": "văn bản mật không được nhập vào hệ thống (Đ5.2)"},
        )


def document_data(document: Document) -> dict[str, Any]:
    """The document as process data and API output (dates as ISO text)."""
    return {
        "id": document.id,
        "external_id": document.external_id,
        "number": document.number,
        "doc_type": document.doc_type,
        "title": document.title,
        "issued_on": document.issued_on.isoformat(),
        "signer": document.signer,
        "submitting_agency": document.submitting_agency,
        "urgency": document.urgency,
        "needs_consultation": document.needs_consultation,
        "draft_tasks": document.draft_tasks,
        "intake_instance_id": document.intake_instance_id,
    }


def get_document_or_raise(*, session: Session, document_id: int) -> Document:
    document = session.get(Document, document_id)
    if document is None:
        raise NotFoundError(f"no document {document_id}")
    return document


def list_documents(*, session: Session, limit: int = 50, offset: int = 0) -> list[Document]:
    return list(session.scalars(select(Document).order_by(Document.id.desc()).limit(limit).offset(offset)))


def assignments_of(*, session: Session, document_id: int) -> list[Assignment]:
    return list(
        session.scalars(
            select(Assignment).where(Assignment.document_id == document_id).order_by(Assignment.seq)
        )
    )


def units_of(*, session: Session, assignment_ids: list[int]) -> dict[int, list[AssignmentUnit]]:
    rows = session.scalars(select(AssignmentUnit).where(AssignmentUnit.assignment_id.in_(assignment_ids)))
    found: dict[int, list[AssignmentUnit]] = {i: [] for i in assignment_ids}
    for row in rows:
        found[row.assignment_id].append(row)
    return found


def list_units(*, session: Session) -> list[Unit]:
    return list(session.scalars(select(Unit).order_by(Unit.unit_type, Unit.name)))


def unknown_units(session: Session, tasks: list[dict]) -> dict[str, str]:
    """{field path: problem} for every lead or coordinating unit code not in the directory."""
    codes = {t.get("lead_unit") for t in tasks} | {c for t in tasks for c in t.get("coordinating_units", [])}
    known = set(session.scalars(select(Unit.code).where(Unit.code.in_(sorted(c for c in codes if c)))))
    fields = {}
    for i, task in enumerate(tasks):
        if task.get("lead_unit") and task["lead_unit"] not in known:
            fields[f"tasks/{i}/lead_unit"] = f"không có đơn vị mã {task['lead_unit']!r}"
        for j, code in enumerate(task.get("coordinating_units", [])):
            if code not in known:
                fields[f"tasks/{i}/coordinating_units/{j}"] = f"không có đơn vị mã {code!r}"
    return fields


def _fold(text: str) -> str:
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return " ".join(stripped.replace("đ", "d").replace("Đ", "D").replace("_", " ").lower().split())
