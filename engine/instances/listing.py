"""Quy trình as a list: filtered by procedure, version, status and business key, searched by what the
instance is about (engine.search.instance_facts), sorted by a whitelisted column, paged and counted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from engine.instances.models import ProcessInstance
from engine.search import instance_facts, sql
from engine.search.sql import DEFAULT_SORT, Sort

# ?sort= keys of the instance list; the default order is newest first.
SORT_KEYS = ("id", "process", "business_key", "status", "started", "updated")


@dataclass(frozen=True)
class InstanceFilters:
    process_id: str | None = None
    status: str | None = None
    definition_id: int | None = None  # those running that version
    business_key: str | None = None
    words: Sequence[str] = ()  # folded

    def query(self, session: Session) -> Select:
        query = select(ProcessInstance)
        if self.process_id:
            query = query.where(ProcessInstance.process_id == self.process_id)
        if self.status:
            query = query.where(ProcessInstance.status == self.status)
        if self.definition_id:
            query = query.where(ProcessInstance.definition_id == self.definition_id)
        if self.business_key:
            query = query.where(ProcessInstance.business_key == self.business_key)
        if self.words:
            query = query.where(instance_facts.matching(self.words, sql.process_names(session)))
        return query


def list_(
    *,
    session: Session,
    filters: InstanceFilters,
    sort: Sort = DEFAULT_SORT,
    limit: int = 50,
    offset: int = 0,
) -> list[ProcessInstance]:
    """One page of the instances `filters` selects."""
    order = sort.order_by(
        _sorts(session) if sort.key else {}, default=[ProcessInstance.id.desc()], tiebreak=ProcessInstance.id
    )
    return list(session.scalars(filters.query(session).order_by(*order).limit(limit).offset(offset)))


def count(*, session: Session, filters: InstanceFilters) -> int:
    """How many instances `filters` selects (the pager's total)."""
    return sql.count(session, filters.query(session))


def _sorts(session: Session) -> dict[str, ColumnElement]:
    return {
        "id": ProcessInstance.id,
        "process": sql.by_process_name(ProcessInstance.process_id, sql.process_names(session)),
        "business_key": ProcessInstance.business_key,
        "status": ProcessInstance.status,
        "started": ProcessInstance.started_at,
        "updated": ProcessInstance.updated_at,
    }
