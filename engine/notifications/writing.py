"""Writing a notification: one function for every writer, so that each notice stores what it is about (the
page then leads its reader there) and the same notice is never written twice in a row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.assignments.models import Assignment
from engine.documents.models import Document
from engine.feedback.models import DataCorrection
from engine.instances.models import ProcessInstance
from engine.notifications.models import Notification

# A writer that runs twice for one event (a retried step, a double submit) writes within this window; a
# notice repeated later (the next day's reminder) is a new notice and is kept.
DUPLICATE_WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class About:
    """What a notification is about; any part may be unknown."""

    instance_id: int | None = None
    task_id: str | None = None
    assignment_id: int | None = None
    document_id: int | None = None


def about_instance(session: Session, instance_id: int | None, *, task_id: str | None = None) -> About:
    """What a notice raised by `instance_id` is about: the assignment its business key names (the assignment
    process) or its data correction names, with that assignment's document; else the document whose intake
    it is. Costs a primary-key read: the running instance is already in the session."""
    if instance_id is None:
        return About(task_id=task_id)
    instance = session.get(ProcessInstance, instance_id)
    kind, _, key = (instance.business_key or "").partition(":") if instance is not None else ("", "", "")
    assignment_id = int(key) if kind == "assignment" and key.isdigit() else None
    document_id = int(key) if kind == "document" and key.isdigit() else None
    if assignment_id is None and document_id is None:
        assignment_id = session.scalar(
            select(DataCorrection.assignment_id).where(DataCorrection.instance_id == instance_id).limit(1)
        )
    if assignment_id is not None:
        assignment = session.get(Assignment, assignment_id)
        document_id = assignment.document_id if assignment is not None else None
    elif document_id is not None and session.get(Document, document_id) is None:
        document_id = None
    return About(instance_id, task_id, assignment_id, document_id)


def write(
    session: Session,
    *,
    kind: str,
    message: str,
    about: About,
    now: datetime,
    group: str | None = None,
    unit: str | None = None,
    user: str | None = None,
) -> Notification:
    """Store a notification for `group` (within `unit`) or for one `user`. The same notice (recipient, kind,
    what it is about, text) written less than a minute ago is not written again: that one is returned."""
    same = (
        Notification.kind == kind,
        Notification.created_at >= now - DUPLICATE_WINDOW,
        Notification.recipient_group.is_not_distinct_from(group),
        Notification.recipient_unit.is_not_distinct_from(unit),
        Notification.recipient_user.is_not_distinct_from(user),
        Notification.instance_id.is_not_distinct_from(about.instance_id),
        Notification.task_id.is_not_distinct_from(about.task_id),
        Notification.assignment_id.is_not_distinct_from(about.assignment_id),
        Notification.document_id.is_not_distinct_from(about.document_id),
        Notification.message == message,
    )
    earlier = session.scalar(select(Notification).where(*same).limit(1))
    if earlier is not None:
        return earlier
    row = Notification(
        recipient_group=group,
        recipient_unit=unit,
        recipient_user=user,
        kind=kind,
        message=message,
        instance_id=about.instance_id,
        task_id=about.task_id,
        assignment_id=about.assignment_id,
        document_id=about.document_id,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row
