"""`theodoi simulate`: a quarter of a small province run through the service layer on a fast clock keeps
every invariant, and the invariants do fail when what they watch is broken."""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from engine.assignments.models import AssignmentTransfer, DeadlineAdjustment, Escalation, Urging
from engine.cli import main
from engine.db import Database
from engine.errors import ConflictError
from engine.feedback.models import LocalFeedback
from engine.inspections.models import Inspection
from engine.notifications.models import Notification
from engine.reports.models import AdHocReport, ReportRound
from engine.reports.regulation_report import RegulationReport
from engine.simulation import invariants, obligations
from engine.simulation.options import Options
from engine.simulation.runner import simulation
from engine.simulation.timers import DEFERRED_START, DueTimer, TimerWatch
from engine.usertasks.models import UserTaskRow
from tests.factories import add_document

SHORT = Options(units=10, documents=200, days=90, start=date(2027, 1, 1), seed=35)
SMALL = Options(units=6, documents=40, days=60, start=date(2027, 1, 1), seed=7)


def count(run, model, *where) -> int:
    with run.system.db.reading() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.mark.postgres
def test_a_quarter_of_a_small_province_keeps_every_invariant(settings):
    with simulation(settings, SHORT) as run:
        run.execute()
        assert {c.name: c.problems[:5] for c in run.failed} == {}
        assert len(run.checks) == 12
        counts = run.driver.metrics.counts
        assert counts["documents"] == 200 and counts["assignments"] > 300
        assert counts["user tasks completed"] > 1000
        # The run went through what the invariants are about, not around it.
        timers = run.driver.timers
        assert timers.fired_in_sweeps > 100 and timers.deferred_starts >= 1 and timers.sweeps > 1000
        occasional = run.people.occasional
        assert occasional.day_off is not None and occasional.moved_by_calendar and occasional.engine_moves
        assert occasional.deployment is not None and occasional.deployment.version == 2
        assert count(run, ReportRound, ReportRound.status == "published") == 1
        assert count(run, Urging, Urging.kind == "urging_letter") > 0
        assert count(run, Urging, Urging.kind == "update_reminder") > 0
        assert count(run, AssignmentTransfer) > 0 and count(run, DeadlineAdjustment) > 0
        assert count(run, Inspection) >= 1 and count(run, LocalFeedback) >= 1
        assert run.people.unhandled == {}
        assert len(run.ledger.ad_hoc) >= 1 and any(r.sent for r in run.ledger.ad_hoc.values())
        assert len(run.driver.live_tables) == 1  # 31/03/2027 as printed that day, then recomputed


# From mid-November across 1 December: the P10 report is frozen, assessed and approved in the run.
ACROSS_P10 = Options(units=8, documents=60, days=45, start=date(2026, 11, 16), seed=11)


@pytest.mark.postgres
def test_a_run_across_1_december_drives_every_new_step_and_the_p10_recount_holds(settings):
    with simulation(settings, ACROSS_P10) as run:
        run.execute()
        assert {c.name: c.problems[:5] for c in run.failed} == {}
        assert run.people.unhandled == {}
        with run.system.db.reading() as session:
            report = session.scalar(select(RegulationReport).where(RegulationReport.year == 2026))
            assert report is not None and report.status == "submitted"
            steps = set(session.scalars(select(UserTaskRow.bpmn_id).where(UserTaskRow.state == "completed")))
        assert {"assess", "approve", "approve_report", "send_contribution", "advise_difficulty"} <= steps
        p10 = next(c for c in run.checks if c.name.startswith("every P10 report"))
        assert "2026 frozen 01/12/2026" in p10.looked_at
        # The recount is no echo of the report: a letter the report does not count is caught.
        unit = run.province.departments[0]
        run.ledger.urged(at=report.opened_at - timedelta(days=3), unit=unit, kind="urging_letter")
        broken = obligations.regulation_report_matches_ledger(run)
        assert [
            p for p in broken.problems if p.startswith(f"P10 2026 as of 01/12/2026: {unit}: urgings_letter")
        ]


def test_an_escalation_the_ledger_cannot_explain_and_a_forgotten_task_are_reported(settings):
    with simulation(settings, SMALL) as run:
        run.execute()
        assert obligations.tasks_left_ready(run).ok
        forgotten = next(iter(run.driver.left))
        del run.driver.left[forgotten]
        problems = obligations.tasks_left_ready(run).problems
        assert [p for p in problems if f"({forgotten})" in p and p.endswith("nobody planned to act")]
        with run.system.db.reading() as session:
            letter = session.scalars(
                select(Urging).where(
                    Urging.kind == "urging_letter", Urging.id.not_in(select(Escalation.urging_id))
                )
            ).first()
        assert letter is not None
        with run.system.db.transaction() as session:
            session.add(
                Escalation(
                    assignment_id=letter.assignment_id,
                    urging_id=letter.id,
                    unit_code=letter.unit_code,
                    measures="Đề xuất biện pháp.",
                    proposed_by="cv1",
                    proposed_at=letter.issued_at + timedelta(hours=2),
                )
            )
        check = obligations.escalations_after_silence(run)
        assert any("before the unit's 5 working days" in p for p in check.problems)


def test_a_broken_ledger_is_reported_by_the_bucket_and_assignment_checks(settings):
    with simulation(settings, SMALL) as run:
        run.execute()
        assert run.failed == []
        entry = next(
            e
            for e in run.ledger.entries.values()
            if e.confirmed_at is not None and e.dues[-1][1] is not None and e.completed_on <= e.dues[-1][1]
        )
        entry.completed_on = entry.dues[-1][1] + timedelta(days=1)  # the witness now says "quá hạn"

        buckets = invariants.buckets_match_ledger(run)
        assert not buckets.ok
        lead = entry.leads[-1][1]
        assert any(f"{lead}: done_on_time" in p and "done_late" in p for p in buckets.problems)
        assert any(
            p.startswith(f"  assignment {entry.assignment_id} (instance ")
            and p.endswith(
                f"the report has {lead} “Đã hoàn thành đúng hạn”, the ledger {lead} “Đã hoàn thành quá hạn”"
            )
            for p in buckets.problems
        )
        standing = invariants.assignments_as_left(run)
        assert [
            p for p in standing.problems if p.startswith(f"assignment {entry.assignment_id}: completed on")
        ]


def test_an_ad_hoc_answer_stored_though_sent_after_the_date_and_a_late_consolidation_are_reported(settings):
    with simulation(settings, SMALL) as run:
        run.execute()
        check = invariants.ad_hoc_reports_closed(run)
        assert check.ok and "past their date" in check.looked_at
        request = next(r for r in run.ledger.ad_hoc.values() if r.sent and r.consolidated_at is not None)
        unit = sorted(request.sent)[0]
        request.sent[unit] += timedelta(days=8)  # the witness now says it came after the date
        with run.system.db.transaction() as session:
            row = session.scalar(select(AdHocReport).where(AdHocReport.instance_id == request.instance_id))
            row.consolidated_at += timedelta(days=7)
        problems = invariants.ad_hoc_reports_closed(run).problems
        assert [p for p in problems if f": {unit}'s answer is stored " in p]
        assert [p for p in problems if f"ad-hoc request {row.id} (" in p and ", due by " in p]


def test_a_notification_sent_twice_is_reported(settings):
    with simulation(settings, SMALL) as run:
        run.execute()
        assert invariants.notifications_once(run).ok
        with run.system.db.transaction() as session:
            sent = session.scalars(select(Notification).where(Notification.kind == "update_reminder")).first()
            session.add(
                Notification(
                    recipient_group=sent.recipient_group,
                    recipient_unit=sent.recipient_unit,
                    kind=sent.kind,
                    message=sent.message,
                    instance_id=sent.instance_id,
                    created_at=sent.created_at + timedelta(minutes=5),
                )
            )
        check = invariants.notifications_once(run)
        assert [p[:40] for p in check.problems] == [
            f"2× update_reminder to {sent.recipient_group} of {sent.recipient_unit}"[:40]
        ]


def test_the_timer_watch_reports_a_due_timer_left_unfired_and_a_timer_fired_twice():
    sweep = datetime(2027, 3, 10, 17, 0, 1, tzinfo=UTC)
    due = sweep - timedelta(seconds=1)
    watch = TimerWatch()
    watch.before_sweep(
        [
            DueTimer("a", 1, "due_passed", due),
            DueTimer("b", 2, "t2_passed", due),
            DueTimer("c", 3, DEFERRED_START, due),
        ]
    )
    watch.on_fired("b", sweep, in_sweep=True)
    watch.after_sweep(sweep, {"b": sweep}, {3}, [DueTimer("a", 1, "due_passed", due)])
    assert len(watch.findings) == 1 and "due_passed (a) of instance 1" in watch.findings[0]
    assert "did not fire" in watch.findings[0]
    assert watch.deferred_starts == 1 and watch.max_lateness == timedelta(seconds=1)

    watch.on_fired("b", sweep + timedelta(hours=1), in_sweep=False)
    assert "timer b fired more than once" in watch.findings[-1]


def test_a_database_holding_documents_is_refused(settings, database_url):
    database = Database(database_url)
    with database.transaction() as session:
        add_document(session)
    database.dispose()
    with pytest.raises(ConflictError, match="documents: 1"):
        with simulation(settings, SMALL):
            pass
    result = CliRunner().invoke(main, ["simulate", "--database-url", database_url, "--quiet"], env={})
    assert result.exit_code == 2 and "lỗi: the database already holds data (documents: 1)" in result.output


def test_the_command_runs_on_a_fresh_sqlite_file_and_prints_its_report(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    args = [
        "simulate",
        "--units",
        "5",
        "--documents",
        "8",
        "--days",
        "20",
        "--start",
        "2027-03-01",
        "--quiet",
    ]
    result = CliRunner().invoke(main, args, env={"THEODOI_SECRET_KEY": "test"})
    assert result.exit_code == 0, result.output
    [database] = tmp_path.glob("theodoi-sim-*/simulation.db")
    assert f"database: sqlite:///{database}" in result.output
    for heading in ("Simulated", "Throughput", "Latency of service calls", "Memory", "Invariants"):
        assert f"\n{heading}" in result.output
    assert result.output.rstrip().endswith("OK: all 12 invariants hold")
    assert "03/2027" in result.output  # the month's line of the memory table


def test_an_unknown_rate_is_refused_by_name():
    result = CliRunner().invoke(main, ["simulate", "--rate", "lateness=0.5"], env={})
    assert result.exit_code == 2 and "unknown rate(s) lateness" in result.output
