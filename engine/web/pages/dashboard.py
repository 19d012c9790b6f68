"""Bảng điều hành (/dieu-hanh): how the assignments stand today, for the leadership, VP and monitors (every
unit) and for a unit's leader (the tasks his unit leads); the figures are engine.dashboard's, every number
and chart segment links to the Nhiệm vụ list that shows exactly those tasks."""

from __future__ import annotations

from flask import render_template, url_for
from markupsafe import Markup

from engine.assignments import scope
from engine.auth.service import Principal
from engine.dashboard import charts, figures
from engine.directory import leaders
from engine.directory.models import Unit
from engine.usertasks import inbox
from engine.web.api import reading, system
from engine.web.pages.common import bp, me, require, today
from engine.workdays import service as workdays

# Who may open it: those who see every assignment, and a unit's leader for his own unit. A unit's staff
# work from their lists; the overview is for those who direct.
DASHBOARD_VIEWERS = scope.ALL_SEEING | {"unit_leader"}
# Who land on it when they open "/" (Tổng quan): the leadership, whose work is directing, not an inbox.
LANDING_ROLES = frozenset({"province_leadership", "vp_leadership"})
TOP_UNITS = 15  # units on the chart; "Xem tất cả" opens the full table
TOP_SIGNERS = 10


def lands_on_dashboard(user: Principal) -> bool:
    """Whether "/" shows this user the dashboard (by role, not through the admin's pass)."""
    return bool(user.roles & LANDING_ROLES)


@bp.app_context_processor
def dashboard_menu() -> dict:
    """The role set of the "Điều hành" menu entry in base.html."""
    return {"DASHBOARD_MENU": DASHBOARD_VIEWERS}


@bp.get("/dieu-hanh")
def dashboard():
    """Tình hình thực hiện nhiệm vụ: the buckets today, per unit, per leader who gave the tasks, and the
    last 12 months."""
    require(DASHBOARD_VIEWERS)
    unit = _unit_of(me())
    with reading() as session:
        today_ = _today(session)
        period = figures.today_period(**today_)
        if unit is None:
            units = figures.by_unit(session, **today_)
            # Every task has one lead unit: the units' figures add up to the whole (the tests check it
            # against figures.overview), which spares the landing page one more pass over every task.
            overview = sum((u.counts for u in units), figures.Counts())
        else:
            units, overview = [], figures.overview(session, period=period, unit=unit)
        names = leaders.leader_names(session=session)
        given_by = figures.overdue_by_leader(session, period=period, names=names, unit=unit)[:TOP_SIGNERS]
        months = figures.by_month(session, **today_, unit=unit)
        task_count = inbox.count(session, user=me(), filters=inbox.InboxFilters(), windows=None)
        unit_row = session.get(Unit, unit) if unit else None
        unit_name = unit_row.name if unit_row else None
    link = _list_link(unit)
    return render_template(
        "dashboard.html",
        as_of=today_["today"],
        unit_name=unit_name,
        overview=overview,
        rate_definition=figures.RATE_DEFINITION,
        task_count=task_count,
        personal_link=lands_on_dashboard(me()),
        units=units[:TOP_UNITS],
        unit_count=len(units),
        unit_chart=charts.unit_bars(units[:TOP_UNITS], link=link) if units else None,
        given_by=given_by,
        leader_chart=_leader_chart(given_by, link) if given_by else None,
        months=months,
        trend_chart=charts.trend_bars(months),
        bucket_legend=charts.bucket_legend(),
        trend_legend=charts.trend_legend(),
        link=link,
    )


def _leader_chart(given_by: list[figures.LeaderFigures], link) -> Markup:
    """The overdue bars per leader who gave the tasks, each linking to the list filtered by that leader."""
    return charts.signer_bars(
        [figures.SignerFigures(g.name, g.open, g.open_late) for g in given_by],
        link=link,
        title="Nhiệm vụ đang thực hiện quá hạn theo lãnh đạo giao nhiệm vụ",
        hrefs=[link(leader=g.code, bucket="open_late") if g.code else None for g in given_by],
    )


@bp.get("/dieu-hanh/don-vi")
def dashboard_units():
    """Xem tất cả: every lead unit's buckets today, in the chart's order, each figure linking to its list."""
    require(DASHBOARD_VIEWERS)
    unit = _unit_of(me())
    with reading() as session:
        today_ = _today(session)
        units = figures.by_unit(session, **today_, unit=unit)
    return render_template(
        "dashboard_units.html",
        as_of=today_["today"],
        units=units,
        total=sum((u.counts for u in units), figures.Counts()),
        rate_definition=figures.RATE_DEFINITION,
        link=_list_link(unit),
    )


def _unit_of(user: Principal) -> str | None:
    """None for those who see every unit; else the user's unit ("" for a leader without one: nothing)."""
    return None if scope.sees_all(user) else (user.unit_code or "")


def _today(session) -> dict:
    """Today (local), the calendar and the "Sắp đến hạn" window, as the Nhiệm vụ list takes them."""
    settings = system().settings
    return {
        "calendar": workdays.calendar(session=session, settings=settings),
        "today": today(),
        "soon_days": settings.due_soon_days,
    }


def _list_link(unit: str | None):
    """link(unit=, bucket=, signer=, leader=) -> the Nhiệm vụ list filtered so; a unit leader's go to his
    unit's Chủ trì list (the tasks the figures count), where a unit filter is not needed."""

    def link(**filters: str) -> str:
        if unit is not None:
            filters.pop("unit", None)
            filters["tab"] = "lead"
        return url_for("pages.assignment_list", **{k: v for k, v in filters.items() if v})

    return link
