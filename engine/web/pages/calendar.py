"""Lịch làm việc: one month of working days, holidays and announced swaps, the status of its year and the
latest changes to the calendar; and the "(dự kiến)" marker every page puts after an estimated deadline."""

from __future__ import annotations

from datetime import date, datetime

from flask import g, render_template, request
from markupsafe import Markup

from engine.errors import ValidationError
from engine.web.api import reading, system
from engine.web.pages import filters
from engine.web.pages.common import bp, full_names, today
from engine.workdays import service as workdays
from engine.workdays.moves import KINDS, Move

RECENT_CHANGES = 20  # changes of the year shown under the month


@bp.get("/calendar")
def work_calendar():
    """Lịch làm việc: one month, Monday first."""
    current = today()
    year = request.args.get("year", current.year, type=int)
    month = request.args.get("month", current.month, type=int)
    if not (1 <= month <= 12 and 1900 <= year <= 2200):
        raise ValidationError("Tháng hoặc năm không hợp lệ", fields={"month": "1..12", "year": "1900..2200"})
    with reading() as session:
        cal = workdays.calendar(session=session, settings=system().settings)
        notes = {o.day: o.note for o in workdays.list_(session=session, year=year)}
        status = workdays.year_status(session=session, year=year)
        changes = workdays.changes(session=session, year=year, limit=RECENT_CHANGES)
        moved = workdays.moves_of(session=session, change_ids=[c.id for c in changes])
        actors = {c.actor for c in changes if c.actor} | ({status.changed_by} if status.changed_by else set())
        people = full_names(session, actors)
    previous, following = filters.neighbour_months(year, month)
    return render_template(
        "calendar.html",
        year=year,
        month=month,
        weeks=filters.month_weeks(cal, year, month, notes, current),
        weekdays=filters.WEEKDAYS,
        previous=previous,
        following=following,
        status=status,
        changes=[(c, [Move.of(m) for m in moved[c.id]]) for c in changes],
        kinds=KINDS,
        people=people,
    )


@bp.app_template_filter("estimated")
def estimated(day: date | datetime | str | None) -> Markup:
    """The marker "(dự kiến)" after a deadline whose year has no official notice of its days off yet."""
    return filters.estimated_marker(day, _official_years())


def _official_years() -> frozenset[int]:
    """The official years, read once per request (the filter runs once per row of a list)."""
    if "theodoi_official_years" not in g:
        with reading() as session:
            g.theodoi_official_years = workdays.official_years(session=session)
    return g.theodoi_official_years
