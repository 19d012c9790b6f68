"""The directory's tables: units and their types, VP's tracking rooms, the leaders who give tasks, sectors."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, false, true
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
    # The unit's leader approves its results, difficulty reports and periodic reports before they go to VP
    # (Đ8.1.c: the head answers for what the unit sends); on for "Sở, ban, ngành" (APPROVING_TYPES).
    leader_approval: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class TrackingRoom(Tracked, Base):
    """A room (phòng) of VP that tracks assignments (Đ5.1.d); an inactive one stays on old assignments."""

    __tablename__ = "tracking_rooms"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


# Who gives tasks (Đ1.1): the UBND tỉnh collectively, its Chairman, or one of its Vice-Chairmen.
COLLECTIVE, CHAIRMAN, VICE_CHAIRMAN = "collective", "chairman", "vice_chairman"
LEADER_KINDS = {
    COLLECTIVE: "UBND tỉnh (tập thể)",
    CHAIRMAN: "Chủ tịch UBND tỉnh",
    VICE_CHAIRMAN: "Phó Chủ tịch UBND tỉnh",
}
# Unit types whose leader approves what the unit sends, unless an admin switches it off.
APPROVING_TYPES = ("Sở, ban, ngành",)


class Sector(Tracked, Base):
    """A lĩnh vực (Đ9.2.a): a managed list; an inactive one stays on the assignments that carry it."""

    __tablename__ = "sectors"

    code: Mapped[str] = mapped_column(String(50), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class Leader(Tracked, Base):
    """One who gives tasks (Đ1.1): the UBND collectively, the Chairman or a Vice-Chairman, with the sectors
    a Vice-Chairman oversees; `username` links the leader's account where there is one."""

    __tablename__ = "leaders"

    code: Mapped[str] = mapped_column(String(50), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # a key of LEADER_KINDS
    title: Mapped[str] = mapped_column(String(200))
    person_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    username: Mapped[str | None] = mapped_column(ForeignKey("users.username"), nullable=True)
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # order in lists
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class LeaderSector(Tracked, Base):
    """A sector a leader oversees; a row of its own so that history records each change."""

    __tablename__ = "leader_sectors"

    leader_code: Mapped[str] = mapped_column(ForeignKey("leaders.code", ondelete="CASCADE"), primary_key=True)
    sector_code: Mapped[str] = mapped_column(ForeignKey("sectors.code"), primary_key=True)
