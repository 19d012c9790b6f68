"""What the runner hands its callers: small values, never a SpiffWorkflow Task."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class UserTaskInfo:
    """A READY user task, as the inbox index stores it."""

    task_id: str
    bpmn_id: str
    name: str
    process_id: str
    lane: str | None
    candidate_groups: tuple[str, ...]
    candidate_unit: str | None
    form: str | None
    ui_form: str | None
    due: date | datetime | None
    subject: str | None  # what the task is about, for the inbox (e.g. the document's number and title)
    instructions: str | None


@dataclass(frozen=True)
class TimerInfo:
    """A waiting timer and the instant it fires."""

    task_id: str
    bpmn_id: str
    name: str
    fire_at: datetime


@dataclass(frozen=True)
class StepRecord:
    """One BPMN element that completed during this unit of work, and the data it changed."""

    task_id: str
    bpmn_id: str
    name: str
    kind: str
    event: str | None  # for events: "timer", "message", "signal", or the definition's class name
    data_changes: dict[str, Any]
    data_removed: tuple[str, ...]


@dataclass
class Snapshot:
    state: str
    completed: bool
    user_tasks: list[UserTaskInfo]
    timers: list[TimerInfo]
    steps: list[StepRecord] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


def jsonable(data: dict[str, Any]) -> dict[str, Any]:
    """Task data as plain JSON (dates as ISO strings) for the event log and the API."""
    return json.loads(json.dumps(data, default=_json_default))


def _json_default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)
