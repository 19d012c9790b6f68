"""The directory's tables: units, unit types, VP's tracking rooms."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    String,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base
from engine.history import Tracked


class Unit(Tracked, Base):
    """A unit that receives tasks; its type is data, since the administrative map changes (2025)."""

    __tablename__ = "units"

    code: Mapped[str] = mapped_column(String(50), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    unit_type: Mapped[str] = mapped_column(String(100))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"), nullable=True)
    active_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    active_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    # The unit that took over the open assignments when this one ended (a merger, the 2025 reform).
    successor_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"), nullable=True)


class UnitType(Tracked, Base):
    """A kind of unit and whether its units send the periodic reports (Đ22); a type without a row does."""

    __tablename__ = "unit_types"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    sends_reports: Mapped[bool] = mapped_column(Boolean, default=True)
    # Its units are local governments (UBND cấp xã, cấp huyện): they tell VP when a sở, ngành is late on a
    # task concerning them (Đ21.3), so they may pick among the other units' open assignments to say which.
    local_government: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class TrackingRoom(Tracked, Base):
    """A room (phòng) of VP that tracks assignments (Đ5.1.d); an inactive one stays on old assignments."""

    __tablename__ = "tracking_rooms"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
