"""Instances: every command is one unit of work that saves the instance, its timer and user-task
indexes, its event log and the domain rows its operators wrote, together or not at all."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine import clock, operators
from engine.bpmn.records import Snapshot, StepRecord, jsonable
from engine.bpmn.runtime import Execution, Runtime
from engine.config import Settings
from engine.db import Database
from engine.definitions import service as definitions
from engine.errors import ConflictError, NotFoundError, ProcessExecutionError, StaleInstanceError
from engine.instances.models import COMPLETED, ERROR, RUNNING, InstanceEvent, ProcessInstance, WaitingTimer
from engine.usertasks.models import CANCELLED, READY, UserTaskGroup, UserTaskRow
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
        _save(session, instance, execution, actor, now)
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
        _save(session, instance, execution, actor, now, completed_task_id=task_id)
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
        _save(session, instance, execution, actor, now)
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
            .where(WaitingTimer.fire_at <= now)
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
                    _save(session, instance, execution, None, now)
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
        session.execute(delete(WaitingTimer).where(WaitingTimer.instance_id == instance_id))
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
        _rewrite_timers(session, instance, engine.runtime.restore(instance.state).snapshot())
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
    ctx = operators.StepContext(session, instance.id, instance.process_id, actor, now, calendar)
    with operators.step(ctx):
        yield


def _save(
    session: Session,
    instance: ProcessInstance,
    execution: Execution,
    actor: str | None,
    now: datetime,
    completed_task_id: str | None = None,
) -> None:
    """Write the state and rewrite its indexes and the event log in this transaction (Core executemany
    statements, not ORM units of work: this runs on every step of every instance)."""
    snapshot = execution.snapshot()
    instance.state = snapshot.state
    instance.updated_at = now
    if snapshot.completed:
        instance.status, instance.ended_at, instance.data = COMPLETED, now, snapshot.data
    journal = _Journal(instance.id, now)
    for step in snapshot.steps:
        journal.step(step, actor if step.task_id == completed_task_id else None)
    _rewrite_timers(session, instance, snapshot)
    _rewrite_user_tasks(session, instance, snapshot, now, operators.current().calendar, journal)
    if snapshot.completed:
        journal.add("instance_completed", actor=actor)
    try:
        session.flush()
    except StaleDataError:
        raise StaleInstanceError(
            f"process instance {instance.id} was changed by someone else meanwhile; reload and try again"
        ) from None
    journal.write(session)


class _Journal:
    """The event-log rows of one save, inserted in one statement."""

    def __init__(self, instance_id: int, now: datetime) -> None:
        self.instance_id, self.now, self.rows = instance_id, now, []

    def add(self, kind: str, *, actor=None, bpmn_id=None, task_id=None, name=None, data=None) -> None:
        self.rows.append(
            {
                "instance_id": self.instance_id,
                "at": self.now,
                "actor": actor,
                "kind": kind,
                "bpmn_id": bpmn_id,
                "element_name": name,
                "task_id": task_id,
                "data": data or {},
            }
        )

    def step(self, step: StepRecord, actor: str | None) -> None:
        data = {
            "changed": step.data_changes,
            **({"removed": list(step.data_removed)} if step.data_removed else {}),
        }
        self.add(
            _event_kind(step),
            actor=actor,
            bpmn_id=step.bpmn_id,
            task_id=step.task_id,
            name=step.name,
            data=data,
        )

    def write(self, session: Session) -> None:
        if self.rows:
            session.execute(InstanceEvent.__table__.insert(), self.rows)


def _rewrite_timers(session: Session, instance: ProcessInstance, snapshot: Snapshot) -> None:
    session.execute(delete(WaitingTimer).where(WaitingTimer.instance_id == instance.id))
    if snapshot.timers:
        session.execute(
            WaitingTimer.__table__.insert(),
            [
                {
                    "task_id": t.task_id,
                    "instance_id": instance.id,
                    "bpmn_id": t.bpmn_id,
                    "name": t.name,
                    "fire_at": t.fire_at,
                }
                for t in snapshot.timers
            ],
        )


def _rewrite_user_tasks(
    session: Session,
    instance: ProcessInstance,
    snapshot: Snapshot,
    now: datetime,
    calendar,
    journal: _Journal,
) -> None:
    open_rows = {
        row.id: row
        for row in session.scalars(
            select(UserTaskRow).where(UserTaskRow.instance_id == instance.id, UserTaskRow.state == READY)
        )
    }
    ready = {t.task_id: t for t in snapshot.user_tasks}
    for task_id, row in open_rows.items():
        if task_id not in ready:  # completed rows were closed by usertasks; anything else was cancelled
            row.state, row.completed_at = CANCELLED, now
            journal.add("user_task_cancelled", bpmn_id=row.bpmn_id, task_id=row.id, name=row.name)
    new_rows, new_groups = [], []
    for task_id, info in ready.items():
        due_at = _due_instant(info.due, calendar)
        row = open_rows.get(task_id)
        if row is not None:
            row.due_at, row.subject, row.instructions = due_at, info.subject, info.instructions
            continue
        new_rows.append(
            {
                "id": task_id,
                "instance_id": instance.id,
                "process_id": info.process_id,
                "bpmn_id": info.bpmn_id,
                "name": info.name,
                "lane": info.lane,
                "candidate_groups": list(info.candidate_groups),
                "unit_code": info.candidate_unit,
                "form": info.form,
                "ui_form": info.ui_form,
                "subject": info.subject,
                "instructions": info.instructions,
                "due_at": due_at,
                "state": READY,
                "created_at": now,
            }
        )
        new_groups += [{"user_task_id": task_id, "group_name": g} for g in info.candidate_groups]
        journal.add(
            "user_task_created",
            bpmn_id=info.bpmn_id,
            task_id=task_id,
            name=info.name,
            data={
                "candidate_groups": list(info.candidate_groups),
                "due_at": due_at.isoformat() if due_at else None,
            },
        )
    if new_rows:
        session.execute(UserTaskRow.__table__.insert(), new_rows)
    if new_groups:
        session.execute(UserTaskGroup.__table__.insert(), new_groups)


def _due_instant(due: date | datetime | None, calendar) -> datetime | None:
    if due is None or isinstance(due, datetime):
        return due
    if isinstance(due, date):
        return calendar.end_of_day(due)
    return calendar.end_of_day(date.fromisoformat(str(due)[:10]))


def _has_due_timer(session: Session, instance_id: int, now: datetime) -> bool:
    return (
        session.scalar(
            select(WaitingTimer.task_id)
            .where(WaitingTimer.instance_id == instance_id, WaitingTimer.fire_at <= now)
            .limit(1)
        )
        is not None
    )


def _event_kind(step: StepRecord) -> str:
    if step.kind == "UserTask":
        return "user_task_completed"
    if step.event == "timer":
        return "timer_fired"
    if step.event == "message":
        return "message_received"
    if step.event == "signal":
        return "signal_received"
    return "step_completed"


def _log(
    session: Session, instance: ProcessInstance, now: datetime, actor: str | None, kind: str, data=None
) -> None:
    """One event outside a save (start, incident, retry); flushed before the save's own rows."""
    session.add(InstanceEvent(instance_id=instance.id, at=now, actor=actor, kind=kind, data=data or {}))
