"""Incidents: an instance parked at the element that failed, with its timers out of the sweep's index,
until someone retries it; monitors and analysts are told at once.

A failure while serving a user's action parks the instance too (instances.service._advance_or_park):
the user's part is kept, and the web layer tells the user, through `start_watching`, that the procedure has
a fault and has been reported."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from engine.bpmn.failures import describe_failure
from engine.instances.models import ERROR, InstanceEvent, ProcessInstance
from engine.instances.saving import drop_timers
from engine.notifications.writing import About, write

# Who hears of an incident: those who watch the instances and those who can fix the diagram.
INCIDENT_GROUPS = ("monitor", "analyst")
NOTIFICATION_KIND = "process_incident"


@dataclass(frozen=True)
class Incident:
    """Where an instance was parked, in words for the people concerned."""

    instance_id: int
    process_id: str
    element_id: str | None
    element_name: str | None
    line: int | None
    message: str

    @property
    def where(self) -> str:
        return self.element_name or self.element_id or "không xác định"

    def user_message(self) -> str:
        """What the user whose action ran into the fault reads."""
        return (
            f"Quy trình gặp lỗi ở bước “{self.where}”; dữ liệu của bạn đã được lưu và lỗi đã được báo "
            "cho bộ phận quản trị quy trình."
        )

    def as_dict(self) -> dict:
        return {
            "instance_id": self.instance_id,
            "element_id": self.element_id,
            "element_name": self.element_name,
            "line": self.line,
            "message": self.user_message(),
        }


_watchers: ContextVar[list[Incident] | None] = ContextVar("theodoi_incident_watcher", default=None)


def start_watching() -> object:
    """Collect the incidents parked from now on (while serving one request), to tell its user; the
    token goes to `stop_watching`."""
    return _watchers.set([])


def watched() -> list[Incident]:
    """The incidents parked since `start_watching` (none when nobody watches)."""
    return list(_watchers.get() or [])


def stop_watching(token: object) -> None:
    _watchers.reset(token)  # type: ignore[arg-type]


def park(session: Session, instance: ProcessInstance, error: BaseException, now: datetime) -> Incident:
    """Put `instance` in error at the element `error` names, its timers out of the index, in the
    caller's transaction; log it (by the system: the fault is the diagram's, not a person's) and
    notify the incident groups."""
    drop_timers(session, instance.id)
    record = {**describe_failure(error), "at": now.isoformat()}
    instance.status, instance.error, instance.updated_at = ERROR, record, now
    session.add(InstanceEvent(instance_id=instance.id, at=now, actor=None, kind="incident", data=record))
    incident = Incident(
        instance_id=instance.id,
        process_id=instance.process_id,
        element_id=record.get("element_id"),
        element_name=record.get("element_name"),
        line=record.get("line"),
        message=record["message"],
    )
    text = f"Quy trình {instance.process_id} #{instance.id} gặp lỗi ở bước “{incident.where}”: "
    # About the instance only: its page is where monitors and analysts retry it (engine/notifications).
    about = About(instance_id=instance.id)
    for group in INCIDENT_GROUPS:
        write(
            session,
            kind=NOTIFICATION_KIND,
            message=(text + incident.message)[:2000],
            about=about,
            now=now,
            group=group,
        )
    found = _watchers.get()
    if found is not None:
        found.append(incident)
    return incident
