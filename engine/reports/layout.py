"""The one definition of the report tables (Biểu tổng hợp, Phụ lục chi tiết): their columns under a
two-level header, the heading and the notes under them. The page, the print view (and the PDF made from
it), the Excel workbook and the Word document all render from here, so that they cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from engine.reports.buckets import GROUPINGS, RATE_DEFINITIONS


@dataclass(frozen=True)
class Column:
    """One column of a table: its row key, its title, the title of the group it sits under (the first
    header row; None: it spans both rows), how its values print, and its width in characters."""

    key: str
    title: str
    group: str | None = None
    kind: str = "count"  # count | rate | text | date | label
    width: int = 9


UNIT_HEADING = "Cơ quan, đơn vị"


def summary_columns(group: str = "unit") -> list[Column]:
    """The Biểu tổng hợp's columns, the first one titled after the grouping (GROUPINGS: unit, leader, ...)."""
    heading = UNIT_HEADING if group == "unit" else GROUPINGS[group]
    done, open_, rate = "Đã hoàn thành", "Chưa hoàn thành", "Tỷ lệ (%)"
    of_which = "Trong đó (chưa hoàn thành)"
    return [
        Column("name", heading, kind="label", width=34),
        Column("total", "Tổng số nhiệm vụ"),
        Column("done", "Tổng", done),
        Column("done_on_time", "Đúng hạn", done),
        Column("done_late", "Quá hạn", done),
        Column("open", "Tổng", open_),
        Column("open_in_time", "Trong hạn", open_),
        Column("open_late", "Quá hạn", open_),
        Column("not_started", "Chưa thực hiện", of_which),
        Column("no_deadline", "Không có thời hạn", of_which),
        Column("due_soon", "Sắp đến hạn", of_which),
        *(Column(key, RATE_DEFINITIONS[key][0], rate, kind="rate") for key in RATE_DEFINITIONS),
        Column("note", "Ghi chú", kind="text", width=16),
    ]


# The Phụ lục chi tiết: one row per task (DOMAIN.md §4).
DETAIL_COLUMNS = [
    Column("document_number", "Số, ký hiệu văn bản", kind="text", width=16),
    Column("document_title", "Trích yếu", kind="text", width=34),
    Column("content", "Nội dung nhiệm vụ", kind="text", width=40),
    Column("coordinating", "Đơn vị phối hợp", kind="text", width=20),
    Column("due_date", "Thời hạn", kind="date", width=12),
    Column("status", "Tình trạng", kind="text", width=20),
    Column("completed_on", "Ngày hoàn thành", kind="date", width=12),
    Column("situation", "Tình hình thực hiện", kind="text", width=40),
    Column("difficulties", "Khó khăn, vướng mắc", kind="text", width=30),
]


def header_rows(columns: list[Column]) -> list[list[tuple[str, int, int]]]:
    """The two header rows as (title, column span, row span) cells after STT: a column without group
    spans both rows; consecutive columns of one group share a cell of the first row."""
    first: list[tuple[str, int, int]] = [("STT", 1, 2)]
    second: list[tuple[str, int, int]] = []
    for column in columns:
        if column.group is None:
            first.append((column.title, 1, 2))
        elif first[-1][0] == column.group and first[-1][2] == 1:
            title, span, _ = first[-1]
            first[-1] = (title, span + 1, 1)
        else:
            first.append((column.group, 1, 1))
        if column.group is not None:
            second.append((column.title, 1, 1))
    return [first, second]


def rate_notes() -> list[str]:
    """ "Cách tính" under the table: each rate and how it is computed, and how the columns add up."""
    return [
        "Tổng số nhiệm vụ = Đã hoàn thành + Chưa hoàn thành; Chưa hoàn thành = Trong hạn + Quá hạn. "
        "Nhiệm vụ không có thời hạn không bao giờ quá hạn, được tính vào “Trong hạn”.",
        "Số nhiệm vụ đã đến hạn = Đã hoàn thành + Chưa hoàn thành quá hạn.",
        *(f"{title}: {definition}." for title, definition in RATE_DEFINITIONS.values()),
    ]


def title(as_of: date, window_from: date | None) -> str:
    """The table's heading: the report period and the cut-off date (Thời gian chốt số liệu)."""
    window = f" từ ngày {window_from:%d/%m/%Y}" if window_from else ""
    return f"Tình hình thực hiện nhiệm vụ{window} đến ngày {as_of:%d/%m/%Y}"


def cell(row: dict, column: Column):
    """The value a row shows in a column: the label of a unit's or a group's row; "" for an empty note."""
    if column.key == "name":
        return row.get("unit_name") or row.get("group_name")
    if column.key == "note":
        return row.get("note") or ""
    return row.get(column.key)
