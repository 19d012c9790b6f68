"""Rescheduling: dates that moved outside a running instance (a calendar correction) set into its process
data, its waiting timers re-armed on them, in the caller's unit of work, like completing a user task."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine import clock
from engine.bpmn.records import jsonable
from engine.instances.models import InstanceEvent, ProcessInstance
from engine.instances.saving import save
from engine.instances.service import Engine, instance_step, require_running

RESCHEDULED = "rescheduled"  # the event-log kind of this command


def reschedule(
    *,
    session: Session,
    engine: Engine,
    instance: ProcessInstance,
    changes: dict[str, Any],
    actor: str | None,
    signal: str | None = None,
    cause: dict[str, Any] | None = None,
    refresh_user_tasks: bool = False,
) -> list[str]:
    """Set `changes` (process variables; dicts merged key by key) where the locked, running instance holds
    them, re-arm its waiting timers on the new data, and save: user-task due dates and texts are
    rendered again from that data. Then deliver `signal`, if given, for a diagram that re-reads what
    changed by itself (the assignment's deadline watch). A timer whose new instant has passed fires at
    the next sweep. Returns the bpmn ids of the timers re-armed; `cause` goes to the event log.
    `refresh_user_tasks` also re-reads each open user task's unit and groups (a transferred assignment)."""
    require_running(instance)
    now = clock.now()
    with instance_step(session, engine, instance, actor, now):
        execution = engine.runtime.restore(instance.state)
        rearmed = execution.reschedule(changes)
        if signal is not None:
            execution.deliver("signal", signal, None)
            execution.advance()
        # Logged before the save's own events: the steps a signal ran follow the change that caused them.
        session.add(
            InstanceEvent(
                instance_id=instance.id,
                at=now,
                actor=actor,
                kind=RESCHEDULED,
                data={"changes": jsonable(changes), "timers": rearmed, "signal": signal, **(cause or {})},
            )
        )
        save(session, instance, execution, actor, now, refresh_user_tasks=refresh_user_tasks)
    return rearmed
