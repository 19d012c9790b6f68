"""Reading a tracking sheet: openpyxl in read-only mode, which streams the rows of a sheet instead of
building the whole workbook, so a 50,000-row file costs its parsed rows, not its cells' objects.

Sheets as offices keep them start with a few lines of heading (the province, the title), then the header
row, sometimes a row numbering the columns "(1) (2) (3)", then the tasks; cells of one document are often
merged down its tasks (only the first keeps the value). The header row is the first of the top rows that
names the most fields (engine.imports.columns)."""

from __future__ import annotations

import contextlib
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from engine.errors import FileTooLargeError, ValidationError
from engine.files import kinds
from engine.imports import columns
from engine.sheets import cell_text

HEADER_SCAN = 20  # the header row is looked for among this many top rows
MAX_COLUMNS = 60  # a tracking sheet has a dozen or two; beyond this no column is read
MAX_ROWS = 100_000  # rows of tasks in one file; a larger sheet is split by the office
# What the file's parts may inflate to: a zip that expands far beyond any real sheet is refused unread.
MAX_UNCOMPRESSED = 512 * 1024 * 1024
# What a broken workbook raises from inside openpyxl: bad XML (ElementTree's ParseError is a SyntaxError),
# a bad zip member, a truncated stream.
BROKEN = (SyntaxError, zipfile.BadZipFile, EOFError, zlib.error, OSError)
UNREADABLE = "Không đọc được tệp Excel (.xlsx); hãy mở tệp trong Excel và lưu lại dạng .xlsx"
NUMBERING = re.compile(r"\(?\d{1,3}\)?")


@dataclass(frozen=True)
class Layout:
    """Where the data of a file is: its sheets, the one read, its header row (the sheet's own number) and
    titles, and how many rows the sheet says it has (for a progress bar; files may say it wrong)."""

    sheets: tuple[str, ...]
    sheet: str
    header_row: int
    titles: tuple[str, ...]
    rows_estimate: int


@contextlib.contextmanager
def _book(path: Path):
    """The workbook, read-only; a file that is not one is a ValidationError, a zip bomb a 413."""
    try:
        with zipfile.ZipFile(path) as archive:
            inflated = sum(part.file_size for part in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValidationError(UNREADABLE, fields={"file": "không phải tệp .xlsx"}) from exc
    if inflated > MAX_UNCOMPRESSED:
        raise FileTooLargeError(
            f"Tệp Excel giải nén ra hơn {kinds.format_size(MAX_UNCOMPRESSED)}: "
            "hãy chia thành nhiều tệp nhỏ hơn",
            details={"max_bytes": MAX_UNCOMPRESSED},
        )
    # Opened as a file, not by name: openpyxl refuses a name without .xlsx, as an upload's staged file has.
    with path.open("rb") as handle:
        try:
            # openpyxl warns about workbook features it drops (data validation, styles): values are all
            # we read.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                book = load_workbook(handle, read_only=True, data_only=True)
        except (*BROKEN, InvalidFileException, KeyError, ValueError, TypeError) as exc:
            raise ValidationError(UNREADABLE, fields={"file": "không phải tệp .xlsx"}) from exc
        try:
            yield book
        except BROKEN as exc:  # a sheet's XML broken further in, found while its rows are read
            raise ValidationError(UNREADABLE, fields={"file": "không phải tệp .xlsx"}) from exc
        finally:
            book.close()


def layout(path: Path, sheet: str | None = None) -> Layout:
    """The layout of `sheet` (default: the first sheet with a recognisable header row)."""
    with _book(path) as book:
        sheets = {ws.title: ws for ws in book.worksheets}  # chart sheets have no rows
        if sheet is not None and sheet not in sheets:
            raise ValidationError(
                f"Tệp không có trang tính “{sheet}”; các trang tính: {', '.join(sheets)}",
                fields={"sheet": "không có trang tính này"},
            )
        for name in [sheet] if sheet is not None else list(sheets):
            ws = sheets[name]
            estimate = ws.max_row or 0  # read before _header forgets the declared size
            found = _header(ws)
            if found is not None:
                row, titles = found
                return Layout(tuple(sheets), name, row, titles, max(estimate - row, 0))
        return Layout(tuple(sheets), sheet or next(iter(sheets), ""), 1, (), 0)


def _header(ws) -> tuple[int, tuple[str, ...]] | None:
    """(row number, titles) of the first top row naming the most fields (at least two)."""
    ws.reset_dimensions()  # read-only mode trusts the size the file declares, which some programs write wrong
    best = None
    top = ws.iter_rows(max_row=HEADER_SCAN, max_col=MAX_COLUMNS, values_only=True)
    for number, cells in enumerate(top, start=1):
        titles = tuple(cell_text(c) or "" for c in cells)
        named = columns.score(titles)
        if named >= 2 and (best is None or named > best[2]):
            best = (number, _trimmed(titles), named)
    return best[:2] if best else None


def _trimmed(titles: tuple[str, ...]) -> tuple[str, ...]:
    end = len(titles)
    while end and not titles[end - 1]:
        end -= 1
    return titles[:end]


def data_rows(path: Path, where: Layout) -> Iterator[tuple[int, tuple]]:
    """(sheet row number, cells) of every non-empty row under the header, the columns of the header
    only; the row numbering the columns right under the header is left out."""
    width = max(len(where.titles), 1)
    with _book(path) as book:
        ws = book[where.sheet]
        ws.reset_dimensions()
        first = True
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rows = ws.iter_rows(min_row=where.header_row + 1, max_col=width, values_only=True)
            for number, cells in enumerate(rows, start=where.header_row + 1):
                padded = tuple(cells) + (None,) * (width - len(cells))
                if not any(cell_text(c) for c in padded):
                    continue
                if first and _numbering(padded):
                    first = False
                    continue
                first = False
                yield number, padded


def _numbering(cells: tuple) -> bool:
    """A row "(1) (2) (3) …" or "1 2 3 …" under the header, as printed forms number their columns."""
    filled = [cell_text(c) for c in cells if cell_text(c)]
    return len(filled) >= 3 and all(NUMBERING.fullmatch(t) for t in filled)
