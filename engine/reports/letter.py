"""The words of the report around its tables when it goes out as a letter to sign (Nghị định 30/2020,
Phụ lục I): the number the clerk fills in, the figures said in sentences, and how a figure is written. The
print view (and the PDF made from it) and the Word document both say these; the heading block, the date
line, the signer and the recipients are the ReportDocument's own (engine.reports.document)."""

from __future__ import annotations

from engine.reports import document
from engine.reports.buckets import RATE_DEFINITIONS
from engine.reports.document import ReportDocument

REGULATION = (
    "Quy chế về công tác theo dõi, đôn đốc, kiểm tra việc thực hiện các nhiệm vụ do Ủy ban nhân dân tỉnh, "
    "Chủ tịch Ủy ban nhân dân tỉnh giao (ban hành kèm theo Quyết định số 35/2015/QĐ-UBND ngày 31/7/2015 "
    "của UBND tỉnh Lào Cai)"
)


def number_line(report: ReportDocument) -> str:
    """ "Số:        /BC-VP": the number is left blank for the clerk who registers the letter once signed;
    a unit writes its own sign after "BC-"."""
    return "Số:        /BC-VP" if report.issuer == document.OFFICE else "Số:        /BC-"


def summary(report: ReportDocument) -> list[str]:
    """The body: what is reported and on what basis, then the totals and the four rates in words."""
    issuer = "Văn phòng UBND tỉnh" if report.issuer == document.OFFICE else "đơn vị"
    opening = f"Thực hiện {REGULATION}, {issuer} báo cáo {report.title[0].lower()}{report.title[1:]} như sau:"
    total = report.total
    if total is None:
        return [opening, "Trong kỳ báo cáo không có nhiệm vụ nào."]
    counts = (
        f"Tổng số {figure(total['total'])} nhiệm vụ; đã hoàn thành {figure(total['done'])} nhiệm vụ "
        f"(đúng hạn {figure(total['done_on_time'])}, quá hạn {figure(total['done_late'])}); "
        f"chưa hoàn thành {figure(total['open'])} nhiệm vụ (trong hạn {figure(total['open_in_time'])}, "
        f"quá hạn {figure(total['open_late'])}), trong đó {figure(total['not_started'])} nhiệm vụ chưa "
        f"thực hiện, {figure(total['no_deadline'])} nhiệm vụ không có thời hạn, "
        f"{figure(total['due_soon'])} nhiệm vụ sắp đến hạn."
    )
    rates = "; ".join(
        f"{title.lower()} {_percent(total[key], key)}" for key, (title, _) in RATE_DEFINITIONS.items()
    )
    attached = "Biểu tổng hợp và Phụ lục chi tiết" if report.detail else "Biểu tổng hợp"
    return [opening, counts, f"{rates[0].upper()}{rates[1:]}.", f"Chi tiết tại {attached} kèm theo."]


def figure(value, kind: str = "count") -> str:
    """A figure as the documents write it, as the pages do: 1.234 for a count, 98,62 for a rate, "—" for a
    rate with nothing to divide by, dd/mm/yyyy for a date ("" for none)."""
    # The pages' filters are the one definition. Imported here rather than at the top: engine.web.pages
    # imports every page, among them the report pages, which import engine.reports.views, which imports
    # the renderers that use this module.
    from engine.web.pages.filters import vn_decimal, vn_number

    if kind == "date":
        return value.strftime("%d/%m/%Y") if value else ""
    if value is None:
        return "—"
    return vn_decimal(value) if kind == "rate" else vn_number(value)


def _percent(value: float | None, key: str) -> str:
    if value is None:
        return "chưa tính được (chưa có nhiệm vụ để tính)"
    verb = "là" if key == "overdue_rate" else "đạt"  # an overdue rate is no achievement
    return f"{verb} {figure(value, 'rate')}%"
