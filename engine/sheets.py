"""Cells of the spreadsheets offices send: as text, as a date, titles compared without case, spaces,
punctuation or diacritics. Shared by the directory import (engine.directory.files) and the tracking-sheet
import (engine.imports), so a cell reads the same wherever it is typed. Pure: cells in, values out."""

from __future__ import annotations

import functools
import re
from datetime import date, datetime

from engine.search.fold import fold

# What people type: 7/12/2026, 07/12/2026, 07-12-2026, 7.12.2026 (day first, one separator throughout, a
# four-digit year: "7/12/26" is refused rather than guessed); and the ISO 2026-12-07 that links and pasted
# values carry. The pages' date fields (engine.web.pages.filters, static/date-input.js) take the same.
# ASCII only, as JavaScript's \d: Python's would also take full-width and other scripts' digits.
DAY_FIRST = re.compile(r"(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{4})", re.ASCII)
YEAR_FIRST = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)


def read_day(text: str) -> date:
    """The date typed as d/m/yyyy (with / - or .) or yyyy-mm-dd; ValueError for anything else, 31/02 too."""
    text = text.strip()
    if match := DAY_FIRST.fullmatch(text):
        d, _, m, y = match.groups()
    elif match := YEAR_FIRST.fullmatch(text):
        y, m, d = match.groups()
    else:
        raise ValueError(text)
    return date(int(y), int(m), int(d))


def cell_text(cell: object) -> str | None:
    """A cell as trimmed text, None when empty; 101.0 typed in Excel reads 101, a date dd/mm/yyyy."""
    if cell is None:
        return None
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, datetime):
        cell = cell.date() if cell.time() == datetime.min.time() else cell
    if isinstance(cell, date) and not isinstance(cell, datetime):
        return f"{cell:%d/%m/%Y}"
    return str(cell).strip() or None


def cell_day(cell: object) -> date | None:
    """A date from an Excel date cell, or typed as dd/mm/yyyy (d/m/yyyy, with - or .) or ISO yyyy-mm-dd;
    None for an empty cell, ValueError for anything else (31/02/2026 included)."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    typed = cell_text(cell)
    return None if typed is None else read_day(typed)


@functools.lru_cache(
    maxsize=4096
)  # the same few hundred titles, unit, leader and status names, row after row
def fold_title(title: object) -> str:
    """A title as compared: no case, diacritics, spaces or punctuation ("Số, ký hiệu" -> "sokyhieu"), so
    "Hòa" and "Hoà" (two ways of placing the tone mark) and "Ma don vi" typed without Vietnamese input
    are the same title."""
    return "".join(c for c in fold(str(title or "")) if c.isalnum())
