from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime

RUNNING, COMPLETED, ERROR, CANCELLED = "running", "completed", "error", "cancelled"
# The bpmn_id of the waiting timer that runs a deferred start (instances.service.start(deferred=True)).
DEFERRED_START = "deferred_start"


class ProcessInstance(Base):
    """One running (or finished) process; `lock_version` is the optimistic lock of every save."""

    __tablename__ = "process_instances"
    __table_args__ = (Index("ix_process_instances_status_process", "status", "process_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definitions.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(200))
    business_key: Mapped[str | None] = mapped_column(String(200), index=True, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default=RUNNING)
    state: Mapped[str] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(JSON, default=dict)  # final data once completed
    error: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)
    started_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __mapper_args__ = {"version_id_col": lock_version}


class WaitingTimer(Base):
    """The waiting-timer index: rewritten with the instance on every save; the sweep reads only due rows."""

    __tablename__ = "waiting_timers"

    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[int] = mapped_column(
        ForeignKey("process_instances.id", ondelete="CASCADE"), index=True
    )
    bpmn_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(500))
    fire_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class InstanceEvent(Base):
    """The append-only event log: who did what, when, and the data it changed."""

    __tablename__ = "instance_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str | None] = mapped_column(String(100), nullable=True)
    kind: Mapped[str] = mapped_column(String(50))
    bpmn_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    element_name: Mapped[str | None] = mapped_column(String(500), nullable=True)
    task_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
