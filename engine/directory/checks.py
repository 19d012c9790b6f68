"""Every check of an import against its own rows and the database, run on all rows before anything is
written, so that an office fixes its file once with the whole list of what is wrong."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.auth.models import ROLES, User
from engine.directory.models import Unit
from engine.directory.rows import LABELS, Parsed, Problem, Source, UnitRow, UserRow

# Roles that act for a unit: their user tasks are offered by unit (candidateUnit), so they need one.
UNIT_ROLES = ("unit_leader", "unit_staff")
# Deliberately loose: one "@", a dot in the domain, no spaces. The mail server is the real judge.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_USER_COLUMNS = User.__table__.c
_UNIT_COLUMNS = Unit.__table__.c
# The column lengths of the models, so a value too long is refused here and not by the database.
MAX_LENGTH = {
    "code": _UNIT_COLUMNS.code.type.length,
    "name": _UNIT_COLUMNS.name.type.length,
    "unit_type": _UNIT_COLUMNS.unit_type.type.length,
    "parent_code": _UNIT_COLUMNS.code.type.length,
    "username": _USER_COLUMNS.username.type.length,
    "full_name": _USER_COLUMNS.full_name.type.length,
    "unit_code": _UNIT_COLUMNS.code.type.length,
    "email": _USER_COLUMNS.email.type.length,
}


@dataclass(frozen=True)
class _UnitState:
    """A unit as it will stand once the import is written."""

    parent_code: str | None
    active_from: date | None
    active_to: date | None


def check(*, session: Session, parsed: Parsed, today: date) -> list[Problem]:
    """Every problem of the rows read, judged against the database; `today` decides which units are active."""
    stored = {
        code: _UnitState(parent, active_from, active_to)
        for code, parent, active_from, active_to in session.execute(
            select(Unit.code, Unit.parent_code, Unit.active_from, Unit.active_to)
        )
    }
    units = dict(stored)
    for row in _first_of_each(parsed.units, "code"):
        given = {f: getattr(row, f) for f in ("parent_code", "active_from", "active_to") if f in row.given}
        units[row.code] = replace(stored.get(row.code, _UnitState(None, None, None)), **given)
    stored_unit_of = dict(session.execute(select(User.username, User.unit_code)).all())
    problems = _duplicates(parsed.units, "code") + _duplicates(parsed.users, "username")
    for unit in parsed.units:
        problems += _unit_problems(unit, units)
    for user in parsed.users:
        unit_code = user.unit_code if "unit_code" in user.given else stored_unit_of.get(user.username)
        problems += _user_problems(user, unit_code, units, today)
    return problems


def _unit_problems(row: UnitRow, units: dict[str, _UnitState]) -> list[Problem]:
    found = _texts(row, ("code", "name", "unit_type", "parent_code"), required=("code", "name", "unit_type"))
    found += _no_spaces(row, "code")
    if row.parent_code and row.parent_code not in units:
        found.append(_unknown_unit(row.where, "parent_code", row.parent_code))
    elif row.code and row.parent_code and (cycle := _cycle(row.code, units)):
        found.append(Problem(row.where, f"{LABELS['parent_code']} tạo thành vòng lặp: {' → '.join(cycle)}"))
    state = units.get(row.code) if row.code else None
    if state and state.active_from and state.active_to and state.active_to < state.active_from:
        found.append(
            Problem(
                row.where,
                f"{LABELS['active_to']} {state.active_to:%d/%m/%Y} trước "
                f"{LABELS['active_from']} {state.active_from:%d/%m/%Y}",
            )
        )
    return found


def _user_problems(
    row: UserRow, unit_code: str | None, units: dict[str, _UnitState], today: date
) -> list[Problem]:
    found = _texts(row, ("username", "full_name", "unit_code", "email"), required=("username", "full_name"))
    found += _no_spaces(row, "username")
    if not row.roles:
        found.append(Problem(row.where, f"{LABELS['roles']} không được để trống"))
    for role in row.roles:
        if role not in ROLES:
            known = ", ".join(ROLES)
            found.append(Problem(row.where, f'{LABELS["roles"]} "{role}" không có; các vai trò: {known}'))
    if unit_code is None:
        needing = [r for r in row.roles if r in UNIT_ROLES]
        if needing:
            found.append(Problem(row.where, f"vai trò {', '.join(needing)} cần có {LABELS['unit_code']}"))
    elif unit_code not in units:
        found.append(_unknown_unit(row.where, "unit_code", unit_code))
    elif message := _inactive(
        f'{LABELS["unit_code"]} "{unit_code}"',
        units[unit_code].active_from,
        units[unit_code].active_to,
        today,
    ):
        found.append(Problem(row.where, message))
    if "email" in row.given and row.email and not _EMAIL.fullmatch(row.email):
        example = "ten@laocai.gov.vn"
        found.append(
            Problem(row.where, f'{LABELS["email"]} "{row.email}" không đúng dạng (ví dụ: {example})')
        )
    return found


def _texts(row: UnitRow | UserRow, fields: tuple[str, ...], *, required: tuple[str, ...]) -> list[Problem]:
    found = []
    for field in fields:
        value = getattr(row, field)
        if not value and field in required:
            found.append(Problem(row.where, f"{LABELS[field]} không được để trống"))
        elif value and len(value) > MAX_LENGTH[field]:
            found.append(
                Problem(row.where, f"{LABELS[field]} dài {len(value)} ký tự, tối đa {MAX_LENGTH[field]}")
            )
    return found


def _no_spaces(row: UnitRow | UserRow, field: str) -> list[Problem]:
    # Codes and user names go into URLs, API payloads and the login form, where a space is a trap.
    value = getattr(row, field)
    if value and any(c.isspace() for c in value):
        return [Problem(row.where, f'{LABELS[field]} "{value}" không được có khoảng trắng')]
    return []


def _duplicates(rows: list[UnitRow] | list[UserRow], key: str) -> list[Problem]:
    first: dict[str, Source] = {}
    found = []
    for row in rows:
        value = getattr(row, key)
        if value is None:
            continue
        if value in first:
            message = f'{LABELS[key]} "{value}" bị trùng với {row.where.named_from(first[value])}'
            found.append(Problem(row.where, message))
        else:
            first[value] = row.where
    return found


def _first_of_each(rows: list[UnitRow], key: str) -> list[UnitRow]:
    """The first row of each key; later duplicates are reported, not applied."""
    seen: dict[str, UnitRow] = {}
    for row in rows:
        if getattr(row, key) is not None:
            seen.setdefault(getattr(row, key), row)
    return list(seen.values())


def _cycle(code: str, units: dict[str, _UnitState]) -> list[str] | None:
    """The chain code → parent → ... → code when it comes back to `code`, else None."""
    chain = [code]
    parent = units[code].parent_code
    while parent is not None and parent in units:
        chain.append(parent)
        if parent == code:
            return chain
        if parent in chain[:-1]:
            return None  # a loop further up, reported on the rows that form it
        parent = units[parent].parent_code
    return None


def inactive_message(unit: Unit, today: date) -> str | None:
    """Why `unit` cannot be given new work on `today`, else None: it has not started, or it ended. A unit
    ended with a successor takes nothing new from its last day on (its open work has moved already),
    and the message names the successor, the unit to choose instead."""
    label = f'Đơn vị "{unit.name}"'
    if unit.successor_code and unit.active_to is not None and unit.active_to <= today:
        return (
            f"{label} không còn hoạt động (hoạt động đến ngày {unit.active_to:%d/%m/%Y}); "
            f"các nhiệm vụ mới giao cho đơn vị kế thừa (mã {unit.successor_code})"
        )
    return _inactive(label, unit.active_from, unit.active_to, today)


def _inactive(label: str, active_from: date | None, active_to: date | None, today: date) -> str | None:
    if active_to is not None and active_to < today:
        return f"{label} không còn hoạt động (hoạt động đến ngày {active_to:%d/%m/%Y})"
    if active_from is not None and active_from > today:
        return f"{label} chưa hoạt động (hoạt động từ ngày {active_from:%d/%m/%Y})"
    return None


def _unknown_unit(where: Source, field: str, code: str) -> Problem:
    return Problem(where, f'{LABELS[field]} "{code}" không có trong tệp nhập và cũng chưa có trong danh mục')
