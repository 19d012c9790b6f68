"""Instances: every command is one unit of work that saves the instance, its timer and user-task
indexes, its event log and the domain rows its operators wrote, together or not at all."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import clock, operators
from engine.bpmn.records import jsonable
from engine.bpmn.runtime import Runtime
from engine.config import Settings
from engine.db import Database
from engine.definitions import service as definitions
from engine.errors import ConflictError, NotFoundError, ProcessExecutionError, StaleInstanceError
from engine.instances.models import COMPLETED, ERROR, RUNNING, InstanceEvent, ProcessInstance, WaitingTimer
from engine.instances.saving import rewrite_timers, save
from engine.usertasks.models import READY, UserTaskRow
from engine.workdays import service as workdays


@dataclass(frozen=True)
class Engine:
    """What a unit of work needs besides its session: built once per process by engine.system."""

    settings: Settings
    runtime: Runtime


def start(
    *,
    session: Session,
    engine: Engine,
    process_id: str,
    data: dict[str, Any],
    actor: str | None,
    business_key: str | None = None,
) -> ProcessInstance:
    """Start the newest version of `process_id` and run it to its first wait state."""
    definition = definitions.latest_or_raise(session=session, process_id=process_id)
    now = clock.now()
    instance = ProcessInstance(
        definition_id=definition.id,
        process_id=process_id,
        business_key=business_key,
        status=RUNNING,
        state="",
        data={},
        started_by=actor,
        started_at=now,
        updated_at=now,
    )
    session.add(instance)
    session.flush()
    with _step(session, engine, instance, actor, now):
        execution = engine.runtime.start(definition.id, data)
        _log(session, instance, now, actor, "instance_started", jsonable(data))
        execution.advance()
        save(session, instance, execution, actor, now)
    return instance


def complete_user_task(
    *,
    session: Session,
    engine: Engine,
    instance: ProcessInstance,
    task_id: str,
    data: dict[str, Any],
    actor: str,
) -> ProcessInstance:
    """Complete a READY user task of a locked instance and run on to the next wait state."""
    now = clock.now()
    with _step(session, engine, instance, actor, now):
        execution = engine.runtime.restore(instance.state)
        execution.complete_user_task(task_id, data)
        save(session, instance, execution, actor, now, completed_task_id=task_id)
    return instance


def deliver(
    *,
    session: Session,
    engine: Engine,
    instance: ProcessInstance,
    kind: str,
    name: str,
    payload: Any,
    actor: str | None,
) -> ProcessInstance:
    """Deliver a message or a signal (`kind`) to a locked, running instance."""
    require_running(instance)
    now = clock.now()
    with _step(session, engine, instance, actor, now):
        execution = engine.runtime.restore(instance.state)
        execution.deliver(kind, name, payload)
        save(session, instance, execution, actor, now)
    return instance


def lock_or_raise(*, session: Session, instance_id: int, skip_locked: bool = False) -> ProcessInstance | None:
    """The instance row, locked for this transaction (PostgreSQL); SQLite's writer lock already holds."""
    query = select(ProcessInstance).where(ProcessInstance.id == instance_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=skip_locked)
    instance = session.scalar(query)
    if instance is None and not skip_locked:
        raise NotFoundError(f"no process instance {instance_id}")
    return instance


def require_running(instance: ProcessInstance) -> None:
    if instance.status != RUNNING:
        raise ConflictError(f"process instance {instance.id} is {instance.status}, not running")


@dataclass
class SweepResult:
    """What one timer sweep did."""

    advanced: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)


def fire_due_timers(
    *, db: Database, engine: Engine, now: datetime | None = None, batch: int | None = None
) -> SweepResult:
    """Advance every running instance that has a timer due at `now`, each in its own transaction.

    The cost follows the number of due timers (an index range on fire_at), not the number of waiting
    instances. On PostgreSQL, rows locked by another sweeper are skipped, so no timer fires twice."""
    now = now or clock.now()
    limit = batch or engine.settings.timer_batch
    result = SweepResult()
    with db.reading() as session:
        # A range scan of the fire_at index and nothing else: the index holds only running instances
        # (an incident takes an instance's timers out until it is retried).
        due = session.execute(
            select(WaitingTimer.instance_id)
            .where(WaitingTimer.fire_at < now)
            .order_by(WaitingTimer.fire_at)
            .limit(limit)
        ).scalars()
        candidates = list(dict.fromkeys(due))
    for instance_id in candidates:
        try:
            with db.transaction() as session:
                instance = lock_or_raise(session=session, instance_id=instance_id, skip_locked=True)
                if (
                    instance is None
                    or instance.status != RUNNING
                    or not _has_due_timer(session, instance_id, now)
                ):
                    continue  # another sweeper got there first
                with _step(session, engine, instance, None, now):
                    execution = engine.runtime.restore(instance.state)
                    execution.advance()
                    save(session, instance, execution, None, now)
            result.advanced.append(instance_id)
        except (ProcessExecutionError, StaleInstanceError) as exc:
            result.failed[instance_id] = exc.message
            if isinstance(exc, ProcessExecutionError):
                record_incident(db=db, instance_id=instance_id, error=exc, now=now)
    return result


def record_incident(*, db: Database, instance_id: int, error: ProcessExecutionError, now: datetime) -> None:
    """Park a failing instance in `error`, its timers out of the index until it is retried, in a
    transaction of its own (the failed step's own transaction was rolled back)."""
    with db.transaction() as session:
        instance = lock_or_raise(session=session, instance_id=instance_id)
        session.execute(WaitingTimer.__table__.delete().where(WaitingTimer.instance_id == instance.id))
        instance.status = ERROR
        instance.error = {"message": error.message, **error.details}
        instance.updated_at = now
        _log(session, instance, now, None, "incident", instance.error)


def retry(*, session: Session, engine: Engine, instance: ProcessInstance, actor: str) -> ProcessInstance:
    """Put an instance in error back to running with its timers indexed again; the next sweep fires
    those that are due."""
    if instance.status != ERROR:
        raise ConflictError(f"process instance {instance.id} is {instance.status}, not in error")
    now = clock.now()
    with _step(session, engine, instance, actor, now):
        rewrite_timers(session, instance, engine.runtime.restore(instance.state).snapshot())
    instance.status, instance.error, instance.updated_at = RUNNING, None, now
    _log(session, instance, now, actor, "incident_resolved")
    return instance


def get_or_raise(*, session: Session, instance_id: int) -> ProcessInstance:
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFoundError(f"no process instance {instance_id}")
    return instance


def list_(
    *,
    session: Session,
    process_id: str | None = None,
    status: str | None = None,
    business_key: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[ProcessInstance]:
    """Instances, newest first, filtered."""
    query = select(ProcessInstance).order_by(ProcessInstance.id.desc()).limit(limit).offset(offset)
    if process_id:
        query = query.where(ProcessInstance.process_id == process_id)
    if status:
        query = query.where(ProcessInstance.status == status)
    if business_key:
        query = query.where(ProcessInstance.business_key == business_key)
    return list(session.scalars(query))


def current_data(*, session: Session, engine: Engine, instance: ProcessInstance) -> dict[str, Any]:
    """The instance's process data: final data once completed, else as of its last step."""
    if instance.status == COMPLETED:
        return instance.data
    return engine.runtime.restore(instance.state).current_data()


# Which events mark an element as done, for the diagram view.
_DONE = ("step_completed", "user_task_completed", "timer_fired", "message_received", "signal_received")


def element_states(*, session: Session, instance: ProcessInstance) -> dict[str, str]:
    """{element id: completed | active | waiting | error | cancelled} for drawing the instance's diagram.
    Read from the indexes and the event log; a later, livelier state wins (loops revisit elements)."""
    states: dict[str, str] = {}
    for bpmn_id, kind in session.execute(
        select(InstanceEvent.bpmn_id, InstanceEvent.kind).where(
            InstanceEvent.instance_id == instance.id, InstanceEvent.bpmn_id.is_not(None)
        )
    ):
        if kind in _DONE:
            states[bpmn_id] = "completed"
        elif kind == "user_task_cancelled":
            states.setdefault(bpmn_id, "cancelled")
    ready = select(UserTaskRow.bpmn_id).where(
        UserTaskRow.instance_id == instance.id, UserTaskRow.state == READY
    )
    for bpmn_id in session.scalars(ready):
        states[bpmn_id] = "active"
    for timer in timers(session=session, instance_id=instance.id):
        states[timer.bpmn_id] = "waiting"
    if instance.status == ERROR and instance.error and instance.error.get("element_id"):
        states[instance.error["element_id"]] = "error"
    return states


def diagram_svg(*, session: Session, instance_id: int) -> str:
    """The instance's diagram as SVG, its elements marked with their states."""
    instance = get_or_raise(session=session, instance_id=instance_id)
    states = element_states(session=session, instance=instance)
    return definitions.diagram_svg(session=session, definition_id=instance.definition_id, states=states)


def count_by_status(*, session: Session) -> dict[str, int]:
    """How many instances are running, completed, in error: what a monitor looks at first."""
    rows = session.execute(select(ProcessInstance.status, func.count()).group_by(ProcessInstance.status))
    return {status: count for status, count in rows}


def events(*, session: Session, instance_id: int) -> list[InstanceEvent]:
    return list(
        session.scalars(
            select(InstanceEvent).where(InstanceEvent.instance_id == instance_id).order_by(InstanceEvent.id)
        )
    )


def timers(*, session: Session, instance_id: int) -> list[WaitingTimer]:
    return list(
        session.scalars(
            select(WaitingTimer).where(WaitingTimer.instance_id == instance_id).order_by(WaitingTimer.fire_at)
        )
    )


@contextlib.contextmanager
def _step(
    session: Session, engine: Engine, instance: ProcessInstance, actor: str | None, now: datetime
) -> Iterator[None]:
    calendar = workdays.calendar(session=session, settings=engine.settings)
    ctx = operators.StepContext(session, instance.id, instance.process_id, actor, now, calendar, engine)
    with operators.step(ctx):
        yield
        # Rows the step's operators wrote are flushed while the step is current, so that their change
        # history names the step's actor, time and instance.
        session.flush()


def _has_due_timer(session: Session, instance_id: int, now: datetime) -> bool:
    return (
        session.scalar(
            select(WaitingTimer.task_id)
            .where(WaitingTimer.instance_id == instance_id, WaitingTimer.fire_at < now)
            .limit(1)
        )
        is not None
    )


def _log(
    session: Session, instance: ProcessInstance, now: datetime, actor: str | None, kind: str, data=None
) -> None:
    """One event outside a save (start, incident, retry); flushed before the save's own rows."""
    session.add(InstanceEvent(instance_id=instance.id, at=now, actor=actor, kind=kind, data=data or {}))
