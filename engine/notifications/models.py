from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime


class Notification(Base):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_group: Mapped[str | None] = mapped_column(String(100), index=True, nullable=True)
    recipient_unit: Mapped[str | None] = mapped_column(String(50), index=True, nullable=True)
    # One named user (a username), for what concerns a person rather than a role: the tracking
    # specialist of an assignment, the assignee of a claimed user task.
    recipient_user: Mapped[str | None] = mapped_column(String(100), index=True, nullable=True)
    kind: Mapped[str] = mapped_column(String(100))
    message: Mapped[str] = mapped_column(Text)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
