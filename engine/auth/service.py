"""Users, passwords (argon2, under the policy of passwords.py), API tokens (only their SHA-256 stored) and the
permission checks. Every change to an account is recorded in account_events (events.py)."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from engine.auth import events, passwords, sessions
from engine.auth.models import ROLES, ApiToken, User
from engine.config import Settings
from engine.directory.models import Unit
from engine.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)

_hasher = PasswordHasher()
# Verifying against this when the user does not exist keeps the timing of both failures alike.
_DUMMY_HASH = _hasher.hash("not-a-password")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,99}$")
DEFAULTS = Settings()
# last_used_at is written at most this often per token, so that a busy script does not write on every call.
TOKEN_USE_RESOLUTION = timedelta(minutes=1)


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


# ---- users ----------------------------------------------------------------------------------------


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
    actor: str | None = None,
    must_change_password: bool = False,
) -> User:
    """Add a user: a new username, known roles, an existing unit, a password within the policy."""
    fields = _account_problems(
        session, username=username, full_name=full_name, roles=roles, unit_code=unit_code
    )
    policy = passwords.problems(password, username=username, full_name=full_name)
    if policy:
        fields["password"] = " ".join(policy)
    if fields:
        raise ValidationError("Thông tin người dùng không hợp lệ", fields=fields)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ConflictError(f"Tên đăng nhập {username!r} đã có người dùng", details={"username": username})
    user = User(
        username=username,
        full_name=full_name.strip(),
        password_hash=_hasher.hash(password),
        roles=sorted(set(roles)),
        unit_code=unit_code,
        email=email,
        active=True,
        created_at=now,
        must_change_password=must_change_password,
    )
    session.add(user)
    session.flush()
    details = {"full_name": user.full_name, "roles": user.roles, "unit_code": unit_code}
    events.record(session=session, username=username, kind="created", now=now, actor=actor, details=details)
    return user


def update_user(
    *,
    session: Session,
    username: str,
    now: datetime,
    actor: str,
    full_name: str | None = None,
    roles: list[str] | None = None,
    unit_code: str | None = None,
    set_unit: bool = False,
) -> User:
    """Change a user's full name, roles or unit (set_unit=True to change the unit, also to none)."""
    user = get_user_or_raise(session=session, username=username)
    new = {
        "full_name": user.full_name if full_name is None else full_name.strip(),
        "roles": user.roles if roles is None else sorted(set(roles)),
        "unit_code": unit_code if set_unit else user.unit_code,
    }
    fields = _account_problems(session, username=username, **new)
    if fields:
        raise ValidationError("Thông tin người dùng không hợp lệ", fields=fields)
    changes = {
        name: {"from": getattr(user, name), "to": value}
        for name, value in new.items()
        if getattr(user, name) != value
    }
    for name, value in new.items():
        setattr(user, name, value)
    if changes:
        events.record(
            session=session, username=username, kind="updated", now=now, actor=actor, details=changes
        )
    return user


def set_active(*, session: Session, username: str, active: bool, now: datetime, actor: str | None) -> User:
    """Deactivate (its sessions and tokens end at once) or reactivate a user."""
    user = get_user_or_raise(session=session, username=username)
    if user.username == actor and not active:
        raise ValidationError("Không thể tự khóa tài khoản của chính mình", fields={"active": "own account"})
    if user.active == active:
        return user
    user.active = active
    if not active:
        sessions.end_all(session=session, user_id=user.id, now=now, reason="deactivated")
        _revoke_all_tokens(session, user, now)
    kind = "reactivated" if active else "deactivated"
    events.record(session=session, username=username, kind=kind, now=now, actor=actor)
    return user


def reset_password(
    *, session: Session, username: str, now: datetime, actor: str | None, password: str | None = None
) -> str:
    """Set a new password (generated when none is given) that the user must change at the next sign-in;
    every session of the user ends. Returns the password, to be shown once."""
    user = get_user_or_raise(session=session, username=username)
    password = password or passwords.generate()
    _set_password(user, password)
    user.must_change_password = True
    sessions.end_all(session=session, user_id=user.id, now=now, reason="password_reset")
    events.record(session=session, username=username, kind="password_reset", now=now, actor=actor)
    return password


def change_password(
    *,
    session: Session,
    username: str,
    current: str,
    new: str,
    now: datetime,
    keep_session: str | None = None,
) -> User:
    """The user's own change: the current password must be right; other sessions of the user end."""
    user = get_user_or_raise(session=session, username=username)
    try:
        _hasher.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise ValidationError(
            "Mật khẩu hiện tại không đúng", fields={"current_password": "Mật khẩu hiện tại không đúng."}
        ) from None
    if current == new:
        raise ValidationError(
            "Mật khẩu mới phải khác mật khẩu hiện tại",
            fields={"new_password": "Mật khẩu mới phải khác mật khẩu hiện tại."},
        )
    _set_password(user, new)
    user.must_change_password = False
    sessions.end_all(session=session, user_id=user.id, now=now, reason="password_changed", keep=keep_session)
    events.record(session=session, username=username, kind="password_changed", now=now, actor=username)
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


def list_users(*, session: Session) -> list[User]:
    """Every user, active ones first, by full name."""
    return list(session.scalars(select(User).order_by(User.active.desc(), User.full_name, User.username)))


def get_user_or_raise(*, session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFoundError(f"Không có người dùng {username!r}", details={"username": username})
    return user


# ---- API tokens -----------------------------------------------------------------------------------


def create_token(*, session: Session, username: str, label: str, now: datetime) -> str:
    """A new API token for `username` with the default lifetime; the plain token, shown once."""
    return issue_token(session=session, username=username, label=label, now=now)[0]


def issue_token(
    *,
    session: Session,
    username: str,
    label: str,
    now: datetime,
    days: int | None = None,
    settings: Settings = DEFAULTS,
) -> tuple[str, ApiToken]:
    """A new API token for `username`, living `days` (default settings.token_days): the plain token (never
    stored, shown once) and its row. A user holds at most settings.tokens_per_user live tokens."""
    user = get_user_or_raise(session=session, username=username)
    days = settings.token_days if days is None else days
    if not 1 <= days <= settings.token_max_days:
        raise ValidationError(
            f"Thời hạn của API token phải từ 1 đến {settings.token_max_days} ngày",
            fields={"days": f"1..{settings.token_max_days}"},
        )
    live = session.scalar(select(func.count()).select_from(ApiToken).where(*_live(user.id, now)))
    if live >= settings.tokens_per_user:
        raise ConflictError(
            f"Mỗi người dùng có tối đa {settings.tokens_per_user} API token còn hiệu lực; "
            "hãy thu hồi token không dùng nữa trước khi tạo token mới",
            details={"limit": settings.tokens_per_user},
        )
    token = "td_" + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,
        token_hash=_digest(token),
        label=label,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    session.add(row)
    session.flush()
    details = {"token_id": row.id, "label": label, "expires_at": row.expires_at.isoformat()}
    events.record(
        session=session, username=username, kind="token_created", now=now, actor=username, details=details
    )
    return token, row


def user_for_token(*, session: Session, token: str, now: datetime) -> tuple[User, ApiToken]:
    """The active user of a live (not revoked, not expired) token, and the token."""
    found = session.execute(
        select(User, ApiToken)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == _digest(token), User.active.is_(True), *_live(None, now))
    ).first()
    if found is None:
        raise AuthenticationError("API token không hợp lệ, đã hết hạn hoặc đã bị thu hồi")
    return found[0], found[1]


def token_use_due(token: ApiToken, now: datetime) -> bool:
    """Whether last_used_at is stale enough to be written again."""
    return token.last_used_at is None or now - token.last_used_at >= TOKEN_USE_RESOLUTION


def record_token_use(*, session: Session, token_id: int, now: datetime) -> None:
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))


def list_tokens(*, session: Session, username: str) -> list[ApiToken]:
    """The user's tokens, newest first (revoked and expired ones too: they show when they ended)."""
    user = get_user_or_raise(session=session, username=username)
    query = (
        select(ApiToken)
        .where(ApiToken.user_id == user.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return list(session.scalars(query))


def revoke_token(*, session: Session, token_id: int, by: Principal, now: datetime) -> ApiToken:
    """Revoke a token: its owner or an administrator; anyone else is told it does not exist."""
    found = session.execute(
        select(ApiToken, User.username).join(User, User.id == ApiToken.user_id).where(ApiToken.id == token_id)
    ).first()
    if found is None or (found[1] != by.username and not by.is_admin):
        raise NotFoundError(f"Không có API token số {token_id}", details={"token_id": token_id})
    token, owner = found
    if token.revoked_at is None:
        token.revoked_at = now
        events.record(
            session=session,
            username=owner,
            kind="token_revoked",
            now=now,
            actor=by.username,
            details={"token_id": token.id, "label": token.label},
        )
    return token


def revoke_all_tokens(*, session: Session, username: str, now: datetime, by: Principal) -> int:
    """Revoke every live token of `username` (an administrator's action); returns how many."""
    if not by.is_admin and by.username != username:
        raise PermissionDeniedError("Chỉ quản trị hệ thống được thu hồi token của người khác")
    user = get_user_or_raise(session=session, username=username)
    count = _revoke_all_tokens(session, user, now)
    if count:
        events.record(
            session=session,
            username=username,
            kind="token_revoked",
            now=now,
            actor=by.username,
            details={"count": count},
        )
    return count


# ---- helpers --------------------------------------------------------------------------------------


def _account_problems(
    session: Session, *, username: str, full_name: str, roles: list[str], unit_code: str | None
) -> dict[str, str]:
    fields = {}
    if not USERNAME.match(username or ""):
        fields["username"] = (
            "Tên đăng nhập gồm 2–100 ký tự: chữ thường không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới."
        )
    if not (full_name or "").strip() or len(full_name) > 200:
        fields["full_name"] = "Họ và tên không được để trống và không quá 200 ký tự."
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        fields["roles"] = f"Vai trò không có trong hệ thống: {', '.join(unknown)}."
    elif not roles:
        fields["roles"] = "Chọn ít nhất một vai trò."
    if unit_code is not None and session.get(Unit, unit_code) is None:
        fields["unit"] = f"Không có đơn vị {unit_code!r}."
    return fields


def _set_password(user: User, password: str) -> None:
    policy = passwords.problems(password, username=user.username, full_name=user.full_name)
    if policy:
        raise ValidationError("Mật khẩu chưa đạt yêu cầu", fields={"password": " ".join(policy)})
    user.password_hash = _hasher.hash(password)


def _revoke_all_tokens(session: Session, user: User, now: datetime) -> int:
    result = session.execute(
        update(ApiToken)
        .where(*_live(user.id, now))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def _live(user_id: int | None, now: datetime) -> list:
    conditions = [ApiToken.revoked_at.is_(None), ApiToken.expires_at > now]
    if user_id is not None:
        conditions.append(ApiToken.user_id == user_id)
    return conditions


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
