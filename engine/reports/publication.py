"""Công khai kết quả (Đ19.2): the consolidated figures of published report rounds, for anyone.

Only what VP froze and the leadership published is shown: aggregates per unit, never task detail, and
nothing of secret documents (they never enter the system, Đ5.2)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import NotFoundError
from engine.reports.models import ReportRound

PUBLISHED = "published"


def published_rounds(session: Session) -> list[ReportRound]:
    """Published rounds, the newest period first."""
    query = (
        select(ReportRound)
        .where(ReportRound.status == PUBLISHED)
        .order_by(ReportRound.window_to.desc(), ReportRound.id.desc())
    )
    return list(session.scalars(query))


def published_round_or_raise(session: Session, round_id: int) -> ReportRound:
    """A published round; any other round is as good as absent to the public."""
    row = session.get(ReportRound, round_id)
    if row is None or row.status != PUBLISHED:
        raise NotFoundError(f"no published report round {round_id}")
    return row
