"""Who gives tasks (Đ1.1) and the lĩnh vực they are given in (Đ9.2.a): the administrators' lists, and the
checks every capture (registration, classification, correction) makes against them. Nothing is ever
deleted: a leader or a sector that served once is deactivated, and stays on the rows that carry it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from engine import history
from engine.auth.models import User
from engine.directory.models import COLLECTIVE, LEADER_KINDS, VICE_CHAIRMAN, Leader, LeaderSector, Sector
from engine.errors import NotFoundError, ValidationError
from engine.history import ChangeRecord

CODE = re.compile(r"^[A-Za-z0-9_.-]{1,50}$")
LEADER_FIELDS = ("kind", "title", "person_name", "username", "position", "active", "sectors")
SECTOR_FIELDS = ("name", "active")


@dataclass(frozen=True)
class Choice:
    """One entry of a select box: the code submitted, the words shown."""

    code: str
    label: str


def label(leader: Leader) -> str:
    """How people read a leader: the collective by its name, a person by title and name."""
    if leader.kind == COLLECTIVE or not leader.person_name:
        return leader.title
    return f"{leader.title} {leader.person_name}"


# ---- reading -------------------------------------------------------------------------------------------


def leaders(*, session: Session, active_only: bool = False) -> list[Leader]:
    """The leaders in list order: the collective first, then the Chairman, then the Vice-Chairmen."""
    rank = {kind: n for n, kind in enumerate(LEADER_KINDS)}
    query = select(Leader)
    if active_only:
        query = query.where(Leader.active.is_(True))
    found = list(session.scalars(query))
    return sorted(found, key=lambda row: (rank.get(row.kind, 9), row.position, label(row)))


def sectors(*, session: Session, active_only: bool = False) -> list[Sector]:
    """The sectors by name."""
    query = select(Sector).order_by(Sector.name)
    if active_only:
        query = query.where(Sector.active.is_(True))
    return list(session.scalars(query))


def sectors_of(*, session: Session) -> dict[str, list[str]]:
    """{leader code: the codes of the sectors it oversees}."""
    found: dict[str, list[str]] = {}
    for row in session.scalars(select(LeaderSector).order_by(LeaderSector.sector_code)):
        found.setdefault(row.leader_code, []).append(row.sector_code)
    return found


def leader_names(*, session: Session) -> dict[str, str]:
    """{code: label} of every leader, active or not (old rows keep showing who gave the task)."""
    return {row.code: label(row) for row in leaders(session=session)}


def sector_names(*, session: Session) -> dict[str, str]:
    """{code: name} of every sector, active or not."""
    return {row.code: row.name for row in sectors(session=session)}


def leader_choices(*, session: Session) -> list[Choice]:
    """The active leaders for a select box, the collective first."""
    return [Choice(row.code, label(row)) for row in leaders(session=session, active_only=True)]


def sector_choices(*, session: Session) -> list[Choice]:
    """The active sectors for a select box."""
    return [Choice(row.code, row.name) for row in sectors(session=session, active_only=True)]


def get_leader(*, session: Session, code: str) -> Leader:
    """The leader, or NotFoundError."""
    row = session.get(Leader, code)
    if row is None:
        raise NotFoundError(f"không có lãnh đạo mã {code!r}")
    return row


def get_sector(*, session: Session, code: str) -> Sector:
    """The sector, or NotFoundError."""
    row = session.get(Sector, code)
    if row is None:
        raise NotFoundError(f"không có lĩnh vực mã {code!r}")
    return row


# ---- the checks of a capture ---------------------------------------------------------------------------


def leader_problem(session: Session, code: str | None, *, required: bool = False) -> str | None:
    """Why `code` cannot be named as the leader who gives a task now, or None. Required only once the
    directory has leaders: a system without the list yet records none."""
    if not code:
        if required and has_leaders(session):
            return "Chọn lãnh đạo giao nhiệm vụ"
        return None
    row = session.get(Leader, code)
    if row is None:
        return f"không có lãnh đạo mã {code!r} trong danh mục"
    if not row.active:
        return f"{label(row)} không còn trong danh sách lãnh đạo giao nhiệm vụ"
    return None


def sector_problem(session: Session, code: str | None, *, required: bool = False) -> str | None:
    """Why `code` cannot be the lĩnh vực of a task now, or None; required once the directory has sectors."""
    if not code:
        if required and has_sectors(session):
            return "Chọn lĩnh vực của nhiệm vụ"
        return None
    row = session.get(Sector, code)
    if row is None:
        return f"không có lĩnh vực mã {code!r} trong danh mục"
    if not row.active:
        return f"lĩnh vực “{row.name}” đã ngừng sử dụng"
    return None


def has_leaders(session: Session) -> bool:
    """Whether any leader is active: then a document must name the one who gave its tasks."""
    return session.scalar(select(Leader.code).where(Leader.active.is_(True)).limit(1)) is not None


def has_sectors(session: Session) -> bool:
    """Whether any sector is active: then every classified task must carry one."""
    return session.scalar(select(Sector.code).where(Sector.active.is_(True)).limit(1)) is not None


# ---- writing -------------------------------------------------------------------------------------------


def create_leader(*, session: Session, values: dict, actor: str | None) -> Leader:
    """Add a leader (code, kind, title, person, account, order, sectors overseen); problems name fields."""
    code = (values.get("code") or "").strip()
    fields = {}
    if not CODE.match(code):
        fields["code"] = "1..50 ký tự chữ không dấu, số, dấu gạch; không có khoảng trắng"
    elif session.get(Leader, code) is not None:
        fields["code"] = "mã lãnh đạo đã có trong danh mục"
    kind = values.get("kind") or ""
    given = {"title": LEADER_KINDS.get(kind, ""), "active": True, "position": 0, "sectors": [], **values}
    clean, problems = _leader_values(session, given)
    fields.update(problems)
    if fields:
        raise ValidationError("Thông tin lãnh đạo chưa hợp lệ", fields=fields)
    wanted = clean.pop("sectors")
    row = Leader(code=code, **clean)
    with history.acting_as(actor):
        session.add(row)
        session.flush()
        _set_sectors(session, row, wanted)
    return row


def update_leader(*, session: Session, code: str, values: dict, actor: str | None) -> Leader:
    """Change what `values` holds of a leader: title, person, account, order, active, sectors, kind."""
    row = get_leader(session=session, code=code)
    unknown = set(values) - set(LEADER_FIELDS)
    if unknown:
        raise ValidationError("Không sửa được trường này", fields={f: "không sửa được" for f in unknown})
    current = {f: getattr(row, f) for f in LEADER_FIELDS if f != "sectors"}
    current["sectors"] = sectors_of(session=session).get(code, [])
    clean, problems = _leader_values(session, {**current, **values})
    if problems:
        raise ValidationError("Thông tin lãnh đạo chưa hợp lệ", fields=problems)
    wanted = clean.pop("sectors")
    with history.acting_as(actor):
        for field, value in clean.items():
            if getattr(row, field) != value:
                setattr(row, field, value)
        session.flush()
        _set_sectors(session, row, wanted)
    return row


def _leader_values(session: Session, values: dict) -> tuple[dict, dict[str, str]]:
    """The leader's fields cleaned, and {field: problem} for those that are not acceptable."""
    fields = {}
    kind = values.get("kind")
    if kind not in LEADER_KINDS:
        fields["kind"] = "chọn UBND tỉnh (tập thể), Chủ tịch hoặc Phó Chủ tịch UBND tỉnh"
    title = " ".join((values.get("title") or "").split())
    if not title or len(title) > 200:
        fields["title"] = "nhập chức danh (tối đa 200 ký tự)"
    person = " ".join((values.get("person_name") or "").split()) or None
    if person and len(person) > 200:
        fields["person_name"] = "tối đa 200 ký tự"
    if kind in (VICE_CHAIRMAN, "chairman") and not person:
        fields["person_name"] = "nhập họ và tên lãnh đạo"
    username = (values.get("username") or "").strip() or None
    if username and session.scalar(select(User.id).where(User.username == username)) is None:
        fields["username"] = f"không có tài khoản {username!r}"
    position = values.get("position") or 0
    if not isinstance(position, int) or isinstance(position, bool) or not 0 <= position <= 999:
        fields["position"] = "số thứ tự từ 0 đến 999"
    wanted = list(dict.fromkeys(values.get("sectors") or []))
    if kind == COLLECTIVE and wanted:
        fields["sectors"] = "UBND tỉnh (tập thể) không phụ trách riêng lĩnh vực nào"
    for n, sector in enumerate(wanted):
        if session.get(Sector, sector) is None:
            fields[f"sectors/{n}"] = f"không có lĩnh vực mã {sector!r}"
    clean = {
        "kind": kind,
        "title": title,
        "person_name": person,
        "username": username,
        "position": position,
        "active": bool(values.get("active", True)),
        "sectors": wanted,
    }
    return clean, fields


def _set_sectors(session: Session, leader: Leader, wanted: list[str]) -> None:
    """Make the leader's sectors `wanted`: one row added or removed per change, so history shows each."""
    have = {
        row.sector_code: row
        for row in session.scalars(select(LeaderSector).filter_by(leader_code=leader.code))
    }
    for code in set(have) - set(wanted):
        session.delete(have[code])
    session.add_all(LeaderSector(leader_code=leader.code, sector_code=c) for c in wanted if c not in have)
    session.flush()


def create_sector(*, session: Session, code: str, name: str, actor: str | None) -> Sector:
    """Add a lĩnh vực to the managed list."""
    code = (code or "").strip()
    fields = {}
    if not CODE.match(code):
        fields["code"] = "1..50 ký tự chữ không dấu, số, dấu gạch; không có khoảng trắng"
    elif session.get(Sector, code) is not None:
        fields["code"] = "mã lĩnh vực đã có trong danh mục"
    name = " ".join((name or "").split())
    fields.update(_name_problem(session, name, code))
    if fields:
        raise ValidationError("Thông tin lĩnh vực chưa hợp lệ", fields=fields)
    row = Sector(code=code, name=name, active=True)
    with history.acting_as(actor):
        session.add(row)
        session.flush()
    return row


def update_sector(*, session: Session, code: str, values: dict, actor: str | None) -> Sector:
    """Rename a sector or (de)activate it: a deactivated one is no longer offered and stays where used."""
    row = get_sector(session=session, code=code)
    unknown = set(values) - set(SECTOR_FIELDS)
    if unknown:
        raise ValidationError("Không sửa được trường này", fields={f: "không sửa được" for f in unknown})
    name = " ".join((values.get("name", row.name) or "").split())
    problems = _name_problem(session, name, code)
    if problems:
        raise ValidationError("Thông tin lĩnh vực chưa hợp lệ", fields=problems)
    with history.acting_as(actor):
        if name != row.name:
            row.name = name
        if "active" in values and bool(values["active"]) != row.active:
            row.active = bool(values["active"])
        session.flush()
    return row


def _name_problem(session: Session, name: str, code: str) -> dict[str, str]:
    if not name or len(name) > 200:
        return {"name": "nhập tên lĩnh vực (tối đa 200 ký tự)"}
    other = session.scalar(select(Sector.code).where(Sector.name == name, Sector.code != code))
    if other is not None:
        return {"name": "đã có lĩnh vực cùng tên"}
    return {}


def lists(session: Session) -> dict[str, list[dict]]:
    """The active sectors and leaders as the lists a form's "choice" widget picks from (static/form.js)."""
    return {
        "sectors": [{"code": c.code, "label": c.label} for c in sector_choices(session=session)],
        "leaders": [{"code": c.code, "label": c.label} for c in leader_choices(session=session)],
    }


def leader_history(session: Session, code: str) -> list[ChangeRecord]:
    """The changes of a leader and of the sectors given to or taken from him, oldest first."""
    query = select(ChangeRecord).where(
        or_(
            and_(ChangeRecord.entity == "leaders", ChangeRecord.entity_id == code),
            and_(ChangeRecord.entity == "leader_sectors", ChangeRecord.entity_id.startswith(f"{code}/")),
        )
    )
    return list(session.scalars(query.order_by(ChangeRecord.id)))
