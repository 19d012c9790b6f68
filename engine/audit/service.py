"""Nhật ký thao tác of one user: what they did, when, read from the four append-only trails: the history of
the tracking tables (change_history), the process event log (instance_events), the calendar's changes and
the account events. One UNION query orders and pages the trails together, then each page's rows are loaded
from their own table, so a page costs the same however long the trails grow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import literal, select, union_all
from sqlalchemy.orm import Session

from engine.auth.models import AccountEvent
from engine.history import ChangeRecord
from engine.instances.models import InstanceEvent
from engine.workdays.models import CalendarChange

# Each trail by the name the page groups its entries under; every table has id, at and actor.
SOURCES: dict[str, Any] = {
    "change": ChangeRecord,
    "instance": InstanceEvent,
    "calendar": CalendarChange,
    "account": AccountEvent,
}


@dataclass(frozen=True)
class Entry:
    """One action: which trail recorded it, when, and that trail's row."""

    source: str
    at: datetime
    record: Any


def list_(*, session: Session, username: str, limit: int, offset: int = 0) -> list[Entry]:
    """The actions `username` did, newest first, `limit` of them after the first `offset`."""
    keys = _keys(username)
    page = session.execute(
        select(keys.c.source, keys.c.id)
        .order_by(keys.c.at.desc(), keys.c.source, keys.c.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    wanted: dict[str, list[int]] = {}
    for source, row_id in page:
        wanted.setdefault(source, []).append(row_id)
    rows = {
        (source, row.id): row
        for source, ids in wanted.items()
        for row in session.scalars(select(SOURCES[source]).where(SOURCES[source].id.in_(ids)))
    }
    return [Entry(source, rows[source, row_id].at, rows[source, row_id]) for source, row_id in page]


def _keys(username: str):
    """(source, id, at) of every row whose actor is `username`, as one subquery over the four trails."""
    parts = [
        select(literal(source).label("source"), model.id.label("id"), model.at.label("at")).where(
            model.actor == username
        )
        for source, model in SOURCES.items()
    ]
    return union_all(*parts).subquery()
