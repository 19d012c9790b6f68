"""Which reminders are due today: one reader per kind of deadline, each an indexed range query.

- assignments with an effective due date, not yet reported done (lead unit and tracking specialist);
- ready user tasks with a due date (their candidate groups within their unit, or whoever claimed one);
- periodic reports not yet sent, on R7's reminder day (the unit's leader and staff)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.assignments.models import CONFIRMED, RESULT_REPORTED, RETURNED, Assignment
from engine.calendar import WorkCalendar
from engine.config import Settings
from engine.directory.models import Unit
from engine.documents.models import Document
from engine.notifications.operators import UNIT_GROUPS
from engine.reminders.models import ASSIGNMENT, REPORT_SUBMISSION, USER_TASK, DeadlineReminder
from engine.reminders.schedule import (
    deadline_day,
    horizon,
    offset_due,
    r7_day,
    remaining_text,
)
from engine.reports.models import ReportRound, ReportSubmission
from engine.usertasks.models import READY, UserTaskRow

log = logging.getLogger(__name__)
Row = TypeVar("Row")

# Notification kinds.
ASSIGNMENT_DUE_SOON = "deadline_reminder"
USER_TASK_DUE_SOON = "user_task_reminder"
PERIODIC_REPORT_DUE_SOON = "periodic_report_reminder"


@dataclass(frozen=True)
class Recipient:
    """Who reads a notification: a group (within a unit), or one named user."""

    group: str | None = None
    unit: str | None = None
    user: str | None = None


@dataclass(frozen=True)
class DueReminder:
    """A reminder to send now, with the key that makes it once-only."""

    subject_kind: str
    subject_id: str
    deadline: date
    days_before: int
    kind: str
    message: str
    recipients: tuple[Recipient, ...]
    instance_id: int | None

    @property
    def key(self) -> tuple[str, str, date, int]:
        return (self.subject_kind, self.subject_id, self.deadline, self.days_before)


def due_today(
    *, session: Session, calendar: WorkCalendar, settings: Settings, now: datetime
) -> list[DueReminder]:
    """Every reminder due at `now` that was not sent yet."""
    today = calendar.local_date(now)
    offsets = settings.reminder_offsets
    found: list[DueReminder] = []
    if offsets:
        found += assignments(session=session, calendar=calendar, offsets=offsets, today=today)
        found += user_tasks(session=session, calendar=calendar, offsets=offsets, today=today, now=now)
    found += periodic_reports(
        session=session, calendar=calendar, reading=settings.report_deadline, today=today
    )
    sent = already_sent(session, found)
    return [reminder for reminder in found if reminder.key not in sent]


def assignments(
    *, session: Session, calendar: WorkCalendar, offsets: tuple[int, ...], today: date
) -> list[DueReminder]:
    """Open assignments (not result reported, not confirmed) whose effective due date is near."""
    query = (
        select(Assignment, Document.number, Unit.name)
        .join(Document, Document.id == Assignment.document_id)
        .join(Unit, Unit.code == Assignment.lead_unit_code)
        .where(
            Assignment.effective_due_date >= today,
            Assignment.effective_due_date < horizon(calendar, today, offsets),
            Assignment.stage.not_in((RESULT_REPORTED, CONFIRMED)),
        )
        .order_by(Assignment.effective_due_date, Assignment.id)
    )

    def build(row) -> DueReminder | None:
        a, number, unit_name = row
        deadline = a.effective_due_date
        created_on = calendar.local_date(a.created_at)
        n = offset_due(calendar, deadline=deadline, today=today, created_on=created_on, offsets=offsets)
        if n is None:
            return None
        # A task returned to VP (Đ6.2.a) waits for VP to correct or transfer it: its unit is not told.
        recipients = [] if a.stage == RETURNED else _unit(a.lead_unit_code)
        if a.tracking_specialist:
            recipients.append(Recipient(user=a.tracking_specialist))
        return DueReminder(
            subject_kind=ASSIGNMENT,
            subject_id=str(a.id),
            deadline=deadline,
            days_before=n,
            kind=ASSIGNMENT_DUE_SOON,
            message=(
                f"Nhiệm vụ “{a.content}” (văn bản {number}, đơn vị chủ trì: {unit_name}) sắp đến hạn: "
                f"{remaining_text(calendar, today, deadline)}."
            ),
            recipients=tuple(recipients),
            instance_id=a.instance_id,
        )

    return _each(session.execute(query), build, ASSIGNMENT)


def user_tasks(
    *, session: Session, calendar: WorkCalendar, offsets: tuple[int, ...], today: date, now: datetime
) -> list[DueReminder]:
    """Ready user tasks whose due date is near: T1, T4, T5, T6, T7 and every other dueDate a diagram sets."""
    last_end = calendar.end_of_day(horizon(calendar, today, offsets) - timedelta(days=1))
    query = (
        select(UserTaskRow)
        .where(UserTaskRow.state == READY, UserTaskRow.due_at > now, UserTaskRow.due_at <= last_end)
        .order_by(UserTaskRow.due_at, UserTaskRow.id)
    )

    def build(row: UserTaskRow) -> DueReminder | None:
        deadline = deadline_day(row.due_at, calendar)
        created_on = calendar.local_date(row.created_at)
        n = offset_due(calendar, deadline=deadline, today=today, created_on=created_on, offsets=offsets)
        if n is None:
            return None
        # A claimed user task is in its assignee's inbox only: the others of its groups cannot act on it.
        if row.assignee:
            recipients = (Recipient(user=row.assignee),)
        else:
            recipients = tuple(Recipient(group=g, unit=row.unit_code) for g in row.candidate_groups)
        about = f" ({row.subject})" if row.subject else ""
        return DueReminder(
            subject_kind=USER_TASK,
            subject_id=row.id,
            deadline=deadline,
            days_before=n,
            kind=USER_TASK_DUE_SOON,
            message=(
                f"Việc “{row.name}”{about} sắp đến hạn xử lý: "
                f"{remaining_text(calendar, today, deadline, 'hạn xử lý')}."
            ),
            recipients=recipients,
            instance_id=row.instance_id,
        )

    return _each(session.scalars(query), build, USER_TASK)


def periodic_reports(
    *, session: Session, calendar: WorkCalendar, reading: str, today: date
) -> list[DueReminder]:
    """R7: on the last working day on or before the day `reading` (the report_deadline setting) takes
    "trước ngày 20" of the quarter's last month for, each unit that has not reported in an open round;
    later, up to its deadline, if that day was missed."""
    found: list[DueReminder] = []
    for round_ in session.scalars(select(ReportRound).where(ReportRound.status == "open")):
        day = r7_day(calendar, kind=round_.kind, year=round_.year, period=round_.period, reading=reading)
        if day is None or day > today or calendar.local_date(round_.opened_at) >= day:
            continue
        query = (
            select(ReportSubmission, Unit.name)
            .join(Unit, Unit.code == ReportSubmission.unit_code)
            .where(
                ReportSubmission.round_id == round_.id,
                ReportSubmission.submitted_at.is_(None),
                ReportSubmission.due_date >= today,
            )
            .order_by(Unit.unit_type, Unit.name)
        )

        def build(row, round_=round_, day=day) -> DueReminder:
            submission, unit_name = row
            deadline = submission.due_date
            return DueReminder(
                subject_kind=REPORT_SUBMISSION,
                subject_id=str(submission.id),
                deadline=deadline,
                days_before=calendar.working_days_between(day, deadline),
                kind=PERIODIC_REPORT_DUE_SOON,
                message=(
                    f"{round_.label}: {unit_name} chưa gửi báo cáo định kỳ về Văn phòng UBND tỉnh. Hạn gửi "
                    f"báo cáo (T6, khoản 1 Điều 22): {remaining_text(calendar, today, deadline)}."
                ),
                recipients=tuple(_unit(submission.unit_code)),
                instance_id=round_.instance_id,
            )

        found += _each(session.execute(query), build, REPORT_SUBMISSION)
    return found


def already_sent(session: Session, reminders: list[DueReminder]) -> set[tuple[str, str, date, int]]:
    """The keys among `reminders` that are in the table (the unique index answers, per subject kind)."""
    sent: set[tuple[str, str, date, int]] = set()
    kinds = sorted({r.subject_kind for r in reminders})
    for kind in kinds:
        ids = sorted({r.subject_id for r in reminders if r.subject_kind == kind})
        query = select(
            DeadlineReminder.subject_kind,
            DeadlineReminder.subject_id,
            DeadlineReminder.deadline,
            DeadlineReminder.days_before,
        ).where(DeadlineReminder.subject_kind == kind, DeadlineReminder.subject_id.in_(ids))
        sent.update(tuple(row) for row in session.execute(query))
    return sent


def _unit(code: str) -> list[Recipient]:
    """The leader and the staff of a unit, as notify_unit reaches them."""
    return [Recipient(group=group, unit=code) for group in UNIT_GROUPS]


def _each(rows: Iterable[Row], build: Callable[[Row], DueReminder | None], what: str) -> list[DueReminder]:
    """Build the reminder of each row; a row that fails is logged and skipped, the others go on."""
    found = []
    for row in rows:
        try:
            reminder = build(row)
        except Exception:  # one bad deadline (a date beyond the calendar's reach, say) must not stop the rest
            log.exception("could not plan the %s reminder of %r; the next pass tries again", what, row)
            continue
        if reminder is not None:
            found.append(reminder)
    return found
