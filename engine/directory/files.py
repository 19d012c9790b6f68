"""Read unit and user rows from CSV and XLSX files: recognise each table by its header row and turn cells
into typed values. Checks that need the other rows or the database are in checks.py."""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from engine.directory.rows import LABELS, Parsed, Problem, Source, UnitRow, UserRow
from engine.sheets import cell_day, cell_text, fold_title

UNITS, USERS = "units", "users"
# Header titles accepted per field, compared folded (engine.sheets.fold_title). "Mã đơn vị" names the unit's
# own code in a units table and the user's unit in a users table: the table's kind is settled first (_kind).
HEADERS = {
    UNITS: {
        "code": ["code", "Mã đơn vị", "Mã"],
        "name": ["name", "Tên đơn vị"],
        "unit_type": ["type", "unit_type", "Loại đơn vị"],
        "parent_code": ["parent", "parent_code", "Đơn vị cấp trên", "Mã đơn vị cấp trên"],
        "active_from": ["active_from", "Hoạt động từ ngày"],
        "active_to": ["active_to", "Hoạt động đến ngày"],
    },
    USERS: {
        "username": ["username", "Tên đăng nhập"],
        "full_name": ["full_name", "Họ và tên", "Họ tên"],
        "roles": ["roles", "role", "Vai trò"],
        "unit_code": ["unit", "unit_code", "Đơn vị", "Mã đơn vị"],
        "email": ["email", "Thư điện tử"],
    },
}
REQUIRED = {UNITS: ("code", "name", "unit_type"), USERS: ("username", "full_name", "roles")}
# Columns an office keeps for itself (row numbers, remarks); any other unknown title is a mistake to show.
IGNORED = {"stt", "ghichu", "note", "notes"}
DATE_FIELDS = {"active_from", "active_to"}


def read_paths(paths: Iterable[Path]) -> Parsed:
    """Every row of every file, named by the path as given."""
    parsed = Parsed()
    for path in paths:
        parsed.extend(read(str(path), path.read_bytes()))
    return parsed


def read(name: str, data: bytes) -> Parsed:
    """The rows of one file: an .xlsx (a sheet per table) or a .csv (one table)."""
    suffix = Path(name).suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return _read_xlsx(name, data)
    if suffix in {".csv", ".txt"}:
        return _read_csv(name, data)
    return _fail(Source(name, row=1), "chỉ đọc được tệp .csv (UTF-8) hoặc .xlsx")


def _read_csv(name: str, data: bytes) -> Parsed:
    try:
        text = data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte order mark
    except UnicodeDecodeError:
        return _fail(Source(name, row=1), "tệp không phải UTF-8: trong Excel hãy lưu dạng CSV UTF-8")
    header = text.split("\n", 1)[0]
    # Excel writes ";" where "," is the decimal mark; unit names hold commas, header titles do not.
    delimiter = ";" if header.count(";") > header.count(",") else ","
    return _table(Source(name), csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _read_xlsx(name: str, data: bytes) -> Parsed:
    parsed = Parsed()
    try:
        # openpyxl warns about workbook features it drops (data validation, styles); values are all we read.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                for sheet in book.worksheets:
                    # Read-only mode trusts the size the file declares, which some programs write wrong.
                    sheet.reset_dimensions()
                    rows = list(sheet.iter_rows(min_row=1, values_only=True))
                    if any(cell_text(cell) for row in rows for cell in row):
                        parsed.extend(_table(Source(name, sheet.title), rows))
            finally:
                book.close()
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        return _fail(Source(name, row=1), f"không đọc được tệp Excel (.xlsx): {exc}")
    if not parsed.units and not parsed.users and not parsed.problems:
        return _fail(Source(name, row=1), "tệp không có dữ liệu")
    return parsed


def _table(table: Source, rows: Iterable[Iterable[object]]) -> Parsed:
    """One table: its header row (row 1) says which kind it is and which column holds which field."""
    numbered: Iterator[tuple[int, list[object]]] = ((n, list(r)) for n, r in enumerate(rows, start=1))
    first = next(numbered, None)
    at_header = Source(table.file, table.sheet, 1)
    if first is None:
        return _fail(at_header, "tệp không có dữ liệu")
    titles = [cell_text(cell) or "" for cell in first[1]]
    kind = _kind(titles)
    if kind is None:
        return _fail(
            at_header,
            "không nhận ra bảng: dòng tiêu đề cần có cột Mã đơn vị (bảng đơn vị) "
            "hoặc Tên đăng nhập (bảng người dùng)",
        )
    columns, problems = _columns(kind, titles, at_header)
    parsed = Parsed(problems=problems)
    if problems:
        return parsed
    untitled = [i for i, title in enumerate(titles) if not fold_title(title)]
    for number, cells in numbered:
        if not any(cell_text(cell) for cell in cells):
            continue
        where = Source(table.file, table.sheet, number)
        beyond = any(cell_text(cell) for cell in cells[len(titles) :])
        if beyond and not table.sheet:
            message = "dòng có nhiều ô hơn dòng tiêu đề (giá trị có dấu phẩy cần đặt trong ngoặc kép)"
            parsed.problems.append(Problem(where, message))
            continue
        if beyond or any(cell_text(cells[i]) for i in untitled if i < len(cells)):
            parsed.problems.append(Problem(where, "có giá trị ở cột không có tiêu đề"))
            continue
        values = {field: cells[i] if i < len(cells) else None for field, i in columns.items()}
        parsed.extend(_row(kind, where, values))
    return parsed


def _kind(titles: list[str]) -> str | None:
    folded = {fold_title(t) for t in titles}
    if folded & {fold_title(t) for t in HEADERS[USERS]["username"]}:
        return USERS
    if folded & {fold_title(t) for t in HEADERS[UNITS]["code"]}:
        return UNITS
    return None


def _columns(kind: str, titles: list[str], at_header: Source) -> tuple[dict[str, int], list[Problem]]:
    """field -> column index; every title not understood and every required column missing is a problem."""
    known = {fold_title(title): field for field, names in HEADERS[kind].items() for title in names}
    columns: dict[str, int] = {}
    problems = []
    for i, title in enumerate(titles):
        folded = fold_title(title)
        if not folded or folded in IGNORED:
            continue
        field = known.get(folded)
        if field is None:
            expected = ", ".join(LABELS[f] for f in HEADERS[kind])
            problems.append(Problem(at_header, f'không hiểu cột "{title}"; các cột được nhận: {expected}'))
        elif field in columns:
            problems.append(Problem(at_header, f'cột {LABELS[field]} có hai lần ("{title}")'))
        else:
            columns[field] = i
    for field in REQUIRED[kind]:
        if field not in columns:
            problems.append(Problem(at_header, f"thiếu cột {LABELS[field]}"))
    return columns, problems


def _row(kind: str, where: Source, cells: dict[str, object]) -> Parsed:
    parsed = Parsed()
    values: dict[str, object] = {}
    for field, cell in cells.items():
        if field in DATE_FIELDS:
            try:
                values[field] = cell_day(cell)
            except ValueError:
                message = f'{LABELS[field]} "{cell_text(cell)}" không phải ngày hợp lệ (dd/mm/yyyy)'
                parsed.problems.append(Problem(where, message))
                values[field] = None
        elif field == "roles":
            parts = (r.strip() for r in re.split(r"[,;]", cell_text(cell) or ""))
            values[field] = tuple(dict.fromkeys(r for r in parts if r))
        else:
            values[field] = cell_text(cell)
    given = frozenset(cells)
    if kind == UNITS:
        parsed.units.append(UnitRow(where=where, given=given, **values))
    else:
        parsed.users.append(UserRow(where=where, given=given, **values))
    return parsed


def _fail(where: Source, message: str) -> Parsed:
    return Parsed(problems=[Problem(where, message)])
