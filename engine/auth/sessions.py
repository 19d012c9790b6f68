"""Server-side page sessions: the browser holds a random id, the database its SHA-256 and its lifetimes.

A session ends on logout, when its user is deactivated or their password changes or is reset, after
`idle` without a request, and at the latest `absolute` after sign-in; an ended session never revives."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.auth.models import User, WebSession
from engine.config import Settings

# last_seen_at is written at most this often, so that a page's burst of requests does not write each time.
TOUCH_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class Lifetimes:
    idle: timedelta
    absolute: timedelta

    @classmethod
    def of(cls, settings: Settings) -> Lifetimes:
        return cls(
            timedelta(minutes=settings.session_idle_minutes), timedelta(hours=settings.session_max_hours)
        )


@dataclass(frozen=True)
class Found:
    """What a cookie's id leads to: the session and its user, and whether it just expired."""

    session_id: int
    user: User
    expired: bool
    touch_due: bool


def start(*, session: Session, user: User, now: datetime) -> str:
    """Open a session for `user`; returns the id for the cookie (only its hash is stored)."""
    raw = secrets.token_urlsafe(32)
    session.add(WebSession(id_hash=digest(raw), user_id=user.id, created_at=now, last_seen_at=now))
    user.last_login_at = now
    return raw


def find(*, session: Session, raw: str, now: datetime, lifetimes: Lifetimes) -> Found | None:
    """The open session of this id and its active user, or None (unknown, ended, or user deactivated)."""
    row = session.execute(
        select(WebSession, User)
        .join(User, User.id == WebSession.user_id)
        .where(WebSession.id_hash == digest(raw), WebSession.ended_at.is_(None), User.active.is_(True))
    ).first()
    if row is None:
        return None
    web, user = row
    expired = now - web.last_seen_at >= lifetimes.idle or now - web.created_at >= lifetimes.absolute
    return Found(web.id, user, expired, now - web.last_seen_at >= TOUCH_RESOLUTION)


def touch(*, session: Session, session_id: int, now: datetime) -> None:
    session.execute(update(WebSession).where(WebSession.id == session_id).values(last_seen_at=now))


def end(*, session: Session, raw: str, now: datetime, reason: str) -> None:
    """End the session of this id (logout, expiry)."""
    session.execute(
        update(WebSession)
        .where(WebSession.id_hash == digest(raw), WebSession.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason)
    )


def end_all(*, session: Session, user_id: int, now: datetime, reason: str, keep: str | None = None) -> None:
    """End every open session of a user, except the one whose id is `keep` (the one changing its password)."""
    query = update(WebSession).where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
    if keep is not None:
        query = query.where(WebSession.id_hash != digest(keep))
    session.execute(
        query.values(ended_at=now, end_reason=reason).execution_options(synchronize_session=False)
    )


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()
