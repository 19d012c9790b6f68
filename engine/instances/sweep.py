"""The timer sweep: every instance with a timer due is advanced in a transaction of its own, in rounds
until nothing is due; whatever goes wrong with one instance becomes its incident and the sweep goes on."""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import clock
from engine.bpmn.failures import describe_failure
from engine.db import Database
from engine.errors import ProcessExecutionError, StaleInstanceError
from engine.instances import incidents
from engine.instances.models import RUNNING, ProcessInstance, WaitingTimer
from engine.instances.saving import save
from engine.instances.service import Engine, instance_step, lock_or_raise, run_start

log = logging.getLogger(__name__)


@dataclass
class SweepResult:
    """What one timer sweep did: the instances it advanced (once per firing) and those it parked."""

    advanced: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    reminders: int = 0  # "sắp đến hạn" reminders sent (engine.instances.jobs.sweep)

    @property
    def fired(self) -> int:
        return len(self.advanced)


# A sweep goes on in rounds until nothing is due; this many rounds is a runaway (a process that keeps
# starting successors due at once), and the rest waits for the next sweep.
MAX_SWEEP_ROUNDS = 100


def fire_due_timers(
    *, db: Database, engine: Engine, now: datetime | None = None, batch: int | None = None
) -> SweepResult:
    """Advance every running instance that has a timer due, each in its own transaction, until none is
    due. Given `now`, fire as of that instant; else each firing happens, and is logged, at the real time.

    Each transaction claims the earliest due instance and fires it (`claim_due`): on PostgreSQL the claim
    is the instance's row lock, taken with SKIP LOCKED, so sweepers running at once (Celery workers) each
    take the next instance no other holds, never the same one, and the more of them the faster the timers
    fire. The cost follows the number of due timers (an index range on fire_at), not the number of waiting
    instances. Any failure of one instance becomes that instance's incident and the sweep goes on."""
    limit = batch or engine.settings.timer_batch
    result = SweepResult()
    # Instances this sweep handled that may still be due (an incident it could not record): not claimed
    # again, or the sweep would take them over and over. Usually empty.
    passed: set[int] = set()
    for _ in range(MAX_SWEEP_ROUNDS):
        as_of = now or clock.now()
        fired_before, claims = result.fired, 0
        # A round claims what is due as of its start: an instance fired in it has nothing due before
        # then (_fire checks), so no instance is claimed twice in one round.
        while claims < limit and _fire_next(db, engine, as_of, now, passed, result):
            claims += 1
        # Another round only if this one did something and something may still be due: a full round, or
        # (on the real clock) timers that came due meanwhile, such as a successor started just now.
        if result.fired == fired_before or (now is not None and claims < limit):
            break
    else:
        log.warning("timer sweep stopped after %d rounds with timers still due", MAX_SWEEP_ROUNDS)
    return result


def claim_due(*, session: Session, now: datetime, passed: Collection[int] = ()) -> ProcessInstance | None:
    """The instance with the earliest timer due before `now`, locked for this transaction; on PostgreSQL
    an instance another transaction holds is skipped (SKIP LOCKED), so concurrent sweepers claim different
    instances without waiting for each other. None when nothing (else) is due."""
    # Walks the fire_at index from its start and stops at the first instance it can lock: the index
    # holds only running instances (an incident takes an instance's timers out until it is retried).
    query = (
        select(ProcessInstance)
        .join(WaitingTimer, WaitingTimer.instance_id == ProcessInstance.id)
        .where(WaitingTimer.fire_at < now)
        .order_by(WaitingTimer.fire_at)
        .limit(1)
    )
    if passed:
        query = query.where(ProcessInstance.id.not_in(sorted(passed)))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=ProcessInstance, skip_locked=True)
    return session.scalar(query)


def next_fire_at(*, db: Database) -> datetime | None:
    """The earliest waiting timer's instant (one look-up in the fire_at index), or None."""
    with db.reading() as session:
        return session.scalar(select(func.min(WaitingTimer.fire_at)))


def _fire_next(
    db: Database, engine: Engine, as_of: datetime, now: datetime | None, passed: set[int], result: SweepResult
) -> bool:
    """Claim the next due instance and fire its due timers; whatever goes wrong becomes its incident.
    False when nothing is left due as of `as_of`."""
    claimed: int | None = None
    for attempt in (1, 2):
        try:
            with db.transaction() as session:
                if claimed is None:
                    instance = claim_due(session=session, now=as_of, passed=passed)
                else:  # once more on the fresh state, unless another sweeper holds it now
                    instance = lock_or_raise(session=session, instance_id=claimed, skip_locked=True)
                if instance is None:
                    return claimed is not None
                claimed = instance.id
                fired = _fire(session, engine, instance, now)
            # Counted once committed: a commit that fails is this instance's failure.
            if fired:
                result.advanced.append(claimed)
            else:
                passed.add(claimed)
            return True
        except StaleInstanceError as exc:
            if attempt == 1 and claimed is not None:
                continue  # someone saved the instance meanwhile
            error: Exception = exc
        except Exception as exc:  # noqa: BLE001 - one instance's failure must never stop the others
            error = exc
        break
    if claimed is None:
        raise error  # the claim itself failed (the database went away): the sweep's caller retries
    passed.add(claimed)
    result.failed[claimed] = describe_failure(error)["message"]
    try:
        record_incident(db=db, instance_id=claimed, error=error, now=now or clock.now())
    except Exception:  # noqa: BLE001 - e.g. the database went away: the sweep still goes on
        log.exception("could not record the incident of process instance %s", claimed)
    return True


def _fire(session: Session, engine: Engine, instance: ProcessInstance, now: datetime | None) -> bool:
    at = now or clock.now()
    # The claim locked the row as it is now, but may have matched it on a timer row another sweeper's
    # step removed meanwhile: is a timer still due?
    if instance.status != RUNNING or not _has_due_timer(session, instance.id, at):
        return False  # another sweeper got there first
    if not instance.state:
        data = instance.data
        instance.data = {}
        # The sweep's own boundary records the incident (in a transaction of its own).
        run_start(session, engine, instance, data, instance.started_by, at, park=False)
        return True
    with instance_step(session, engine, instance, None, at):
        execution = engine.runtime.restore(instance.state)
        execution.advance()
        save(session, instance, execution, None, at)
    if _has_due_timer(session, instance.id, at):
        # SpiffWorkflow did not fire a timer the index holds due: an incident, not a sweep that
        # finds the same timer due again and again.
        raise ProcessExecutionError(f"bộ hẹn giờ của quy trình {instance.id} đã đến hạn nhưng không chạy")
    return True


def record_incident(*, db: Database, instance_id: int, error: Exception, now: datetime) -> None:
    """Park a failing instance as an incident in a transaction of its own (the failed step's own
    transaction was rolled back)."""
    with db.transaction() as session:
        instance = lock_or_raise(session=session, instance_id=instance_id)
        incidents.park(session, instance, error, now)


def _has_due_timer(session: Session, instance_id: int, now: datetime) -> bool:
    return (
        session.scalar(
            select(WaitingTimer.task_id)
            .where(WaitingTimer.instance_id == instance_id, WaitingTimer.fire_at < now)
            .limit(1)
        )
        is not None
    )
