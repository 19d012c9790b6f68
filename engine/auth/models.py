from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String
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


class ApiToken(Base):
    """A bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
