"""The directory as the importer sees it: unit and user rows, where each came from, and what is wrong."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from engine.errors import ValidationError

UNIT_FIELDS = ("code", "name", "unit_type", "parent_code", "active_from", "active_to")
USER_FIELDS = ("username", "full_name", "roles", "unit_code", "email")
# The column titles an office types; messages name a field by these, whichever header the file used.
LABELS = {
    "code": "Mã đơn vị",
    "name": "Tên đơn vị",
    "unit_type": "Loại đơn vị",
    "parent_code": "Đơn vị cấp trên",
    "active_from": "Hoạt động từ ngày",
    "active_to": "Hoạt động đến ngày",
    "username": "Tên đăng nhập",
    "full_name": "Họ và tên",
    "roles": "Vai trò",
    "unit_code": "Đơn vị",
    "email": "Thư điện tử",
}


@dataclass(frozen=True, order=True)
class Source:
    """A row of a file: the spreadsheet's own row number (header = 1); `sheet` is empty for a CSV."""

    file: str
    sheet: str = ""
    row: int = 0

    def __str__(self) -> str:
        # Excel forbids "[" and "]" in sheet names, so file[sheet]:row cannot be misread.
        table = f"{self.file}[{self.sheet}]" if self.sheet else self.file
        return f"{table}:{self.row}"

    def named_from(self, other: Source) -> str:
        """How a message on this row names `other`: its row number alone when both share a table."""
        if (other.file, other.sheet) == (self.file, self.sheet):
            return f"dòng {other.row}"
        return str(other)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one row, in words the office that typed the file understands."""

    where: Source
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class UnitRow:
    """A unit as a row gives it; `given` names the columns present, the others keep their stored value."""

    where: Source
    code: str | None
    name: str | None
    unit_type: str | None
    parent_code: str | None = None
    active_from: date | None = None
    active_to: date | None = None
    given: frozenset[str] = frozenset(UNIT_FIELDS)


@dataclass(frozen=True)
class UserRow:
    """A user as a row gives it; `given` names the columns present, the others keep their stored value."""

    where: Source
    username: str | None
    full_name: str | None
    roles: tuple[str, ...]
    unit_code: str | None = None
    email: str | None = None
    given: frozenset[str] = frozenset(USER_FIELDS)


@dataclass
class Parsed:
    """Everything read from the files of one import, and what could not be read."""

    units: list[UnitRow] = field(default_factory=list)
    users: list[UserRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def extend(self, other: Parsed) -> None:
        self.units += other.units
        self.users += other.users
        self.problems += other.problems


class InvalidDirectoryError(ValidationError):
    """An import with at least one bad row; carries every problem found, and nothing was written."""

    code = "invalid_directory"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: p.where)
        super().__init__(f"Danh mục có {len(problems)} lỗi, không có dữ liệu nào được ghi")
        self.details["problems"] = [{"where": str(p.where), "message": p.message} for p in self.problems]
