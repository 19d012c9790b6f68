"""Claiming due instances: each transaction of a sweep claims the earliest due instance that no other
transaction holds (SKIP LOCKED on PostgreSQL), so sweepers running at once neither wait for nor repeat
each other, and an instance whose turn went wrong is not claimed again and again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.instances import incidents
from engine.instances import sweep as timer_sweep
from engine.instances.models import RUNNING, ProcessInstance
from tests.timer_diagram import SCRIPT, deploy, start

DUE = datetime(2027, 3, 1, 1, 0, tzinfo=UTC)
AFTER = DUE + timedelta(hours=1)


@pytest.fixture
def waiting(system, clock) -> list[int]:
    """Three instances of a one-step diagram, due a minute apart."""
    deploy(system, "ping", SCRIPT.format(script="result = 1"))
    clock.move_to(DUE - timedelta(days=1))
    return [start(system, "ping", DUE + timedelta(minutes=i)) for i in range(3)]


@pytest.mark.postgres
def test_the_earliest_due_instance_is_claimed_first(system, waiting, backend):
    with system.db.transaction() as session:
        assert timer_sweep.claim_due(session=session, now=AFTER).id == waiting[0]
        assert timer_sweep.claim_due(session=session, now=AFTER, passed={waiting[0]}).id == waiting[1]
        assert timer_sweep.claim_due(session=session, now=DUE) is None  # due strictly after its instant


@pytest.mark.postgres(only=True)
def test_an_instance_another_transaction_holds_is_skipped_not_waited_for(system, waiting, backend):
    with system.db.transaction() as holder:
        assert timer_sweep.claim_due(session=holder, now=AFTER).id == waiting[0]
        with system.db.transaction() as other:
            assert timer_sweep.claim_due(session=other, now=AFTER).id == waiting[1]
        # A sweep meanwhile fires the others and leaves the held one to a later sweep.
        result = timer_sweep.fire_due_timers(db=system.db, engine=system.engine, now=AFTER)
        assert sorted(result.advanced) == waiting[1:] and not result.failed
    later = timer_sweep.fire_due_timers(db=system.db, engine=system.engine, now=AFTER)
    assert later.advanced == [waiting[0]]


@pytest.mark.postgres
def test_an_instance_whose_incident_cannot_be_recorded_is_claimed_once_per_sweep(
    system, waiting, clock, monkeypatch, backend
):
    deploy(system, "fragile", SCRIPT.format(script="result = 1 / 0"))
    broken = start(system, "fragile", DUE - timedelta(minutes=1))

    attempts = []

    def database_gone(session, instance, error, now):
        attempts.append(instance.id)
        raise ConnectionError("the database went away")

    monkeypatch.setattr(incidents, "park", database_gone)
    clock.move_to(AFTER)
    result = timer_sweep.fire_due_timers(db=system.db, engine=system.engine)  # rounds on the clock
    assert sorted(result.advanced) == waiting and list(result.failed) == [broken]
    assert "ZeroDivisionError" in result.failed[broken] and attempts == [broken]
    with system.db.reading() as session:
        assert session.get(ProcessInstance, broken).status == RUNNING  # still due: the next sweep tries
