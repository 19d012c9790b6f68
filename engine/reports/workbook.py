"""The Biểu tổng hợp (DOMAIN.md §4) as the API and the staff pages hand it out: its totals row and the
Excel workbook. Pure: rows in, bytes out; who may see which rows is decided by the caller."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Column title, row key, in the order the table prints them.
COLUMNS = [
    ("Cơ quan, đơn vị", "unit_name"),
    ("Tổng số nhiệm vụ", "total"),
    ("Đã hoàn thành: Tổng", "done"),
    ("Đã hoàn thành: Đúng hạn", "done_on_time"),
    ("Đã hoàn thành: Quá hạn", "done_late"),
    ("Chưa hoàn thành: Tổng", "open"),
    ("Chưa hoàn thành: Trong hạn", "open_in_time"),
    ("Chưa hoàn thành: Quá hạn", "open_late"),
    ("Không có thời hạn", "no_deadline"),
    ("Sắp đến hạn", "due_soon"),
    ("Tỷ lệ hoàn thành đúng hạn (%)", "on_time_rate"),
]
COUNTS = [key for _, key in COLUMNS if key not in {"unit_name", "on_time_rate"}]
TOTAL_LABEL = "Tổng cộng"


def totals(rows: list[dict]) -> dict:
    """The totals row: counts summed; the rate recomputed from the sums, since a mean of rates would
    weigh a unit with 2 tasks like one with 200."""
    summed = {key: sum(row[key] for row in rows) for key in COUNTS}
    rate = round(100 * summed["done_on_time"] / summed["total"], 2) if summed["total"] else 0.0
    return {"unit_code": None, "unit_name": TOTAL_LABEL, **summed, "on_time_rate": rate}


def title(as_of: date, window_from: date | None) -> str:
    """The table's heading: the report period and the cut-off date (Thời gian chốt số liệu)."""
    window = f" từ ngày {window_from:%d/%m/%Y}" if window_from else ""
    return f"Tình hình thực hiện nhiệm vụ{window} đến ngày {as_of:%d/%m/%Y}"


def summary_workbook(rows: list[dict], *, as_of: date, window_from: date | None) -> bytes:
    """The .xlsx of the Biểu tổng hợp: heading, column titles, one row per unit, then the totals row."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Biểu tổng hợp"
    sheet.append([title(as_of, window_from)])
    sheet["A1"].font = Font(bold=True)
    sheet.append(["STT", *(name for name, _ in COLUMNS)])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for n, row in enumerate(rows, start=1):
        sheet.append([n, *_values(row)])
    if rows:
        sheet.append([None, *_values(totals(rows))])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    sheet.column_dimensions["B"].width = 40
    body = io.BytesIO()
    book.save(body)
    return body.getvalue()


def attachment(as_of: date) -> str:
    """The Content-Disposition of the download, named after the cut-off date."""
    return f'attachment; filename="bieu-tong-hop-{as_of.isoformat()}.xlsx"'


def _values(row: dict) -> list:
    return [row[key] for _, key in COLUMNS]
