from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime


class ProcessDefinition(Base):
    """One deployed version of one process. Content equal to the newest version is not stored again;
    equal to an older one, it is a rollback: a new version whose source_definition_id names the old."""

    __tablename__ = "process_definitions"
    __table_args__ = (
        UniqueConstraint("process_id", "version"),
        Index("ix_process_definitions_content_hash", "process_id", "content_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(500), default="")
    filename: Mapped[str] = mapped_column(String(500))
    content_hash: Mapped[str] = mapped_column(String(64))
    bpmn_xml: Mapped[bytes] = mapped_column(LargeBinary)
    forms: Mapped[dict] = mapped_column(JSON, default=dict)  # {file name: JSON schema}, kept with the version
    # {called process id: definition id} fixed at deploy time, so an instance never changes under foot.
    dependencies: Mapped[dict] = mapped_column(JSON, default=dict)
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deployed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    # Why it was deployed although scenario tests failed (the analyst's own words), else None.
    deploy_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    source_definition_id: Mapped[int | None] = mapped_column(
        ForeignKey("process_definitions.id"), nullable=True
    )
