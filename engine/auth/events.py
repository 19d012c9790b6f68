"""The account audit trail: every change to a user, a password, a token or a lock, append-only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.auth.models import AccountEvent

# What the user page shows for each kind of event.
KINDS = {
    "created": "Tạo tài khoản",
    "updated": "Sửa thông tin tài khoản",
    "deactivated": "Khóa tài khoản",
    "reactivated": "Mở lại tài khoản",
    "password_reset": "Đặt lại mật khẩu",
    "password_changed": "Đổi mật khẩu",
    "token_created": "Tạo API token",
    "token_revoked": "Thu hồi API token",
    "login_locked": "Tạm khóa đăng nhập do nhập sai nhiều lần",
}


def record(
    *,
    session: Session,
    username: str,
    kind: str,
    now: datetime,
    actor: str | None,
    details: dict | None = None,
) -> AccountEvent:
    """Append one event about `username`'s account."""
    event = AccountEvent(at=now, actor=actor, username=username, kind=kind, details=details or {})
    session.add(event)
    return event


def list_(*, session: Session, username: str, limit: int = 200) -> list[AccountEvent]:
    """The latest events about `username`'s account, newest first."""
    query = (
        select(AccountEvent)
        .where(AccountEvent.username == username)
        .order_by(AccountEvent.at.desc(), AccountEvent.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))
