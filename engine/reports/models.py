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


class Publication(Base):
    """Công khai kết quả (Đ19.2): one publication of a round's figures, numbered 1, 2, ... per round.
    Immutable: no code updates or deletes one, and database triggers (migration 0025) refuse it; a
    correction (đính chính) is a new publication that names the one it corrects and why. Not Tracked:
    the row is its own record, it never changes."""

    __tablename__ = "publications"
    __table_args__ = (UniqueConstraint("round_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("report_rounds.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    figures: Mapped[list] = mapped_column(JSON)  # a copy of the table rows at publication
    sha256: Mapped[str] = mapped_column(String(64))  # of the canonical JSON of figures (publication.py)
    label: Mapped[str] = mapped_column(String(200))
    window_from: Mapped[date] = mapped_column(Date)
    window_to: Mapped[date] = mapped_column(Date)
    as_of: Mapped[date] = mapped_column(Date)  # Thời gian chốt số liệu: the cut-off the figures stand at
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_by: Mapped[str | None] = mapped_column(String(100), nullable=True)  # unknown for backfilled
    # A correction names the publication it corrects (each is corrected at most once) and the reason.
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("publications.id"), nullable=True, unique=True)
    correction_note: Mapped[str | None] = mapped_column(Text, nullable=True)


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


class AdHocReport(Tracked, Base):
    """Báo cáo đột xuất: the Chairman or VP asks units for a report by a date (Đ19.4, Đ20.1, Đ21.1), for a
    written report on one task (Đ5.1, last paragraph), or for a report in writing under the secrecy regime
    (Đ5.2.b). A secret one holds no content: its subject, requirements and template stay empty, only the
    reference of the paper request, the units and the date are kept."""

    __tablename__ = "ad_hoc_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_kind: Mapped[str] = mapped_column(String(20))  # request | task | secret
    subject: Mapped[str | None] = mapped_column(Text, nullable=True)  # trích yếu yêu cầu
    requirements: Mapped[str | None] = mapped_column(Text, nullable=True)  # nội dung, yêu cầu báo cáo
    reference: Mapped[str | None] = mapped_column(String(100), nullable=True)  # số, ký hiệu văn bản yêu cầu
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"), nullable=True, index=True)
    due_date: Mapped[date] = mapped_column(Date)
    requester_role: Mapped[str] = mapped_column(String(20))  # chairman | vp
    # The requester when they entered it themselves; None when a VP specialist entered it on their behalf.
    requested_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    opened_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    template: Mapped[list] = mapped_column(JSON, default=list)  # đề cương, mẫu báo cáo: file refs
    status: Mapped[str] = mapped_column(String(20), default="requested")  # requested, consolidated, received
    consolidation: Mapped[str | None] = mapped_column(Text, nullable=True)
    consolidation_files: Mapped[list] = mapped_column(JSON, default=list)
    # Who consolidated, when; for a secret request who confirmed VP received the paper reports, when.
    consolidated_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    consolidated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), nullable=True)


class AdHocAnswer(Tracked, Base):
    """One unit's answer to an ad-hoc request; empty until it reaches VP (after its leader's approval where
    the unit's type asks for it). For a secret request only the date the paper report was sent is kept."""

    __tablename__ = "ad_hoc_answers"
    __table_args__ = (UniqueConstraint("report_id", "unit_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("ad_hoc_reports.id"), index=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    content: Mapped[str | None] = mapped_column(Text, nullable=True)
    difficulties: Mapped[str | None] = mapped_column(Text, nullable=True)
    proposals: Mapped[str | None] = mapped_column(Text, nullable=True)
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    sent_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # secret: the paper report's date
    answered_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
