"""Báo cáo tình hình thực hiện Quy chế (P10, Đ26.1): the yearly reports, each with its frozen figures and
VP's assessment, the live figures as of any date, and the Excel download."""

from __future__ import annotations

from datetime import date

from flask import Response, render_template, request

from engine import clock
from engine.reports import compliance, regulation_workbook
from engine.reports import regulation_report as reports
from engine.reports.regulation_views import READERS
from engine.reports.workbook import XLSX
from engine.web.api import reading, system
from engine.web.pages.common import bp, form_day, require
from engine.workdays import service as workdays


@bp.get("/bao-cao/thuc-hien-quy-che")
def regulation_reports():
    """The yearly reports, and this year's figures live as of the chosen date (default today)."""
    require(READERS)
    with reading() as session:
        calendar = workdays.calendar(session=session, settings=system().settings)
        as_of = form_day(request.args.get("as_of"), "as_of") or calendar.local_date(clock.now())
        live = compliance.figures(session, year=as_of.year, as_of=as_of, calendar=calendar)
        rows = reports.listing(session)
    return render_template(
        "regulation_reports.html",
        reports=rows,
        figures=live,
        as_of=as_of.isoformat(),
        title=f"Số liệu năm {as_of.year} tính đến hết ngày {as_of:%d/%m/%Y} (chưa chốt)",
        status_labels=reports.STATUS_LABELS,
        label=reports.label,
    )


@bp.get("/bao-cao/thuc-hien-quy-che/<int:year>")
def regulation_report(year: int):
    """One year's report: its frozen figures per unit, leader and sector, and VP's assessment."""
    require(READERS)
    with reading() as session:
        row = reports.get(session, year)
    as_of = date.fromisoformat(row.figures["as_of"])
    return render_template(
        "regulation_report.html",
        report=row,
        figures=row.figures,
        heading=reports.label(year),
        title=f"Số liệu chốt đến hết ngày {as_of:%d/%m/%Y}",
        status_label=reports.STATUS_LABELS[row.status],
        parts=reports.ASSESSMENT_PARTS,
    )


@bp.get("/bao-cao/thuc-hien-quy-che/<int:year>.xlsx")
def regulation_report_workbook(year: int):
    """Xuất Excel of one year's report."""
    require(READERS)
    with reading() as session:
        row = reports.get(session, year)
    as_of = date.fromisoformat(row.figures["as_of"])
    title = f"{reports.label(year)} (số liệu chốt đến hết ngày {as_of:%d/%m/%Y})"
    body = regulation_workbook.regulation_workbook(title, row.figures, row.assessment)
    headers = {"Content-Disposition": f'attachment; filename="bao-cao-thuc-hien-quy-che-{year}.xlsx"'}
    return Response(body, mimetype=XLSX, headers=headers)
