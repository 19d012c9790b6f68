from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime
from engine.search.columns import SEARCH_TEXT, SEARCH_TEXT_OPTIONS

READY, COMPLETED, CANCELLED = "ready", "completed", "cancelled"
# VP's own groups: a user task of no unit offered only to them is VP's, which its leadership may hand out.
VP_GROUPS = frozenset({"vp_specialist", "vp_leadership"})


class UserTaskRow(Base):
    """The ready-user-task index (and, once closed, its history), rewritten with the instance."""

    __tablename__ = "user_tasks"
    __table_args__ = (
        Index("ix_user_tasks_state_due", "state", "due_at"),
        Index("ix_user_tasks_assignee", "state", "assignee"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the SpiffWorkflow task id
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(200))
    bpmn_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(500))
    lane: Mapped[str | None] = mapped_column(String(200), nullable=True)
    candidate_groups: Mapped[list] = mapped_column(JSON, default=list)
    unit_code: Mapped[str | None] = mapped_column(String(50), index=True, nullable=True)
    assignee: Mapped[str | None] = mapped_column(String(100), nullable=True)
    form: Mapped[str | None] = mapped_column(String(300), nullable=True)
    ui_form: Mapped[str | None] = mapped_column(String(300), nullable=True)
    subject: Mapped[str | None] = mapped_column(String(500), nullable=True)
    instructions: Mapped[str | None] = mapped_column(Text, nullable=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    state: Mapped[str] = mapped_column(String(20), default=READY)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    completed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    submitted: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    # name + subject folded (engine.search.texts), written with the row by engine.instances.saving.
    search_text: Mapped[str] = mapped_column(SEARCH_TEXT, **SEARCH_TEXT_OPTIONS)


class UserTaskGroup(Base):
    """One candidate group of a user task, so the inbox query is an indexed join, not a JSON scan."""

    __tablename__ = "user_task_groups"
    __table_args__ = (Index("ix_user_task_groups_group", "group_name", "user_task_id"),)

    user_task_id: Mapped[str] = mapped_column(
        ForeignKey("user_tasks.id", ondelete="CASCADE"), primary_key=True
    )
    group_name: Mapped[str] = mapped_column(String(100), primary_key=True)
