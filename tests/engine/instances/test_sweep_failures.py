"""Timers never stop: whatever one instance's timer step raises becomes that instance's incident (status,
element, message, time) and the sweep goes on, so a healthy instance's later timer still fires: in a sweep,
in `theodoi tick` and in the embedded loop."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from engine import operators
from engine.cli import main
from engine.errors import ValidationError
from engine.instances import sweep as timer_sweep
from engine.instances.jobs import TimerLoop
from engine.instances.models import ERROR, InstanceEvent, ProcessInstance
from tests.timer_diagram import SCRIPT, SERVICE, START_MISSING, deploy, start

DUE = datetime(2027, 3, 1, 1, 0, tzinfo=UTC)
LATER = DUE + timedelta(hours=1)
AFTER = LATER + timedelta(minutes=1)


def stale_lock(ctx, **_params):
    """Someone else saved the instance while this step ran (its optimistic lock moved on); plain SQL,
    so that this session's copy of the row does not learn of it."""
    ctx.session.execute(
        text("UPDATE process_instances SET lock_version = lock_version + 1 WHERE id = :id"),
        {"id": ctx.instance_id},
    )


def plain_python_error(ctx, **_params):
    return {}["missing"]


def operator_validation_error(ctx, **_params):
    raise ValidationError("Báo cáo quý I năm 2027 đã được mở", fields={"period": "kỳ báo cáo đã có"})


FAILURES = {
    # kind: (the failing step, a test-only operator to register, what the incident says)
    "engine_error": (
        SERVICE.format(operator="start_process", parameters=START_MISSING),
        None,
        "not_deployed",
    ),
    "operator_error": (
        SERVICE.format(operator="test_validation", parameters=""),
        ("test_validation", operator_validation_error),
        "đã được mở",
    ),
    "python_error": (
        SERVICE.format(operator="test_python", parameters=""),
        ("test_python", plain_python_error),
        "KeyError",
    ),
    "script_error": (SCRIPT.format(script="result = 1 / 0"), None, "ZeroDivisionError"),
    "stale_lock": (
        SERVICE.format(operator="test_stale", parameters=""),
        ("test_stale", stale_lock),
        "changed by someone else",
    ),
}


@pytest.fixture
def failing_and_healthy(system, clock, monkeypatch):
    """Per kind of failure: (failing instance, due first; healthy instance, due later)."""

    def make(kind: str) -> tuple[int, int]:
        step, extra, _ = FAILURES[kind]
        if extra is not None:
            monkeypatch.setitem(operators.OPERATORS, *extra)
        deploy(system, "fragile", step)
        deploy(system, "healthy", SCRIPT.format(script="result = 1"))
        clock.move_to(DUE - timedelta(days=1))
        return start(system, "fragile", DUE), start(system, "healthy", LATER)

    return make


def assert_incident_and_healthy_fired(system, failing: int, healthy: int, kind: str) -> None:
    with system.db.reading() as session:
        broken = session.get(ProcessInstance, failing)
        fine = session.get(ProcessInstance, healthy)
        fired = session.scalars(
            select(InstanceEvent.instance_id).where(InstanceEvent.kind == "timer_fired")
        ).all()
        incident = session.scalars(
            select(InstanceEvent).where(
                InstanceEvent.instance_id == failing, InstanceEvent.kind == "incident"
            )
        ).one()
    assert broken.status == ERROR and FAILURES[kind][2] in broken.error["message"]
    assert incident.data["message"] == broken.error["message"] and broken.error["at"]
    if kind != "stale_lock":  # a lost optimistic lock is noticed when saving, after the element ran
        assert broken.error["element_id"] == "act"
    assert fine.status == "completed" and fired == [healthy]


@pytest.mark.postgres
@pytest.mark.parametrize("kind", sorted(FAILURES))
def test_a_failing_timer_step_is_an_incident_and_the_sweep_goes_on(
    system, directory, failing_and_healthy, kind, backend
):
    failing, healthy = failing_and_healthy(kind)
    result = timer_sweep.fire_due_timers(db=system.db, engine=system.engine, now=AFTER)
    assert result.advanced == [healthy] and list(result.failed) == [failing]
    assert_incident_and_healthy_fired(system, failing, healthy, kind)
    # Parked: a later sweep leaves it alone until a monitor retries it.
    assert timer_sweep.fire_due_timers(db=system.db, engine=system.engine, now=AFTER).failed == {}


def test_tick_records_the_incident_and_fires_the_later_timer(system, directory, failing_and_healthy):
    failing, healthy = failing_and_healthy("engine_error")
    env = {"THEODOI_DATABASE_URL": system.settings.resolved_database_url, "THEODOI_SECRET_KEY": "test"}
    done = CliRunner().invoke(main, ["tick", "--now", AFTER.isoformat()], env=env, catch_exceptions=False)
    assert done.exit_code == 0 and "fired 1 timer step(s), 1 incident(s)" in done.output
    assert f"incident on process instance {failing}" in done.output
    assert_incident_and_healthy_fired(system, failing, healthy, "engine_error")


def test_the_embedded_loop_records_the_incident_and_fires_the_later_timer(
    system, directory, failing_and_healthy, clock
):
    failing, healthy = failing_and_healthy("python_error")
    clock.move_to(AFTER)
    loop = TimerLoop(system)
    finished = threading.Event()
    loop.start()
    try:
        for _ in range(200):  # the loop thread works on its own; look every 50 ms, at most 10 s
            with system.db.reading() as session:
                if session.get(ProcessInstance, healthy).status == "completed":
                    finished.set()
                    break
            finished.wait(0.05)
    finally:
        loop.stop()
    assert finished.is_set()
    assert_incident_and_healthy_fired(system, failing, healthy, "python_error")


def test_a_sweep_past_its_batch_size_goes_on_until_nothing_is_due(system, directory, clock):
    deploy(system, "healthy", SCRIPT.format(script="result = 1"))
    clock.move_to(DUE - timedelta(days=1))
    ids = [start(system, "healthy", DUE + timedelta(minutes=i)) for i in range(7)]
    result = timer_sweep.fire_due_timers(db=system.db, engine=system.engine, now=AFTER, batch=3)
    assert sorted(result.advanced) == ids and result.fired == 7


def test_a_due_timer_the_engine_does_not_fire_is_an_incident_not_an_endless_sweep(
    system, directory, clock, monkeypatch
):
    """If SpiffWorkflow reads another "now" than the step (its clock seam missing), a timer the index
    holds due would be found due again by every sweep; it becomes an incident instead."""
    from datetime import datetime as real_datetime

    from SpiffWorkflow.bpmn.specs.event_definitions import timer as timer_module

    due = real_datetime.now(UTC).replace(microsecond=0) + timedelta(
        days=3650
    )  # the real clock is far from it
    deploy(system, "healthy", SCRIPT.format(script="result = 1"))
    clock.move_to(due - timedelta(days=1))
    instance_id = start(system, "healthy", due)
    monkeypatch.setattr(timer_module, "datetime", real_datetime)
    after = due + timedelta(minutes=1)
    result = timer_sweep.fire_due_timers(db=system.db, engine=system.engine, now=after)
    assert result.advanced == [] and list(result.failed) == [instance_id]
    assert "đã đến hạn nhưng không chạy" in result.failed[instance_id]
    assert timer_sweep.fire_due_timers(db=system.db, engine=system.engine, now=after).failed == {}
