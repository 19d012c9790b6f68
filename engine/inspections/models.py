"""P8 inspections (Đ12-18): the inspection, its team, and the yearly plans it may come from."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime
from engine.history import Tracked

# The inspecting level (Đ12): VP for the province (Đ12.1), a sở (Đ12.2), a commune (Đ12.3).
PROVINCE, DEPARTMENT, COMMUNE = "province", "department", "commune"
LEVELS = (PROVINCE, DEPARTMENT, COMMUNE)
# A member of the team (Đ15.3.đ) or someone the team leader invited (Đ16.2).
MEMBER, INVITED = "member", "invited"


class Inspection(Tracked, Base):
    """P8: plan (Đ12.1.a), decision with contents a-đ (Đ15.3), team and fieldwork (Đ16), report a-c
    within T4 of the end date (Đ17), dossier items 1-8 (Đ18)."""

    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    inspected_unit: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    # Who inspects: the starter's unit and its level (rows older than 0019 are VP's).
    inspecting_unit_code: Mapped[str | None] = mapped_column(
        ForeignKey("units.code"), nullable=True, index=True
    )
    level: Mapped[str] = mapped_column(String(20), default=PROVINCE, server_default=PROVINCE)
    plan: Mapped[dict] = mapped_column(JSON, default=dict)
    # Đ15.1: the Chánh VP's proposal to the Chairman ({outcome, remarks, by, on}), VP level only.
    proposal: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    decision: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # number, date, contents a-đ
    team_leader: Mapped[str | None] = mapped_column(String(100), nullable=True)  # a username
    # Đ17.3: the sở concerned, which gets a copy of a commune's report.
    related_sector_unit_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"), nullable=True)
    leader: Mapped[str | None] = mapped_column(String(200), nullable=True)
    members: Mapped[list] = mapped_column(JSON, default=list)
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    report_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    report: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # contents a-c
    reported_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Đ16.3: the inspected unit's own report and documents, due by a date the decision sets.
    inspected_report_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    inspected_report: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    inspected_reported_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    notice_sent_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    routing: Mapped[list | None] = mapped_column(
        JSON, nullable=True, default=list
    )  # Đ17: who received the report
    dossier: Mapped[dict] = mapped_column(JSON, default=dict)  # Đ18 item number -> filed (bool)
    status: Mapped[str] = mapped_column(String(30), default="planned")
    plan_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("inspection_plan_items.id"), nullable=True, index=True
    )
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), nullable=True)
    created_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class InspectionMember(Tracked, Base):
    """A person of the team (Đ15.3.đ) or invited to join it (Đ16.2): they may open that inspection."""

    __tablename__ = "inspection_members"
    __table_args__ = (UniqueConstraint("inspection_id", "username"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    username: Mapped[str] = mapped_column(ForeignKey("users.username"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # member | invited


class InspectionPlan(Tracked, Base):
    """A yearly inspection plan of one inspecting unit (Đ12.1.a, Đ14.1), approved by who may (Đ15)."""

    __tablename__ = "inspection_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    inspecting_unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    title: Mapped[str] = mapped_column(Text)
    approved_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    approved_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class InspectionPlanItem(Tracked, Base):
    """One planned inspection: which unit, in which month, about what."""

    __tablename__ = "inspection_plan_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("inspection_plans.id"), index=True)
    inspected_unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    planned_month: Mapped[int] = mapped_column(Integer)
    contents: Mapped[str] = mapped_column(Text)
