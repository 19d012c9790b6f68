"""Lịch làm việc: one month of working days, holidays and announced swaps, the status of its year and the
latest changes to the calendar; and the "(dự kiến)" marker every page puts after an estimated deadline."""

from __future__ import annotations

from datetime import date, datetime

from flask import flash, g, redirect, render_template, request, url_for
from markupsafe import Markup

from engine import clock
from engine.errors import ValidationError
from engine.web.api import reading, system, transaction
from engine.web.pages import filters
from engine.web.pages.common import bp, form_day, full_names, me, require, today
from engine.workdays import corrections
from engine.workdays import service as workdays
from engine.workdays.moves import KINDS, Move

RECENT_CHANGES = 20  # changes of the year shown under the month
ADMINS = {"admin"}
# The choices of the override form: a day off, a make-up working day, or back to the general calendar.
ACTIONS = {"off": False, "working": True, "remove": None}


@bp.get("/calendar")
def work_calendar():
    """Lịch làm việc: one month, Monday first."""
    current = today()
    year = request.args.get("year", current.year, type=int)
    month = request.args.get("month", current.month, type=int)
    return _month(year, month)


@bp.post("/calendar/preview")
def preview_override():
    """Step 1 of a calendar change: the deadlines that would move, shown before the administrator confirms."""
    require(ADMINS)
    day, working, note = _override_form()
    try:
        with reading() as session:
            done = _change_override(session, day, working, note, dry_run=True)
    except ValidationError as exc:
        return _month(day.year, day.month, errors=exc.fields, code=422)
    preview = {"day": day, "action": request.form["action"], "note": note, "moves": done.moves}
    return _month(day.year, day.month, preview=preview)


@bp.post("/calendar/overrides")
def confirm_override():
    """Step 2: the change itself; every deadline of the preview moves in the same transaction."""
    require(ADMINS)
    day, working, note = _override_form()
    with transaction() as session:
        done = _change_override(session, day, working, note)
    what = {None: "bỏ khai báo", True: "ngày làm việc", False: "ngày nghỉ"}[working]
    flash(f"Ngày {day:%d/%m/%Y}: {what}; {len(done.moves)} thời hạn đã được điều chỉnh.", "success")
    return redirect(url_for("pages.work_calendar", year=day.year, month=day.month))


@bp.post("/calendar/years/<int:year>")
def set_calendar_year(year: int):
    """Ghi nhận thông báo chính thức về lịch nghỉ của năm (or set the year back to estimated)."""
    require(ADMINS)
    form = request.form
    official = form.get("official") == "1"
    notice_date = _form_day(form.get("notice_date"), "notice_date") if form.get("notice_date") else None
    try:
        with transaction() as session:
            workdays.set_year(
                session=session,
                year=year,
                official=official,
                notice=form.get("notice", ""),
                notice_date=notice_date,
                actor=me().username,
                now=clock.now(),
            )
    except ValidationError as exc:
        return _month(year, form.get("month", 1, type=int), errors=exc.fields, code=422)
    flash(f"Lịch năm {year}: {'chính thức' if official else 'dự kiến'}.", "success")
    return redirect(url_for("pages.work_calendar", year=year, month=form.get("month", 1, type=int)))


def _change_override(session, day: date, working: bool | None, note: str, *, dry_run: bool = False):
    """The administrator's change of one day (or its preview): every open deadline it touches moves."""
    return corrections.change_override(
        session=session,
        engine=system().engine,
        day=day,
        working=working,
        note=note,
        actor=me().username,
        now=clock.now(),
        dry_run=dry_run,
    )


def _override_form() -> tuple[date, bool | None, str]:
    form = request.form
    day = _form_day(form.get("day"), "day")
    if form.get("action") not in ACTIONS:
        raise ValidationError("Chọn ngày nghỉ, ngày làm bù hoặc bỏ khai báo", fields={"action": "bắt buộc"})
    note = (form.get("note") or "").strip()
    if len(note) > 500:
        raise ValidationError("Ghi chú quá dài", fields={"note": "tối đa 500 ký tự"})
    return day, ACTIONS[form["action"]], note


def _form_day(text: str | None, field: str) -> date:
    day = form_day(text, field)
    if day is None:
        raise ValidationError("Nhập ngày", fields={field: "bắt buộc"})
    if day.year not in workdays.YEARS:
        raise ValidationError("Ngày nằm ngoài phạm vi của lịch", fields={field: "1900..2200"})
    return day


def _month(
    year: int, month: int, *, preview: dict | None = None, errors: dict | None = None, code: int = 200
):
    current = today()
    if not (1 <= month <= 12 and 1900 <= year <= 2200):
        raise ValidationError("Tháng hoặc năm không hợp lệ", fields={"month": "1..12", "year": "1900..2200"})
    with reading() as session:
        cal = workdays.calendar(session=session, settings=system().settings)
        overrides = workdays.list_(session=session, year=year)
        notes = {o.day: o.note for o in overrides}
        status = workdays.year_status(session=session, year=year)
        changes = workdays.changes(session=session, year=year, limit=RECENT_CHANGES)
        moved = workdays.moves_of(session=session, change_ids=[c.id for c in changes])
        actors = {c.actor for c in changes if c.actor} | ({status.changed_by} if status.changed_by else set())
        actors |= {o.changed_by for o in overrides if o.changed_by}
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
        overrides=overrides,
        preview=preview,
        errors=errors or {},
        form=request.form,
    ), code


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
