"""Directive documents as registered for tracking."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime
from engine.history import Tracked
from engine.search.columns import SEARCH_TEXT, SEARCH_TEXT_OPTIONS


class Document(Tracked, Base):
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
    # The leader who gave the document's tasks (Đ1.1); its assignments take it unless VP names another.
    leader_code: Mapped[str | None] = mapped_column(ForeignKey("leaders.code"), nullable=True)
    urgency: Mapped[str | None] = mapped_column(String(50), nullable=True)
    needs_consultation: Mapped[bool] = mapped_column(Boolean, default=False)
    draft_tasks: Mapped[list] = mapped_column(JSON, default=list)
    # Tệp đính kèm of the document: the metadata of its files (engine.files); None on rows from before.
    attachments: Mapped[list | None] = mapped_column(JSON, nullable=True)
    intake_instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), nullable=True)
    created_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Folded words for search (engine.search.texts), rewritten on every write by engine.search.upkeep.
    search_text: Mapped[str] = mapped_column(SEARCH_TEXT, **SEARCH_TEXT_OPTIONS)
