"""What was reminded, keyed by the deadline it was about, and the last pass every process can see."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime

# What a reminder is about (DeadlineReminder.subject_kind).
ASSIGNMENT, USER_TASK, REPORT_SUBMISSION = "assignment", "user_task", "report_submission"
# days_before of the notice to a unit whose periodic report is overdue (T6 passed): after, not before.
AFTER_DEADLINE = -1


class DeadlineReminder(Base):
    """One reminder sent. The key holds the deadline's date, so a deadline that moves (an extension, a
    calendar correction) is reminded again for its new date, and one that does not is never reminded twice."""

    __tablename__ = "deadline_reminders"
    __table_args__ = (
        # Named by hand: the convention's name (every column) is longer than PostgreSQL's 63 characters.
        UniqueConstraint(
            "subject_kind", "subject_id", "deadline", "days_before", name="uq_deadline_reminders_key"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_kind: Mapped[str] = mapped_column(String(30))  # assignment | user_task | report_submission
    subject_id: Mapped[str] = mapped_column(String(36))  # a row id, or a user task's uuid
    deadline: Mapped[date] = mapped_column(Date)
    days_before: Mapped[int] = mapped_column(Integer)  # working days before the deadline; -1 after it
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReminderPass(Base):
    """The last reminder pass claimed, as a local "YYYY-MM-DDTHH" slot. Every process reads this one row
    before doing anything, and claims a slot with a conditional update, so a pass runs once per hour
    however many processes (threads, Celery workers, `theodoi tick`) call it."""

    __tablename__ = "reminder_passes"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    last_slot: Mapped[str] = mapped_column(String(13))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
