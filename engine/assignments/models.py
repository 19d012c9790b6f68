"""Assignments and what happens to them: units, updates, returns, transfers, urgings, difficulties,
deadline changes, corrections."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

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
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.config import Settings
from engine.db import Base, UTCDateTime
from engine.history import Tracked
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
# An urging VP made by phone, at a meeting or by e-mail outside any process, recorded afterwards (Đ11.3-4).
URGING_CONTACT = "urging_contact"
# How a unit was urged (Đ11.3-4): a closed list; automatic reminders are "he_thong".
VAN_BAN, DIEN_THOAI, CUOC_HOP, THU_DIEN_TU, HE_THONG = (
    "van_ban",
    "dien_thoai",
    "cuoc_hop",
    "thu_dien_tu",
    "he_thong",
)
URGING_CHANNELS = {
    VAN_BAN: "Văn bản",
    DIEN_THOAI: "Điện thoại",
    CUOC_HOP: "Cuộc họp",
    THU_DIEN_TU: "Thư điện tử",
    HE_THONG: "Hệ thống",
}
# Đ9.1.b: what VP proposes to the leadership about a difficulty.
ADVICE_PROPOSALS = {
    "extend": "Gia hạn",
    "keep": "Giữ nguyên thời hạn",
    "adjust": "Điều chỉnh nội dung nhiệm vụ",
    "coordinate": "Giao đơn vị khác phối hợp",
    "other": "Ý kiến khác",
}
# Đ19.3, Đ10.4: what the Chairman directs about a unit that does not update after an urging letter.
ESCALATION_DIRECTIONS = {
    "extend": "Gia hạn",
    "reassign": "Giao đơn vị khác",
    "explain": "Yêu cầu báo cáo giải trình",
    "discipline": "Kiểm điểm trách nhiệm",
    "other": "Ý kiến khác",
}
# Đ6.2.a: why a unit returns an assignment to VP.
RETURN_REASONS = {"wrong_content": "Nội dung chưa đúng", "not_our_mandate": "Không thuộc chức năng, nhiệm vụ"}


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
    # Who gave the task (Đ1.1) and its sector (lĩnh vực, Đ9.2.a): lists, filters and reports group by them.
    leader_code: Mapped[str | None] = mapped_column(ForeignKey("leaders.code"), nullable=True, index=True)
    sector_code: Mapped[str | None] = mapped_column(ForeignKey("sectors.code"), nullable=True, index=True)
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
    # Whether the lead unit had started a task by a report's date (engine.reports.buckets), answered from
    # the index alone: one probe per open task, without reading the updates' texts.
    __table_args__ = (
        Index("ix_status_updates_assignment_started", "assignment_id", "role", "progress", "reported_at"),
    )

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
    # Đ8.1.c: the unit leader who approved a result written by the unit's staff, when its type asks so.
    approved_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


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


def _default_channel(context) -> str:
    """Rows written without a channel: a reminder is the system's, anything else a letter."""
    return HE_THONG if context.get_current_parameters().get("kind") == UPDATE_REMINDER else VAN_BAN


def _default_urged_on(context) -> date | None:
    """Rows written without urged_on: the local (Vietnam) date of issued_at."""
    issued_at = context.get_current_parameters().get("issued_at")
    return issued_at.astimezone(ZoneInfo(Settings.timezone)).date() if issued_at else None


class Urging(Tracked, Base):
    """Đôn đốc (Đ9-11, Đ19): a T2 reminder, an urging letter, a request for the Chairman's direction, or an
    urging VP made by phone, meeting or e-mail (Đ11.3-4). Compliance counts read this table alone."""

    __tablename__ = "urgings"

    id: Mapped[int] = mapped_column(primary_key=True)
    # update_reminder | urging_letter | direction_request | urging_contact
    kind: Mapped[str] = mapped_column(String(30))
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"), nullable=True, index=True)
    feedback_id: Mapped[int | None] = mapped_column(ForeignKey("local_feedbacks.id"), nullable=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    number: Mapped[str | None] = mapped_column(String(100), nullable=True)  # số, ký hiệu of the letter
    content: Mapped[str] = mapped_column(Text)
    issued_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    channel: Mapped[str] = mapped_column(String(20), default=_default_channel)  # a key of URGING_CHANNELS
    urged_on: Mapped[date] = mapped_column(Date, default=_default_urged_on)
    person: Mapped[str | None] = mapped_column(String(200), nullable=True)  # who was contacted
    recorded_by: Mapped[str | None] = mapped_column(String(100), nullable=True)


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
    # Đ8.1.c: the unit leader who approved the report written by the unit's staff.
    approved_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Đ9.1.b, Đ21.2: VP's assessment and proposal (ADVICE_PROPOSALS) before the leadership directs, and the
    # sở in charge of the sector when the reporting unit is a local government; that unit may see the task.
    advice: Mapped[str | None] = mapped_column(Text, nullable=True)
    proposal: Mapped[str | None] = mapped_column(String(30), nullable=True)
    advised_due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    concerned_unit_code: Mapped[str | None] = mapped_column(
        ForeignKey("units.code"), nullable=True, index=True
    )
    advised_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    advised_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


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


class Escalation(Tracked, Base):
    """Đ19.3, Đ10.4: a unit silent after an urging letter; VP proposes measures, the Chairman directs."""

    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    urging_id: Mapped[int] = mapped_column(ForeignKey("urgings.id"), unique=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    measures: Mapped[str] = mapped_column(Text)
    proposed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    direction_kind: Mapped[str | None] = mapped_column(String(30), nullable=True)  # ESCALATION_DIRECTIONS
    direction: Mapped[str | None] = mapped_column(Text, nullable=True)
    new_due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    directed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    directed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class InternalTask(Tracked, Base):
    """Đ9.2.c, Đ26.2: a unit's leader gives its part of an assignment to one of its officials, with an
    internal deadline no later than the assignment's; seen only inside that unit."""

    __tablename__ = "internal_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    assignee: Mapped[str] = mapped_column(String(100))
    due_on: Mapped[date] = mapped_column(Date)
    instructions: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | done
    report: Mapped[str | None] = mapped_column(Text, nullable=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), nullable=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
