"""Instances: every command is one unit of work that saves the instance, its timer and user-task
indexes, its event log and the domain rows its operators wrote, together or not at all. The timer
sweep that advances them on their own is engine/instances/sweep.py."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, load_only, object_session
from sqlalchemy.orm.exc import StaleDataError

from engine import clock, operators
from engine.bpmn.records import jsonable
from engine.bpmn.runtime import Execution, Runtime
from engine.config import Settings
from engine.definitions import service as definitions
from engine.definitions.models import ProcessDefinition
from engine.errors import ConflictError, NotFoundError, ProcessExecutionError, StaleInstanceError
from engine.instances import incidents, listing
from engine.instances.incidents import Incident
from engine.instances.models import (
    COMPLETED,
    DEFERRED_START,
    ERROR,
    RUNNING,
    InstanceEvent,
    ProcessInstance,
    WaitingTimer,
)
from engine.instances.saving import note_timer, save
from engine.search.sql import DEFAULT_SORT, Sort
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
    deferred: bool = False,
) -> ProcessInstance:
    """Start the newest version of `process_id` and run it to its first wait state.

    `deferred` creates the instance now and runs its first steps after the calling unit of work, from
    the timer sweep: what a process starts at its own end (a scheduled process's successor) then never
    runs nested inside it, however quickly the successor finishes in turn."""
    definition_id = definitions.latest_id_or_raise(session=session, process_id=process_id)
    now = operators.step_now()  # inside another instance's step: that step's time
    instance = ProcessInstance(
        definition_id=definition_id,
        process_id=process_id,
        business_key=business_key,
        status=RUNNING,
        state="",
        # Until its first step, a deferred instance keeps its start data where the final data goes.
        data=jsonable(data) if deferred else {},
        started_by=actor,
        started_at=now,
        updated_at=now,
    )
    session.add(instance)
    session.flush()
    if deferred:
        _schedule_start(session, instance, now)
        log_event(session, instance, now, actor, "start_deferred", jsonable(data))
        return instance
    # A start inside another instance's step (intake starting an assignment) fails that step instead:
    # the instance parked is the one whose step it is.
    park = operators.current_or_none() is None
    run_start(session, engine, instance, data, actor, now, park=park, first=True)
    return instance


def run_start(
    session: Session,
    engine: Engine,
    instance: ProcessInstance,
    data: dict[str, Any],
    actor: str | None,
    now: datetime,
    *,
    park: bool,
    first: bool = False,
) -> None:
    """Start the instance's process and run it to its first wait state. `first`: the instance was created
    in this transaction (no deferred-start timer to drop); `park` as in `_advance_or_park`."""
    with instance_step(session, engine, instance, actor, now):
        execution = engine.runtime.start(instance.definition_id, data)
        log_event(session, instance, now, actor, "instance_started", jsonable(data))
        if not park:
            execution.advance()
            save(session, instance, execution, actor, now, first=first)
            return
    _advance_or_park(session, engine, instance, execution, actor, now, first=first)


def _advance_or_park(
    session: Session,
    engine: Engine,
    instance: ProcessInstance,
    execution: Execution,
    actor: str | None,
    now: datetime,
    completed_task_id: str | None = None,
    first: bool = False,
) -> Incident | None:
    """Run the engine's own steps after a user's action as a unit of work of their own (a savepoint).

    If the diagram fails there, only that unit is rolled back: the instance is saved as the user's
    action left it (their input applied, the failing step not yet run) and parked as an incident, so
    nothing the user entered is lost and a retry runs exactly the failed steps again. Errors that are
    not the diagram's (bad input, a lost lock) still undo the whole action."""
    checkpoint = execution.checkpoint()
    try:
        with session.begin_nested(), instance_step(session, engine, instance, actor, now):
            execution.advance()
            save(session, instance, execution, actor, now, completed_task_id=completed_task_id, first=first)
        return None
    except ProcessExecutionError as exc:
        error = exc
    with instance_step(session, engine, instance, actor, now):
        parked = engine.runtime.resume(checkpoint)
        save(session, instance, parked, actor, now, completed_task_id=completed_task_id, first=first)
    return incidents.park(session, instance, error, now)


def _schedule_start(session: Session, instance: ProcessInstance, now: datetime) -> None:
    """A start timer in the waiting-timer index: the sweep picks it up as soon as `now` has passed."""
    session.add(
        WaitingTimer(
            task_id=str(uuid.uuid4()),
            instance_id=instance.id,
            bpmn_id=DEFERRED_START,
            name="Khởi động quy trình",
            fire_at=now,
        )
    )
    note_timer(session, now)


def complete_user_task(
    *,
    session: Session,
    engine: Engine,
    instance: ProcessInstance,
    task_id: str,
    data: dict[str, Any],
    actor: str,
) -> ProcessInstance:
    """Complete a READY user task of a locked instance and run on to the next wait state; if the
    diagram fails on the way, the completion is kept and the instance parked (`_advance_or_park`)."""
    now = clock.now()
    with instance_step(session, engine, instance, actor, now):
        execution = engine.runtime.restore(instance.state)
        execution.complete_user_task(task_id, data)
    _advance_or_park(session, engine, instance, execution, actor, now, completed_task_id=task_id)
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
    """Deliver a message or a signal (`kind`) to a locked, running instance; if the diagram fails in the
    steps the event starts, the delivery is kept and the instance parked (`_advance_or_park`)."""
    require_running(instance)
    now = clock.now()
    with instance_step(session, engine, instance, actor, now):
        execution = engine.runtime.restore(instance.state)
        execution.deliver(kind, name, payload)
        # The steps the event runs carry no actor of their own: this names who sent it (the audit trail).
        log_event(session, instance, now, actor, f"{kind}_sent", {"name": name})
    _advance_or_park(session, engine, instance, execution, actor, now)
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


def retry(*, session: Session, engine: Engine, instance: ProcessInstance, actor: str) -> Incident | None:
    """Run an instance in error again from its saved state, now: the failed steps, and the timers
    that came due meanwhile. If it fails again it stays parked with the new error (returned)."""
    if instance.status != ERROR:
        raise ConflictError(f"process instance {instance.id} is {instance.status}, not in error")
    now = clock.now()
    log_event(session, instance, now, actor, "incident_resolved")
    instance.status, instance.error, instance.updated_at = RUNNING, None, now
    if not instance.state:
        _schedule_start(session, instance, now)  # it failed before its first step: start it again
        return None
    with instance_step(session, engine, instance, actor, now):
        execution = engine.runtime.restore(instance.state)
    return _advance_or_park(session, engine, instance, execution, actor, now)


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
    definition_id: int | None = None,
    business_key: str | None = None,
    words: Sequence[str] = (),
    sort: Sort = DEFAULT_SORT,
    limit: int = 50,
    offset: int = 0,
) -> list[ProcessInstance]:
    """Instances, newest first unless sorted, filtered (`definition_id`: those running that version;
    `words`: folded search words, engine.search.instance_facts)."""
    filters = listing.InstanceFilters(process_id, status, definition_id, business_key, words)
    return listing.list_(session=session, filters=filters, sort=sort, limit=limit, offset=offset)


def current_data(*, session: Session, engine: Engine, instance: ProcessInstance) -> dict[str, Any]:
    """The instance's process data: final data once completed, its start data while its start is
    deferred, else as of its last step."""
    if instance.status == COMPLETED or not instance.state:
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


def version_of(instance: ProcessInstance) -> int:
    """The version number of the definition the instance runs (its session's identity map caches it)."""
    definition = object_session(instance).get(
        ProcessDefinition, instance.definition_id, options=[load_only(ProcessDefinition.version)]
    )
    return definition.version


def versions_of(*, session: Session, definition_ids: set[int]) -> dict[int, int]:
    """definition id -> version number, for showing which version instances run."""
    if not definition_ids:
        return {}
    query = select(ProcessDefinition.id, ProcessDefinition.version).where(
        ProcessDefinition.id.in_(sorted(definition_ids))
    )
    return dict(session.execute(query).all())


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
def instance_step(
    session: Session, engine: Engine, instance: ProcessInstance, actor: str | None, now: datetime
) -> Iterator[None]:
    """One step of `instance` by `actor` at `now`: what operators and helpers see, and a lost optimistic
    lock as StaleInstanceError."""
    calendar = workdays.calendar(session=session, settings=engine.settings)
    ctx = operators.StepContext(session, instance.id, instance.process_id, actor, now, calendar, engine)
    try:
        with operators.step(ctx):
            yield
            # Rows the step's operators wrote are flushed while the step is current, so that their change
            # history names the step's actor, time and instance.
            session.flush()
    except StaleDataError:  # from whichever flush (explicit or automatic) wrote the instance row
        raise StaleInstanceError(
            f"process instance {ctx.instance_id} was changed by someone else meanwhile; reload and try again"
        ) from None


def log_event(
    session: Session, instance: ProcessInstance, now: datetime, actor: str | None, kind: str, data=None
) -> None:
    """One event outside a save (start, retry, cancel, migration); flushed before the save's own rows."""
    session.add(InstanceEvent(instance_id=instance.id, at=now, actor=actor, kind=kind, data=data or {}))
