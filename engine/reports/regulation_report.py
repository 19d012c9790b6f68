"""P10 (Đ26.1, Đ25.2): the yearly report on implementing the regulation. Each December, on the configured
day (moved to the next working day), the compliance figures are frozen into `regulation_reports`; VP
assesses them, the Chief of VP approves and submits the report to the Chairman or returns it to VP with
remarks. A past year's report can be produced on demand."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.assignments.models import Assignment
from engine.calendar import WorkCalendar
from engine.db import Base, UTCDateTime
from engine.errors import ConflictError, NotFoundError, ValidationError
from engine.history import Tracked
from engine.instances.models import ProcessInstance
from engine.operators import StepContext, operator
from engine.reports import compliance

PROCESS_ID = "regulation_report"
OPENING_TIME = time(8, 0)  # the start of the working day
OPEN, ASSESSED, RETURNED, SUBMITTED = "open", "assessed", "returned", "submitted"
STATUS_LABELS = {
    OPEN: "Chờ Văn phòng đánh giá",
    ASSESSED: "Chờ Chánh Văn phòng duyệt",
    RETURNED: "Chánh Văn phòng trả lại, chờ Văn phòng chỉnh sửa",
    SUBMITTED: "Đã trình Chủ tịch",
}
# The parts of VP's assessment (Đ26.1, Đ25.2), in the order the report prints them.
ASSESSMENT_PARTS = {
    "results": "Kết quả đạt được",
    "shortcomings": "Tồn tại, hạn chế",
    "causes": "Nguyên nhân",
    "proposals": "Đề xuất, kiến nghị",
    "emulation": "Đề xuất đánh giá, xếp loại thi đua (khoản 2 Điều 25)",
}


class RegulationReport(Tracked, Base):
    """One year's report on implementing the regulation, its figures frozen when it opened."""

    __tablename__ = "regulation_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    as_of: Mapped[date] = mapped_column(Date)
    figures: Mapped[dict] = mapped_column(JSON)  # compliance.figures(), frozen
    assessment: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # ASSESSMENT_PARTS -> text
    status: Mapped[str] = mapped_column(String(20), default=OPEN)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    assessed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    assessed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The Chief of VP's latest remarks: on a return, what VP must revise; on submission, his note.
    approval_note: Mapped[str | None] = mapped_column(String(4000), nullable=True)
    submitted_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), nullable=True)


def label(year: int) -> str:
    """The report's title."""
    return f"Báo cáo tình hình thực hiện Quy chế năm {year}"


def opening_day(calendar: WorkCalendar, year: int, setting: str) -> date:
    """The configured day ("MM-DD", default 12-01) of `year`, moved to the next working day (R4)."""
    try:
        month, day = (int(part) for part in setting.split("-"))
        configured = date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"regulation_report_day must be MM-DD, e.g. 12-01, got {setting!r}") from exc
    return calendar.effective_due_date(configured)


def first_year_with_data(session: Session) -> int | None:
    """The year the oldest tracked task was created, or None when there is none."""
    first = session.scalar(select(func.min(Assignment.created_at)))
    return first.year if first is not None else None


def check_on_demand(session: Session, year: int, today: date) -> None:
    """Refuse a report on demand for a year not yet over, a year without data, or a year already held."""
    if year >= today.year:
        raise ValidationError(
            f"Chỉ lập báo cáo theo yêu cầu cho năm đã qua; báo cáo năm {year} được lập theo lịch tháng 12",
            fields={"year": "năm chưa kết thúc"},
        )
    first = first_year_with_data(session)
    if first is None or year < first:
        raise ValidationError(
            f"Hệ thống chưa có số liệu theo dõi của năm {year}", fields={"year": "năm không có số liệu"}
        )
    if get_or_none(session, year) is not None:
        raise ConflictError(f"{label(year)} đã được lập")


def get_or_none(session: Session, year: int) -> RegulationReport | None:
    """The report of `year`, if held."""
    return session.scalar(select(RegulationReport).where(RegulationReport.year == year))


def get(session: Session, year: int) -> RegulationReport:
    """The report of `year`, or NotFoundError."""
    row = get_or_none(session, year)
    if row is None:
        raise NotFoundError(f"Chưa có {label(year).lower()}")
    return row


def listing(session: Session) -> list[RegulationReport]:
    """Every yearly report, the newest first."""
    return list(session.scalars(select(RegulationReport).order_by(RegulationReport.year.desc())))


# --- operators ----------------------------------------------------------------------------------------


def on_demand_key(year: int) -> str:
    """The business key of the instance producing `year`'s report on demand."""
    return f"{PROCESS_ID}:{year}"


@operator("next_regulation_report", title="Xác định năm và ngày lập báo cáo tình hình thực hiện Quy chế")
def next_regulation_report(ctx: StepContext) -> dict[str, Any]:
    """The report to produce. Started on demand (business key regulation_report:<year>): that year, now.
    On the schedule: the first year from this one on without a report, on the configured December day
    at 08:00."""
    key = ctx.session.scalar(
        select(ProcessInstance.business_key).where(ProcessInstance.id == ctx.instance_id)
    )
    prefix = f"{PROCESS_ID}:"
    if key and key.startswith(prefix):
        year = int(key.removeprefix(prefix))
        return {"year": year, "label": label(year), "opens_at": ctx.now.isoformat(), "scheduled": False}
    today = ctx.calendar.local_date(ctx.now)
    held = set(ctx.session.scalars(select(RegulationReport.year).where(RegulationReport.year >= today.year)))
    year = today.year
    while year in held:
        year += 1
    day = opening_day(ctx.calendar, year, ctx.engine.settings.regulation_report_day)
    opens_at = datetime.combine(day, OPENING_TIME, tzinfo=ctx.calendar.tz)
    return {"year": year, "label": label(year), "opens_at": opens_at.isoformat(), "scheduled": True}


@operator("open_regulation_report", title="Lập báo cáo năm và chốt số liệu thực hiện Quy chế")
def open_regulation_report(ctx: StepContext, *, year: int) -> dict[str, Any]:
    """Freeze the compliance figures as of today (or 31/12 of a past year); a summary for the form."""
    if get_or_none(ctx.session, year) is not None:
        raise ConflictError(f"{label(year)} đã được lập")
    as_of = min(ctx.calendar.local_date(ctx.now), date(year, 12, 31))
    figures = compliance.figures(ctx.session, year=year, as_of=as_of, calendar=ctx.calendar)
    ctx.session.add(
        RegulationReport(
            year=year,
            as_of=as_of,
            figures=figures,
            status=OPEN,
            opened_at=ctx.now,
            instance_id=ctx.instance_id,
        )
    )
    ctx.session.flush()
    return summary(figures)


def summary(figures: dict[str, Any]) -> dict[str, Any]:
    """What the assessment form shows: the as-of date, totals and one line per unit."""
    keys = (
        "tasks",
        "completed",
        "completed_on_time",
        "overdue",
        "late_updates",
        "reports_late",
        "reports_missing",
    )
    return {
        "as_of": figures["as_of"],
        "totals": {k: figures["totals"][k] for k in (*keys, "urgings")},
        "units": [
            {"name": row["unit_name"], **{k: row[k] for k in (*keys, "urgings")}} for row in figures["units"]
        ],
    }


@operator("record_regulation_assessment", title="Ghi nhận đánh giá tình hình thực hiện Quy chế của Văn phòng")
def record_regulation_assessment(
    ctx: StepContext,
    *,
    year: int,
    results: str,
    shortcomings: str,
    causes: str,
    proposals: str,
    emulation: str | None = None,
) -> str:
    """Store VP's assessment (Đ26.1, Đ25.2), first or revised after a return; the report waits for the
    Chief of VP."""
    row = _report(ctx.session, year, OPEN, RETURNED)
    parts = {"results": results, "shortcomings": shortcomings, "causes": causes, "proposals": proposals}
    for name, text in parts.items():
        if not (text or "").strip():
            raise ValidationError(f"Cần nhập mục «{ASSESSMENT_PARTS[name]}»", fields={name: "bắt buộc"})
    row.assessment = {**{k: v.strip() for k, v in parts.items()}, "emulation": (emulation or "").strip()}
    row.status, row.assessed_by, row.assessed_at = ASSESSED, ctx.actor, ctx.now
    ctx.session.flush()
    return row.status


@operator("submit_regulation_report", title="Chánh Văn phòng duyệt, trình Chủ tịch UBND tỉnh báo cáo năm")
def submit_regulation_report(ctx: StepContext, *, year: int, note: str | None = None) -> str:
    """The Chief of VP approves and submits the report to the Chairman; when."""
    row = _report(ctx.session, year, ASSESSED)
    row.status, row.submitted_by, row.submitted_at = SUBMITTED, ctx.actor, ctx.now
    row.approval_note = (note or "").strip() or None
    ctx.session.flush()
    return ctx.now.isoformat()


@operator("return_regulation_report", title="Chánh Văn phòng trả lại Văn phòng báo cáo năm kèm ý kiến")
def return_regulation_report(ctx: StepContext, *, year: int, remarks: str) -> str:
    """The Chief of VP returns the assessment to VP with remarks (kept on the report) for revision."""
    row = _report(ctx.session, year, ASSESSED)
    remarks = (remarks or "").strip()
    if not remarks:
        raise ValidationError("Cần nêu ý kiến khi trả lại Văn phòng", fields={"remarks": "bắt buộc"})
    row.status, row.approval_note = RETURNED, remarks
    ctx.session.flush()
    return row.status


def _report(session: Session, year: int, *statuses: str) -> RegulationReport:
    row = get(session, year)
    if row.status not in statuses:
        raise ConflictError(f"{label(year)} đang ở trạng thái «{STATUS_LABELS[row.status]}»")
    return row
