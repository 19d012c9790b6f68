"""Processes that run by themselves (periodic reports, secret-report reminders): nobody starts them.

A diagram marks its process with the property `startAutomatically` = "true" in the process's own
`spiffworkflow:properties`. One instance of each such process is kept alive under the business key
"scheduled:<process id>": at start-up, the newest version is started when no instance is running
(or parked in error, waiting for an operator). Each instance handles one period and starts its
successor itself, so a new diagram version takes over from the next period on."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.bpmn.forms import process_properties
from engine.definitions import service as definitions
from engine.definitions.models import ProcessDefinition
from engine.instances import service as instances
from engine.instances.models import ERROR, RUNNING, ProcessInstance

AUTO_START = "startAutomatically"


def business_key(process_id: str) -> str:
    """The business key of the one scheduled instance of `process_id`."""
    return f"scheduled:{process_id}"


def starts_automatically(definition: ProcessDefinition) -> bool:
    """Whether the definition's process carries startAutomatically = "true"."""
    props = process_properties(definition.bpmn_xml, definition.filename, definition.process_id)
    return props.get(AUTO_START, "").strip().lower() == "true"


def ensure_running(*, session: Session, engine: instances.Engine) -> list[int]:
    """Start the newest version of every automatic process that has no live instance; the new ids."""
    started = []
    for definition in definitions.list_(session=session, latest_only=True):
        if not starts_automatically(definition):
            continue
        key = business_key(definition.process_id)
        alive = session.scalar(
            select(ProcessInstance.id)
            .where(ProcessInstance.business_key == key, ProcessInstance.status.in_((RUNNING, ERROR)))
            .limit(1)
        )
        if alive is None:
            instance = instances.start(
                session=session,
                engine=engine,
                process_id=definition.process_id,
                data={},
                actor=None,
                business_key=key,
            )
            started.append(instance.id)
    return started
