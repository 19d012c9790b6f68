"""Báo cáo, thống kê: the per-unit table (Biểu tổng hợp) and a unit's detail appendix, as of any date,
as JSON or as an Excel workbook, a Word document or a PDF. A unit's staff get their own unit's figures only.

report_document builds what an export says (engine.reports.document) for the API and the pages alike."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask import Blueprint, Response, jsonify, request
from sqlalchemy import select

from engine import clock
from engine.assignments import scope
from engine.auth.service import Principal
from engine.directory import leaders
from engine.directory.models import Unit
from engine.errors import NotFoundError, ValidationError
from engine.reports import buckets, document, docx_report, pdf, publication, workbook
from engine.reports.publication_views import PUBLICATION, present_all
from engine.web.api import API_PREFIX, operation, reading, system, user
from engine.workdays import service as workdays

bp = Blueprint("reports", __name__, url_prefix=API_PREFIX + "/reports")

PERIOD_QUERY = {
    "as_of": {"type": "string", "format": "date"},
    "from": {"type": "string", "format": "date"},
}
UNIT_ROW = {
    "type": "object",
    "properties": {
        key: {"type": "number" if key == "on_time_rate" else "integer"}
        for key in (
            "total done done_on_time done_late open open_in_time open_late no_deadline due_soon on_time_rate"
        ).split()
    }
    | {"unit_code": {"type": "string"}, "unit_name": {"type": "string"}},
}
GROUP_QUERY = {"group": {"type": "string", "enum": list(buckets.GROUPINGS), "default": "unit"}}
TABLE = {
    "type": "object",
    "properties": {
        "as_of": {"type": "string", "format": "date"},
        "window_from": {"type": ["string", "null"], "format": "date"},
        "items": {"type": "array", "items": UNIT_ROW},
    },
}


def request_period(session, args: Mapping[str, str] | None = None) -> dict:
    """as_of (default today) and window_from from the query string (or `args`), with the calendar.
    Shared with the Báo cáo, thống kê page, which takes the same query string (its dates read first)."""
    calendar = workdays.calendar(session=session, settings=system().settings)
    problems, values = {}, {}
    for name in ("as_of", "from"):
        raw = (request.args if args is None else args).get(name)
        try:
            values[name] = date.fromisoformat(raw) if raw else None
        except ValueError:
            problems[name] = "ngày dạng YYYY-MM-DD"
        if values.get(name) and values[name].year not in workdays.YEARS:  # the calendar's reach
            problems[name] = f"năm từ {workdays.YEARS.start} đến {workdays.YEARS.stop - 1}"
    if problems:
        raise ValidationError("Thời gian chốt số liệu không hợp lệ", fields=problems)
    as_of = values["as_of"] or calendar.local_date(clock.now())
    if values["from"] and values["from"] > as_of:
        raise ValidationError("Kỳ báo cáo không hợp lệ", fields={"from": "phải trước hoặc bằng as_of"})
    return {
        "as_of": as_of,
        "window_from": values["from"],
        "calendar": calendar,
        "soon_days": system().settings.due_soon_days,
    }


def summary_table(session, args: Mapping[str, str] | None = None) -> tuple[dict, list[dict]]:
    """The period and the Biểu tổng hợp rows the caller may see (a unit: its own row only)."""
    period = request_period(session, args)
    return period, buckets.per_unit(session, unit_codes=own_units(user()), **period)


def own_units(principal: Principal) -> list[str] | None:
    """The lead units whose figures `principal` may see: None (all) for those who see every unit, else
    their own unit."""
    return None if scope.sees_all(principal) else [principal.unit_code or ""]


def grouped_rows(session, group: str, period: dict, unit_codes: list[str] | None) -> list[dict]:
    """The Biểu tổng hợp rows of `period` per lead unit, or per leader who gave the tasks (the collective
    first), per sector (by name) or per document type (`group`, a key of buckets.GROUPINGS)."""
    if group == "unit":
        return buckets.per_unit(session, unit_codes=unit_codes, **period)
    names = {"leader": leaders.leader_names, "sector": leaders.sector_names}
    order = list(names[group](session=session).items()) if group in names else []
    return buckets.per_group(session, by=group, order=order, unit_codes=unit_codes, **period)


def report_document(
    session,
    args: Mapping[str, str] | None,
    group: str,
    with_detail: bool,
    *,
    unit_code: str | None = None,
) -> document.ReportDocument:
    """The report the caller may see, for the period of `args` (request_period): the Biểu tổng hợp per
    `group`, and with_detail the Phụ lục chi tiết of every lead unit in it (per lead unit whatever the
    grouping: that is how the tasks are followed up). With `unit_code`, that unit's figures and appendix
    only. A unit's staff get their own unit's, under their unit's name; a bad group is a 422."""
    if group not in buckets.GROUPINGS:
        raise ValidationError(
            "Cách tổng hợp không hợp lệ", fields={"group": f"một trong {', '.join(buckets.GROUPINGS)}"}
        )
    principal = user()
    if unit_code is not None:
        scope.check_can_see_unit(principal, unit_code)
        if session.scalar(select(Unit.code).where(Unit.code == unit_code)) is None:
            raise NotFoundError(f"Không có đơn vị {unit_code}")
    period = request_period(session, args)
    units = [unit_code] if unit_code is not None else own_units(principal)
    rows = grouped_rows(session, group, period, units)
    detail_units = None
    if with_detail:
        by_unit = rows if group == "unit" else buckets.per_unit(session, unit_codes=units, **period)
        detail_units = [row["unit_code"] for row in by_unit]
    issuer = document.OFFICE
    if not scope.sees_all(principal):
        name = session.scalar(select(Unit.name).where(Unit.code == principal.unit_code))
        issuer = name.upper() if name else document.OFFICE
    return document.build(
        session,
        period=period,
        rows=rows,
        group=group,
        today=period["calendar"].local_date(clock.now()),
        detail_units=detail_units,
        issuer=issuer,
    )


# The downloads' names after the grouping, in ASCII (workbook.attachment).
FILE_GROUPS = {
    "unit": "",
    "leader": "-theo-lanh-dao",
    "sector": "-theo-linh-vuc",
    "doc_type": "-theo-loai-van-ban",
}


# The downloads by extension: the media type, the report with its appendix, a unit's appendix alone.
EXPORTS = {
    "xlsx": (workbook.XLSX, workbook.report_workbook, workbook.appendix_workbook),
    "docx": (docx_report.DOCX, docx_report.report_docx, docx_report.appendix_docx),
    "pdf": (pdf.PDF, pdf.report_pdf, pdf.appendix_pdf),
}


def export_download(
    extension: str, args: Mapping[str, str] | None = None, *, unit_code: str | None = None
) -> Response:
    """The .xlsx, .docx or .pdf attachment (EXPORTS) of the request's period, grouping (`group`) and the
    caller's scope: the Biểu tổng hợp with its appendix, or `unit_code`'s Phụ lục chi tiết alone. Shared
    with the pages' Xuất Excel, Xuất Word and Xuất PDF, which pass the period as they read it (`args`)."""
    group = "unit" if unit_code is not None else request.args.get("group") or "unit"
    with reading() as session:
        doc = report_document(session, args, group, True, unit_code=unit_code)
    media_type, whole, appendix = EXPORTS[extension]
    if unit_code is None:
        body = whole(doc)
        name = f"bieu-tong-hop{FILE_GROUPS[group]}-{doc.as_of.isoformat()}.{extension}"
    else:
        body = appendix(doc)
        name = f"phu-luc-chi-tiet-{unit_code.lower()}-{doc.as_of.isoformat()}.{extension}"
    return Response(body, mimetype=media_type, headers={"Content-Disposition": workbook.attachment(name)})


@bp.get("/buckets")
@operation(
    summary="Biểu tổng hợp theo đơn vị chủ trì tại ngày chốt số liệu (as_of), kỳ báo cáo từ ngày `from`",
    tag="reports",
    query=PERIOD_QUERY,
    response=TABLE,
)
def bucket_table():
    with reading() as session:
        period, rows = summary_table(session)
    window_from = period["window_from"]
    return jsonify(
        as_of=period["as_of"].isoformat(),
        window_from=window_from.isoformat() if window_from else None,
        items=rows,
    )


@bp.get("/buckets.xlsx")
@operation(
    summary="Xuất Excel biểu tổng hợp (theo đơn vị, lãnh đạo, lĩnh vực, loại văn bản) kèm phụ lục chi tiết",
    tag="reports",
    query=PERIOD_QUERY | GROUP_QUERY,
    content_type=workbook.XLSX,
    response={"type": "string", "format": "binary"},
)
def bucket_workbook():
    return export_download("xlsx")


@bp.get("/buckets.docx")
@operation(
    summary="Xuất Word báo cáo tổng hợp theo mẫu Nghị định 30/2020 (biểu tổng hợp và phụ lục chi tiết)",
    tag="reports",
    query=PERIOD_QUERY | GROUP_QUERY,
    content_type=docx_report.DOCX,
    response={"type": "string", "format": "binary"},
)
def bucket_docx():
    return export_download("docx")


@bp.get("/buckets.pdf")
@operation(
    summary="Xuất PDF báo cáo tổng hợp (bản in: biểu tổng hợp và phụ lục chi tiết, tối đa "
    f"{pdf.PRINTED_TASKS} nhiệm vụ; phụ lục đầy đủ trong tệp Excel, Word)",
    tag="reports",
    query=PERIOD_QUERY | GROUP_QUERY,
    content_type=pdf.PDF,
    response={"type": "string", "format": "binary"},
)
def bucket_pdf():
    return export_download("pdf")


@bp.get("/units/<unit_code>/detail.xlsx")
@operation(
    summary="Xuất Excel phụ lục chi tiết của một đơn vị chủ trì tại ngày chốt số liệu",
    tag="reports",
    query=PERIOD_QUERY,
    content_type=workbook.XLSX,
    response={"type": "string", "format": "binary"},
)
def unit_detail_workbook(unit_code: str):
    return export_download("xlsx", unit_code=unit_code)


@bp.get("/units/<unit_code>/detail.docx")
@operation(
    summary="Xuất Word phụ lục chi tiết của một đơn vị chủ trì tại ngày chốt số liệu",
    tag="reports",
    query=PERIOD_QUERY,
    content_type=docx_report.DOCX,
    response={"type": "string", "format": "binary"},
)
def unit_detail_docx(unit_code: str):
    return export_download("docx", unit_code=unit_code)


@bp.get("/units/<unit_code>/detail.pdf")
@operation(
    summary="Xuất PDF phụ lục chi tiết của một đơn vị chủ trì tại ngày chốt số liệu",
    tag="reports",
    query=PERIOD_QUERY,
    content_type=pdf.PDF,
    response={"type": "string", "format": "binary"},
)
def unit_detail_pdf(unit_code: str):
    return export_download("pdf", unit_code=unit_code)


@bp.get("/units/<unit_code>/detail")
@operation(
    summary="Phụ lục chi tiết: từng nhiệm vụ của một đơn vị chủ trì tại ngày chốt số liệu",
    tag="reports",
    query=PERIOD_QUERY,
    response={"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object"}}}},
)
def unit_detail(unit_code: str):
    scope.check_can_see_unit(user(), unit_code)
    with reading() as session:
        rows = buckets.detail(session, unit_code=unit_code, **request_period(session))
    for row in rows:
        for key in ("due_date", "completed_on"):
            row[key] = row[key].isoformat() if row[key] else None
    return jsonify(items=rows)


@bp.get("/published")
@operation(
    summary="Công khai kết quả (Đ19.2): các bản công khai số liệu tổng hợp theo đơn vị, kỳ mới nhất trước, "
    "trong mỗi kỳ bản mới nhất (bản đính chính) trước",
    tag="reports",
    public=True,
    response={"type": "object", "properties": {"items": {"type": "array", "items": PUBLICATION}}},
)
def published():
    with reading() as session:
        return jsonify(items=present_all(publication.all_publications(session)))
