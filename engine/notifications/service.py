"""Notifications for a user: those of their groups, within their unit, and those addressed to them; read
per user, and listed with repeats folded into one entry.

A notice is unread for a user when it came after they joined, above their "mark all" cursor, and they have
not opened it. Repeats (same kind, same target, same text) are one entry with a count; the rows one write
puts in two groups a user belongs to (unit_leader and unit_staff) count once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, case, distinct, func, or_, select
from sqlalchemy.orm import Session

from engine.auth.models import User
from engine.auth.service import Principal
from engine.errors import NotFoundError
from engine.notifications.models import Notification, NotificationCursor, NotificationRead

# What makes two notifications one entry: the same kind, about the same things, with the same text.
ENTRY_KEY = (
    Notification.kind,
    Notification.message,
    Notification.instance_id,
    Notification.task_id,
    Notification.assignment_id,
    Notification.document_id,
)
UNREAD_CAP = 100  # the bell shows "99+" beyond; counting further costs and tells nothing more
# The newest unread notifications the bell and Tổng quan look at: what every page costs stays bounded
# however many a user leaves unread (their list, /thong-bao, still pages through all of them).
UNREAD_SCAN = 1_000


@dataclass(frozen=True)
class Entry:
    """One line of the list: a notification and its repeats."""

    id: int  # the latest notification of the entry: opening it opens the entry
    kind: str
    message: str
    instance_id: int | None
    task_id: str | None
    assignment_id: int | None
    document_id: int | None
    times: int  # how many times it was sent
    latest_at: datetime
    unread: bool


def for_user(*, session: Session, user: Principal, limit: int = 50) -> list[Notification]:
    """The user's notifications, newest first, one row each (the API's list)."""
    query = select(Notification).order_by(Notification.id.desc()).limit(limit)
    return list(session.scalars(visible(query, user)))


def unread_among(*, session: Session, user: Principal, ids: list[int]) -> set[int]:
    """Which of the notifications `ids` the user has not read."""
    query = with_reads(select(Notification.id).select_from(Notification), user)
    return set(session.scalars(query.where(Notification.id.in_(ids), unread(user))))


def visible(query: Select, user: Principal) -> Select:
    """`query` over Notification narrowed to what `user` receives (admins receive everything)."""
    if user.is_admin:
        return query
    return query.where(
        or_(
            and_(
                Notification.recipient_group.in_(sorted(user.roles)),
                or_(Notification.recipient_unit.is_(None), Notification.recipient_unit == user.unit_code),
            ),
            Notification.recipient_user == user.username,
        )
    )


def with_reads(query: Select, user: Principal) -> Select:
    """`query` over Notification joined to the user's reads, which `unread` looks at."""
    return query.outerjoin(
        NotificationRead,
        and_(NotificationRead.notification_id == Notification.id, NotificationRead.username == user.username),
    )


def unread(user: Principal) -> ColumnElement[bool]:
    """Whether a notification (of a `with_reads` query) is unread by `user`."""
    cursor = select(NotificationCursor.read_through).where(NotificationCursor.username == user.username)
    # What was sent before the account existed was not sent to this person: a newcomer starts at zero.
    joined = select(User.created_at).where(User.username == user.username)
    return and_(
        Notification.id > func.coalesce(cursor.scalar_subquery(), 0),
        Notification.created_at >= joined.scalar_subquery(),
        NotificationRead.notification_id.is_(None),
    )


def entries(
    *,
    session: Session,
    user: Principal,
    unread_only: bool = False,
    newest_unread: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Entry]:
    """The user's entries, newest first: each notification with its repeats folded in; with
    `newest_unread`, only the entries among that many newest unread notifications (a glance, bounded)."""
    unread_members = func.sum(case((unread(user), 1), else_=0))
    latest = func.max(Notification.id)
    query = select(
        latest,
        *ENTRY_KEY,
        func.count(distinct(Notification.created_at)),
        func.max(Notification.created_at),
        unread_members,
    ).select_from(Notification)
    query = visible(with_reads(query, user), user).group_by(*ENTRY_KEY)
    if newest_unread is not None:
        query = query.where(Notification.id.in_(_newest_unread(user, newest_unread)))
    if unread_only:
        query = query.having(unread_members > 0)
    query = query.order_by(latest.desc()).limit(limit).offset(offset)
    return [Entry(*row[:9], unread=bool(row[9])) for row in session.execute(query)]


def unread_count(*, session: Session, user: Principal, cap: int = UNREAD_CAP) -> int:
    """How many entries the newest unread notifications make, up to `cap`: one query, for the bell of
    every page."""
    rows = visible(with_reads(select(*ENTRY_KEY).select_from(Notification), user), user)
    rows = rows.where(unread(user)).order_by(Notification.id.desc()).limit(UNREAD_SCAN).subquery()
    groups = select(rows.c.kind).group_by(*rows.c).limit(cap).subquery()
    return session.scalar(select(func.count()).select_from(groups)) or 0


def _newest_unread(user: Principal, scan: int) -> Select:
    """The ids of the `scan` newest notifications `user` has not read."""
    query = visible(with_reads(select(Notification.id).select_from(Notification), user), user)
    return query.where(unread(user)).order_by(Notification.id.desc()).limit(scan)


def newest_id(*, session: Session, user: Principal) -> int | None:
    """The id of the newest notification the user received: how far "mark all as read" reaches."""
    return session.scalar(visible(select(func.max(Notification.id)), user))


def get_or_raise(*, session: Session, user: Principal, notification_id: int) -> Notification:
    """A notification the user received; any other is unknown to them (404, as if it did not exist)."""
    found = session.scalar(visible(select(Notification).where(Notification.id == notification_id), user))
    if found is None:
        raise NotFoundError("Không tìm thấy thông báo này", details={"notification_id": notification_id})
    return found


def same_entry(notification: Notification) -> list[ColumnElement[bool]]:
    """The conditions for a notification of the same entry as `notification`, sent no later."""
    return [
        Notification.id <= notification.id,
        *(column.is_not_distinct_from(getattr(notification, column.key)) for column in ENTRY_KEY),
    ]
