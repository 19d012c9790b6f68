"""The Biểu tổng hợp (DOMAIN.md §4) as the API and the staff pages hand it out: its totals row and the
Excel workbook. Pure: rows in, bytes out; who may see which rows is decided by the caller."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from engine.reports import layout
from engine.reports.buckets import totals

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def summary_workbook(rows: list[dict], *, as_of: date, window_from: date | None) -> bytes:
    """The .xlsx of the Biểu tổng hợp: heading, column titles, one row per unit, then the totals row."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Biểu tổng hợp"
    columns = layout.summary_columns()
    sheet.append([layout.title(as_of, window_from)])
    sheet["A1"].font = Font(bold=True)
    sheet.append(["STT", *(f"{c.group}: {c.title}" if c.group else c.title for c in columns)])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for n, row in enumerate(rows, start=1):
        sheet.append([n, *_values(row, columns)])
    if rows:
        sheet.append([None, *_values(totals(rows), columns)])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    sheet.column_dimensions["B"].width = 40
    body = io.BytesIO()
    book.save(body)
    return body.getvalue()


def attachment(as_of: date) -> str:
    """The Content-Disposition of the download, named after the cut-off date."""
    return f'attachment; filename="bieu-tong-hop-{as_of.isoformat()}.xlsx"'


def _values(row: dict, columns: list[layout.Column]) -> list:
    return [layout.cell(row, c) for c in columns]
