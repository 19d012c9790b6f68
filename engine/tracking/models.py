from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime
from engine.search.columns import SEARCH_TEXT, SEARCH_TEXT_OPTIONS

# Progress (Đ5.1.g); timeliness is computed against the effective due date, never stored.
NOT_STARTED, IN_PROGRESS, DONE = "not_started", "in_progress", "done"
LEAD, COORDINATING = "lead", "coordinating"
# Where an assignment stands in P2/P3: the lists "chờ tiếp nhận", "bị trả lại" and so on filter on it.
AWAITING_ACCEPTANCE, RETURNED, ACCEPTED, RESULT_REPORTED, CONFIRMED = (
    "awaiting_acceptance",
    "returned",
    "accepted",
    "result_reported",
    "confirmed",
)

# The kinds of đôn đốc (Urging.kind): a reminder to update (T2, R8), a letter, a request for direction.
UPDATE_REMINDER, URGING_LETTER, DIRECTION_REQUEST = "update_reminder", "urging_letter", "direction_request"
# Đ6.2.a: why a unit returns an assignment to VP.
RETURN_REASONS = {"wrong_content": "Nội dung chưa đúng", "not_our_mandate": "Không thuộc chức năng, nhiệm vụ"}


class Tracked:
    """Mixin: every insert, update and delete of the row goes to change_history (tracking.history)."""


class Unit(Tracked, Base):
    """A unit that receives tasks; its type is data, since the administrative map changes (2025)."""

    __tablename__ = "units"

    code: Mapped[str] = mapped_column(String(50), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    unit_type: Mapped[str] = mapped_column(String(100))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"), nullable=True)
    active_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    active_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    # The unit that took over the open assignments when this one ended (a merger, the 2025 reform).
    successor_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"), nullable=True)


class UnitType(Tracked, Base):
    """A kind of unit and whether its units send the periodic reports (Đ22); a type without a row does."""

    __tablename__ = "unit_types"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    sends_reports: Mapped[bool] = mapped_column(Boolean, default=True)
    # Its units are local governments (UBND cấp xã, cấp huyện): they tell VP when a sở, ngành is late on a
    # task concerning them (Đ21.3), so they may pick among the other units' open assignments to say which.
    local_government: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class TrackingRoom(Tracked, Base):
    """A room (phòng) of VP that tracks assignments (Đ5.1.d); an inactive one stays on old assignments."""

    __tablename__ = "tracking_rooms"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


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


class Assignment(Tracked, Base):
    """A tracked task (nhiệm vụ, Đ5.1.c-h) born from a document at classification."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("document_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)
    lead_unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    has_deadline: Mapped[bool] = mapped_column(Boolean)
    must_report: Mapped[bool] = mapped_column(Boolean)
    deadline_kind: Mapped[str | None] = mapped_column(String(50), nullable=True)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    effective_due_date: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    tracking_room: Mapped[str] = mapped_column(String(200))
    tracking_specialist: Mapped[str] = mapped_column(String(100))
    progress: Mapped[str] = mapped_column(String(20), default=NOT_STARTED)
    stage: Mapped[str] = mapped_column(String(30), default=AWAITING_ACCEPTANCE, index=True)
    # The completion date the unit reports (Đ5.1.g); the task counts as done from VP's confirmation on,
    # so a report "as of" a date before confirmed_at still shows it open.
    completed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_update_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), nullable=True)
    created_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # With the units' and the specialist's names: kept right when those change (engine.search.upkeep).
    search_text: Mapped[str] = mapped_column(SEARCH_TEXT, **SEARCH_TEXT_OPTIONS)


class AssignmentUnit(Tracked, Base):
    """Lead and coordinating units of an assignment, so a unit's scope is an indexed query (Đ9.2)."""

    __tablename__ = "assignment_units"

    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), primary_key=True
    )
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(20))


class StatusUpdate(Tracked, Base):
    """A unit's report on an assignment (Đ5.1.g-h, Đ7.2): progress, result, difficulties, files."""

    __tablename__ = "status_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    role: Mapped[str] = mapped_column(String(20))  # lead, or coordinating feeding the lead unit (Đ9.2.b)
    progress: Mapped[str] = mapped_column(String(20))
    situation: Mapped[str] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(Text, nullable=True)
    difficulties: Mapped[str | None] = mapped_column(Text, nullable=True)
    proposals: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The files' metadata: {file_id, name, size, content_type, sha256} (engine.files); rows from before
    # real uploads hold only {name, size, type, ref}, shown by name.
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    completed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    is_result_report: Mapped[bool] = mapped_column(Boolean, default=False)
    reported_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AssignmentReturn(Tracked, Base):
    """A unit returns an assignment to VP (Đ6.2.a) and how VP resolved it (corrected or transferred)."""

    __tablename__ = "assignment_returns"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    reason_kind: Mapped[str] = mapped_column(String(30))  # wrong_content | not_our_mandate
    reason: Mapped[str] = mapped_column(Text)
    returned_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    returned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolution: Mapped[str | None] = mapped_column(String(30), nullable=True)  # corrected | transferred
    resolution_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AssignmentTransfer(Tracked, Base):
    """The lead unit changed hands at `transferred_at`: reports as of an earlier date use `from_unit`."""

    __tablename__ = "assignment_transfers"
    __table_args__ = (Index("ix_assignment_transfers_assignment_at", "assignment_id", "transferred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"))
    from_unit: Mapped[str] = mapped_column(ForeignKey("units.code"))
    to_unit: Mapped[str] = mapped_column(ForeignKey("units.code"))
    reason: Mapped[str] = mapped_column(Text, default="")
    return_id: Mapped[int | None] = mapped_column(ForeignKey("assignment_returns.id"), nullable=True)
    transferred_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    transferred_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Urging(Tracked, Base):
    """Đôn đốc (Đ9-11, Đ19): a T2 reminder, an urging letter, or a request for the Chairman's direction."""

    __tablename__ = "urgings"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # update_reminder | urging_letter | direction_request
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"), nullable=True, index=True)
    feedback_id: Mapped[int | None] = mapped_column(ForeignKey("local_feedbacks.id"), nullable=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    number: Mapped[str | None] = mapped_column(String(100), nullable=True)  # số, ký hiệu of the letter
    content: Mapped[str] = mapped_column(Text)
    issued_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DifficultyReport(Tracked, Base):
    """P7: a unit reports a difficulty and proposes; the leadership gives direction (Đ20.2, Đ21.2, Đ10.4)."""

    __tablename__ = "difficulty_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    difficulties: Mapped[str] = mapped_column(Text)
    proposals: Mapped[str] = mapped_column(Text, default="")
    proposed_due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    reported_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decision: Mapped[str | None] = mapped_column(String(30), nullable=True)  # extend | keep | adjust
    direction: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class DeadlineAdjustment(Tracked, Base):
    """A decided change of an assignment's deadline; reports as of an earlier date use the old one."""

    __tablename__ = "deadline_adjustments"
    __table_args__ = (Index("ix_deadline_adjustments_assignment_at", "assignment_id", "decided_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"))
    old_due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    old_effective_due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    new_due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    new_effective_due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    basis: Mapped[str] = mapped_column(Text)  # the direction or document the change rests on
    difficulty_report_id: Mapped[int | None] = mapped_column(
        ForeignKey("difficulty_reports.id"), nullable=True
    )
    decided_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AssignmentCorrection(Tracked, Base):
    """VP corrects a dispatched assignment's a–e (Đ5.1, Đ6.1) for a stated reason. The change history of
    the assignment holds each field's old and new value; this row says why, and what in words."""

    __tablename__ = "assignment_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)  # "Thời hạn: 30/04/2025 → 15/05/2025; ..."
    changes: Mapped[dict] = mapped_column(JSON)  # {field: [old, new]} as the API reports it
    corrected_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    corrected_at: Mapped[datetime] = mapped_column(UTCDateTime)


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


class Inspection(Tracked, Base):
    """P8: plan (Đ12.1.a), decision with contents a-đ (Đ15.3), team and fieldwork (Đ16), report a-c
    within T4 of the end date (Đ17), dossier items 1-8 (Đ18)."""

    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    inspected_unit: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    plan: Mapped[dict] = mapped_column(JSON, default=dict)
    decision: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # number, date, contents a-đ
    leader: Mapped[str | None] = mapped_column(String(200), nullable=True)
    members: Mapped[list] = mapped_column(JSON, default=list)
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    report_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    report: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # contents a-c
    reported_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    notice_sent_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    dossier: Mapped[dict] = mapped_column(JSON, default=dict)  # Đ18 item number -> filed (bool)
    status: Mapped[str] = mapped_column(String(30), default="planned")
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), nullable=True)
    created_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


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


class ChangeRecord(Base):
    """History of every tracked row (Đ5.1: who, when, old, new), written by engine.tracking.history."""

    __tablename__ = "change_history"
    __table_args__ = (Index("ix_change_history_entity", "entity", "entity_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(50))  # the table name
    entity_id: Mapped[str] = mapped_column(String(50))
    action: Mapped[str] = mapped_column(String(10))  # insert | update | delete
    changes: Mapped[dict] = mapped_column(JSON)  # {field: [old, new]}
    actor: Mapped[str | None] = mapped_column(String(100), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    instance_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
