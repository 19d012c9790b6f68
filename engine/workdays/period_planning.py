"""The deadlines R7 gives (DOMAIN.md §6) that a calendar change moves: T6, T7 and the receipt cut-off of
the report schedules, the secret-report obligations, and the update dates of tasks without deadline (R8)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

from sqlalchemy import select

from engine.assignments.models import CONFIRMED, Assignment
from engine.calendar import WorkCalendar, as_date
from engine.documents.models import Document
from engine.instances.models import RUNNING, ProcessInstance, WaitingTimer
from engine.reports.models import ReportRound, ReportSubmission, SecretReportObligation
from engine.reports.periodic import QUARTER_END_MONTHS, ReportPeriod
from engine.workdays.moves import ALL_UNITS, Context, Move, Plan


def update_obligations(c: Context, result: Plan) -> None:
    """R8: the quarterly update date of each task without deadline, the units' T6 of its quarter (R7)."""
    fire_ats = c.session.scalars(
        select(WaitingTimer.fire_at).where(WaitingTimer.bpmn_id == "period_due").distinct()
    ).all()
    moved = {}
    for fire_at in fire_ats:
        old = _deadline_day(c.before, fire_at)
        new = _obligation_after(c, old)
        if new is not None and new != old:
            moved[fire_at] = (old, new)
    if not moved:
        return
    query = (
        select(WaitingTimer.fire_at, Assignment, Document.number)
        .join(ProcessInstance, ProcessInstance.id == WaitingTimer.instance_id)
        .join(Assignment, Assignment.instance_id == WaitingTimer.instance_id)
        .join(Document, Document.id == Assignment.document_id)
        .where(
            WaitingTimer.bpmn_id == "period_due",
            WaitingTimer.fire_at.in_(list(moved)),
            ProcessInstance.process_id == "assignment",
            ProcessInstance.status == RUNNING,
            Assignment.stage != CONFIRMED,
        )
        .order_by(Assignment.id)
    )
    for fire_at, a, number in c.session.execute(query):
        old, new = moved[fire_at]
        move = Move(
            "update_obligation",
            f"Nhiệm vụ {a.seq} của văn bản {number}",
            a.lead_unit_code,
            c.unit_name(a.lead_unit_code),
            old,
            new,
            "assignments",
            str(a.id),
            a.instance_id,
        )
        result.add(move, {"obligation_due": new.isoformat()})


def _obligation_after(c: Context, old: date) -> date | None:
    """The T6 date, under the new calendar, of the quarter whose T6 is `old` under the current one."""
    for year in (old.year, old.year - 1):
        for month in QUARTER_END_MONTHS:
            if c.period(year, month, c.before).unit_due == old:
                return c.period(year, month, c.after).unit_due
    return None


def periods(c: Context, result: Plan) -> None:
    """T6, T7 and the receipt cut-off (R7) of the periodic-report and secret-report schedules: of the
    period each waits to open, or of the open round's units that have not reported yet."""
    query = (
        select(ProcessInstance)
        .where(
            ProcessInstance.process_id.in_(("periodic_report", "secret_report_reminder")),
            ProcessInstance.status == RUNNING,
            ProcessInstance.state != "",
        )
        .order_by(ProcessInstance.id)
    )
    for instance in c.session.scalars(query):
        period = c.variables(instance, "period")["period"]
        if not isinstance(period, dict) or period.get("month") not in QUARTER_END_MONTHS:
            continue
        new = c.period(period["year"], period["month"], c.after)
        secret = instance.process_id == "secret_report_reminder"
        for move, key in _period_moves(c, instance, period, new, secret):
            result.add(move, {"period": {key: getattr(new, key).isoformat()}})


def _period_moves(
    c: Context, instance: ProcessInstance, period: dict, new: ReportPeriod, secret: bool
) -> Iterator[tuple[Move, str]]:
    """(move, the key of `period` it changes) for one schedule instance."""
    label = period["label"] + (" theo chế độ mật" if secret else "")
    t6, receipt = ("secret_report", "secret_receipt") if secret else ("report_t6", "report_receipt")
    old = {key: as_date(period[key]) for key in ("unit_due", "consolidation_due", "receipt_cutoff")}
    vp = c.vp()
    if c.waiting_at(instance.id, "round_opens", "period_opens"):  # not open yet: the dates alone move
        kinds = [("unit_due", t6, (None, ALL_UNITS)), ("receipt_cutoff", receipt, vp)]
        if not secret:
            kinds.insert(1, ("consolidation_due", "report_t7", vp))
        for key, kind, unit in kinds:
            if getattr(new, key) != old[key]:
                yield Move(kind, label, *unit, old[key], getattr(new, key), instance_id=instance.id), key
        return
    if secret:
        rows = c.session.scalars(
            select(SecretReportObligation)
            .where(
                SecretReportObligation.kind == period["kind"],
                SecretReportObligation.year == period["year"],
                SecretReportObligation.period == period["period"],
                SecretReportObligation.sent_on.is_(None),
                SecretReportObligation.due_date != new.unit_due,
            )
            .order_by(SecretReportObligation.id)
        )
        entity = "secret_report_obligations"
    else:
        found = c.session.scalar(
            select(ReportRound).where(
                ReportRound.kind == period["kind"],
                ReportRound.year == period["year"],
                ReportRound.period == period["period"],
            )
        )
        if found is None or found.status != "open":
            return  # consolidated: T6 and T7 are over
        rows = c.session.scalars(
            select(ReportSubmission)
            .where(
                ReportSubmission.round_id == found.id,
                ReportSubmission.submitted_at.is_(None),
                ReportSubmission.due_date != new.unit_due,
            )
            .order_by(ReportSubmission.id)
        )
        entity = "report_submissions"
        if found.consolidation_due != new.consolidation_due:
            where = ("report_rounds", str(found.id), instance.id)
            yield (
                Move("report_t7", label, *vp, found.consolidation_due, new.consolidation_due, *where),
                ("consolidation_due"),
            )
    for row in rows:
        unit = (row.unit_code, c.unit_name(row.unit_code))
        yield Move(t6, label, *unit, row.due_date, new.unit_due, entity, str(row.id), instance.id), "unit_due"
    if c.waiting_at(instance.id, "receipt_closed") and new.receipt_cutoff != old["receipt_cutoff"]:
        where = (None, None, instance.id)
        yield Move(receipt, label, *vp, old["receipt_cutoff"], new.receipt_cutoff, *where), "receipt_cutoff"


def _deadline_day(calendar: WorkCalendar, fire_at: datetime) -> date:
    """The last day of a deadline whose timer fires at `fire_at`, 24:00 local of that day (R3)."""
    return calendar.local_date(fire_at - timedelta(microseconds=1))
