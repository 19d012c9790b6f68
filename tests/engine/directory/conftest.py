"""Helpers of the directory tests: files built in the test (CSV text, an XLSX made with openpyxl) and an
import run the way the CLI runs it, one transaction."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from engine import clock as clock_module
from engine.auth.models import User
from engine.directory import service
from engine.directory.files import read
from engine.directory.models import Unit
from engine.directory.rows import Parsed
from engine.history import ChangeRecord


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    """A workbook with one sheet per entry, rows as given (row 1 the header)."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    body = io.BytesIO()
    book.save(body)
    return body.getvalue()


@pytest.fixture
def load(system):
    """load(("donvi.csv", text_or_bytes), ...) imports those files in one transaction; returns the result."""

    def run(*files: tuple[str, str | bytes]) -> service.ImportResult:
        parsed = Parsed()
        for name, data in files:
            parsed.extend(read(name, data.encode() if isinstance(data, str) else data))
        now = clock_module.now()
        with system.db.transaction() as session:
            return service.import_directory(
                session=session,
                parsed=parsed,
                today=now.astimezone(ZoneInfo(system.settings.timezone)).date(),
                now=now,
                actor="test",
            )

    return run


@pytest.fixture
def counts(system):
    """counts() -> (units, users, change_history rows): what "nothing was written" compares."""

    def run() -> tuple[int, int, int]:
        with system.db.reading() as session:
            return tuple(
                session.scalar(select(func.count()).select_from(model))
                for model in (Unit, User, ChangeRecord)
            )

    return run
