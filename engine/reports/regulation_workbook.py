"""The P10 report as an Excel workbook: per unit, per assigning leader, per sector, and VP's assessment.
Pure: figures in, bytes out."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from engine.reports.regulation_report import ASSESSMENT_PARTS

TASK_COLUMNS = [
    ("Số nhiệm vụ trong năm", "tasks"),
    ("Được giao trong năm", "assigned"),
    ("Đã hoàn thành", "completed"),
    ("Hoàn thành đúng hạn", "completed_on_time"),
    ("Quá hạn", "overdue"),
    ("Cập nhật chậm sau T2", "late_updates"),
]
REPORT_COLUMNS = [
    ("Báo cáo định kỳ phải gửi", "reports_due"),
    ("Báo cáo gửi muộn (sau T6)", "reports_late"),
    ("Báo cáo chưa gửi", "reports_missing"),
]
EVENT_COLUMNS = [
    ("Nhắc cập nhật", "urgings_update_reminder"),
    ("Văn bản đôn đốc", "urgings_letter"),
    ("Xin ý kiến chỉ đạo", "urgings_direction_request"),
    ("Tổng lượt đôn đốc", "urgings"),
    ("Báo cáo khó khăn, vướng mắc", "difficulties"),
    ("Trả lại nhiệm vụ", "returns"),
]
RATE_COLUMNS = [
    ("Tỷ lệ hoàn thành (%)", "completion_rate"),
    ("Tỷ lệ hoàn thành đúng hạn (%)", "on_time_rate"),
    ("Tỷ lệ quá hạn (%)", "overdue_rate"),
]
UNIT_COLUMNS = [
    *TASK_COLUMNS,
    *REPORT_COLUMNS,
    *EVENT_COLUMNS,
    *RATE_COLUMNS,
    ("Tỷ lệ báo cáo đúng hạn (%)", "reports_on_time_rate"),
]
GROUP_COLUMNS = [*TASK_COLUMNS, *EVENT_COLUMNS, *RATE_COLUMNS]
TOTAL_LABEL = "Tổng cộng"


def regulation_workbook(title: str, figures: dict[str, Any], assessment: dict[str, str] | None) -> bytes:
    """The .xlsx: one sheet per table (units with their totals row, leaders, sectors) and the assessment."""
    book = Workbook()
    units = book.active
    units.title = "Theo đơn vị"
    rows = [[r["unit_name"], *(r[k] for _, k in UNIT_COLUMNS)] for r in figures["units"]]
    totals = [TOTAL_LABEL, *(figures["totals"].get(k) for _, k in UNIT_COLUMNS)]
    _sheet(units, title, "Cơ quan, đơn vị", UNIT_COLUMNS, rows, totals)
    for name, key, heading in (
        ("Theo người giao", "leaders", "Người giao nhiệm vụ"),
        ("Theo lĩnh vực", "sectors", "Lĩnh vực"),
    ):
        rows = [[r["name"], *(r[k] for _, k in GROUP_COLUMNS)] for r in figures[key]]
        _sheet(book.create_sheet(name), title, heading, GROUP_COLUMNS, rows, None)
    sheet = book.create_sheet("Đánh giá")
    sheet.append([title])
    sheet["A1"].font = Font(bold=True)
    for key, label in ASSESSMENT_PARTS.items():
        sheet.append([label, (assessment or {}).get(key) or ""])
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 100
    body = io.BytesIO()
    book.save(body)
    return body.getvalue()


def _sheet(sheet, title: str, heading: str, columns: list, rows: list[list], totals: list | None) -> None:
    sheet.append([title])
    sheet["A1"].font = Font(bold=True)
    sheet.append(["STT", heading, *(name for name, _ in columns)])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for n, row in enumerate(rows, start=1):
        sheet.append([n, *row])
    if totals is not None and rows:
        sheet.append([None, *totals])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    sheet.column_dimensions["B"].width = 40
