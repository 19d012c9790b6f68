"""Kỳ báo cáo (P9, Đ22): every periodic report round with its dates, its status and how the units reported
against T6, and one round with each unit's report, its Biểu tổng hợp (frozen, or as it stands while the
round is open) and its publication. VP and the leadership see every unit; a unit's people see the rounds'
dates and their own unit's report only (engine.reports.rounds.visible_units), as the API gives them."""

from __future__ import annotations

from flask import render_template, url_for
from sqlalchemy.orm import Session

from engine import clock
from engine.reports import buckets, layout, publication, rounds
from engine.reports.models import ReportRound
from engine.web.api import reading, system
from engine.web.pages.common import INSTANCE_WATCHERS, PAGE_SIZE, bp, me, page_offset


@bp.get("/bao-cao/ky-bao-cao")
def report_rounds():
    """The rounds, the newest period first, a page at a time: for VP and the leadership how many units
    sent on time, late or not at all; for a unit's people their own unit's report."""
    offset = page_offset()
    units = rounds.visible_units(me())
    with reading() as session:
        rows, total = rounds.listing(session, limit=PAGE_SIZE, offset=offset)
        states = rounds.states(
            session, [r.id for r in rows], settings=system().settings, now=clock.now(), unit_codes=units
        )
    return render_template(
        "report_rounds.html",
        rows=rows,
        total=total,
        offset=offset,
        counts={round_id: rounds.tally(found) for round_id, found in states.items()},
        own={round_id: found.get(me().unit_code or "") for round_id, found in states.items()},
        sees_all=units is None,
    )


@bp.get("/bao-cao/ky-bao-cao/<int:round_id>")
def report_round(round_id: int):
    """One round: its dates, the units' reports the user may read, its Biểu tổng hợp, its publication."""
    units = rounds.visible_units(me())
    with reading() as session:
        row = rounds.get_or_raise(session, round_id)
        shown = rounds.view(session, row, settings=system().settings, now=clock.now(), unit_codes=units)
        return render_template(
            "report_round.html",
            round=row,
            submissions=shown.submissions,
            counts=shown.counts,
            sees_all=units is None,
            rows=shown.figures,
            total=buckets.totals(shown.figures) if shown.figures else None,
            columns=layout.summary_columns(),
            heading=layout.title(shown.as_of, row.window_from),
            frozen=shown.frozen,
            publications=_publications(session, row),
            instance_url=(
                url_for("pages.instance", instance_id=row.instance_id)
                if row.instance_id and me().in_any(tuple(INSTANCE_WATCHERS))
                else None
            ),
        )


def _publications(session: Session, row: ReportRound) -> list[dict]:
    """The round's publications on Công khai kết quả, #1 first, a correction naming the one it corrects."""
    found = publication.publications_of(session, row.id)
    numbers = {p.id: p.number for p in found}
    return [
        {
            "number": p.number,
            "url": url_for("pages.public_results", publication_id=p.id),
            "published_at": p.published_at,
            "corrects": numbers.get(p.corrects_id),
            "note": p.correction_note,
        }
        for p in found
    ]


bp.add_app_template_global(rounds.STATUS_LABELS, "round_status_labels")
bp.add_app_template_global(rounds.SUBMISSION_LABELS, "submission_labels")
