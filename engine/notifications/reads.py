"""Marking notifications read: one entry when its reader opens it, or everything up to a point ("Đánh dấu
tất cả là đã đọc"), which moves the reader's cursor instead of writing a row per notification."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.auth.service import Principal
from engine.notifications.models import Notification, NotificationCursor, NotificationRead
from engine.notifications.service import same_entry, unread, visible, with_reads


def mark_read(*, session: Session, user: Principal, notification: Notification, now: datetime) -> int:
    """Mark `notification` and the earlier repeats of its entry read by `user`; how many were unread."""
    return _mark(session, user, now, *same_entry(notification))


def mark_task_done(
    *, session: Session, user: Principal, task_id: str, instance_id: int, now: datetime
) -> int:
    """The notices that led `user` to the user task they have just completed count as read by them: those
    about the task, and those about its process as a whole (a request, a reminder, an urging: what the task
    answers). Their bell would otherwise go on counting a finished job. How many were unread."""
    about_it = or_(
        Notification.task_id == task_id,
        and_(Notification.task_id.is_(None), Notification.instance_id == instance_id),
    )
    return _mark(session, user, now, about_it)


def _mark(session: Session, user: Principal, now: datetime, *which: ColumnElement[bool]) -> int:
    """Mark read by `user` the notifications they received that match `which` and are unread."""
    query = select(Notification.id).select_from(Notification)
    ids = list(session.scalars(visible(with_reads(query, user), user).where(*which, unread(user))))
    if ids:
        rows = [{"username": user.username, "notification_id": i, "read_at": now} for i in ids]
        session.execute(_insert_ignoring_duplicates(session, NotificationRead).values(rows))
    return len(ids)


def mark_all_read(*, session: Session, user: Principal, now: datetime, through: int | None = None) -> int:
    """Everything the user received up to notification `through` (the newest they were shown; by default
    the newest there is) counts as read; the single reads it covers are dropped. The cursor it leaves."""
    newest = session.scalar(select(func.max(Notification.id))) or 0
    through = newest if through is None else max(0, min(through, newest))
    moved = session.execute(
        update(NotificationCursor)
        .where(NotificationCursor.username == user.username, NotificationCursor.read_through < through)
        .values(read_through=through, marked_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not moved:
        row = {"username": user.username, "read_through": through, "marked_at": now}
        session.execute(_insert_ignoring_duplicates(session, NotificationCursor).values(row))
    cursor = session.scalar(
        select(NotificationCursor.read_through).where(NotificationCursor.username == user.username)
    )
    session.execute(
        delete(NotificationRead)
        .where(NotificationRead.username == user.username, NotificationRead.notification_id <= cursor)
        .execution_options(synchronize_session=False)
    )
    return cursor


def _insert_ignoring_duplicates(session: Session, model: type):
    """INSERT that leaves an existing row alone: the same reader opening one notice in two tabs at once
    is not an error."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(model).on_conflict_do_nothing()
