"""P9 periodic reports (Đ19.2, Đ20-22) and the Đ5.2.b secret-report reminders: the R7 period arithmetic,
pure over the WorkCalendar, and the operators the diagrams periodic_report and secret_report_reminder call.

A period is named by its quarter-end month: March carries quý I, June quý II and the 6-month report,
September quý III (9 tháng), December quý IV and the annual report (R7)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from engine.calendar import WorkCalendar, as_date
from engine.directory.models import Unit, UnitType
from engine.errors import NotFoundError, ValidationError
from engine.notifications.operators import notify
from engine.operators import StepContext, operator
from engine.reports import publication
from engine.reports.buckets import BUCKETS, figures, per_unit
from engine.reports.models import ReportRound, ReportSubmission, SecretReportObligation, SecretReportPeriod
from engine.reports.readings import DEFAULT_READING, due_day, previous_working_day

QUARTER_END_MONTHS = (3, 6, 9, 12)
# (kind, period number, label) per quarter-end month; kind and period are the keys of report_rounds.
_PERIODS = {
    3: ("quarter", 1, "Báo cáo quý I năm {year}"),
    6: ("half_year", 1, "Báo cáo 6 tháng đầu năm {year} (gồm quý II)"),
    9: ("quarter", 3, "Báo cáo quý III và 9 tháng năm {year}"),
    12: ("year", 1, "Báo cáo năm {year} (gồm quý IV)"),
}
_MONTH_OF = {(kind, number): month for month, (kind, number, _) in _PERIODS.items()}
UNIT_DUE_DAY = 20  # Đ22.1: "trước ngày 20" of the quarter's last month (T6)
CONSOLIDATION_DUE_DAY = 25  # Đ22.2: "trước ngày 25" (T7)
WINDOW_FROM_DAY, WINDOW_TO_DAY = 15, 14  # Nghị định 09/2019: data from the 15th before to the 14th
# A round opens on the 1st of the quarter's last month at 08:00 local: the start of the working day,
# about three weeks before T6, so that a unit can gather its figures, write its assessment and have
# its leader sign before the 19th; its figures are final once the data window closes on the 14th.
OPENING_DAY, OPENING_TIME = 1, time(8, 0)
# The unit type of VP, which consolidates (Đ19.2); which types report is data (unit_types).
VP_UNIT_TYPE = "Văn phòng UBND tỉnh"


@dataclass(frozen=True)
class ReportPeriod:
    """One reporting period with the dates R7 gives it."""

    kind: str
    year: int
    period: int
    month: int
    label: str
    opens_at: datetime
    window_from: date
    window_to: date
    unit_due: date  # T6, as the report_deadline setting reads it (engine.reports.readings)
    consolidation_due: date  # T7, read alike
    receipt_cutoff: date  # the last day units' reports are taken: the working day before T7

    def as_data(self) -> dict[str, Any]:
        """Process data: plain JSON, dates as ISO text."""
        return {
            "kind": self.kind,
            "year": self.year,
            "period": self.period,
            "month": self.month,
            "label": self.label,
            "opens_at": self.opens_at.isoformat(),
            **{
                name: getattr(self, name).isoformat()
                for name in ("window_from", "window_to", "unit_due", "consolidation_due", "receipt_cutoff")
            },
        }


def report_period(
    calendar: WorkCalendar, year: int, month: int, *, reading: str = DEFAULT_READING
) -> ReportPeriod:
    """The period ending in quarter-end `month` of `year`, "trước ngày 20" and "trước ngày 25" read as
    `reading` (a value of the report_deadline setting)."""
    if month not in _PERIODS:
        raise ValueError(f"month must be a quarter-end month {QUARTER_END_MONTHS}, got {month}")
    kind, number, label = _PERIODS[month]
    first_month = 1 if kind in ("half_year", "year") else month - 2
    before = date(year, first_month, 1) - timedelta(days=1)  # the last day of the month before
    consolidation_due = due_day(calendar, year, month, CONSOLIDATION_DUE_DAY, reading)
    return ReportPeriod(
        kind=kind,
        year=year,
        period=number,
        month=month,
        label=label.format(year=year),
        opens_at=datetime.combine(date(year, month, OPENING_DAY), OPENING_TIME, tzinfo=calendar.tz),
        window_from=before.replace(day=WINDOW_FROM_DAY),
        window_to=date(year, month, WINDOW_TO_DAY),
        unit_due=due_day(calendar, year, month, UNIT_DUE_DAY, reading),
        consolidation_due=consolidation_due,
        receipt_cutoff=previous_working_day(calendar, consolidation_due),
    )


def following_period(
    calendar: WorkCalendar, year: int, month: int, *, reading: str = DEFAULT_READING
) -> ReportPeriod:
    """The period after the one ending in `month` of `year`."""
    year, month = (year + 1, 3) if month == 12 else (year, month + 3)
    return report_period(calendar, year, month, reading=reading)


def first_period_due_after(
    calendar: WorkCalendar, today: date, *, reading: str = DEFAULT_READING
) -> ReportPeriod:
    """The first period whose units' deadline (T6) is today or later: where a new schedule begins."""
    month = QUARTER_END_MONTHS[(today.month - 1) // 3]
    candidate = report_period(calendar, today.year, month, reading=reading)
    while candidate.unit_due < today:
        candidate = following_period(calendar, candidate.year, candidate.month, reading=reading)
    return candidate


def next_period(
    calendar: WorkCalendar, *, last: tuple[int, int] | None, today: date, reading: str = DEFAULT_READING
) -> ReportPeriod:
    """The period after the last one held (year, month); none held yet: the first still due. Once a
    schedule runs, no period is ever skipped, however late the previous one finished."""
    if last is None:
        return first_period_due_after(calendar, today, reading=reading)
    return following_period(calendar, *last, reading=reading)


def figures_as_of(window_to: date, today: date) -> date:
    """The figures of a period stand as of the end of its data window, or today if that is earlier."""
    return min(window_to, today)


# --- operators ----------------------------------------------------------------------------------------


@operator("next_report_round", title="Xác định kỳ báo cáo định kỳ tiếp theo")
def next_report_round(ctx: StepContext) -> dict[str, Any]:
    """The next periodic report round (P9) to open: after the last round held, else the first still due."""
    held = ctx.session.execute(select(ReportRound.kind, ReportRound.year, ReportRound.period)).all()
    return _next(ctx, held)


@operator("next_secret_report_period", title="Xác định kỳ báo cáo theo chế độ mật tiếp theo")
def next_secret_report_period(ctx: StepContext) -> dict[str, Any]:
    """The next period whose written secret reports (Đ5.2.b) are owed."""
    held = ctx.session.execute(
        select(SecretReportPeriod.kind, SecretReportPeriod.year, SecretReportPeriod.period)
    ).all()
    return _next(ctx, held)


@operator("open_report_round", title="Mở kỳ báo cáo và giao báo cáo cho từng đơn vị")
def open_report_round(ctx: StepContext, *, period: dict[str, Any]) -> list[str]:
    """Open the round: its row, and one submission due at T6 per reporting unit; the units' codes."""
    codes = reporting_units(ctx.session, ctx.calendar.local_date(ctx.now))
    if _round_or_none(ctx.session, period) is not None:
        raise ValidationError(f"{period['label']} đã được mở", fields={"period": "kỳ báo cáo đã có"})
    row = ReportRound(
        kind=period["kind"],
        year=period["year"],
        period=period["period"],
        label=period["label"],
        window_from=as_date(period["window_from"]),
        window_to=as_date(period["window_to"]),
        unit_due=as_date(period["unit_due"]),
        consolidation_due=as_date(period["consolidation_due"]),
        status="open",
        opened_at=ctx.now,
        instance_id=ctx.instance_id,
    )
    ctx.session.add(row)
    ctx.session.flush()
    ctx.session.add_all(
        ReportSubmission(round_id=row.id, unit_code=code, due_date=row.unit_due) for code in codes
    )
    ctx.session.flush()
    return codes


@operator("record_report_submission", title="Ghi nhận báo cáo định kỳ của đơn vị")
def record_report_submission(
    ctx: StepContext,
    *,
    period: dict[str, Any],
    unit_code: str,
    situation: str,
    difficulties: str | None = None,
    proposals: str | None = None,
    attachments: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Store a unit's report (Đ20.1, Đ21.1) with the unit's own figures and the refs of the files sent
    with it (the form's, checked when it was completed); the figures."""
    row = _round(ctx.session, period)
    submission = ctx.session.scalar(
        select(ReportSubmission).where(
            ReportSubmission.round_id == row.id, ReportSubmission.unit_code == unit_code
        )
    )
    if submission is None:
        raise NotFoundError(f"{unit_code} does not report in {row.label}")
    as_of = figures_as_of(row.window_to, ctx.calendar.local_date(ctx.now))
    [figures] = _figures(ctx, row, [unit_code]) or [_no_tasks(ctx.session, unit_code)]
    # The form starts the optional fields empty; an empty answer is no answer.
    submission.content, submission.difficulties = situation, difficulties or None
    submission.proposals, submission.attachments = proposals or None, attachments or None
    submission.figures = {**figures, "as_of": as_of.isoformat()}
    # Sent = reached VP: where the unit's leader approves (Đ8.1.c, engine.reports.approval) this step runs
    # on the approval, so the approver and the approval time are recorded and T6 lateness counts from it.
    submission.submitted_by, submission.submitted_at = ctx.actor, ctx.now
    ctx.session.flush()
    return submission.figures


@operator("units_without_report", title="Danh sách đơn vị chưa gửi báo cáo trong kỳ")
def units_without_report(ctx: StepContext, *, period: dict[str, Any]) -> list[str]:
    """Names of the round's units that have not submitted, in the directory's order."""
    row = _round(ctx.session, period)
    query = (
        select(Unit.name)
        .join(ReportSubmission, ReportSubmission.unit_code == Unit.code)
        .where(ReportSubmission.round_id == row.id, ReportSubmission.submitted_at.is_(None))
        .order_by(Unit.unit_type, Unit.name)
    )
    return list(ctx.session.scalars(query))


@operator("consolidate_report_round", title="Chốt biểu tổng hợp của kỳ báo cáo theo từng đơn vị")
def consolidate_report_round(ctx: StepContext, *, period: dict[str, Any]) -> int:
    """Freeze the consolidated table per unit (Biểu tổng hợp, Đ22.2) into the round; how many rows."""
    row = _round(ctx.session, period, status="open")
    row.figures = _figures(ctx, row, None)
    row.status, row.consolidated_at = "consolidated", ctx.now
    ctx.session.flush()
    return len(row.figures)


@operator("publish_report_round", title="Công khai kết quả tổng hợp của kỳ báo cáo")
def publish_report_round(ctx: StepContext, *, period: dict[str, Any]) -> str:
    """Publish the consolidated figures (Đ19.2: aggregates per unit, no task detail) as the round's
    publication #1, a copy that never changes (engine.reports.publication); when."""
    row = _round(ctx.session, period, status="consolidated")
    row.status, row.published_at = "published", ctx.now
    as_of = figures_as_of(row.window_to, ctx.calendar.local_date(row.consolidated_at))
    publication.publish(ctx.session, row, figures=row.figures or [], as_of=as_of, at=ctx.now, by=ctx.actor)
    return ctx.now.isoformat()


@operator("create_secret_report_obligations", title="Giao các đơn vị báo cáo theo chế độ mật trong kỳ")
def create_secret_report_obligations(ctx: StepContext, *, period: dict[str, Any]) -> list[str]:
    """One obligation per reporting unit, due at T6; no content, ever (Đ5.2); the units' codes. The period
    is held from now on, with or without units."""
    codes = reporting_units(ctx.session, ctx.calendar.local_date(ctx.now))
    ctx.session.add(
        SecretReportPeriod(
            kind=period["kind"],
            year=period["year"],
            period=period["period"],
            unit_count=len(codes),
            opened_at=ctx.now,
            instance_id=ctx.instance_id,
        )
    )
    ctx.session.add_all(
        SecretReportObligation(
            unit_code=code,
            kind=period["kind"],
            year=period["year"],
            period=period["period"],
            due_date=as_date(period["unit_due"]),
            created_at=ctx.now,
        )
        for code in codes
    )
    ctx.session.flush()
    return codes


@operator("confirm_secret_report_sent", title="Ghi nhận ngày đơn vị gửi báo cáo theo chế độ mật")
def confirm_secret_report_sent(
    ctx: StepContext, *, period: dict[str, Any], unit_code: str, sent_on: str
) -> str:
    """Record the date the unit says it sent its paper report; nothing else of it."""
    sent = as_date(sent_on)
    if sent > ctx.calendar.local_date(ctx.now):
        raise ValidationError(
            "Ngày gửi không thể sau ngày hôm nay", fields={"sent_on": "ngày gửi sau ngày hôm nay"}
        )
    obligation = _obligation(ctx.session, period, unit_code)
    obligation.sent_on, obligation.confirmed_by = sent, ctx.actor
    ctx.session.flush()
    return sent.isoformat()


@operator("remind_unsent_secret_reports", title="Nhắc đơn vị chưa gửi báo cáo theo chế độ mật")
def remind_unsent_secret_reports(
    ctx: StepContext, *, period: dict[str, Any], group: str, kind: str, message: str
) -> list[str]:
    """Notify `group` of each unit that has not confirmed sending its secret report; their codes."""
    query = (
        select(SecretReportObligation.unit_code)
        .where(_period_is(SecretReportObligation, period), SecretReportObligation.sent_on.is_(None))
        .order_by(SecretReportObligation.unit_code)
    )
    codes = list(ctx.session.scalars(query))
    for code in codes:
        notify(ctx, group=group, kind=kind, message=message, unit=code)
    return codes


def reporting_units(session: Session, day: date) -> list[str]:
    """Codes of the units that report on `day`: every unit active then whose type sends reports (the
    administrator's unit_types table; VP, which consolidates, does not; a type not listed does)."""
    silent = select(UnitType.name).where(UnitType.sends_reports.is_(False))
    query = (
        select(Unit.code)
        .where(
            Unit.unit_type.not_in(silent),
            or_(Unit.active_from.is_(None), Unit.active_from <= day),
            or_(Unit.active_to.is_(None), Unit.active_to >= day),
        )
        .order_by(Unit.unit_type, Unit.name)
    )
    return list(session.scalars(query))


def _next(ctx: StepContext, held: list[tuple[str, int, int]]) -> dict[str, Any]:
    last = max(((year, _MONTH_OF[(kind, number)]) for kind, year, number in held), default=None)
    today = ctx.calendar.local_date(ctx.now)
    reading = ctx.engine.settings.report_deadline
    return next_period(ctx.calendar, last=last, today=today, reading=reading).as_data()


def _period_is(model, period: dict[str, Any]):
    return and_(model.kind == period["kind"], model.year == period["year"], model.period == period["period"])


def _round_or_none(session: Session, period: dict[str, Any]) -> ReportRound | None:
    return session.scalar(select(ReportRound).where(_period_is(ReportRound, period)))


def _round(session: Session, period: dict[str, Any], status: str | None = None) -> ReportRound:
    row = _round_or_none(session, period)
    if row is None:
        raise NotFoundError(f"no report round {period['label']}")
    if status is not None and row.status != status:
        raise ValidationError(
            f"{row.label} đang ở trạng thái {row.status}", fields={"period": f"cần trạng thái {status}"}
        )
    return row


def _obligation(session: Session, period: dict[str, Any], unit_code: str) -> SecretReportObligation:
    row = session.scalar(
        select(SecretReportObligation).where(
            _period_is(SecretReportObligation, period), SecretReportObligation.unit_code == unit_code
        )
    )
    if row is None:
        raise NotFoundError(f"{unit_code} owes no secret report for {period['label']}")
    return row


def round_figures(
    session: Session,
    row: ReportRound,
    *,
    calendar: WorkCalendar,
    today: date,
    soon_days: int,
    unit_codes: list[str] | None = None,
) -> list[dict]:
    """The round's Biểu tổng hợp per unit as it stands on `today`, as of figures_as_of: what the freeze
    stores, and what the consolidation step and the round's page show before it, computed the same way."""
    return per_unit(
        session,
        as_of=figures_as_of(row.window_to, today),
        window_from=row.window_from,
        calendar=calendar,
        soon_days=soon_days,
        unit_codes=unit_codes,
    )


def _figures(ctx: StepContext, row: ReportRound, unit_codes: list[str] | None) -> list[dict]:
    today = ctx.calendar.local_date(ctx.now)
    soon_days = ctx.engine.settings.due_soon_days
    return round_figures(
        ctx.session, row, calendar=ctx.calendar, today=today, soon_days=soon_days, unit_codes=unit_codes
    )


def _no_tasks(session: Session, unit_code: str) -> dict[str, Any]:
    """The table row of a unit that had no task in the period."""
    unit = session.get(Unit, unit_code)
    empty = figures(dict.fromkeys(BUCKETS, 0), not_started=0, due_soon=0)
    return {"unit_code": unit_code, "unit_name": unit.name if unit else unit_code, **empty}
