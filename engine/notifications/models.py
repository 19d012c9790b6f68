"""Notifications that diagrams and the engine raise (for example the T1 escalation to the VP leadership),
what each is about, and who has read them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime


class Notification(Base):
    __tablename__ = "notifications"
    # The writer's duplicate check looks one kind up over the last minute (engine/notifications/writing.py).
    __table_args__ = (Index("ix_notifications_kind_created", "kind", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_group: Mapped[str | None] = mapped_column(String(100), index=True, nullable=True)
    recipient_unit: Mapped[str | None] = mapped_column(String(50), index=True, nullable=True)
    # One named user (a username), for what concerns a person rather than a role: the tracking
    # specialist of an assignment, the assignee of a claimed user task.
    recipient_user: Mapped[str | None] = mapped_column(String(100), index=True, nullable=True)
    kind: Mapped[str] = mapped_column(String(100))
    message: Mapped[str] = mapped_column(Text)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), nullable=True)
    # What the notification is about, stored by its writer, so that opening it leads there: the user task
    # it names, else the assignment, else the document (engine/notifications/targets.py).
    task_id: Mapped[str | None] = mapped_column(ForeignKey("user_tasks.id"), nullable=True)
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"), nullable=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class NotificationRead(Base):
    """One user has opened one notification. A group's notification is shared by everyone in the group,
    so whether it was read is kept per reader, not on the notification."""

    __tablename__ = "notification_reads"

    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    notification_id: Mapped[int] = mapped_column(
        ForeignKey("notifications.id", ondelete="CASCADE"), primary_key=True
    )
    read_at: Mapped[datetime] = mapped_column(UTCDateTime)


class NotificationCursor(Base):
    """Everything up to `read_through` counts as read for this user ("Đánh dấu tất cả là đã đọc"): one row
    however many notifications that covers, and the reads below it can go."""

    __tablename__ = "notification_cursors"

    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    read_through: Mapped[int] = mapped_column(Integer)
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime)
