"""Invariants about what people owe each other: no user task left open that someone should have done,
escalations to the Chairman only after an unanswered urging letter (Đ19.3), and the P10 report's frozen
per-unit figures equal to a recount from the ledger (Đ26.1)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from engine.assignments.models import Escalation, Urging
from engine.assignments.operators.common import T2_WORKING_DAYS
from engine.calendar import WorkCalendar
from engine.reports.regulation_report import RegulationReport
from engine.simulation.invariants import Check
from engine.simulation.ledger import Ledger
from engine.usertasks.models import READY, UserTaskRow
from engine.workdays import service as workdays

# The P10 figures recounted from the ledger: task figures, late periodic reports, urgings people sent.
P10_FIELDS = ("tasks", "overdue", "late_updates", "reports_due", "reports_late", "reports_missing")
URGING_FIELDS = {"urging_letter": "urgings_letter", "direction_request": "urgings_direction_request"}


def tasks_left_ready(run) -> Check:
    """Every user task still open at the end is one the people leave on purpose, or one they act on
    after the end; none has no handler and none was forgotten."""
    check = Check("no user task is left open that the people should have handled")
    driver = run.driver
    with run.system.db.reading() as session:
        rows = session.execute(
            select(UserTaskRow.id, UserTaskRow.process_id, UserTaskRow.bpmn_id, UserTaskRow.created_at).where(
                UserTaskRow.state == READY
            )
        ).all()
    later = on_purpose = 0
    for task_id, process_id, bpmn_id, created_at in rows:
        if task_id in driver.left:
            on_purpose += 1
        elif driver.planned.get(task_id, run.start) >= run.end:
            later += 1
        else:
            planned = driver.planned.get(task_id)
            when = f"planned for {planned:%d/%m/%Y %H:%M} UTC" if planned else "nobody planned to act"
            check.problems.append(
                f"{process_id}:{bpmn_id} ({task_id}) open since {created_at:%d/%m/%Y %H:%M} UTC: {when}"
            )
    check.problems += [
        f"{n} × {key} appeared and nobody acts on it" for key, n in run.people.unhandled.items()
    ]
    check.looked_at = (
        f"{len(rows)} user tasks open at the end: {on_purpose} left on purpose, {later} due after the end"
    )
    return check


def escalations_after_silence(run) -> Check:
    """Each proposal to the Chairman follows an urging letter the people sent, after escalation_days
    working days in which the lead unit sent nothing."""
    check = Check("escalations only after an urging letter and escalation_days working days of silence")
    ledger: Ledger = run.ledger
    days = run.system.settings.escalation_days
    with run.system.db.reading() as session:
        calendar = workdays.calendar(session=session, settings=run.system.settings)
        rows = session.execute(
            select(Escalation.id, Escalation.assignment_id, Escalation.proposed_at, Urging.issued_at).join(
                Urging, Urging.id == Escalation.urging_id
            )
        ).all()
    for escalation_id, aid, proposed_at, issued_at in rows:
        sent = [at for at, _, kind, a in ledger.urgings if a == aid and kind == "urging_letter"]
        if issued_at not in sent:
            check.problems.append(f"escalation {escalation_id}: its urging letter is not one VP sent")
            continue
        silent_until = calendar.end_of_day(calendar.add_working_days(calendar.local_date(issued_at), days))
        if proposed_at is not None and proposed_at < silent_until:
            check.problems.append(
                f"escalation {escalation_id} proposed {proposed_at:%d/%m/%Y %H:%M} UTC, before the unit's "
                f"{days} working days after the letter of {issued_at:%d/%m/%Y} ran out"
            )
        # Silence is owed until the window runs out; a report after it (while VP drafts the proposal)
        # does not undo the escalation the engine rightly opened.
        entry = ledger.entries.get(aid)
        answered = [at for at, _, _ in (entry.updates if entry else []) if issued_at <= at <= silent_until]
        if answered:
            check.problems.append(
                f"escalation {escalation_id}: the lead unit updated on {answered[0]:%d/%m/%Y}"
            )
    check.looked_at = f"{len(rows)} escalation(s) proposed, escalation_days {days}"
    return check


def regulation_report_matches_ledger(run) -> Check:
    """Each P10 report frozen in the run: its per-unit figures equal the recount from the ledger as of the
    freeze (tasks, overdue, updates later than T2, periodic reports late or missing, urgings sent)."""
    check = Check("every P10 report's frozen figures per unit equal a recount from the ledger")
    with run.system.db.reading() as session:
        calendar = workdays.calendar(session=session, settings=run.system.settings)
        reports = session.scalars(select(RegulationReport).order_by(RegulationReport.year)).all()
        frozen = [(r.year, r.as_of, r.opened_at, r.figures) for r in reports]
    for year, as_of, opened_at, figures in frozen:
        expected = recount(run.ledger, year=year, as_of=as_of, cut=opened_at, calendar=calendar)
        got = {row["unit_code"]: row for row in figures["units"]}
        keys = (*P10_FIELDS, *URGING_FIELDS.values())
        for unit in sorted(set(got) | set(expected)):
            mine = expected.get(unit, dict.fromkeys(keys, 0))
            theirs = got.get(unit, dict.fromkeys(keys, 0))
            diff = [f"{k} {theirs[k]} (ledger {mine[k]})" for k in keys if mine[k] != theirs[k]]
            if diff:
                check.problems.append(f"P10 {year} as of {as_of:%d/%m/%Y}: {unit}: " + ", ".join(diff))
    check.looked_at = (
        ", ".join(f"{year} frozen {opened_at:%d/%m/%Y %H:%M} UTC" for year, _, opened_at, _ in frozen)
        or "no P10 report in this run"
    )
    return check


def recount(
    ledger: Ledger, *, year: int, as_of: date, cut: datetime, calendar: WorkCalendar
) -> dict[str, dict[str, int]]:
    """The P10 figures per unit from the ledger, as they stood at `cut` on `as_of` (DOMAIN.md, Đ26.1)."""
    start = calendar.end_of_day(date(year, 1, 1)) - timedelta(days=1)
    end = calendar.end_of_day(as_of)
    table: dict[str, dict[str, int]] = {}

    def row(unit: str) -> dict[str, int]:
        return table.setdefault(unit, dict.fromkeys((*P10_FIELDS, *URGING_FIELDS.values()), 0))

    classified = ledger.classified(as_of=as_of, calendar=calendar, window_from=date(year, 1, 1), cut=cut)
    for aid, (lead, bucket, due, _, _) in classified.items():
        r = row(lead)
        r["tasks"] += 1
        r["overdue"] += bucket in ("done_late", "open_late")
        if due is None:
            continue
        t2_end = calendar.end_of_day(calendar.add_working_days(due, T2_WORKING_DAYS))
        entry = ledger.entries[aid]
        if not start <= t2_end < end or (entry.confirmed_at is not None and entry.confirmed_at <= t2_end):
            continue
        due_starts = calendar.end_of_day(due) - timedelta(days=1)
        answered = any(
            at <= t2_end and at <= cut and unit == lead and (is_result or at >= due_starts)
            for at, is_result, unit in entry.updates
        )
        r["late_updates"] += not answered
    for submission in ledger.submissions.values():
        if calendar.local_date(submission.opened_at).year != year or submission.opened_at > cut:
            continue
        t6_end = calendar.end_of_day(submission.due)
        sent = submission.submitted_at is not None and submission.submitted_at <= cut
        if not sent and t6_end >= end:
            continue  # neither sent nor due yet (December's round opens in the sweep that freezes P10)
        r = row(submission.unit)
        r["reports_due"] += 1
        if sent:
            r["reports_late"] += submission.submitted_at > t6_end
        else:
            r["reports_missing"] += 1
    for at, unit, kind, _ in ledger.urgings:
        if start <= at <= cut:
            row(unit)[URGING_FIELDS[kind]] += 1
    return table
