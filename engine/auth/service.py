"""Users, passwords (argon2), API tokens (only their SHA-256 stored) and the permission checks."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.auth.models import ROLES, ApiToken, User
from engine.errors import AuthenticationError, ConflictError, NotFoundError, ValidationError
from engine.tracking.models import Unit

_hasher = PasswordHasher()
# Verifying against this when the user does not exist keeps the timing of both failures alike.
_DUMMY_HASH = _hasher.hash("not-a-password")


@dataclass(frozen=True)
class Principal:
    """Who is calling: the identity every permission check looks at."""

    username: str
    full_name: str
    roles: frozenset[str]
    unit_code: str | None

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    def in_any(self, groups: list[str] | tuple[str, ...]) -> bool:
        return self.is_admin or bool(self.roles.intersection(groups))


def principal(user: User) -> Principal:
    return Principal(user.username, user.full_name, frozenset(user.roles), user.unit_code)


def create_user(
    *,
    session: Session,
    username: str,
    password: str,
    full_name: str,
    roles: list[str],
    unit_code: str | None,
    now: datetime,
    email: str | None = None,
) -> User:
    """Add a user; roles must be known and the unit must exist."""
    fields = {}
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        fields["roles"] = f"unknown roles {unknown}; known: {sorted(ROLES)}"
    if len(password) < 8:
        fields["password"] = "at least 8 characters"
    if unit_code is not None and session.get(Unit, unit_code) is None:
        fields["unit"] = f"no unit {unit_code!r}"
    if fields:
        raise ValidationError("Thông tin người dùng không hợp lệ", fields=fields)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ConflictError(f"user {username!r} already exists")
    user = User(
        username=username,
        full_name=full_name,
        password_hash=_hasher.hash(password),
        roles=sorted(set(roles)),
        unit_code=unit_code,
        email=email,
        active=True,
        created_at=now,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(*, session: Session, username: str, password: str) -> User:
    """The active user with this password, or AuthenticationError (same message either way)."""
    user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        user = None
    if user is None:
        raise AuthenticationError("Sai tên đăng nhập hoặc mật khẩu")
    return user


def create_token(*, session: Session, username: str, label: str, now: datetime) -> str:
    """A new API token for `username`; the plain token is returned once and never stored."""
    user = get_user_or_raise(session=session, username=username)
    token = "td_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=_digest(token), label=label, created_at=now))
    session.flush()
    return token


def user_for_token(*, session: Session, token: str) -> User:
    user = session.scalar(
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == _digest(token), User.active.is_(True))
    )
    if user is None:
        raise AuthenticationError("API token không hợp lệ hoặc đã bị thu hồi")
    return user


def get_user_or_raise(*, session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFoundError(f"no user {username!r}")
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
