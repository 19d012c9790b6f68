"""Đính chính số liệu công khai: VP's leadership corrects a published round when the data behind it changed
after publication (a late update, a data correction under Đ8), with a new publication that names the one
it corrects and why.

The figures are recomputed as of the round's cut-off (the as_of of its publications: the day the freeze
stood at) over the tracking tables as they are today, by buckets.per_unit with the round's window, as the
freeze does (periodic.consolidate_report_round). The round's frozen figures and the earlier publications
are never changed. The preview shows the differences per unit; the correction itself takes the preview's
fingerprint back, so that what is published is what was shown (else 409: look again)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.config import Settings
from engine.errors import ConflictError, NotFoundError, ValidationError
from engine.reports import buckets, opendata, publication
from engine.reports.models import Publication, ReportRound
from engine.workdays import service as workdays

# Who may correct: those who approve a publication, the candidateGroups of the publish user task
# (processes/periodic_report.bpmn); administrators pass every role check.
CORRECTORS = frozenset({"vp_leadership"})
MAX_REASON = 4000
TOO_LONG = "Tối đa 4.000 ký tự"  # MAX_REASON as the pages print numbers
COMPARED = (*buckets.COUNT_KEYS, *buckets.RATE_KEYS)


@dataclass(frozen=True)
class Change:
    """One figure of one unit: its title, what the publication in force says, what it is now."""

    key: str
    title: str
    old: Any
    new: Any


@dataclass(frozen=True)
class UnitDifference:
    unit_code: str
    unit_name: str
    changes: list[Change]


@dataclass(frozen=True)
class Preview:
    """What a correction would publish: the figures recomputed now, their fingerprint, and how they differ
    from the publication in force (`base`), unit by unit."""

    round_: ReportRound
    base: Publication
    figures: list[dict]
    sha256: str
    differences: list[UnitDifference]


def preview(*, session: Session, settings: Settings, round_id: int) -> Preview:
    """The round's figures recomputed as of its cut-off with today's data, against its newest publication."""
    round_ = publication.published_round_or_raise(session, round_id)
    found = publication.publications_of(session, round_id)
    if not found:
        raise NotFoundError(f"report round {round_id} has no publication")
    base = found[-1]
    figures = buckets.per_unit(
        session,
        as_of=base.as_of,
        window_from=round_.window_from,
        calendar=workdays.calendar(session=session, settings=settings),
        soon_days=settings.due_soon_days,
    )
    return Preview(
        round_, base, figures, publication.figures_sha256(figures), differences(base.figures, figures)
    )


def correct(
    *,
    session: Session,
    settings: Settings,
    round_id: int,
    reason: str,
    actor: str,
    now: datetime,
    base_id: int | None = None,
    sha256: str | None = None,
) -> Publication:
    """Publish the recomputed figures as the round's next publication, correcting its newest one. `base_id`
    and `sha256` (from the preview the user saw) refuse with 409 a correction of figures that moved since,
    or of a publication already corrected by someone else."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Cần nêu lý do đính chính", fields={"reason": "Vui lòng nhập lý do đính chính"})
    if len(reason) > MAX_REASON:
        raise ValidationError("Lý do đính chính quá dài", fields={"reason": TOO_LONG})
    # Two corrections of one round queue here (PostgreSQL; SQLite takes its write lock at BEGIN): the
    # second sees the first's publication as the newest, and its base_id no longer matches.
    session.execute(select(ReportRound.id).where(ReportRound.id == round_id).with_for_update())
    seen = preview(session=session, settings=settings, round_id=round_id)
    if base_id is not None and base_id != seen.base.id:
        raise ConflictError(
            f"Kỳ báo cáo vừa có bản công khai số {seen.base.number}; vui lòng xem lại trước khi đính chính.",
            details={"base_id": seen.base.id},
        )
    if sha256 is not None and sha256 != seen.sha256:
        raise ConflictError(
            "Số liệu đã thay đổi kể từ khi xem trước; vui lòng xem lại các khác biệt trước khi đính chính.",
            details={"sha256": seen.sha256},
        )
    if not seen.differences:
        raise ValidationError(
            f"Số liệu tính lại đến ngày {seen.base.as_of:%d/%m/%Y} không khác bản công khai số "
            f"{seen.base.number}; không có gì để đính chính.",
            fields={"figures": "Không có khác biệt so với bản đang công khai"},
        )
    return publication.publish(
        session,
        seen.round_,
        figures=seen.figures,
        as_of=seen.base.as_of,
        at=now,
        by=actor,
        corrects=seen.base,
        note=reason,
    )


def differences(old_rows: list[dict], new_rows: list[dict]) -> list[UnitDifference]:
    """Per unit (the new table's order, then units only the old one has), the figures that differ; a unit
    missing from one side counts as None there. Names are not compared: a renamed unit is the same unit."""
    old = {row["unit_code"]: row for row in old_rows}
    new = {row["unit_code"]: row for row in new_rows}
    found = []
    for code in [*new, *(code for code in old if code not in new)]:
        before, after = old.get(code, {}), new.get(code, {})
        changes = [
            Change(key, opendata.TITLES[key], before.get(key), after.get(key))
            for key in COMPARED
            if before.get(key) != after.get(key)
        ]
        if changes:
            name = (after or before)["unit_name"]
            found.append(UnitDifference(code, name, changes))
    return found
