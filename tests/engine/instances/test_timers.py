"""The timer sweep: fires what is due once, skips what is not, parks a failing instance as an incident."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine import operators
from engine.documents import service as document_service
from engine.instances import service as instances
from engine.instances import sweep as timer_sweep
from engine.instances.models import InstanceEvent, ProcessInstance
from tests.conftest import two_task_document

AFTER_T1 = datetime(2025, 2, 8, 17, 0, tzinfo=UTC)


def register_many(system, n):
    with system.db.transaction() as session:
        for i in range(n):
            document_service.register_document(
                session=session,
                engine=system.engine,
                payload=two_task_document(number=f"{i}/QĐ-UBND"),
                actor="cv",
            )


def fired(system):
    with system.db.reading() as session:
        return session.scalar(
            select(func.count()).select_from(InstanceEvent).where(InstanceEvent.kind == "timer_fired")
        )


@pytest.mark.postgres
def test_two_sweepers_at_once_fire_each_timer_exactly_once(system, directory, clock, backend):
    register_many(system, 12)
    clock.move_to(AFTER_T1)
    results = []

    def sweep():
        results.append(timer_sweep.fire_due_timers(db=system.db, engine=system.engine, now=AFTER_T1))

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    advanced = [i for r in results for i in r.advanced]
    assert sorted(advanced) == sorted(set(advanced)) and len(advanced) == 12
    assert fired(system) == 12
    assert timer_sweep.fire_due_timers(db=system.db, engine=system.engine, now=AFTER_T1).advanced == []


def test_a_failing_timer_step_becomes_an_incident_and_retry_runs_it(system, directory, clock, monkeypatch):
    register_many(system, 1)
    clock.move_to(AFTER_T1)

    def broken(ctx, **params):
        raise RuntimeError("mail server down")

    real = operators.OPERATORS["notify"]
    monkeypatch.setitem(operators.OPERATORS, "notify", broken)
    result = timer_sweep.fire_due_timers(db=system.db, engine=system.engine, now=AFTER_T1)
    [(instance_id, message)] = result.failed.items()
    assert "mail server down" in message
    with system.db.reading() as session:
        instance = session.get(ProcessInstance, instance_id)
        assert instance.status == "error" and instance.error["element_id"] == "notify_leadership"
        assert instances.timers(session=session, instance_id=instance_id) == []  # out of the sweep's index
    assert fired(system) == 0
    assert timer_sweep.fire_due_timers(db=system.db, engine=system.engine, now=AFTER_T1).advanced == []

    monkeypatch.setitem(operators.OPERATORS, "notify", real)
    with system.db.transaction() as session:
        instances.retry(  # runs the due timer's steps at once
            session=session,
            engine=system.engine,
            instance=instances.lock_or_raise(session=session, instance_id=instance_id),
            actor="monitor",
        )
    assert fired(system) == 1
    assert (
        timer_sweep.fire_due_timers(
            db=system.db, engine=system.engine, now=AFTER_T1 + timedelta(minutes=1)
        ).advanced
        == []
    )
