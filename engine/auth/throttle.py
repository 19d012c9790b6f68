"""Throttling of sign-ins (/login and POST /api/v1/tokens): failures are counted per username and per
client address within a window; the last two failures before the limit make the next try wait a little
(slowing a guesser down), and reaching the limit locks sign-in for a while, recorded in account_events.
A success clears the username's and the address's counts. Tries during a lock are refused unchecked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete
from sqlalchemy.orm import Session

from engine.auth import events
from engine.auth.models import LoginThrottle, User
from engine.auth.service import authenticate
from engine.config import Settings
from engine.errors import AuthenticationError, TooManyAttemptsError

# Before the limit, the (limit-2)th and (limit-1)th failures make the next try wait this long.
SLOW_DOWN = (timedelta(seconds=10), timedelta(seconds=30))


@dataclass(frozen=True)
class Outcome:
    """A sign-in attempt: the user on success, else the error to raise once the counts are committed."""

    user: User | None
    error: AuthenticationError | TooManyAttemptsError | None

    def user_or_raise(self) -> User:
        if self.error is not None:
            raise self.error
        assert self.user is not None
        return self.user


def attempt(
    *, session: Session, username: str, password: str, address: str, now: datetime, settings: Settings
) -> Outcome:
    """Check the password unless a lock holds; count the failure or clear the counts. Commit the session
    even when the outcome is an error: the counts are the point."""
    keys = {
        f"user:{username.lower()}": settings.login_max_failures,
        f"address:{address}": settings.login_address_max_failures,
    }
    rows = {key: session.get(LoginThrottle, key) for key in keys}
    held = [row.locked_until for row in rows.values() if row and row.locked_until and row.locked_until > now]
    if held:
        return Outcome(None, _locked(max(held), now, settings))
    try:
        user = authenticate(session=session, username=username, password=password)
    except AuthenticationError as exc:
        until = [
            _fail(session, key, limit, rows[key], username, address, now, settings)
            for key, limit in keys.items()
        ]
        return Outcome(
            None, exc if not any(until) else _locked(max(u for u in until if u), now, settings, exc)
        )
    session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(list(keys))))
    return Outcome(user, None)


def _fail(
    session: Session,
    key: str,
    limit: int,
    row: LoginThrottle | None,
    username: str,
    address: str,
    now: datetime,
    settings: Settings,
) -> datetime | None:
    """Count one failure for `key`; the time until which it now waits or is locked, if any."""
    if row is None:
        row = LoginThrottle(key=key, failures=0, window_started_at=now)
        session.add(row)
    if now - row.window_started_at >= timedelta(minutes=settings.login_window_minutes):
        row.failures, row.window_started_at = 0, now
    row.failures += 1
    if row.failures >= limit:
        row.locked_until = now + timedelta(minutes=settings.login_lock_minutes)
        row.failures, row.window_started_at = 0, now
        events.record(
            session=session,
            username=username if key.startswith("user:") else f"({address})",
            kind="login_locked",
            now=now,
            actor=None,
            details={"key": key, "address": address, "until": row.locked_until.isoformat()},
        )
    elif row.failures >= limit - len(SLOW_DOWN):
        row.locked_until = now + SLOW_DOWN[row.failures - (limit - len(SLOW_DOWN))]
    return row.locked_until if row.locked_until and row.locked_until > now else None


def _locked(
    until: datetime, now: datetime, settings: Settings, cause: AuthenticationError | None = None
) -> TooManyAttemptsError:
    local = until.astimezone(ZoneInfo(settings.timezone))
    seconds = max(1, int((until - now).total_seconds()))
    first = f"{cause.message}. " if cause else ""
    return TooManyAttemptsError(
        f"{first}Đăng nhập sai nhiều lần nên tạm thời bị chặn; vui lòng thử lại sau "
        f"{local:%H:%M:%S} ngày {local:%d/%m/%Y}.",
        retry_after=seconds,
    )
