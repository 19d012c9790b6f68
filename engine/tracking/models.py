from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime

# Progress (Đ5.1.g); timeliness is computed against the effective due date, never stored.
NOT_STARTED, IN_PROGRESS, DONE = "not_started", "in_progress", "done"
LEAD, COORDINATING = "lead", "coordinating"


class Unit(Base):
    """A unit that receives tasks; its type is data, since the administrative map changes (2025)."""

    __tablename__ = "units"

    code: Mapped[str] = mapped_column(String(50), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    unit_type: Mapped[str] = mapped_column(String(100))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"), nullable=True)
    active_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    active_to: Mapped[date | None] = mapped_column(Date, nullable=True)


class Document(Base):
    """A directive document (văn bản chỉ đạo, Đ5.1.a-b). Secret documents never get here (Đ5.2)."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(200), unique=True, nullable=True)
    number: Mapped[str] = mapped_column(String(100), index=True)
    doc_type: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(Text)
    issued_on: Mapped[date] = mapped_column(Date, index=True)
    signer: Mapped[str] = mapped_column(String(200), default="")
    submitting_agency: Mapped[str | None] = mapped_column(String(300), nullable=True)
    urgency: Mapped[str | None] = mapped_column(String(50), nullable=True)
    needs_consultation: Mapped[bool] = mapped_column(Boolean, default=False)
    draft_tasks: Mapped[list] = mapped_column(JSON, default=list)
    intake_instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), nullable=True)
    created_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Assignment(Base):
    """A tracked task (nhiệm vụ, Đ5.1.c-h) born from a document at classification."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("document_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)
    lead_unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    has_deadline: Mapped[bool] = mapped_column(Boolean)
    must_report: Mapped[bool] = mapped_column(Boolean)
    deadline_kind: Mapped[str | None] = mapped_column(String(50), nullable=True)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    effective_due_date: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    tracking_room: Mapped[str] = mapped_column(String(200))
    tracking_specialist: Mapped[str] = mapped_column(String(100))
    progress: Mapped[str] = mapped_column(String(20), default=NOT_STARTED)
    completed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AssignmentUnit(Base):
    """Lead and coordinating units of an assignment, so a unit's scope is an indexed query (Đ9.2)."""

    __tablename__ = "assignment_units"

    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), primary_key=True
    )
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(20))
