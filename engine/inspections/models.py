"""P8 inspections (Đ12-18)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime
from engine.history import Tracked


class Inspection(Tracked, Base):
    """P8: plan (Đ12.1.a), decision with contents a-đ (Đ15.3), team and fieldwork (Đ16), report a-c
    within T4 of the end date (Đ17), dossier items 1-8 (Đ18)."""

    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    inspected_unit: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    plan: Mapped[dict] = mapped_column(JSON, default=dict)
    decision: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # number, date, contents a-đ
    leader: Mapped[str | None] = mapped_column(String(200), nullable=True)
    members: Mapped[list] = mapped_column(JSON, default=list)
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    report_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    report: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # contents a-c
    reported_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    notice_sent_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    dossier: Mapped[dict] = mapped_column(JSON, default=dict)  # Đ18 item number -> filed (bool)
    status: Mapped[str] = mapped_column(String(30), default="planned")
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), nullable=True)
    created_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
