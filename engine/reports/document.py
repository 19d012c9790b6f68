"""What an exported report says, whatever its format: the heading block of an administrative document
(Nghị định 30/2020: cơ quan, quốc hiệu, địa danh và ngày), the title and period, the Biểu tổng hợp with its
totals and "Cách tính", the Phụ lục chi tiết, and the signature block. Built once per request from the
tables of engine.reports.buckets; the renderers (XLSX, DOCX, the print view and its PDF) only lay it out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.directory.models import Unit
from engine.reports import buckets, layout

# The heading block: the body above the issuer, the issuer, the national motto, the place of issue.
PROVINCE = "UBND TỈNH LÀO CAI"
OFFICE = "VĂN PHÒNG"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PLACE = "Lào Cai"
SIGNER_TITLE = "CHÁNH VĂN PHÒNG"
UNIT_SIGNER_TITLE = "THỦ TRƯỞNG ĐƠN VỊ"


@dataclass
class ReportDocument:
    """One report ready to render. `rows` and `total` follow `columns` (layout.summary_columns);
    `detail` is the appendix: (unit name, its rows of buckets.detail) per lead unit, in table order."""

    title: str  # "Tình hình thực hiện nhiệm vụ từ ngày … đến ngày …"
    as_of: date
    window_from: date | None
    issued_on: date  # the date written under the motto: the day the file is made
    group: str  # a key of buckets.GROUPINGS
    columns: list[layout.Column]
    rows: list[dict]
    total: dict | None
    notes: list[str] = field(default_factory=layout.rate_notes)
    detail: list[tuple[str, list[dict]]] = field(default_factory=list)
    issuer: str = OFFICE  # the unit's own name when a unit exports its own figures

    @property
    def heading(self) -> str:
        """The document's name: "Báo cáo tình hình thực hiện nhiệm vụ …"."""
        return f"Báo cáo {self.title[0].lower()}{self.title[1:]}"

    @property
    def summary_name(self) -> str:
        """The table's name, as the page titles it: "Biểu tổng hợp", or "Biểu tổng hợp theo lĩnh vực"."""
        by = "" if self.group == "unit" else f" theo {buckets.GROUPINGS[self.group].lower()}"
        return f"Biểu tổng hợp{by}"

    @property
    def dateline(self) -> str:
        """Place and date under the motto, as Nghị định 30/2020 writes them: a day below 10 and the
        months 1 and 2 take a leading zero (so that nobody can add a digit), the other months do not."""
        day, month = self.issued_on.day, self.issued_on.month
        month_text = f"{month:02d}" if month < 3 else str(month)
        return f"{PLACE}, ngày {day:02d} tháng {month_text} năm {self.issued_on.year}"

    @property
    def signer_title(self) -> str:
        """Who signs: the Chief of the Office for VP's report, the unit's head for a unit's own."""
        return SIGNER_TITLE if self.issuer == OFFICE else UNIT_SIGNER_TITLE

    @property
    def recipients(self) -> list[str]:
        """The "Nơi nhận:" lines: VP reports to the provincial leadership, a unit to VP; both keep a copy."""
        to = "Chủ tịch, các Phó Chủ tịch UBND tỉnh" if self.issuer == OFFICE else "Văn phòng UBND tỉnh"
        return [f"- {to} (b/c);", "- Lưu: VT."]


def build(
    session: Session,
    *,
    period: dict,
    rows: list[dict],
    group: str,
    today: date,
    detail_units: list[str] | None,
    issuer: str = OFFICE,
) -> ReportDocument:
    """The report of `rows` (already scoped to the reader) for `period` (reports.views.request_period),
    with the appendix of every unit in `detail_units` (None: no appendix)."""
    detail = []
    if detail_units:
        names = dict(session.execute(select(Unit.code, Unit.name)).all())
        for code in detail_units:
            found = buckets.detail(session, unit_code=code, **period)
            for row in found:  # the appendix's text columns (layout.DETAIL_COLUMNS)
                row["coordinating"] = "; ".join(names.get(c, c) for c in row["coordinating_units"])
                row["status"] = status(row)
            if found:
                detail.append((names.get(code, code), found))
    return ReportDocument(
        title=layout.title(period["as_of"], period["window_from"]),
        as_of=period["as_of"],
        window_from=period["window_from"],
        issued_on=today,
        group=group,
        columns=layout.summary_columns(group),
        rows=rows,
        total=buckets.totals(rows) if rows else None,
        detail=detail,
        issuer=issuer,
    )


def status(row: dict) -> str:
    """A task's "Tình trạng" in the appendix: its bucket, and "chưa thực hiện" or "sắp đến hạn" if so."""
    parts = [row["bucket_label"]]
    if row["not_started"]:
        parts.append(buckets.NOT_STARTED.lower())
    if row["due_soon"]:
        parts.append(buckets.DUE_SOON.lower())
    return "; ".join(parts)
