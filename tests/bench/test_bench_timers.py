"""fire_due_timers with 100 due timers among 1,000 and among 100,000 waiting instances (SQLite).

The due instances are real intake instances past T1; the others are waiting rows whose timer is years
away (their state is never read, so a stub stands in for it)."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

from sqlalchemy import func, insert, select

from engine.documents import service as document_service
from engine.instances import sweep as timer_sweep
from engine.instances.models import ProcessInstance, WaitingTimer
from tests.bench.conftest import report
from tests.conftest import two_task_document

DUE = 100
FAR = datetime(2030, 1, 1, tzinfo=UTC)


def add_waiting(system, count: int) -> None:
    """`count` more running instances, each with one timer that is not due for years."""
    with system.db.transaction() as session:
        definition_id = session.scalar(select(ProcessInstance.definition_id).limit(1))
        for start in range(0, count, 10_000):
            rows = [
                {
                    "definition_id": definition_id,
                    "process_id": "intake",
                    "status": "running",
                    "state": "{}",
                    "data": {},
                    "lock_version": 1,
                    "started_at": FAR,
                    "updated_at": FAR,
                }
                for _ in range(min(10_000, count - start))
            ]
            ids = session.scalars(
                insert(ProcessInstance).returning(ProcessInstance.id, sort_by_parameter_order=True), rows
            )
            timers = [
                {
                    "task_id": str(uuid.uuid4()),
                    "instance_id": i,
                    "bpmn_id": "t1_overdue",
                    "name": "T1",
                    "fire_at": FAR,
                }
                for i in ids
            ]
            session.execute(WaitingTimer.__table__.insert(), timers)


def add_due(system, clock, issued_on: str) -> None:
    """DUE real intake instances of documents issued on `issued_on`."""
    clock.move_to(datetime.fromisoformat(issued_on + "T02:00:00+00:00"))
    with system.db.transaction() as session:
        for i in range(DUE):
            payload = two_task_document(number=f"{i}/{issued_on}", issued_on=issued_on)
            document_service.register_document(
                session=session, engine=system.engine, payload=payload, actor="cv"
            )


def timed_sweep(system, clock, now: datetime) -> float:
    clock.move_to(now)
    started = time.perf_counter()
    result = timer_sweep.fire_due_timers(db=system.db, engine=system.engine, now=now)
    elapsed = time.perf_counter() - started
    assert len(result.advanced) == DUE and not result.failed
    return elapsed


def waiting(system) -> int:
    with system.db.reading() as session:
        return session.scalar(select(func.count()).select_from(WaitingTimer))


def test_sweep_cost_follows_due_timers_not_waiting_instances(system, directory, clock, full):
    large = 100_000 if full else 10_000
    add_due(system, clock, "2025-01-06")
    add_waiting(system, 1_000 - DUE)
    assert waiting(system) == 1_000
    small_time = timed_sweep(system, clock, datetime(2025, 1, 20, tzinfo=UTC))

    add_due(system, clock, "2025-03-03")
    add_waiting(system, large - waiting(system))
    assert waiting(system) == large
    large_time = timed_sweep(system, clock, datetime(2025, 3, 17, tzinfo=UTC))

    report(
        f"fire_due_timers: {DUE} due timers",
        [
            ("among 1,000 waiting instances", f"{small_time * 1000:.0f} ms"),
            (f"among {large:,} waiting instances", f"{large_time * 1000:.0f} ms"),
            ("ratio", f"{large_time / small_time:.2f} (aim ≤ 1.5)"),
        ],
    )
    assert waiting(system) == large - DUE
