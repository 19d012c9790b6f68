"""P9 report rounds and submissions, and the secret-report obligations (Đ5.2.b)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime
from engine.history import Tracked


class ReportRound(Tracked, Base):
    """P9: one reporting period (quý, 6 tháng, năm, đột xuất) with its T6/T7 dates and data window."""

    __tablename__ = "report_rounds"
    __table_args__ = (UniqueConstraint("kind", "year", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # quarter | half_year | year | ad_hoc
    year: Mapped[int] = mapped_column(Integer)
    period: Mapped[int] = mapped_column(Integer)  # quarter 1-4, half 1-2, 1 for a year, n for ad hoc
    label: Mapped[str] = mapped_column(String(200))
    window_from: Mapped[date] = mapped_column(Date)
    window_to: Mapped[date] = mapped_column(Date)
    unit_due: Mapped[date] = mapped_column(Date)
    consolidation_due: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | consolidated | published
    figures: Mapped[list | None] = mapped_column(JSON, nullable=True)  # the consolidated table, frozen
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    consolidated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), nullable=True)


class ReportSubmission(Tracked, Base):
    """One unit's report in a round (Đ22.1), due by T6."""

    __tablename__ = "report_submissions"
    __table_args__ = (UniqueConstraint("round_id", "unit_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("report_rounds.id"))
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    due_date: Mapped[date] = mapped_column(Date)
    content: Mapped[str | None] = mapped_column(Text, nullable=True)
    difficulties: Mapped[str | None] = mapped_column(Text, nullable=True)
    proposals: Mapped[str | None] = mapped_column(Text, nullable=True)
    figures: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # the unit's buckets when it submitted
    attachments: Mapped[list | None] = mapped_column(JSON, nullable=True)  # file refs sent with the report
    submitted_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class SecretReportObligation(Tracked, Base):
    """Đ5.2.b: a unit owes VP a written report under the secrecy regime. Only the obligation is stored,
    never any content."""

    __tablename__ = "secret_report_obligations"
    __table_args__ = (UniqueConstraint("unit_code", "kind", "year", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    kind: Mapped[str] = mapped_column(String(20))  # quarter | half_year | year
    year: Mapped[int] = mapped_column(Integer)
    period: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date)
    sent_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # when the unit says it sent the paper
    confirmed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SecretReportPeriod(Tracked, Base):
    """Đ5.2.b: a period whose secret-report obligations were recorded, held even when no unit owed one,
    so that the schedule moves on to the next period."""

    __tablename__ = "secret_report_periods"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_count: Mapped[int] = mapped_column(Integer)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    instance_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
