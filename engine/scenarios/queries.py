"""The domain rows a scenario can expect, by name: a small set, each a list of rows in the order they
were written, with the columns an analyst reads (unit codes, dates as YYYY-MM-DD)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.assignments.models import Assignment, Urging
from engine.instances.models import ProcessInstance
from engine.notifications.models import Notification

Row = dict[str, Any]


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def assignments(session: Session, _process_id: str) -> list[Row]:
    return [
        {
            "seq": a.seq,
            "content": a.content,
            "lead_unit": a.lead_unit_code,
            "stage": a.stage,
            "progress": a.progress,
            "has_deadline": a.has_deadline,
            "due_date": _day(a.due_date),
            "effective_due_date": _day(a.effective_due_date),
            "completed_on": _day(a.completed_on),
        }
        for a in session.scalars(select(Assignment).order_by(Assignment.id))
    ]


def notifications(session: Session, process_id: str) -> list[Row]:
    """Those sent by instances of the process: the scheduled processes run beside every scenario."""
    query = (
        select(Notification)
        .join(ProcessInstance, ProcessInstance.id == Notification.instance_id)
        .where(ProcessInstance.process_id == process_id)
        .order_by(Notification.id)
    )
    return [
        {"unit": n.recipient_unit, "group": n.recipient_group, "kind": n.kind, "contains": n.message}
        for n in session.scalars(query)
    ]


def urgings(session: Session, _process_id: str) -> list[Row]:
    return [
        {"kind": u.kind, "unit": u.unit_code, "number": u.number, "contains": u.content}
        for u in session.scalars(select(Urging).order_by(Urging.id))
    ]


QUERIES: dict[str, Callable[[Session, str], list[Row]]] = {
    "assignments": assignments,
    "notifications": notifications,
    "urgings": urgings,
}
# Columns compared by "contains" rather than equality: messages are long and carry dates and numbers.
CONTAINS = "contains"
