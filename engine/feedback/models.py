"""P4 data corrections (Đ8) and P6 local feedback (Đ21.3)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    ForeignKey,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime
from engine.history import Tracked


class DataCorrection(Tracked, Base):
    """P4 (Đ8): VP finds data of an assignment wrong or incomplete and the unit corrects it."""

    __tablename__ = "data_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    problem: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    correction: Mapped[str | None] = mapped_column(Text, nullable=True)
    corrected_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    corrected_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="requested")  # requested | corrected | accepted
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), nullable=True)


class LocalFeedback(Tracked, Base):
    """P6 (Đ21.3, Đ19.5): a local unit tells VP a sở is late; VP answers within T5 of `received_at`."""

    __tablename__ = "local_feedbacks"

    id: Mapped[int] = mapped_column(primary_key=True)
    from_unit: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    about_unit: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"), nullable=True)
    content: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    response_due: Mapped[date] = mapped_column(Date)
    # urging_letter | direction_request
    response_kind: Mapped[str | None] = mapped_column(String(30), nullable=True)
    response: Mapped[str | None] = mapped_column(Text, nullable=True)
    responded_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    submitted_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), nullable=True)
