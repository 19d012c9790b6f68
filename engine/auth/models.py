"""Users, roles, units of users, API tokens, page sessions, login throttling and the account audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime

# Roles double as the candidate groups of user tasks.
ROLES = {
    "admin": "Quản trị hệ thống",
    "analyst": "Chuyên viên nghiệp vụ (quy trình)",
    "monitor": "Giám sát quy trình",
    "vp_specialist": "Chuyên viên theo dõi (Văn phòng UBND tỉnh)",
    "vp_leadership": "Lãnh đạo Văn phòng UBND tỉnh",
    "province_leadership": "Lãnh đạo UBND tỉnh",
    # Within the leadership, the two whose decisions the regulation names (Đ15.1: the Chánh VP proposes an
    # inspection, the Chairman decides); they hold these roles besides vp_leadership / province_leadership.
    "chairman": "Chủ tịch UBND tỉnh",
    "vp_chief": "Chánh Văn phòng UBND tỉnh",
    "unit_leader": "Lãnh đạo đơn vị",
    "unit_staff": "Cán bộ đầu mối của đơn vị",
}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"), nullable=True, index=True)
    roles: Mapped[list] = mapped_column(JSON, default=list)
    # 254: the longest address SMTP carries (RFC 5321); not unique, since an office may share one mailbox.
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set by a reset (the administrator knew the password): every page leads to the change form until done.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ApiToken(Base):
    """A bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")  # the token's name, chosen by its owner
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class WebSession(Base):
    """A signed-in browser: the cookie carries a random id, only its SHA-256 is stored here."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    end_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)


class LoginThrottle(Base):
    """Recent failed sign-ins of one username ("user:<name>") or one client address ("address:<ip>")."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AccountEvent(Base):
    """Append-only: who (actor) did what (kind, details) to which account (username), when."""

    __tablename__ = "account_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str | None] = mapped_column(String(100), nullable=True)
    username: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
