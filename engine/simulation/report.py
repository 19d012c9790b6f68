"""The printed outcome of a run: what was simulated, how fast, how much memory, and the verdict of each
invariant with every case that broke it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from engine.assignments.models import Escalation, Urging
from engine.feedback.models import LocalFeedback
from engine.inspections.models import Inspection
from engine.instances.models import InstanceEvent, ProcessInstance
from engine.notifications.models import Notification
from engine.reports.ad_hoc_records import SECRET
from engine.reports.models import ReportRound
from engine.reports.regulation_report import RegulationReport
from engine.simulation.invariants import SHOWN

# Event kinds that are one executed BPMN step (what "steps" counts).
STEPS = ("step_completed", "user_task_completed", "timer_fired", "message_received", "signal_received")


def render(run) -> list[str]:
    """The report as lines of text."""
    o, m = run.options, run.driver.metrics
    first, last = run.start.date(), (run.end - timedelta(days=1)).date()
    lines = [
        f"theodoi simulate: {o.units} units, {o.documents} documents, {first:%d/%m/%Y} to {last:%d/%m/%Y} "
        f"({o.days} days), seed {o.seed}",
        f"database: {_safe_url(run.settings.resolved_database_url)}",
        "",
    ]
    lines += _simulated(run)
    seconds = max(run.wall_seconds, 1e-9)
    steps = _count(run, select(func.count()).where(InstanceEvent.kind.in_(STEPS)))
    lines += [
        "",
        f"Throughput ({run.wall_seconds:.1f} s wall clock)",
        _row("documents per second", f"{m.counts['documents'] / seconds:.1f}"),
        _row("user tasks completed per second", f"{m.counts['user tasks completed'] / seconds:.1f}"),
        _row("BPMN steps per second", f"{steps / seconds:.1f}  ({steps} steps)"),
        _row("timers fired per second", f"{m.counts['timers fired'] / seconds:.1f}"),
        "",
        "Latency of service calls (wall time, ms)",
        f"  {'call':<44} {'count':>7} {'p50':>8} {'p99':>8} {'max':>8}",
    ]
    lines += [
        f"  {n:<44} {c:>7} {p50:>8.1f} {p99:>8.1f} {top:>8.1f}" for n, c, p50, p99, top in m.latency_table()
    ]
    lines += ["", "Slowest calls (wall ms, simulated instant)"]
    lines += [
        f"  {spent * 1000:>8.1f}  {call:<44} {at:%d/%m/%Y %H:%M} UTC" for spent, call, at in m.slowest_calls()
    ]
    lines += [
        "",
        "Memory (resident set, MB)",
        f"  {'month':<14} {'RSS':>8} {'peak':>8} {'wall s':>8} {'documents':>10}",
    ]
    lines += [
        f"  {s.label:<14} {s.rss_mb:>8.1f} {s.peak_mb:>8.1f} {s.wall_seconds:>8.0f} {s.documents:>10}"
        for s in m.memory
    ]
    lines += ["", "Invariants"]
    for check in run.checks:
        lines.append(f"  [{'ok' if check.ok else 'FAILED'}] {check.name}")
        if check.looked_at:
            lines.append(f"         {check.looked_at}")
        for problem in check.problems[:SHOWN]:
            lines.append(f"         - {problem}")
        if len(check.problems) > SHOWN:
            lines.append(f"         ... and {len(check.problems) - SHOWN} more")
    failed = run.failed
    lines.append("")
    if failed:
        lines.append(
            f"FAILED: {len(failed)} of {len(run.checks)} invariants: " + "; ".join(c.name for c in failed)
        )
    else:
        lines.append(f"OK: all {len(run.checks)} invariants hold")
    return lines


def _simulated(run) -> list[str]:
    m, occasional, people = run.driver.metrics, run.people.occasional, run.people
    with run.system.db.reading() as session:
        statuses = dict(
            session.execute(
                select(ProcessInstance.status, func.count()).group_by(ProcessInstance.status)
            ).all()
        )
        urgings = dict(session.execute(select(Urging.kind, func.count()).group_by(Urging.kind)).all())
        rounds = dict(
            session.execute(select(ReportRound.status, func.count()).group_by(ReportRound.status)).all()
        )
        inspections = dict(
            session.execute(select(Inspection.status, func.count()).group_by(Inspection.status)).all()
        )
        feedbacks = session.scalar(select(func.count(LocalFeedback.id)))
        escalations = session.scalar(select(func.count(Escalation.id)))
        directed = session.scalar(
            select(func.count(Escalation.id)).where(Escalation.directed_at.is_not(None))
        )
        regulation = dict(
            session.execute(
                select(RegulationReport.year, RegulationReport.status).order_by(RegulationReport.year)
            ).all()
        )
        notifications = dict(
            session.execute(select(Notification.kind, func.count()).group_by(Notification.kind)).all()
        )
    lines = [
        "Simulated",
        _row("documents registered", m.counts["documents"]),
        _row("assignments classified", m.counts["assignments"]),
        _row("user tasks completed", m.counts["user tasks completed"]),
        _row("timers fired", m.counts["timers fired"]),
        _row("process instances", _pairs(statuses)),
        _row("đôn đốc (urgings)", _pairs(urgings)),
        _row("notifications", f"{sum(notifications.values())}: {_pairs(notifications)}"),
        _row("report rounds", _pairs(rounds)),
        _row("inspections", f"{_pairs(inspections)}; started by level: {_pairs(people.inspections.levels)}"),
        _row("local feedbacks", f"{feedbacks} ({occasional.on_paper} registered by VP from paper)"),
        _row("data correction requests", occasional.correction_requests),
        _row("ad-hoc report requests", _ad_hoc(run.ledger.ad_hoc.values(), run.driver.calendar)),
        _row("escalations to the Chairman", f"{escalations} proposed, {directed} directed"),
        _row("reports returned by unit leaders", people.leadership.leader_returns),
        _row("P10 reports", _pairs(regulation)),
    ]
    if occasional.day_off:
        at, day = occasional.day_off
        lines.append(
            _row(
                "calendar correction",
                f"{day:%d/%m/%Y} declared off on {at:%d/%m/%Y}; {len(occasional.moved_by_calendar)} "
                f"assignment deadline(s) move by R4; the engine moved {occasional.engine_moves} deadline(s)",
            )
        )
    if occasional.deployment:
        d = occasional.deployment
        lines.append(_row("new diagram version", f"assignment v{d.version} deployed {d.at:%d/%m/%Y}"))
    if run.people.unhandled:
        lines.append(_row("user tasks nobody acts on", _pairs(run.people.unhandled)))
    closed = m.counts["actions on closed user tasks"]
    if closed:
        lines.append(
            _row("actions on closed user tasks", f"{closed} (the process had moved on; nothing done)")
        )
    return lines


def _ad_hoc(requests, calendar) -> str:
    """How many requests (secret ones), units asked, and answers sent by the end of the date."""
    requests = list(requests)
    secret = sum(r.kind == SECRET for r in requests)
    asked = sum(len(r.units) for r in requests)
    on_time = sum(len(r.answered_by(calendar.end_of_day(r.due))) for r in requests)
    return f"{len(requests)} ({secret} secret), {asked} units asked, {on_time} answered by the date"


def _count(run, query) -> int:
    with run.system.db.reading() as session:
        return session.scalar(query) or 0


def _row(label: str, value) -> str:
    return f"  {label:<34} {value}"


def _pairs(counts: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"


def _safe_url(url: str) -> str:
    """The URL without a password."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}@{host}"
    return url
