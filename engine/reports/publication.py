"""Công khai kết quả (Đ19.2): the publications of report rounds' figures, for anyone.

Only what VP froze and the leadership published is shown: aggregates per unit, never task detail, and
nothing of secret documents (they never enter the system, Đ5.2). A publication is immutable (migration
0025 makes the database refuse UPDATE and DELETE): what was published once stays as it was, with the
SHA-256 of its figures so that anyone can check a copy; a correction (engine/reports/
publication_corrections.py) is a new publication numbered after it that says which one it corrects."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.errors import NotFoundError
from engine.reports.models import Publication, ReportRound

PUBLISHED = "published"


def figures_sha256(figures: list[dict]) -> str:
    """The hex SHA-256 of the canonical JSON of `figures`: keys sorted, no spaces, UTF-8 as is. The JSON
    download carries `figures` so: json.dumps(figures, sort_keys=True, ensure_ascii=False,
    separators=(",", ":")) hashes to the same value."""
    canonical = json.dumps(figures, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def publish(
    session: Session,
    round_: ReportRound,
    *,
    figures: list[dict],
    as_of: date,
    at: datetime,
    by: str | None,
    corrects: Publication | None = None,
    note: str | None = None,
) -> Publication:
    """Add the round's next publication (#1, #2, ...) with a copy of `figures` standing at `as_of`; a
    correction names the publication it `corrects` and why (`note`)."""
    number = (
        session.scalar(select(func.max(Publication.number)).where(Publication.round_id == round_.id)) or 0
    )
    copy = json.loads(json.dumps(figures))  # no row shares its lists with the round's frozen figures
    row = Publication(
        round_id=round_.id,
        number=number + 1,
        figures=copy,
        sha256=figures_sha256(copy),
        label=round_.label,
        window_from=round_.window_from,
        window_to=round_.window_to,
        as_of=as_of,
        published_at=at,
        published_by=by,
        corrects_id=corrects.id if corrects else None,
        correction_note=note,
    )
    session.add(row)
    session.flush()
    return row


def publications_of(session: Session, round_id: int) -> list[Publication]:
    """The publications of one round, #1 first and the one in force (the newest) last."""
    query = select(Publication).where(Publication.round_id == round_id).order_by(Publication.number)
    return list(session.scalars(query))


def all_publications(session: Session) -> list[Publication]:
    """Every publication: the newest period first, and within a round the newest publication first."""
    query = select(Publication).order_by(
        Publication.window_to.desc(), Publication.round_id.desc(), Publication.number.desc()
    )
    return list(session.scalars(query))


def current_publications(session: Session) -> list[Publication]:
    """The publication in force of each published round (its newest), the newest period first."""
    latest = (
        select(Publication.round_id, func.max(Publication.number).label("number"))
        .group_by(Publication.round_id)
        .subquery("latest")
    )
    query = (
        select(Publication)
        .join(latest, (latest.c.round_id == Publication.round_id) & (latest.c.number == Publication.number))
        .order_by(Publication.window_to.desc(), Publication.round_id.desc())
    )
    return list(session.scalars(query))


def get_or_raise(session: Session, publication_id: int) -> Publication:
    """One publication, whichever its number; 404 if there is none."""
    row = session.get(Publication, publication_id)
    if row is None:
        raise NotFoundError(f"no publication {publication_id}")
    return row


def neighbours(session: Session, publication: Publication) -> tuple[Publication | None, Publication | None]:
    """The publication this one corrects, and the one that corrects it (at most one: corrects_id is
    unique); None where there is none."""
    corrects = session.get(Publication, publication.corrects_id) if publication.corrects_id else None
    corrected_by = session.scalar(select(Publication).where(Publication.corrects_id == publication.id))
    return corrects, corrected_by


def published_round_or_raise(session: Session, round_id: int) -> ReportRound:
    """A published round; any other round is as good as absent to the public."""
    row = session.get(ReportRound, round_id)
    if row is None or row.status != PUBLISHED:
        raise NotFoundError(f"no published report round {round_id}")
    return row
