"""Load the directory of units and users: every row is checked first, then units and users are added or
updated, never deleted. The one way units and users are written in bulk (the CLI import, the demo)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import history
from engine.auth import passwords
from engine.auth import service as auth
from engine.auth.models import User
from engine.directory import checks
from engine.directory.models import Unit
from engine.directory.rows import InvalidDirectoryError, Parsed, UnitRow, UserRow

UNIT_VALUES = ("name", "unit_type", "parent_code", "active_from", "active_to")


@dataclass(frozen=True)
class Counts:
    """Rows of one kind: added, updated, and already as the file says."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.added} thêm mới, {self.updated} cập nhật, {self.unchanged} không đổi"


@dataclass(frozen=True)
class ImportResult:
    """What an import did; `passwords` holds the initial password of each new user, to be shown once."""

    units: Counts
    users: Counts
    passwords: dict[str, str] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.units.added or self.units.updated or self.users.added or self.users.updated)

    def summary(self) -> str:
        """One line: `đơn vị: 3 thêm mới, 1 cập nhật, 56 không đổi; người dùng: ...`."""
        return f"đơn vị: {self.units}; người dùng: {self.users}"


def import_directory(
    *,
    session: Session,
    parsed: Parsed,
    today: date,
    now: datetime,
    actor: str | None,
    new_password: Callable[[], str] = passwords.generate,
) -> ImportResult:
    """Check every row (and what could not be read), then write them all; on any problem raise
    InvalidDirectoryError with all of them and write nothing. Unit changes go to change_history as `actor`."""
    problems = parsed.problems + checks.check(session=session, parsed=parsed, today=today)
    if problems:
        raise InvalidDirectoryError(problems)
    with history.acting_as(actor):
        units = _write_units(session, parsed.units)
    users, passwords = _write_users(session, parsed.users, now=now, new_password=new_password)
    return ImportResult(units, users, passwords)


def _write_units(session: Session, rows: Sequence[UnitRow]) -> Counts:
    stored = {unit.code: unit for unit in session.scalars(select(Unit))}
    new = [row for row in rows if row.code not in stored]
    for row in _parents_first(new):
        session.add(Unit(code=row.code, **_values(row, UNIT_VALUES)))
    # The new units exist before any update, since an existing unit may move under a new one; and the
    # inserts themselves go parents first, since units.parent_code is a foreign key with no relationship
    # from which SQLAlchemy could order them.
    session.flush()
    updated = sum(_assign(stored[row.code], _values(row, UNIT_VALUES)) for row in rows if row.code in stored)
    session.flush()
    return Counts(len(new), updated, len(rows) - len(new) - updated)


def _write_users(
    session: Session, rows: Sequence[UserRow], *, now: datetime, new_password: Callable[[], str]
) -> tuple[Counts, dict[str, str]]:
    stored = {user.username: user for user in session.scalars(select(User))}
    passwords: dict[str, str] = {}
    updated = 0
    for row in rows:
        user = stored.get(row.username)
        if user is None:
            passwords[row.username] = new_password()
            auth.create_user(
                session=session,
                username=row.username,
                password=passwords[row.username],
                full_name=row.full_name,
                roles=list(row.roles),
                unit_code=row.unit_code,
                email=row.email,
                now=now,
            )
        else:
            # An existing user keeps the password: the import is run again whenever the directory changes.
            values = {"full_name": row.full_name, "roles": sorted(set(row.roles))}
            updated += _assign(user, values | _values(row, ("unit_code", "email")))
    session.flush()
    return Counts(len(passwords), updated, len(rows) - len(passwords) - updated), passwords


def _values(row: UnitRow | UserRow, fields: tuple[str, ...]) -> dict:
    """The row's values of `fields` that its file has a column for."""
    return {f: getattr(row, f) for f in fields if f in row.given}


def _assign(obj: Unit | User, values: dict) -> bool:
    """Set what differs, only that (an untouched row writes no history); True when anything did."""
    changed = {key: value for key, value in values.items() if getattr(obj, key) != value}
    for key, value in changed.items():
        setattr(obj, key, value)
    return bool(changed)


def _parents_first(rows: list[UnitRow]) -> list[UnitRow]:
    """New units ordered so that a new parent comes before its children (the checks refused cycles)."""
    by_code = {row.code: row for row in rows}

    def depth(row: UnitRow) -> int:
        n, parent = 0, row.parent_code
        while parent in by_code:
            n, parent = n + 1, by_code[parent].parent_code
        return n

    return sorted(rows, key=depth)
