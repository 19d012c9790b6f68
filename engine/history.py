"""Đ5.1: keep the full history of every change to the tracking tables: who, when, old, new.

One `before_flush` hook sees every insert, update and delete of a `Tracked` row, whichever code made it
(an operator inside a process step, an API view, the CLI), and writes a ChangeRecord in the same flush,
so the history commits or rolls back with the change itself. Who and when come from the running process
step, else from `acting_as()` around the change, else the clock with no actor."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, event, inspect, select, union_all
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine import clock, operators
from engine.db import Base, UTCDateTime


class Tracked:
    """Mixin: every insert, update and delete of the row goes to change_history (engine.history)."""


class ChangeRecord(Base):
    """History of every tracked row (Đ5.1: who, when, old, new), written by engine.history."""

    __tablename__ = "change_history"
    __table_args__ = (Index("ix_change_history_entity", "entity", "entity_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(50))  # the table name
    entity_id: Mapped[str] = mapped_column(String(50))
    action: Mapped[str] = mapped_column(String(10))  # insert | update | delete
    changes: Mapped[dict] = mapped_column(JSON)  # {field: [old, new]}
    actor: Mapped[str | None] = mapped_column(String(100), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    instance_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Where the change came from when its actor alone does not say (an import: "Nhập từ tệp Excel ...").
    note: Mapped[str | None] = mapped_column(String(300), nullable=True)


_actor: ContextVar[str | None] = ContextVar("theodoi_history_actor", default=None)
_note: ContextVar[str | None] = ContextVar("theodoi_history_note", default=None)


@contextlib.contextmanager
def acting_as(actor: str | None) -> Iterator[None]:
    """Attribute changes made outside a process step (API views, CLI) to `actor`."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


@contextlib.contextmanager
def labelled(note: str) -> Iterator[None]:
    """Label every change made inside the block, process steps it runs included, with `note`."""
    token = _note.set(note[:300])
    try:
        yield
    finally:
        _note.reset(token)


def _who_and_when() -> tuple[str | None, datetime, int | None]:
    ctx = operators.current_or_none()
    if ctx is not None:
        return ctx.actor, ctx.now, ctx.instance_id
    return _actor.get(), clock.now(), None


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _changes(obj: Tracked, action: str) -> dict[str, list]:
    state = inspect(obj)
    found = {}
    for attr in state.mapper.column_attrs:
        if attr.columns[0].info.get("derived"):  # search_text: computed from the fields that are recorded
            continue
        history = state.attrs[attr.key].history
        if action == "insert":
            value = getattr(obj, attr.key)
            if value is not None:
                found[attr.key] = [None, _plain(value)]
        elif action == "delete":
            found[attr.key] = [_plain(getattr(obj, attr.key)), None]
        elif history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if _plain(old) != _plain(new):
                found[attr.key] = [_plain(old), _plain(new)]
    return found


def _identity(obj: Tracked) -> str:
    return "/".join(str(v) for v in inspect(obj).mapper.primary_key_from_instance(obj))


@event.listens_for(Session, "before_flush")
def _record_dirty_and_deleted(session: Session, _flush_context, _instances) -> None:
    actor, at, instance_id = _who_and_when()
    for action, objects in (("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            if isinstance(obj, Tracked) and (changes := _changes(obj, action)):
                session.add(
                    ChangeRecord(
                        entity=obj.__tablename__,
                        entity_id=_identity(obj),
                        action=action,
                        changes=changes,
                        actor=actor,
                        at=at,
                        instance_id=instance_id,
                        note=_note.get(),
                    )
                )
    # New rows get their history after the flush that gives them their keys.
    session.info.setdefault("history_new", []).extend(o for o in session.new if isinstance(o, Tracked))


@event.listens_for(Session, "after_flush")
def _record_inserted(session: Session, _flush_context) -> None:
    new = session.info.pop("history_new", [])
    if not new:
        return
    actor, at, instance_id = _who_and_when()
    note = _note.get()
    session.execute(
        ChangeRecord.__table__.insert(),
        [
            {
                "entity": obj.__tablename__,
                "entity_id": _identity(obj),
                "action": "insert",
                "changes": _changes(obj, "insert"),
                "actor": actor,
                "at": at,
                "instance_id": instance_id,
                "note": note,
            }
            for obj in new
        ],
    )


def of(session: Session, entity: str, entity_id: Any) -> list[ChangeRecord]:
    """The history of one row, oldest first."""
    query = (
        select(ChangeRecord)
        .where(ChangeRecord.entity == entity, ChangeRecord.entity_id == str(entity_id))
        .order_by(ChangeRecord.id)
    )
    return list(session.scalars(query))


def of_rows(session: Session, keys: dict[str, list[str]]) -> list[ChangeRecord]:
    """The history of several rows, {table: [entity ids]}, oldest first. One lookup of the (entity,
    entity_id) index per table, joined by UNION ALL: an OR of the conditions scanned the whole history."""
    lookups = [
        select(ChangeRecord.id).where(ChangeRecord.entity == entity, ChangeRecord.entity_id.in_(ids))
        for entity, ids in keys.items()
        if ids
    ]
    if not lookups:
        return []
    found = union_all(*lookups).subquery()
    query = select(ChangeRecord).where(ChangeRecord.id.in_(select(found.c.id))).order_by(ChangeRecord.id)
    return list(session.scalars(query))
