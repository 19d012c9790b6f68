"""The reminder pass that the timer loop, `theodoi tick` and Celery beat call every few seconds.

It costs one primary-key read when there is nothing to do: a pass runs at most once per local hour of a
working day (from settings.reminder_hour), and the hour is claimed in the database with a conditional
update, so that several processes never run the same pass. Each reminder is written with its
notifications in a savepoint of its own; one that fails is logged and the others go on; the next
hour's pass tries it again, since nothing of it was kept (as it does a whole pass that crashed)."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import clock
from engine.assignments.models import Assignment
from engine.db import Database
from engine.instances.service import Engine
from engine.notifications.writing import About, about_instance, write
from engine.reminders.due import DueReminder, due_today
from engine.reminders.models import ASSIGNMENT, USER_TASK, DeadlineReminder, ReminderPass
from engine.reminders.schedule import next_reminder_run, pass_slot
from engine.workdays import service as workdays

__all__ = ["next_reminder_run", "send_due_reminders", "send"]

log = logging.getLogger(__name__)
PASS_NAME = "deadline_reminders"
BATCH = 100  # reminders written per transaction
# Built once: building the expression costs more than running it.
_LAST_SLOT = select(ReminderPass.last_slot).where(ReminderPass.name == PASS_NAME)


def send_due_reminders(*, db: Database, engine: Engine, now: datetime | None = None) -> int:
    """Send the reminders due at `now` if this hour's pass has not run yet; how many were sent."""
    now = now or clock.now()
    settings = engine.settings
    slot = pass_slot(now, settings)
    if slot is None:
        return 0
    last = _last_slot(db)
    if last is not None and last >= slot:
        return 0
    if not _claim(db, slot, now):
        return 0
    with db.reading() as session:
        calendar = workdays.calendar(session=session, settings=settings)
        if not calendar.is_working_day(calendar.local_date(now)):
            return 0
        reminders = due_today(session=session, calendar=calendar, settings=settings, now=now)
    sent = sum(_send_batch(db, reminders[i : i + BATCH], now) for i in range(0, len(reminders), BATCH))
    if sent:
        log.info("reminders: %d sent for %s", sent, slot)
    return sent


def send(*, session: Session, reminder: DueReminder, now: datetime) -> DeadlineReminder:
    """Record the reminder and write its notifications. The key is inserted first: a second writer of the
    same reminder fails on the unique constraint before any notification exists."""
    row = DeadlineReminder(
        subject_kind=reminder.subject_kind,
        subject_id=reminder.subject_id,
        deadline=reminder.deadline,
        days_before=reminder.days_before,
        sent_at=now,
    )
    session.add(row)
    session.flush()
    about = _about(session, reminder)
    for r in reminder.recipients:
        write(
            session,
            kind=reminder.kind,
            message=reminder.message,
            about=about,
            now=now,
            group=r.group,
            unit=r.unit,
            user=r.user,
        )
    return row


def _about(session: Session, reminder: DueReminder) -> About:
    """What the reminder's notifications lead to: the user task or assignment it is about, else what its
    instance is about (a report round's instance leads to the unit's report user task)."""
    about = about_instance(session, reminder.instance_id)
    if reminder.subject_kind == USER_TASK:
        return replace(about, task_id=reminder.subject_id)
    if reminder.subject_kind == ASSIGNMENT:
        assignment = session.get(Assignment, int(reminder.subject_id))
        return replace(about, assignment_id=assignment.id, document_id=assignment.document_id)
    return about


def _send_batch(db: Database, batch: list[DueReminder], now: datetime) -> int:
    """Send `batch` in one transaction, each reminder in a savepoint of its own: one that fails is rolled
    back alone and logged, the others commit together (a commit per reminder cost ~15 ms on PostgreSQL)."""
    sent = 0
    try:
        with db.transaction() as session:
            for reminder in batch:
                try:
                    with session.begin_nested():
                        send(session=session, reminder=reminder, now=now)
                    sent += 1
                except Exception as exc:  # one deadline's failure must not stop the others' reminders
                    if isinstance(exc, IntegrityError) and _recorded(db, reminder):
                        log.info("reminder %s was sent meanwhile by another process", reminder.key)
                    else:
                        log.exception("reminder %s failed; the next pass tries again", reminder.key)
    except Exception:  # the commit itself failed (the database went away): the next pass tries again
        log.exception("a batch of %d reminders could not be saved; the next pass tries again", len(batch))
        return 0
    return sent


def _last_slot(db: Database) -> str | None:
    """The last pass claimed. This runs every few seconds in every process: a bare read-only connection
    costs a third of an ORM session's unit of work (about 0.15 ms against 0.4 ms on SQLite)."""
    with db.engine.execution_options(read_only=True).connect() as connection:
        return connection.execute(_LAST_SLOT).scalar()


def _recorded(db: Database, reminder: DueReminder) -> bool:
    """Whether the reminder's key is in the table: a constraint that failed was its unique key, not
    something else (a trigger, a foreign key) that must be reported."""
    kind, subject_id, deadline, days_before = reminder.key
    with db.reading() as session:
        found = session.scalar(
            select(DeadlineReminder.id).where(
                DeadlineReminder.subject_kind == kind,
                DeadlineReminder.subject_id == subject_id,
                DeadlineReminder.deadline == deadline,
                DeadlineReminder.days_before == days_before,
            )
        )
    return found is not None


def _claim(db: Database, slot: str, now: datetime) -> bool:
    """Take this hour's pass for this process; False when another process has it."""
    try:
        with db.transaction() as session:
            claimed = session.execute(
                update(ReminderPass)
                .where(ReminderPass.name == PASS_NAME, ReminderPass.last_slot < slot)
                .values(last_slot=slot, claimed_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount
            if claimed:
                return True
            if session.get(ReminderPass, PASS_NAME) is not None:
                return False
            session.add(ReminderPass(name=PASS_NAME, last_slot=slot, claimed_at=now))
        return True
    except IntegrityError:  # the very first pass, started by two processes at once: the other one won
        return False
