"""Báo cáo, thống kê: the Biểu tổng hợp as of a cut-off date, a unit's Phụ lục chi tiết, and Xuất Excel.

The period comes from the same query string as the API (as_of, from) and is read by the same code, and
a unit's staff get their own row only, as there (engine.reports.views)."""

from __future__ import annotations

from flask import render_template, request, url_for
from sqlalchemy import select

from engine.assignments import scope
from engine.directory import leaders
from engine.directory.models import Unit
from engine.errors import NotFoundError
from engine.reports import buckets, layout, publication
from engine.reports.views import request_period, summary_table, workbook_download
from engine.web.api import reading
from engine.web.pages import filters
from engine.web.pages.common import bp, form_day, me


@bp.get("/reports")
def reports():
    """Biểu tổng hợp with its totals row, per lead unit (each links to its Phụ lục chi tiết), or with the
    same buckets per leader who gave the tasks or per sector ("Tổng hợp theo")."""
    group = request.args.get("group") if request.args.get("group") in buckets.GROUPINGS else "unit"
    with reading() as session:
        period, rows = summary_table(session, _typed_period())
        if group == "doc_type":
            rows = buckets.per_group(session, by=group, order=[], unit_codes=_own_units(), **period)
        elif group != "unit":
            rows = buckets.per_group(
                session, by=group, order=_group_order(session, group), unit_codes=_own_units(), **period
            )
    args = _period_args(period)
    return render_template(
        "reports.html",
        rows=rows,
        total=buckets.totals(rows) if rows else None,
        links={
            r["unit_code"]: url_for("pages.report_unit", unit_code=r["unit_code"], **args["query"])
            for r in rows
            if group == "unit"
        },
        title=layout.title(period["as_of"], period["window_from"]),
        columns=layout.summary_columns(group),
        group=group,
        groupings=buckets.GROUPINGS,
        **args,
    )


def _group_order(session, group: str) -> list[tuple[str, str]]:
    """(code, name) of the leaders (the collective first) or of the sectors (by name), active or not."""
    names = (
        leaders.leader_names(session=session) if group == "leader" else leaders.sector_names(session=session)
    )
    return list(names.items())


def _own_units() -> list[str] | None:
    """None for those who see every unit; else the user's unit, as the table by unit does."""
    return None if scope.sees_all(me()) else [me().unit_code or ""]


@bp.get("/reports/buckets.xlsx")
def report_workbook():
    """Xuất Excel: the workbook the API gives, for the logged-in user."""
    return workbook_download()


@bp.get("/reports/units/<unit_code>")
def report_unit(unit_code: str):
    """Phụ lục chi tiết: every assignment the unit leads in the period, with its bucket and situation."""
    scope.check_can_see_unit(me(), unit_code)
    with reading() as session:
        name = session.scalar(select(Unit.name).where(Unit.code == unit_code))
        if name is None:
            raise NotFoundError(f"no unit {unit_code}")
        period = request_period(session, _typed_period())
        rows = buckets.detail(session, unit_code=unit_code, **period)
        unit_names = dict(session.execute(select(Unit.code, Unit.name)).all())
    return render_template(
        "report_detail.html",
        rows=rows,
        unit_code=unit_code,
        unit_name=name,
        unit_names=unit_names,
        title=layout.title(period["as_of"], period["window_from"]),
        **_period_args(period),
    )


@bp.get("/cong-khai")
@bp.get("/cong-khai/<int:round_id>")
def public_results(round_id: int | None = None):
    """Công khai kết quả (Đ19.2): the figures of a published round (the newest by default), for anyone,
    signed in or not."""
    with reading() as session:
        rounds = publication.published_rounds(session)
        if round_id is not None:
            chosen = publication.published_round_or_raise(session, round_id)
        else:
            chosen = rounds[0] if rounds else None
        rows = (chosen.figures or []) if chosen else []
        return render_template(
            "public_results.html",
            rounds=rounds,
            chosen=chosen,
            rows=rows,
            total=buckets.totals(rows) if rows else None,
            columns=layout.summary_columns(),
        )


bp.add_app_template_filter(filters.vn_decimal, "vn_decimal")
bp.add_app_template_global(layout.cell, "layout_cell")
bp.add_app_template_global(layout.header_rows, "layout_headers")
bp.add_app_template_global(layout.rate_notes, "layout_notes")


def _typed_period() -> dict[str, str]:
    """as_of and from as the API reads them (ISO), typed dd/mm/yyyy in a form without script or ISO."""
    days = {name: form_day(request.args.get(name), name) for name in ("as_of", "from")}
    return {name: day.isoformat() for name, day in days.items() if day}


def _period_args(period: dict) -> dict:
    """The period as the form shows it and as the links carry it on (ISO dates, from omitted if none)."""
    as_of, window_from = period["as_of"].isoformat(), period["window_from"]
    query = {"as_of": as_of, "from": window_from.isoformat()} if window_from else {"as_of": as_of}
    return {"as_of": as_of, "window_from": query.get("from", ""), "query": query}
