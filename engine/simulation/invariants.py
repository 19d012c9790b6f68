"""The invariants a province year must keep, checked at the end of a run. Each check names what it proves
and, when it fails, every case that breaks it (the first ones, with a count of the rest)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from engine.assignments.models import Assignment
from engine.instances.models import ERROR, InstanceEvent, ProcessInstance, WaitingTimer
from engine.notifications.models import Notification
from engine.reports import buckets
from engine.reports.ad_hoc_records import CONSOLIDATED, RECEIVED, SECRET
from engine.reports.buckets import COUNT_KEYS, RATE_KEYS
from engine.reports.models import AdHocAnswer, AdHocReport, ReportRound
from engine.reports.periodic import figures_as_of
from engine.simulation.ledger import Ledger
from engine.usertasks.models import UserTaskRow
from engine.workdays import service as workdays

SHOWN = 12  # cases listed per failed check; the rest are counted
FIELDS = (*COUNT_KEYS, *RATE_KEYS)


@dataclass
class Check:
    """One invariant: its name, whether it held, what was looked at, and every case that broke it."""

    name: str
    looked_at: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the invariant held."""
        return not self.problems


def check_all(run) -> list[Check]:
    """Every invariant over a finished run (engine.simulation.runner.Run)."""
    from engine.simulation import obligations

    return [
        timers_fired_once(run),
        no_unplanned_errors(run),
        actions_accepted(run),
        buckets_match_ledger(run),
        notifications_once(run),
        published_rounds_reproducible(run),
        assignments_as_left(run),
        new_version_for_new_instances(run),
        obligations.tasks_left_ready(run),
        obligations.escalations_after_silence(run),
        obligations.regulation_report_matches_ledger(run),
        ad_hoc_reports_closed(run),
    ]


def timers_fired_once(run) -> Check:
    """The timer watch's findings, and the event log: no task fired twice, nothing due left."""
    watch = run.driver.timers
    check = Check("every due timer fired once, in the first sweep after its instant")
    with run.system.db.reading() as session:
        twice = session.execute(
            select(InstanceEvent.task_id, func.count())
            .where(InstanceEvent.kind == "timer_fired")
            .group_by(InstanceEvent.task_id)
            .having(func.count() > 1)
        ).all()
        left = session.scalar(select(func.count()).where(WaitingTimer.fire_at < run.end))
    # A timer fires in a person's step when the step re-arms it after its instant: a restarted deadline
    # watch (any change of the assignment) waits again on a due date already past.
    check.looked_at = (
        f"{watch.sweeps} sweeps, {sum(watch.fired.values())} timers fired ({watch.fired_in_sweeps} in "
        f"sweeps, {watch.fired_in_actions} re-armed past their instant in people's steps), "
        f"{watch.deferred_starts} deferred starts, latest firing in a sweep "
        f"{watch.max_lateness.total_seconds():.0f} s after its instant"
        + (f", {watch.created_past_due} created already due" if watch.created_past_due else "")
    )
    check.problems += watch.findings
    check.problems += [f"timer {task_id} fired {n} times (event log)" for task_id, n in twice]
    if left:
        check.problems.append(f"{left} timer(s) due before the end are still waiting")
    return check


def no_unplanned_errors(run) -> Check:
    """No instance is parked in error: the scenario causes none on purpose."""
    check = Check("no process instance in error")
    with run.system.db.reading() as session:
        rows = session.scalars(select(ProcessInstance).where(ProcessInstance.status == ERROR)).all()
        check.looked_at = f"{session.scalar(select(func.count(ProcessInstance.id)))} instances"
    for row in rows:
        error = row.error or {}
        where = error.get("element_id") or error.get("element") or "?"
        check.problems.append(
            f"instance {row.id} ({row.process_id}, {row.business_key}) at {where}: {error.get('message')}"
            f" ({error.get('at', row.updated_at.isoformat())})"
        )
    return check


def actions_accepted(run) -> Check:
    """The engine took every scripted action (a refusal is a bug of one side or the other)."""
    refusals = run.driver.refusals
    check = Check("every action of the simulated people was accepted")
    check.looked_at = f"{run.driver.metrics.counts['user tasks completed']} user tasks completed"
    check.problems += [f"{r.at:%d/%m/%Y %H:%M} UTC {r.label}: {r.message}" for r in refusals]
    return check


def buckets_match_ledger(run) -> Check:
    """As of each checkpoint: the table as it was printed then, and as recomputed at the end."""
    check = Check("every bucket as of each quarter end equals the recount from the ledger")
    soon = run.system.settings.due_soon_days
    with run.system.db.reading() as session:
        calendar = workdays.calendar(session=session, settings=run.system.settings)
        tables = 0
        for as_of in run.checkpoints:
            quarter_from = date(as_of.year, (as_of.month - 1) // 3 * 3 + 1, 1)
            for window in (None, quarter_from):
                table = buckets.per_unit(
                    session, as_of=as_of, window_from=window, calendar=calendar, soon_days=soon
                )
                expected = run.ledger.recount(
                    as_of=as_of, window_from=window, calendar=calendar, soon_days=soon
                )
                label = f"as of {as_of:%d/%m/%Y}" + (f" from {window:%d/%m/%Y}" if window else "")
                differences = compare(table, expected, f"{label} (recomputed at the end)")
                if differences:
                    units = {row["unit_code"] for row in table} | set(expected)
                    differences += explain(session, run.ledger, as_of, window, calendar, soon, units)
                check.problems += differences
                tables += 1
            live = run.driver.live_tables.get(as_of)
            if live is not None:
                then_calendar = run.driver.live_calendars[as_of]
                expected = run.ledger.recount(as_of=as_of, calendar=then_calendar, soon_days=soon)
                check.problems += compare(live, expected, f"as of {as_of:%d/%m/%Y} (printed that day)")
                tables += 1
    check.looked_at = (
        f"{tables} tables at {len(run.checkpoints)} date(s), {len(run.ledger.entries)} assignments"
    )
    return check


def compare(table: list[dict], expected: dict[str, dict], label: str) -> list[str]:
    """Differences between an engine table (rows per unit) and a recount: one line per unit."""
    problems = []
    found = {row["unit_code"]: row for row in table}
    for unit in sorted(set(found) | set(expected)):
        got, want = found.get(unit), expected.get(unit)
        if got is None or want is None:
            problems.append(
                f"{label}: unit {unit} is {'missing from' if got is None else 'extra in'} the report"
            )
            continue
        diff = [f"{k} {got[k]} (ledger {want[k]})" for k in FIELDS if got[k] != want[k]]
        if diff:
            problems.append(f"{label}: {unit}: " + ", ".join(diff))
    return problems


def explain(
    session, ledger: Ledger, as_of: date, window: date | None, calendar, soon: int, units
) -> list[str]:
    """The assignments behind a difference: each one the report and the ledger put in different
    buckets (or units), with its process instance."""
    mine = ledger.classified(as_of=as_of, calendar=calendar, window_from=window)
    theirs = {}
    for unit in sorted(units):
        for row in buckets.detail(
            session, unit_code=unit, as_of=as_of, window_from=window, calendar=calendar, soon_days=soon
        ):
            theirs[row["assignment_id"]] = (unit, row["bucket"])
    lines = []
    for aid in sorted(set(mine) | set(theirs)):
        want = mine.get(aid, (None, None))[:2]
        got = theirs.get(aid, (None, None))
        if got != want and (got[0] in units or want[0] in units):
            instance = session.scalar(select(Assignment.instance_id).where(Assignment.id == aid))
            lines.append(
                f"  assignment {aid} (instance {instance}) as of {as_of:%d/%m/%Y}: the report has "
                f"{_label(got)}, the ledger {_label(want)}"
            )
    return lines


def _label(found: tuple[str | None, str | None]) -> str:
    unit, bucket = found
    return "nothing" if unit is None else f"{unit} “{buckets.BUCKETS[bucket]}”"


def notifications_once(run) -> Check:
    """No notification twice: the same kind, recipients and text (which names the deadline) from one
    instance is one deadline notified twice."""
    check = Check("no notification sent twice for one deadline")
    key = (
        Notification.instance_id,
        Notification.kind,
        Notification.recipient_unit,
        Notification.recipient_group,
        Notification.message,
    )
    with run.system.db.reading() as session:
        rows = session.execute(select(*key, func.count()).group_by(*key).having(func.count() > 1)).all()
        check.looked_at = f"{session.scalar(select(func.count(Notification.id)))} notifications"
    for instance_id, kind, unit, group, message, n in rows:
        check.problems.append(
            f"{n}× {kind} to {group} of {unit} from instance {instance_id}: {message[:140]}"
        )
    return check


def published_rounds_reproducible(run) -> Check:
    """Each published round: its frozen figures recomputed, and recounted from the ledger."""
    check = Check("every published round's figures are reproducible and match the ledger")
    settings = run.system.settings
    with run.system.db.reading() as session:
        calendar = workdays.calendar(session=session, settings=settings)
        rounds = session.scalars(select(ReportRound).where(ReportRound.status == "published")).all()
        for row in rounds:
            as_of = figures_as_of(row.window_to, calendar.local_date(row.consolidated_at))
            again = buckets.per_unit(
                session,
                as_of=as_of,
                window_from=row.window_from,
                calendar=calendar,
                soon_days=settings.due_soon_days,
            )
            if again != row.figures:
                differences = compare(again, _by_unit(row.figures), f"{row.label}: recomputed vs frozen")
                check.problems += differences or [
                    f"{row.label}: the recomputed table differs in its rows' order"
                ]
            expected = run.ledger.recount(
                as_of=as_of, window_from=row.window_from, calendar=calendar, soon_days=settings.due_soon_days
            )
            differences = compare(row.figures, expected, f"{row.label}: frozen vs ledger")
            if differences:
                units = {r["unit_code"] for r in row.figures or []} | set(expected)
                differences += explain(
                    session, run.ledger, as_of, row.window_from, calendar, settings.due_soon_days, units
                )
            check.problems += differences
    check.looked_at = f"{len(rounds)} published round(s)"
    return check


def assignments_as_left(run) -> Check:
    """The tracking table holds, for every assignment, what its people last did to it."""
    check = Check("every assignment stands as its people left it (lead, deadline, completion)")
    ledger: Ledger = run.ledger
    with run.system.db.reading() as session:
        rows = session.execute(
            select(
                Assignment.id,
                Assignment.lead_unit_code,
                Assignment.effective_due_date,
                Assignment.completed_on,
                Assignment.confirmed_at,
            )
        ).all()
    for aid, lead, due, completed_on, confirmed_at in rows:
        entry = ledger.entries.get(aid)
        if entry is None:
            check.problems.append(f"assignment {aid} exists but nobody classified it")
            continue
        want = (entry.leads[-1][1], entry.dues[-1][1], entry.completed_on, entry.confirmed_at)
        got = (lead, due, completed_on, confirmed_at)
        for name, g, w in zip(
            ("lead unit", "effective due date", "completed on", "confirmed at"), got, want, strict=True
        ):
            if g != w:
                check.problems.append(f"assignment {aid}: {name} is {_show(g)}, the people left {_show(w)}")
    missing = set(ledger.entries) - {row[0] for row in rows}
    check.problems += [f"assignment {aid} was classified but is not in the table" for aid in sorted(missing)]
    check.looked_at = f"{len(rows)} assignments"
    return check


def new_version_for_new_instances(run) -> Check:
    """After the analyst's deploy, new assignment instances run the new version (with the reworded user
    task) and instances started before keep theirs."""
    from engine.simulation.occasions import RENAMED_TASK

    check = Check("a new diagram version is taken by new instances only")
    deployment = run.people.occasional.deployment
    if deployment is None:
        check.looked_at = "no deployment in this run"
        return check
    with run.system.db.reading() as session:
        instances = session.execute(
            select(ProcessInstance.id, ProcessInstance.definition_id, ProcessInstance.started_at).where(
                ProcessInstance.process_id == "assignment"
            )
        ).all()
        renamed = set(
            session.scalars(select(UserTaskRow.instance_id).where(UserTaskRow.name == RENAMED_TASK)).all()
        )
    newer = [i for i, d, at in instances if at > deployment.at]
    for instance_id, definition_id, started_at in instances:
        is_new = started_at > deployment.at
        if is_new != (definition_id == deployment.definition_id):
            check.problems.append(
                f"assignment instance {instance_id} started {started_at:%d/%m/%Y %H:%M} runs definition "
                f"{definition_id}, the new version is {deployment.definition_id} "
                f"(deployed {deployment.at:%d/%m/%Y %H:%M})"
            )
        if instance_id in renamed and not is_new:
            check.problems.append(f"instance {instance_id} of the old version shows the new task name")
    check.looked_at = (
        f"version {deployment.version} deployed {deployment.at:%d/%m/%Y %H:%M} UTC; {len(newer)} of "
        f"{len(instances)} assignment instances started after it, {len(renamed)} show the new task name"
    )
    return check


def ad_hoc_reports_closed(run) -> Check:
    """Each ad-hoc request whose date has passed was consolidated (a secret one: its paper reports
    confirmed) by the end of the 2nd working day after its date, when VP's people did it; the answers
    stored for every request are exactly those its units sent by the end of its date, at that instant."""
    check = Check(
        "every ad-hoc request past its date was consolidated within 2 working days, with the answers"
    )
    ledger: Ledger = run.ledger
    with run.system.db.reading() as session:
        calendar = workdays.calendar(session=session, settings=run.system.settings)
        reports = {row.instance_id: row for row in session.scalars(select(AdHocReport))}
        stored: dict[int, dict[str, object]] = {}
        for instance_id, unit, at in session.execute(
            select(AdHocReport.instance_id, AdHocAnswer.unit_code, AdHocAnswer.answered_at)
            .join(AdHocReport, AdHocReport.id == AdHocAnswer.report_id)
            .where(AdHocAnswer.answered_at.is_not(None))
        ):
            stored.setdefault(instance_id, {})[unit] = at
    passed = 0
    for instance_id, request in sorted(ledger.ad_hoc.items()):
        row, name = reports.get(instance_id), f"ad-hoc request of instance {instance_id}"
        if row is None:
            check.problems.append(f"{name} was asked {_show(request.asked_at)} but is not stored")
            continue
        name = f"ad-hoc request {row.id} ({request.kind}, due {_show(request.due)})"
        date_ends = calendar.end_of_day(request.due)
        wanted = request.answered_by(date_ends)
        got = stored.get(instance_id, {})
        for unit in sorted(set(wanted) | set(got)):
            if got.get(unit) != wanted.get(unit):
                check.problems.append(
                    f"{name}: {unit}'s answer is stored {_show(got.get(unit))}, "
                    f"the unit sent it {_show(request.sent.get(unit))}"
                )
        if date_ends > run.end:
            continue
        passed += 1
        latest = calendar.end_of_day(calendar.add_working_days(request.due, 2))
        done, status = row.consolidated_at, RECEIVED if request.kind == SECRET else CONSOLIDATED
        if done is None and latest <= run.end:
            check.problems.append(f"{name}: not consolidated by {_show(latest)}")
        elif done is not None and (done > latest or row.status != status or done != request.consolidated_at):
            check.problems.append(
                f"{name}: {row.status} {_show(done)} (VP did it {_show(request.consolidated_at)}), "
                f"due by {_show(latest)}"
            )
    check.problems += [
        f"ad-hoc request {row.id} of instance {i} is stored but nobody asked for it"
        for i, row in sorted(reports.items())
        if i not in ledger.ad_hoc
    ]
    check.looked_at = f"{len(ledger.ad_hoc)} ad-hoc request(s), {passed} past their date"
    return check


def _by_unit(figures: list[dict] | None) -> dict[str, dict]:
    return {row["unit_code"]: row for row in figures or []}


def _show(value) -> str:
    if value is None:
        return "none"
    return (
        f"{value:%d/%m/%Y %H:%M:%S}"
        if hasattr(value, "hour")
        else (f"{value:%d/%m/%Y}" if isinstance(value, date) else str(value))
    )
