"""The timer sweep: every instance with a timer due is advanced in a transaction of its own, in rounds
until nothing is due; whatever goes wrong with one instance becomes its incident and the sweep goes on."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import clock
from engine.bpmn.failures import describe_failure
from engine.db import Database
from engine.errors import ProcessExecutionError, StaleInstanceError
from engine.instances import incidents
from engine.instances.models import RUNNING, WaitingTimer
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

    The cost follows the number of due timers (an index range on fire_at), not the number of waiting
    instances. On PostgreSQL, rows locked by another sweeper are skipped, so no timer fires twice. Any
    failure of one instance becomes that instance's incident and the sweep goes on with the next."""
    limit = batch or engine.settings.timer_batch
    result = SweepResult()
    for _ in range(MAX_SWEEP_ROUNDS):
        as_of = now or clock.now()
        candidates = due_instances(db=db, now=as_of, limit=limit)
        fired = [i for i in candidates if _fire_isolated(db, engine, i, now, result)]
        result.advanced += fired
        # Another round only if this one did something and something may still be due: a full batch, or
        # (on the real clock) timers that came due meanwhile, such as a successor started just now.
        if not fired or (now is not None and len(candidates) < limit):
            break
    else:
        log.warning("timer sweep stopped after %d rounds with timers still due", MAX_SWEEP_ROUNDS)
    return result


def due_instances(*, db: Database, now: datetime, limit: int) -> list[int]:
    """Ids of instances with a timer due before `now`, earliest first."""
    with db.reading() as session:
        # A range scan of the fire_at index and nothing else: the index holds only running instances
        # (an incident takes an instance's timers out until it is retried).
        due = session.execute(
            select(WaitingTimer.instance_id)
            .where(WaitingTimer.fire_at < now)
            .order_by(WaitingTimer.fire_at)
            .limit(limit)
        ).scalars()
        return list(dict.fromkeys(due))


def next_fire_at(*, db: Database) -> datetime | None:
    """The earliest waiting timer's instant (one look-up in the fire_at index), or None."""
    with db.reading() as session:
        return session.scalar(select(func.min(WaitingTimer.fire_at)))


def _fire_isolated(
    db: Database, engine: Engine, instance_id: int, now: datetime | None, result: SweepResult
) -> bool:
    """Fire one instance's due timers; whatever goes wrong becomes its incident. Whether it fired."""
    for attempt in (1, 2):
        try:
            return _fire(db, engine, instance_id, now)
        except StaleInstanceError as exc:
            if attempt == 1:
                continue  # someone saved the instance meanwhile: once more on the fresh state
            error: Exception = exc
        except Exception as exc:  # noqa: BLE001 - one instance's failure must never stop the others
            error = exc
        break
    result.failed[instance_id] = describe_failure(error)["message"]
    try:
        record_incident(db=db, instance_id=instance_id, error=error, now=now or clock.now())
    except Exception:  # noqa: BLE001 - e.g. the database went away: the sweep still goes on
        log.exception("could not record the incident of process instance %s", instance_id)
    return False


def _fire(db: Database, engine: Engine, instance_id: int, now: datetime | None) -> bool:
    with db.transaction() as session:
        at = now or clock.now()
        instance = lock_or_raise(session=session, instance_id=instance_id, skip_locked=True)
        if instance is None or instance.status != RUNNING or not _has_due_timer(session, instance_id, at):
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
        if _has_due_timer(session, instance_id, at):
            # SpiffWorkflow did not fire a timer the index holds due: an incident, not a sweep that
            # finds the same timer due again and again.
            raise ProcessExecutionError(f"bộ hẹn giờ của quy trình {instance_id} đã đến hạn nhưng không chạy")
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
