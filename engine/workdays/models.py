"""The working-day calendar as data: the override table an administrator keeps, the status of each year,
the history of both, and the deadlines each change moved."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime

# CalendarChange.kind: an override set, changed or removed; a year's status set.
OVERRIDE, YEAR = "override", "year"


class CalendarOverride(Base):
    """A date the package gets wrong: an extra day off, a make-up working day, a holiday switched off."""

    __tablename__ = "calendar_overrides"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(500), default="")
    changed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CalendarYear(Base):
    """A year whose days off were announced officially (the notice entered), or set back to estimated.
    A year without a row is estimated: the `holidays` package's reckoning, lunar dates included."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    official: Mapped[bool] = mapped_column(Boolean)
    notice: Mapped[str] = mapped_column(String(300), default="")  # số, ký hiệu of the notice
    notice_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    changed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CalendarChange(Base):
    """One change to the calendar (who, when, old, new): an override or a year's status. Deadlines that
    the change moved point to it, so each move names the change that caused it."""

    __tablename__ = "calendar_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # override | year
    day: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    old: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # None: there was no entry
    new: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # None: the entry was removed
    actor: Mapped[str | None] = mapped_column(String(100), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class DeadlineMove(Base):
    """A deadline a calendar change moved: what, for whom, from which date to which."""

    __tablename__ = "deadline_moves"

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[int] = mapped_column(ForeignKey("calendar_changes.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # engine.workdays.moves.KINDS
    subject: Mapped[str] = mapped_column(Text)  # as people see it: "Nhiệm vụ 1 của văn bản 27/QĐ-UBND"
    unit_code: Mapped[str | None] = mapped_column(String(50), nullable=True)
    unit_name: Mapped[str] = mapped_column(String(300))
    old_date: Mapped[date] = mapped_column(Date)
    new_date: Mapped[date] = mapped_column(Date)
    entity: Mapped[str | None] = mapped_column(String(50), nullable=True)  # the table holding the date
    entity_id: Mapped[str | None] = mapped_column(String(50), nullable=True)
    instance_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
