"""Lịch làm việc: one month of working days, holidays and announced swaps."""

from __future__ import annotations

from flask import render_template, request

from engine.errors import ValidationError
from engine.web.api import reading, system
from engine.web.pages import filters
from engine.web.pages.common import bp, today
from engine.workdays import service as workdays


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
    previous, following = filters.neighbour_months(year, month)
    return render_template(
        "calendar.html",
        year=year,
        month=month,
        weeks=filters.month_weeks(cal, year, month, notes, current),
        weekdays=filters.WEEKDAYS,
        previous=previous,
        following=following,
    )
