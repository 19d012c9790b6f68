"""Văn bản chỉ đạo as a list: searched (engine.search), filtered by type, issue date and whether VP has
classified them, sorted by a whitelisted column, paged and counted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session

from engine.assignments.models import Assignment
from engine.documents.models import Document
from engine.search import sql
from engine.search.sql import DEFAULT_SORT, Sort

# ?sort= keys -> columns; the default order is newest registered first.
SORTS = {
    "number": Document.number,
    "doc_type": Document.doc_type,
    "issued_on": Document.issued_on,
    "title": Document.title,
    "signer": Document.signer,
}


@dataclass(frozen=True)
class DocumentFilters:
    """What the document list's filter bar asks for; every field optional."""

    words: Sequence[str] = ()  # folded (engine.search.fold.words)
    doc_type: str | None = None
    issued_from: date | None = None
    issued_to: date | None = None
    # Classified (phân loại, Đ4) = VP split it into assignments; None: both.
    classified: bool | None = None

    def query(self) -> Select:
        query = select(Document)
        if self.words:
            query = query.where(sql.matching(Document.search_text, self.words))
        if self.doc_type:
            query = query.where(Document.doc_type == self.doc_type)
        if self.issued_from:
            query = query.where(Document.issued_on >= self.issued_from)
        if self.issued_to:
            query = query.where(Document.issued_on <= self.issued_to)
        if self.classified is not None:
            has_assignments = exists().where(Assignment.document_id == Document.id)
            query = query.where(has_assignments if self.classified else ~has_assignments)
        return query


def list_(
    *,
    session: Session,
    filters: DocumentFilters,
    sort: Sort = DEFAULT_SORT,
    limit: int = 50,
    offset: int = 0,
) -> list[Document]:
    """One page of the documents `filters` selects, in the `sort` order (newest first by default)."""
    order = sort.order_by(SORTS, default=[Document.id.desc()], tiebreak=Document.id)
    return list(session.scalars(filters.query().order_by(*order).limit(limit).offset(offset)))


def count(*, session: Session, filters: DocumentFilters) -> int:
    """How many documents `filters` selects."""
    return sql.count(session, filters.query())
