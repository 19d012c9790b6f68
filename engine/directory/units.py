"""Directory administration, one unit at a time: add, rename, change type or parent, and end a unit with a
successor. Adding and changing go through the import (engine.directory.service), so a form, the API and
a spreadsheet obey the same rules; ending moves the unit's open assignments (engine.directory.succession)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import history
from engine.directory import service
from engine.directory.models import APPROVING_TYPES, TrackingRoom, Unit, UnitType
from engine.directory.rows import LABELS, UNIT_FIELDS, InvalidDirectoryError, Parsed, Source, UnitRow
from engine.errors import NotFoundError, ValidationError

# What an administrator may change on a unit here; its end goes through end_unit, with a successor.
EDITABLE = ("name", "unit_type", "parent_code")
# Where a problem of a one-row "import" is reported: no file, the administrator's form.
_FORM = Source("biểu mẫu")
MAX_ROOM = TrackingRoom.__table__.c.name.type.length


def get_or_raise(*, session: Session, code: str) -> Unit:
    """The unit, or NotFoundError."""
    unit = session.get(Unit, code)
    if unit is None:
        raise NotFoundError(f"không có đơn vị mã {code!r}")
    return unit


def create(
    *,
    session: Session,
    code: str,
    name: str,
    unit_type: str,
    parent_code: str | None,
    active_from: date | None,
    actor: str | None,
    today: date,
    now: datetime,
) -> Unit:
    """Add a unit; a code already in the directory is refused (the import would update it instead)."""
    code = (code or "").strip()
    if code and session.get(Unit, code) is not None:
        raise ValidationError(f"Đã có đơn vị mã {code}", fields={"code": "mã đơn vị đã có trong danh mục"})
    row = UnitRow(
        _FORM,
        code or None,
        _text(name),
        _text(unit_type),
        _text(parent_code),
        active_from,
        None,
        given=frozenset(UNIT_FIELDS) - {"active_to"},
    )
    _write(session, row, actor=actor, today=today, now=now)
    return get_or_raise(session=session, code=code)


def update(
    *,
    session: Session,
    code: str,
    values: dict[str, str | None],
    actor: str | None,
    today: date,
    now: datetime,
) -> Unit:
    """Rename a unit, or change its type or parent (`values` holds only what is to change)."""
    unit = get_or_raise(session=session, code=code)
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValidationError(
            "Không sửa được trường này ở đây", fields={f: "không sửa được" for f in unknown}
        )
    current = {f: getattr(unit, f) for f in EDITABLE}
    merged = current | {f: _text(v) for f, v in values.items()}
    row = UnitRow(
        _FORM,
        code,
        merged["name"],
        merged["unit_type"],
        merged["parent_code"],
        given=frozenset(EDITABLE) | {"code"},
    )
    _write(session, row, actor=actor, today=today, now=now)
    return unit


def _write(session: Session, row: UnitRow, *, actor: str | None, today: date, now: datetime) -> None:
    try:
        service.import_directory(
            session=session, parsed=Parsed(units=[row]), today=today, now=now, actor=actor
        )
    except InvalidDirectoryError as exc:
        fields = {_field_of(p.message): p.message for p in exc.problems}
        raise ValidationError("; ".join(p.message for p in exc.problems), fields=fields) from None


def _field_of(message: str) -> str:
    """The field a problem names: its messages start with the field's label (rows.LABELS)."""
    labels = sorted(((LABELS[f], f) for f in UNIT_FIELDS), key=lambda pair: -len(pair[0]))
    return next((field for label, field in labels if message.startswith(label)), "code")


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


# ---- unit types that report ----------------------------------------------------------------------------


def unit_types(*, session: Session) -> list[tuple[str, bool, int]]:
    """(type, sends periodic reports, units of that type) for every type in use or configured."""
    counts = dict(session.execute(select(Unit.unit_type, func.count()).group_by(Unit.unit_type)).all())
    reports = dict(session.execute(select(UnitType.name, UnitType.sends_reports)).all())
    names = sorted(set(counts) | set(reports))
    return [(name, reports.get(name, True), counts.get(name, 0)) for name in names]


def set_type(
    *,
    session: Session,
    unit_type: str,
    actor: str | None,
    sends_reports: bool | None = None,
    local_government: bool | None = None,
    leader_approval: bool | None = None,
) -> UnitType:
    """Set what a unit type is, leaving a flag given as None as it was: whether its units send the periodic
    reports (Đ22), whether they are local governments (Đ21.3), whether their leader approves what they send
    to VP (Đ8.1.c). A type without a row sends reports, is not a local government and approves when it is
    one of APPROVING_TYPES."""
    unit_type = (unit_type or "").strip()
    if not unit_type or len(unit_type) > UnitType.__table__.c.name.type.length:
        raise ValidationError("Loại đơn vị không hợp lệ", fields={"unit_type": "1..100 ký tự"})
    row = session.get(UnitType, unit_type)
    with history.acting_as(actor):
        if row is None:
            row = UnitType(
                name=unit_type,
                sends_reports=True,
                local_government=False,
                leader_approval=unit_type in APPROVING_TYPES,
            )
            session.add(row)
        if sends_reports is not None:
            row.sends_reports = sends_reports
        if local_government is not None:
            row.local_government = local_government
        if leader_approval is not None:
            row.leader_approval = leader_approval
        session.flush()
    return row


def leader_approves(*, session: Session, unit_code: str) -> bool:
    """Whether the unit's leader approves what it sends to VP (Đ8.1.c): its type's setting; a type without
    a row approves when it is one of APPROVING_TYPES."""
    unit = session.get(Unit, unit_code)
    if unit is None:
        return False
    row = session.get(UnitType, unit.unit_type)
    return row.leader_approval if row is not None else unit.unit_type in APPROVING_TYPES


def approving_types(*, session: Session) -> set[str]:
    """The unit types, in use or configured, whose leader approves what their units send to VP (Đ8.1.c)."""
    rows = dict(session.execute(select(UnitType.name, UnitType.leader_approval)).all())
    names = set(rows) | set(session.scalars(select(Unit.unit_type).distinct()))
    return {n for n in names if rows.get(n, n in APPROVING_TYPES)}


def local_government_types(*, session: Session) -> set[str]:
    """The unit types marked local governments (UBND cấp xã, cấp huyện): their units may name another
    unit's open assignment in their feedback (Đ21.3, engine.assignments.choices)."""
    return set(session.scalars(select(UnitType.name).where(UnitType.local_government.is_(True))))


# ---- tracking rooms of VP ------------------------------------------------------------------------------


def rooms(*, session: Session, active_only: bool = False) -> list[TrackingRoom]:
    """VP's tracking rooms by name; the classification form offers the active ones."""
    query = select(TrackingRoom).order_by(TrackingRoom.name)
    if active_only:
        query = query.where(TrackingRoom.active.is_(True))
    return list(session.scalars(query))


def add_room(*, session: Session, name: str, actor: str | None) -> TrackingRoom:
    """A new tracking room; its name is what assignments record (Đ5.1.d)."""
    name = " ".join((name or "").split())
    if not name or len(name) > MAX_ROOM:
        raise ValidationError("Nhập tên phòng theo dõi", fields={"name": f"1..{MAX_ROOM} ký tự"})
    if session.get(TrackingRoom, name) is not None:
        raise ValidationError(f"Đã có {name}", fields={"name": "tên phòng đã có trong danh mục"})
    room = TrackingRoom(name=name, active=True)
    with history.acting_as(actor):
        session.add(room)
        session.flush()
    return room


def set_room_active(*, session: Session, name: str, active: bool, actor: str | None) -> TrackingRoom:
    """Retire a room (no longer offered; its assignments keep the name) or bring it back."""
    room = session.get(TrackingRoom, name)
    if room is None:
        raise NotFoundError(f"không có phòng theo dõi “{name}”")
    with history.acting_as(actor):
        room.active = active
        session.flush()
    return room


def list_units(*, session: Session) -> list[Unit]:
    return list(session.scalars(select(Unit).order_by(Unit.unit_type, Unit.name)))
