"""Báo cáo, thống kê: the Biểu tổng hợp as of a cut-off date, a unit's Phụ lục chi tiết, their exports
(Xuất Excel, Xuất Word, Xuất PDF) and their print view (Bản in).

The period comes from the same query string as the API (as_of, from) and is read by the same code, and
a unit's staff get their own row only, as there (engine.reports.views)."""

from __future__ import annotations

from flask import render_template, request, url_for
from sqlalchemy import select

from engine.assignments import scope
from engine.directory.models import Unit
from engine.errors import NotFoundError
from engine.reports import buckets, layout, pdf
from engine.reports.views import export_download, grouped_rows, own_units, report_document, request_period
from engine.web.api import reading
from engine.web.pages import filters
from engine.web.pages.common import bp, form_day, me


@bp.get("/reports")
def reports():
    """Biểu tổng hợp with its totals row, per lead unit (each links to its Phụ lục chi tiết), or with the
    same buckets per leader who gave the tasks or per sector ("Tổng hợp theo")."""
    group = request.args.get("group") if request.args.get("group") in buckets.GROUPINGS else "unit"
    with reading() as session:
        period = request_period(session, _typed_period())
        rows = grouped_rows(session, group, period, own_units(me()))
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


@bp.get("/reports/buckets.xlsx")
def report_workbook():
    """Xuất Excel: the workbook the API gives (the page's grouping and period), for the logged-in user."""
    return export_download("xlsx", _typed_period())


@bp.get("/reports/units/<unit_code>.xlsx")
def report_unit_workbook(unit_code: str):
    """Xuất Excel of the Phụ lục chi tiết: the unit's appendix alone, as the API gives it."""
    return export_download("xlsx", _typed_period(), unit_code=unit_code)


@bp.get("/reports/buckets.docx")
def report_word():
    """Xuất Word: the report as the API gives it (Nghị định 30/2020), for the logged-in user."""
    return export_download("docx", _typed_period())


@bp.get("/reports/units/<unit_code>.docx")
def report_unit_word(unit_code: str):
    """Xuất Word of the Phụ lục chi tiết: the unit's appendix alone, as the API gives it."""
    return export_download("docx", _typed_period(), unit_code=unit_code)


@bp.get("/reports/buckets.pdf")
def report_pdf():
    """Xuất PDF: the print view as a file, as the API gives it, for the logged-in user."""
    return export_download("pdf", _typed_period())


@bp.get("/reports/units/<unit_code>.pdf")
def report_unit_pdf(unit_code: str):
    """Xuất PDF of the Phụ lục chi tiết: the unit's appendix alone, as the API gives it."""
    return export_download("pdf", _typed_period(), unit_code=unit_code)


@bp.get("/reports/print")
def report_print():
    """Bản in: the report of the page's period and grouping laid out as the signed document (the PDF's
    HTML), with a way back to the page."""
    group = request.args.get("group") or "unit"
    with reading() as session:
        doc = report_document(session, _typed_period(), group, True)
    query = _period_args({"as_of": doc.as_of, "window_from": doc.window_from})["query"]
    back = url_for("pages.reports", **query, **({"group": group} if group != "unit" else {}))
    return pdf.print_html(doc, back=(back, "← Báo cáo, thống kê"))


@bp.get("/reports/units/<unit_code>/print")
def report_unit_print(unit_code: str):
    """Bản in of a unit's Phụ lục chi tiết, under the heading block."""
    with reading() as session:
        doc = report_document(session, _typed_period(), "unit", True, unit_code=unit_code)
    query = _period_args({"as_of": doc.as_of, "window_from": doc.window_from})["query"]
    back = url_for("pages.report_unit", unit_code=unit_code, **query)
    return pdf.print_html(doc, appendix_only=True, back=(back, "← Phụ lục chi tiết"))


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
