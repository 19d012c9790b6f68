"""The report (engine.reports.document) as the Excel workbook an office sends and prints: the sheet "Biểu tổng
hợp" under the heading block of Nghị định 30/2020 with its two-level header, totals row, "Cách tính" and
signature block, and the sheet "Phụ lục chi tiết" with one block of tasks per lead unit.

Pure: a ReportDocument in, bytes out. The sheets are written in openpyxl's write-only mode, row by row, so a
province-wide year (100,000 tasks in the appendix) streams to the file instead of holding a cell object per
value; for the same reason each cell takes a ready style (a named style's array) instead of being styled
attribute by attribute."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from engine.reports import layout
from engine.reports.document import MOTTO, NATION, PROVINCE, ReportDocument

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUMMARY_SHEET = "Biểu tổng hợp"
DETAIL_SHEET = "Phụ lục chi tiết"
NOTES_LABEL = "Cách tính:"
RECIPIENTS_LABEL = "Nơi nhận:"
NO_TASKS = "Không có nhiệm vụ nào trong kỳ báo cáo."
STT_WIDTH = 6
CELL_LIMIT = 32_767  # characters a cell holds (Excel's specification)
# Counts print with a thousands separator (14.068 where the reader's locale is Vietnamese). Rates are stored
# as the number of percent the page, the API and the published figures give (98.62, shown 98,62) under
# headers that already say "Tỷ lệ (%)": with 0.9862 and "0.00%" a copied value would no longer match them.
COUNT_FORMAT = "#,##0"
RATE_FORMAT = "0.00"
DATE_FORMAT = "dd/mm/yyyy"
FONT = "Times New Roman"  # the font of administrative documents (Nghị định 30/2020)
LINE_HEIGHT = 16  # points per line of 12-point text, for the rows whose height we must set ourselves
CHARS_PER_WIDTH = 1.2  # letters of 12-point Times New Roman per unit of column width (_lines)
HEADING_ROWS = 7  # the heading block, title and period line, and a blank row before the table
SIGNATURE_SPACE = 4  # empty rows for the signature and seal

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_TOP = Alignment(horizontal="left", vertical="top", wrap_text=True)
_NUMBER = Alignment(horizontal="right", vertical="center")
_TOP_CENTRE = Alignment(horizontal="center", vertical="top")
_GREY = PatternFill("solid", fgColor="EDEDED")


def _font(**kwargs) -> Font:
    return Font(name=FONT, size=kwargs.pop("size", 12), **kwargs)


# The cell styles by what the cell holds: (the name Excel lists under Cell Styles, its parts). Each workbook
# registers its own named styles from these (a bound style belongs to one workbook).
STYLES: dict[str, tuple[str, dict]] = {
    "heading": ("Tiêu đề văn bản", dict(font=_font(), alignment=_CENTRE)),
    "heading_bold": ("Tiêu đề văn bản đậm", dict(font=_font(bold=True), alignment=_CENTRE)),
    "dateline": ("Địa danh, ngày tháng", dict(font=_font(italic=True), alignment=_CENTRE)),
    "title": ("Tên biểu", dict(font=_font(bold=True, size=14), alignment=_CENTRE)),
    "period": ("Kỳ báo cáo", dict(font=_font(italic=True), alignment=_CENTRE)),
    "header": ("Tiêu đề cột", dict(font=_font(bold=True), alignment=_CENTRE, border=_BOX)),
    "stt": ("Số thứ tự", dict(font=_font(), alignment=_CENTRE, border=_BOX)),
    "task_stt": ("Số thứ tự nhiệm vụ", dict(font=_font(), alignment=_TOP_CENTRE, border=_BOX)),
    "label": ("Tên dòng", dict(font=_font(), alignment=_LEFT, border=_BOX)),
    "count": ("Số nhiệm vụ", dict(font=_font(), alignment=_NUMBER, border=_BOX, number_format=COUNT_FORMAT)),
    "rate": ("Tỷ lệ", dict(font=_font(), alignment=_NUMBER, border=_BOX, number_format=RATE_FORMAT)),
    "text": ("Nội dung", dict(font=_font(), alignment=_TOP, border=_BOX)),
    "date": ("Ngày", dict(font=_font(), alignment=_TOP_CENTRE, border=_BOX, number_format=DATE_FORMAT)),
    "total_stt": ("Tổng cộng", dict(font=_font(bold=True), alignment=_CENTRE, border=_BOX)),
    "total_label": ("Tổng cộng: tên", dict(font=_font(bold=True), alignment=_LEFT, border=_BOX)),
    "total_count": (
        "Tổng cộng: số",
        dict(font=_font(bold=True), alignment=_NUMBER, border=_BOX, number_format=COUNT_FORMAT),
    ),
    "total_rate": (
        "Tổng cộng: tỷ lệ",
        dict(font=_font(bold=True), alignment=_NUMBER, border=_BOX, number_format=RATE_FORMAT),
    ),
    "unit": ("Tên đơn vị", dict(font=_font(bold=True), alignment=_LEFT, border=_BOX, fill=_GREY)),
    "unit_stt": ("Số thứ tự đơn vị", dict(font=_font(bold=True), alignment=_CENTRE, border=_BOX, fill=_GREY)),
    "notes_label": ("Cách tính", dict(font=_font(bold=True, italic=True), alignment=_TOP)),
    "note": ("Ghi chú dưới biểu", dict(font=_font(size=11), alignment=_TOP)),
    "signer": ("Chức vụ người ký", dict(font=_font(bold=True), alignment=_CENTRE)),
    "recipients_label": ("Nơi nhận", dict(font=_font(bold=True, italic=True), alignment=_LEFT)),
    "recipients": ("Nơi nhận: danh sách", dict(font=_font(size=11), alignment=_LEFT)),
}
# How a column's values print (layout.Column.kind), in a body row and in the totals row.
BODY = {"label": "label", "count": "count", "rate": "rate", "text": "text", "date": "date"}
TOTAL = {"label": "total_label", "count": "total_count", "rate": "total_rate", "text": "total_label"}


def report_workbook(doc: ReportDocument) -> bytes:
    """The report's .xlsx: the Biểu tổng hợp, then the Phụ lục chi tiết of `doc.detail`."""
    book = _book()
    _summary_sheet(book, doc)
    _detail_sheet(book, doc)
    return _saved(book)


def appendix_workbook(doc: ReportDocument) -> bytes:
    """The Phụ lục chi tiết alone (one unit's, from its page), under the same heading."""
    book = _book()
    _detail_sheet(book, doc)
    return _saved(book)


def attachment(name: str) -> str:
    """The Content-Disposition of a download named `name`, kept to ASCII letters, digits, '.', '-' and '_'
    so that every browser and mail client takes it as it is (e.g. bieu-tong-hop-2026-09-30.xlsx)."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "bao-cao"
    return f'attachment; filename="{safe}"'


@dataclass(frozen=True)
class _Book:
    workbook: Workbook
    styles: dict[str, StyleArray]


class _Sheet:
    """A write-only sheet filled from the top: its column widths, the number of its last row, its merges."""

    def __init__(self, book: _Book, title: str, widths: list[int], *, freeze: str) -> None:
        self.widths, self.styles = widths, book.styles
        self.ws = book.workbook.create_sheet(title)
        self.last = 0
        # Written ahead of the first row (write-only mode sends the sheet's head first).
        for n, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(n)].width = width
        self.ws.freeze_panes = freeze
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True  # printed to the page's width (_print_setup)

    @property
    def columns(self) -> int:
        return len(self.widths)

    def put(self, cells: dict[int, tuple[object, str]], *, height: float | None = None) -> int:
        """Write the next row: {column number: (value, style key)}; returns its number."""
        self.last += 1
        if height is not None:
            self.ws.row_dimensions[self.last].height = height
        values = [None] * (max(cells, default=0))
        for column, (value, style) in cells.items():
            array = self.styles[style]
            values[column - 1] = Cell(self.ws, self.last, column, _clean(value), style_array=array)
        self.ws.append(values)
        if height is not None:  # written with the row: dropped, so that memory stays flat row after row
            del self.ws.row_dimensions[self.last]
        return self.last

    def put_fitted(self, cells: dict[int, tuple[object, str]]) -> int:
        """A table row as high as its longest wrapped text (neither Excel nor LibreOffice is sure to fit a
        row to its text when it opens a file)."""
        lines = max(
            (_lines(v, self.widths[n - 1]) for n, (v, _) in cells.items() if isinstance(v, str)), default=1
        )
        return self.put(cells, height=LINE_HEIGHT * lines if lines > 1 else None)

    def put_merged(self, first: int, last: int, value: object, style: str, *, height: float | None = None):
        """A row whose columns first..last are one cell (blank cells keep the style, so borders show)."""
        row = self.put(
            {n: (value if n == first else None, style) for n in range(first, last + 1)}, height=height
        )
        self.merge(row, first, row, last)

    def merge(self, top: int, left: int, bottom: int, right: int) -> None:
        if (top, left) != (bottom, right):
            self.ws.merged_cells.add(f"{get_column_letter(left)}{top}:{get_column_letter(right)}{bottom}")

    def width_of(self, first: int, last: int) -> int:
        return sum(self.widths[first - 1 : last])


def _book() -> _Book:
    """A write-only workbook with the named styles of STYLES, and their arrays by key for the cells."""
    book, arrays = Workbook(write_only=True), {}
    for key, (name, parts) in STYLES.items():
        style = NamedStyle(name, **parts)
        book.add_named_style(style)
        # Each cell gets its style whole, as openpyxl's Cell takes it, rather than font, border and format
        # one by one: a hundred thousand rows are a million cells.
        arrays[key] = style.as_tuple()
    return _Book(book, arrays)


def _saved(book: _Book) -> bytes:
    body = io.BytesIO()
    book.workbook.save(body)
    return body.getvalue()


def _summary_sheet(book: _Book, doc: ReportDocument) -> None:
    header = _grid(layout.header_rows(doc.columns))
    first_body = HEADING_ROWS + len(header) + 1
    # Frozen below the header and right of the names, which stay in view however far one scrolls.
    sheet = _Sheet(book, SUMMARY_SHEET, [STT_WIDTH, *(c.width for c in doc.columns)], freeze=f"C{first_body}")
    _heading(sheet, doc, doc.summary_name)
    _header(sheet, header)
    for n, row in enumerate(doc.rows, start=1):
        sheet.put_fitted({1: (n, "stt"), **_values(row, doc.columns, BODY)})
    if doc.total is not None:
        sheet.put_fitted({1: (None, "total_stt"), **_values(doc.total, doc.columns, TOTAL)})
    else:
        sheet.put_merged(1, sheet.columns, NO_TASKS, "label")
    sheet.put({})
    _notes(sheet, doc.notes)
    sheet.put({})
    _signature(sheet, doc)
    _print_setup(sheet, HEADING_ROWS + 1, HEADING_ROWS + len(header))


def _detail_sheet(book: _Book, doc: ReportDocument) -> None:
    columns = layout.DETAIL_COLUMNS
    header = _grid(layout.header_rows(columns))
    sheet = _Sheet(
        book,
        DETAIL_SHEET,
        [STT_WIDTH, *(c.width for c in columns)],
        freeze=f"A{HEADING_ROWS + len(header) + 1}",
    )
    _heading(sheet, doc, DETAIL_SHEET)
    _header(sheet, header)
    for number, (name, rows) in enumerate(doc.detail, start=1):
        # The unit's block opens with its name across the table, numbered I, II, ... as tables do.
        cells = {n: (None, "unit") for n in range(3, sheet.columns + 1)}
        row = sheet.put({1: (_roman(number), "unit_stt"), 2: (name, "unit"), **cells})
        sheet.merge(row, 2, row, sheet.columns)
        for n, task in enumerate(rows, start=1):
            sheet.put_fitted({1: (n, "task_stt"), **_values(task, columns, BODY)})
    if not doc.detail:
        sheet.put_merged(1, sheet.columns, NO_TASKS, "label")
    _print_setup(sheet, HEADING_ROWS + 1, HEADING_ROWS + len(header))


def _heading(sheet: _Sheet, doc: ReportDocument, name: str) -> None:
    """Rows 1-6: the body and the issuer on the left, the national name and motto on the right, the place and
    date under them, then the sheet's name and the period across the table (Nghị định 30/2020, Phụ lục I)."""
    (left, left_end), (right, right_end) = _blocks(sheet.widths)
    for left_text, left_style, right_text, right_style in (
        (PROVINCE, "heading", NATION, "heading_bold"),
        (doc.issuer, "heading_bold", MOTTO, "heading_bold"),
        (None, "heading", doc.dateline, "dateline"),
    ):
        row = sheet.put({left: (left_text, left_style), right: (right_text, right_style)})
        sheet.merge(row, left, row, left_end)
        sheet.merge(row, right, row, right_end)
    sheet.put({})
    everything = sheet.width_of(1, sheet.columns)
    sheet.put_merged(1, sheet.columns, name.upper(), "title", height=_height(name, everything, size=14))
    sheet.put_merged(1, sheet.columns, doc.title, "period", height=_height(doc.title, everything))
    sheet.put({})


def _blocks(widths: list[int]) -> tuple[tuple[int, int], tuple[int, int]]:
    """The columns under the left heading (the first two-fifths of the width) and under the right one
    (the last half), as (first, last) column numbers."""
    total, count = sum(widths), len(widths)
    left_end = next(n for n in range(1, count + 1) if sum(widths[:n]) >= 0.4 * total)
    right = next(n for n in range(count, 0, -1) if sum(widths[n - 1 :]) >= 0.5 * total)
    return (1, left_end), (max(right, left_end + 1), count)


def _grid(rows: list[list[tuple[str, int, int]]]) -> list[list[tuple[str, int, int] | None]]:
    """layout.header_rows placed on the sheet's columns: per header row, per column, the (title, column
    span, row span) that starts there, or None where a cell above or to the left covers it. A table without
    grouped columns gets a single header row."""
    if not any(rows[1:]):
        rows = [[(title, span, 1) for title, span, _ in rows[0]]]
    width = sum(span for _, span, _ in rows[0])
    grid: list[list[tuple[str, int, int] | None]] = [[None] * width for _ in rows]
    covered = [[False] * width for _ in rows]
    for r, cells in enumerate(rows):
        column = 0
        for title, span, down in cells:
            while covered[r][column]:
                column += 1
            grid[r][column] = (title, span, down)
            for dr in range(down):
                for dc in range(span):
                    covered[r + dr][column + dc] = True
            column += span
    return grid


def _header(sheet: _Sheet, grid: list[list[tuple[str, int, int] | None]]) -> None:
    """The header rows, bordered, bold and centred, merged as the grid says, each row high enough for the
    wrapped titles (a merged cell never grows its row by itself)."""
    heights = [LINE_HEIGHT] * len(grid)
    spanning = []
    for r, cells in enumerate(grid):
        for c, cell in enumerate(cells):
            if cell is not None:
                title, span, down = cell
                needed = _height(title, sheet.width_of(c + 1, c + span))
                if down == 1:
                    heights[r] = max(heights[r], needed)
                else:
                    spanning.append((r, down, needed))
    for r, down, needed in spanning:
        shortfall = needed - sum(heights[r : r + down])
        if shortfall > 0:
            heights[r + down - 1] += shortfall
    top = sheet.last + 1
    for r, cells in enumerate(grid):
        sheet.put(
            {c + 1: (cell[0] if cell else None, "header") for c, cell in enumerate(cells)}, height=heights[r]
        )
    for r, cells in enumerate(grid):
        for c, cell in enumerate(cells):
            if cell is not None:
                _, span, down = cell
                sheet.merge(top + r, c + 1, top + r + down - 1, c + span)


def _values(row: dict, columns: list[layout.Column], styles: dict[str, str]) -> dict[int, tuple[object, str]]:
    """A table row's cells from column 2 on (column 1 is STT), styled by the kind of each column."""
    return {n: (layout.cell(row, c), styles.get(c.kind, "text")) for n, c in enumerate(columns, start=2)}


def _notes(sheet: _Sheet, notes: list[str]) -> None:
    """ "Cách tính" under the table, each note across the table's width."""
    everything = sheet.width_of(1, sheet.columns)
    sheet.put_merged(1, sheet.columns, NOTES_LABEL, "notes_label")
    for note in notes:
        sheet.put_merged(1, sheet.columns, note, "note", height=_height(note, everything, size=11))


def _signature(sheet: _Sheet, doc: ReportDocument) -> None:
    """ "Nơi nhận:" on the left and the signer's title on the right, then room for the signature."""
    (left, left_end), (right, right_end) = _blocks(sheet.widths)
    lines = [(RECIPIENTS_LABEL, "recipients_label"), *((r, "recipients") for r in doc.recipients)]
    signer = [(doc.signer_title, "signer")]
    for n in range(max(len(lines), 1 + SIGNATURE_SPACE)):
        text, style = lines[n] if n < len(lines) else (None, "recipients")
        name, name_style = signer[n] if n < len(signer) else (None, "signer")
        row = sheet.put({left: (text, style), right: (name, name_style)})
        sheet.merge(row, left, row, left_end)
        sheet.merge(row, right, row, right_end)


def _print_setup(sheet: _Sheet, header_top: int, header_bottom: int) -> None:
    """A4 landscape, one page wide and as many tall as it takes, the header repeated on every page, the
    margins of Nghị định 30/2020 (left 30 mm, right 15 mm, top and bottom 20 mm), pages numbered."""
    ws = sheet.ws
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=1.18, right=0.59, top=0.79, bottom=0.79, header=0.3, footer=0.3)
    ws.print_title_rows = f"{header_top}:{header_bottom}"
    ws.oddFooter.center.text = "Trang &P/&N"


def _height(text: str, width: int, *, size: int = 12) -> float:
    """The height in points of a row where `text` wraps within `width` characters of the column widths."""
    return LINE_HEIGHT * size / 12 * _lines(text, width * 12 / size)


def _lines(text: str, width: float) -> int:
    """How many lines `text` takes when its words are wrapped in a column `width` wide. A width unit is
    one digit of the default font; 12-point Times New Roman fits about 1.2 letters in it, less the
    cell's padding (measured on LibreOffice's rendering, rounded down for bold text and other fonts)."""
    room = max(int(width * CHARS_PER_WIDTH) - 1, 1)
    total = 0
    for paragraph in text.splitlines() or [""]:  # the line breaks typed in the text stay
        lines, used = 1, 0
        for word in paragraph.split():
            if used and used + 1 + len(word) <= room:
                used += 1 + len(word)
                continue
            if used:
                lines += 1
            lines += (len(word) - 1) // room  # a word longer than a line runs on over several
            used = (len(word) - 1) % room + 1
        total += lines
    return total


def _roman(number: int) -> str:
    numerals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC")]
    numerals += [(50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    found = ""
    for value, numeral in numerals:
        count, number = divmod(number, value)
        found += numeral * count
    return found


def _clean(value: object) -> object:
    """Text as a cell can hold it: without the control characters a pasted text may carry (a Word line
    break is \\x0b), and at most the 32,767 characters of a cell, either of which would make the file
    unreadable."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:CELL_LIMIT] if isinstance(value, str) else value
