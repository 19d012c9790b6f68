from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime

# What an upload was made for (purpose), and what it belongs to (subject), which decides who may read it
# (engine.files.scope).
FOR_TASK, FOR_DOCUMENT, FOR_COORDINATION, FOR_START = "task", "document", "coordination", "start"
ASSIGNMENT, INSPECTION, REPORT_ROUND, DOCUMENT, INSTANCE = (
    "assignment",
    "inspection",
    "report_round",
    "document",
    "instance",
)
LOCAL_FEEDBACK, DATA_CORRECTION = "local_feedback", "data_correction"  # records a start form creates


class StoredFile(Base):
    """One uploaded file: who sent it, when, for what, and its checked size, type and SHA-256. The bytes
    live in the store (engine.files.storage) under their SHA-256; rows are never updated but to bind the
    file to what it belongs to, and never deleted (kept with history)."""

    __tablename__ = "files"
    __table_args__ = (Index("ix_files_subject", "subject", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))  # sanitised for display (engine.files.kinds)
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(100))  # the kind's canonical type, not the browser's
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    storage_key: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(20))  # task | document | coordination | start
    # The process whose start form it was uploaded for (purpose start), until that start binds it.
    process_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # The ready user task it was uploaded for, its instance and unit (the task's, else the uploader's).
    task_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), nullable=True)
    unit_code: Mapped[str | None] = mapped_column(String(50), nullable=True)
    # What the file belongs to: an assignment, an inspection, a report round, a document, a local feedback
    # or data-correction request, or only the instance; None for a document's or a start form's file until
    # the document is registered or the process started.
    subject: Mapped[str | None] = mapped_column(String(20), nullable=True)
    subject_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When a completed form or a registered document took the file; None while it only was uploaded.
    attached_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
