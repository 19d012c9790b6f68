"""Tracking rows written straight to the tables, for tests that need assignments in a given state without
walking the processes that normally create them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from engine.assignments.models import Assignment, AssignmentUnit
from engine.documents.models import Document

CREATED = datetime(2025, 3, 3, 2, 0, tzinfo=UTC)


def add_document(
    session: Session,
    *,
    number: str = "15/KH-UBND",
    title: str = "Kế hoạch cải cách hành chính",
    issued_on: date = date(2025, 3, 1),
    created_at: datetime = CREATED,
    **fields,
) -> Document:
    document = Document(
        number=number, doc_type="Kế hoạch", title=title, issued_on=issued_on, created_at=created_at, **fields
    )
    session.add(document)
    session.flush()
    return document


def add_assignment(
    session: Session,
    document: Document,
    *,
    seq: int,
    lead: str,
    content: str | None = None,
    due: date | None = None,
    effective_due: date | None = None,
    coordinating: tuple[str, ...] = (),
    created_at: datetime = CREATED,
    **fields,
) -> Assignment:
    """An assignment of `document` led by `lead`, with its lead and coordinating unit rows. The effective
    due date defaults to `due` (pass it when `due` falls on a day off); progress follows completion."""
    fields.setdefault("progress", "done" if fields.get("completed_on") else "in_progress")
    assignment = Assignment(
        document_id=document.id,
        seq=seq,
        content=content or f"Nhiệm vụ {seq}",
        lead_unit_code=lead,
        has_deadline=due is not None,
        must_report=fields.pop("must_report", True),
        due_date=due,
        effective_due_date=effective_due or due,
        tracking_room="Phòng Tổng hợp",
        tracking_specialist="cv",
        created_at=created_at,
        **fields,
    )
    session.add(assignment)
    session.flush()
    session.add(AssignmentUnit(assignment_id=assignment.id, unit_code=lead, role="lead"))
    session.add_all(
        AssignmentUnit(assignment_id=assignment.id, unit_code=code, role="coordinating")
        for code in coordinating
    )
    session.flush()
    return assignment
