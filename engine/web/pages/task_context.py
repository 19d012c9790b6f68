"""Context panels of user tasks: the live facts a step is decided on, shown above its form and rendered on
the server from the instance's records. A panel is chosen by the user task's process and element id
(PANELS); it is part of the user task's page, so exactly those who may open the user task see it
(usertasks.check_can_see, checked by the page before anything is read)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from sqlalchemy.orm import Session

from engine import clock
from engine.reports import buckets, layout, rounds
from engine.usertasks.models import UserTaskRow
from engine.web.api import system


@dataclass(frozen=True)
class Panel:
    """What _task_context.html draws: `kind` picks its part of the template, `data` fills it."""

    kind: str
    title: str
    data: dict[str, Any] = field(default_factory=dict)


Builder = Callable[[Session, UserTaskRow], Panel | None]
PANELS: dict[tuple[str, str], Builder] = {}


def panel_for(process_id: str, bpmn_id: str) -> Callable[[Builder], Builder]:
    """Register the builder of the panel of the user task `bpmn_id` of `process_id`."""

    def register(build: Builder) -> Builder:
        PANELS[(process_id, bpmn_id)] = build
        return build

    return register


def context_panel(session: Session, row: UserTaskRow) -> Panel | None:
    """The panel of the user task `row`, or None when its step has none (or nothing to show yet)."""
    build = PANELS.get((row.process_id, row.bpmn_id))
    return build(session, row) if build else None


@panel_for("periodic_report", "consolidate")
def consolidation(session: Session, row: UserTaskRow) -> Panel | None:
    """Tổng hợp báo cáo (Đ22.2): every unit's report of the round, and the Biểu tổng hợp the freeze will
    store when the step completes (once frozen, the stored one)."""
    found = _round(session, row)
    if found is None:
        return None
    return Panel("report_round", "Báo cáo của các đơn vị và Biểu tổng hợp", {**found, "reports": True})


@panel_for("periodic_report", "publish")
def publication(session: Session, row: UserTaskRow) -> Panel | None:
    """Công khai kết quả (Đ19.2): the frozen Biểu tổng hợp exactly as it will be published, and how many
    units sent their report on time, late, or not at all."""
    found = _round(session, row)
    if found is None:
        return None
    return Panel("report_round", "Số liệu sẽ được công khai", {**found, "reports": False})


def _round(session: Session, row: UserTaskRow) -> dict[str, Any] | None:
    """The round of the user task's instance as both P9 panels show it; every unit, since only VP and its
    leadership (and monitors, administrators) may open these user tasks."""
    found = rounds.of_instance(session, row.instance_id)
    if found is None:
        return None
    shown = rounds.view(session, found, settings=system().settings, now=clock.now(), unit_codes=None)
    return {
        "round": found,
        "round_url": url_for("pages.report_round", round_id=found.id),
        "submissions": shown.submissions,
        "counts": shown.counts,
        "rows": shown.figures,
        "total": buckets.totals(shown.figures) if shown.figures else None,
        "columns": layout.summary_columns(),
        "heading": layout.title(shown.as_of, found.window_from),
        "frozen": shown.frozen,
    }
