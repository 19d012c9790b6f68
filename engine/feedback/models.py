"""P4 data corrections (Đ8), P6 local feedback (Đ21.3, Đ19.5), divergent opinions between units (Đ9.1.c)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
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
    # requested | corrected | accepted; a lead unit's request ends corrected (by VP) or kept (explained)
    status: Mapped[str] = mapped_column(String(20), default="requested")
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), nullable=True)
    # Đ8.1.b: the lead unit flags wrong data itself; `problem` is then its reason.
    requested_by_unit: Mapped[str | None] = mapped_column(ForeignKey("units.code"), nullable=True)
    wrong_fields: Mapped[list] = mapped_column(JSON, default=list)  # letters of Đ5.1 a–e
    proposed: Mapped[str | None] = mapped_column(Text, nullable=True)  # what the data should be
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    explanation: Mapped[str | None] = mapped_column(Text, nullable=True)  # VP's answer to the unit


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
    # How VP received it: "he_thong" when the unit sent it online, else a channel of URGING_CHANNELS that
    # VP registered it from (văn bản, điện thoại, thư điện tử); T5 counts from received_on (Đ19.5).
    channel: Mapped[str] = mapped_column(String(20), default="he_thong")
    received_on: Mapped[date] = mapped_column(Date)
    letter_number: Mapped[str | None] = mapped_column(String(100), nullable=True)
    registered_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    attachments: Mapped[list] = mapped_column(JSON, default=list)  # the files sent with the start form


class Divergence(Tracked, Base):
    """Đ9.1.c: units' opinions on a task diverge; VP gathers each unit's position, consolidates and proposes,
    and the Chairman directs."""

    __tablename__ = "divergences"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    question: Mapped[str] = mapped_column(Text)
    positions_due: Mapped[date] = mapped_column(Date)  # the date by which each unit states its position
    opened_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    proposal: Mapped[str | None] = mapped_column(Text, nullable=True)
    proposed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    direction: Mapped[str | None] = mapped_column(Text, nullable=True)
    directed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    directed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | proposed | directed
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), nullable=True)


class DivergencePosition(Tracked, Base):
    """One unit's position on a divergence; `position` stays empty when it did not answer in time."""

    __tablename__ = "divergence_positions"
    __table_args__ = (UniqueConstraint("divergence_id", "unit_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    divergence_id: Mapped[int] = mapped_column(ForeignKey("divergences.id"), index=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    position: Mapped[str | None] = mapped_column(Text, nullable=True)
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    stated_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    stated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
