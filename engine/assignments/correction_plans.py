"""What a correction of an assignment's a–e changes (engine.assignments.corrections applies it): the fields VP
may correct, each checked, and each change as the API gives it and as staff read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.assignments.models import COORDINATING, RETURNED, Assignment, AssignmentUnit
from engine.auth.models import User
from engine.directory import leaders
from engine.directory.checks import inactive_message
from engine.directory.models import Unit
from engine.documents.models import Document
from engine.documents.service import DEADLINE_SPAN, before_issue, room_problem, specialist_problem
from engine.errors import ValidationError

DEADLINE_KINDS = {"completion": "Hạn hoàn thành", "report": "Hạn báo cáo", "submission": "Hạn trình"}
# What may be corrected, in the order the page and the summary show it, with the words staff know.
LABELS = {
    "content": "Nội dung nhiệm vụ",
    "sector_code": "Lĩnh vực",
    "leader_code": "Lãnh đạo giao nhiệm vụ",
    "lead_unit": "Đơn vị chủ trì",
    "coordinating_units": "Đơn vị phối hợp",
    "has_deadline": "Có thời hạn",
    "deadline_kind": "Loại thời hạn",
    "due_date": "Thời hạn",
    "tracking_room": "Phòng theo dõi",
    "tracking_specialist": "Chuyên viên theo dõi",
}
DEADLINE_FIELDS = ("has_deadline", "due_date")
_TEXT = {"type": "string", "minLength": 1}
CORRECTION_IN = {
    "type": "object",
    "title": "Điều chỉnh thông tin nhiệm vụ",
    "additionalProperties": False,
    "required": ["reason"],
    "properties": {
        # Emptiness of these two is plan()'s to refuse, in Vietnamese, with the other problems.
        "reason": {"type": "string", "maxLength": 2000, "title": "Lý do điều chỉnh"},
        "content": {"type": "string", "maxLength": 5000, "title": LABELS["content"]},
        "sector_code": {**_TEXT, "maxLength": 50, "title": LABELS["sector_code"]},
        "leader_code": {**_TEXT, "maxLength": 50, "title": LABELS["leader_code"]},
        "lead_unit": {**_TEXT, "maxLength": 50, "title": LABELS["lead_unit"]},
        "coordinating_units": {
            "type": "array",
            "items": {**_TEXT, "maxLength": 50},
            "uniqueItems": True,
            "maxItems": 200,
            "title": LABELS["coordinating_units"],
        },
        "has_deadline": {"type": "boolean", "title": LABELS["has_deadline"]},
        "deadline_kind": {
            "type": ["string", "null"],
            "enum": [*DEADLINE_KINDS, None],
            "title": "Loại thời hạn",
        },
        "due_date": {"type": ["string", "null"], "format": "date", "title": LABELS["due_date"]},
        "tracking_room": {**_TEXT, "maxLength": 200, "title": LABELS["tracking_room"]},
        "tracking_specialist": {**_TEXT, "maxLength": 100, "title": LABELS["tracking_specialist"]},
    },
}


@dataclass(frozen=True)
class Change:
    """One field that changes: its values as the API gives them, and as staff read them."""

    field: str
    old: Any
    new: Any
    old_text: str
    new_text: str

    @property
    def label(self) -> str:
        return LABELS[self.field]

    def as_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "label": self.label,
            "old": self.old,
            "new": self.new,
            "old_text": self.old_text,
            "new_text": self.new_text,
        }


def plan(session: Session, a: Assignment, given: dict[str, Any], reason: str, today: date) -> list[Change]:
    """The changes `given` makes to `a`; every problem named at once (ValidationError)."""
    problems: dict[str, str] = {}
    if not reason.strip():
        problems["reason"] = "nêu lý do điều chỉnh"
    current = current_values(session, a)
    wanted = {**current, **{k: v for k, v in given.items() if k in LABELS}}
    wanted["content"] = wanted["content"].strip()
    if not wanted["content"]:
        problems["content"] = "không được để trống"
    wanted["coordinating_units"] = sorted(wanted["coordinating_units"] or [])
    _check_deadline(wanted, session.get(Document, a.document_id), today, problems)
    _check_units(session, a, current, wanted, today, problems)
    for field, check in (
        ("tracking_room", room_problem),
        ("tracking_specialist", specialist_problem),
        ("sector_code", leaders.sector_problem),
        ("leader_code", leaders.leader_problem),
    ):
        if wanted[field] != current[field] and (problem := check(session, wanted[field])):
            problems[field] = problem
    if problems:
        raise ValidationError("Thông tin điều chỉnh không hợp lệ", fields=problems)
    texts = _Texts(session, [current, wanted])
    found = [
        Change(
            field,
            current[field],
            wanted[field],
            texts.of(field, current[field]),
            texts.of(field, wanted[field]),
        )
        for field in LABELS
        if wanted[field] != current[field]
    ]
    if not found:
        raise ValidationError("Không có thông tin nào thay đổi so với hiện tại", fields={})
    return found


def current_values(session: Session, a: Assignment) -> dict[str, Any]:
    """The correctable fields of `a` as they stand, as the API gives them (dates ISO, units by code)."""
    coordinating = session.scalars(
        select(AssignmentUnit.unit_code).where(
            AssignmentUnit.assignment_id == a.id, AssignmentUnit.role == COORDINATING
        )
    )
    return {
        "content": a.content,
        "sector_code": a.sector_code,
        "leader_code": a.leader_code,
        "lead_unit": a.lead_unit_code,
        "coordinating_units": sorted(coordinating),
        "has_deadline": a.has_deadline,
        "deadline_kind": a.deadline_kind,
        "due_date": a.due_date.isoformat() if a.due_date else None,
        "tracking_room": a.tracking_room,
        "tracking_specialist": a.tracking_specialist,
    }


def _check_deadline(wanted: dict[str, Any], document: Document, today: date, problems: dict) -> None:
    """A task without deadline has neither date nor kind; one with a deadline has both, the date within
    the document's life: not before its issue date (Đ5.1.e), nor absurdly far from today."""
    if not wanted["has_deadline"]:
        wanted["due_date"] = wanted["deadline_kind"] = None
        return
    if not wanted["deadline_kind"]:
        problems["deadline_kind"] = "chọn loại thời hạn: " + ", ".join(DEADLINE_KINDS.values())
    if not wanted["due_date"]:
        problems["due_date"] = "nhập thời hạn, hoặc bỏ chọn “Có thời hạn”"
        return
    due = date.fromisoformat(wanted["due_date"])
    first, last = today - DEADLINE_SPAN, today + DEADLINE_SPAN
    if problem := before_issue(due, document.issued_on):
        problems["due_date"] = problem
    elif not first <= due <= last:
        problems["due_date"] = f"thời hạn phải từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}"


def _check_units(
    session: Session, a: Assignment, current: dict, wanted: dict, today: date, problems: dict
) -> None:
    """A new lead or coordinating unit must be in the directory and active (one kept from before may have
    ended since); the lead is not also a coordinating unit; a returned assignment changes lead only
    through its return (Chuyển đơn vị khác), which the lead unit then reviews."""
    named = [("lead_unit", wanted["lead_unit"])] if wanted["lead_unit"] != current["lead_unit"] else []
    named += [
        (f"coordinating_units/{i}", code)
        for i, code in enumerate(wanted["coordinating_units"])
        if code not in current["coordinating_units"]
    ]
    for field, code in named:
        unit = session.get(Unit, code)
        if unit is None:
            problems[field] = f"không có đơn vị mã {code!r}"
        elif message := inactive_message(unit, today):
            problems[field] = message
    if wanted["lead_unit"] != current["lead_unit"] and a.stage == RETURNED:
        problems["lead_unit"] = (
            "nhiệm vụ đang bị trả lại: chuyển đơn vị khác tại việc xử lý nhiệm vụ bị trả lại"
        )
    if wanted["lead_unit"] in wanted["coordinating_units"]:
        problems["coordinating_units"] = "đơn vị chủ trì không đồng thời là đơn vị phối hợp"


class _Texts:
    """Values as staff read them: units and people by name, dates dd/mm/yyyy, kinds in Vietnamese."""

    def __init__(self, session: Session, states: list[dict[str, Any]]) -> None:
        codes = {s["lead_unit"] for s in states} | {c for s in states for c in s["coordinating_units"]}
        self.units = dict(session.execute(select(Unit.code, Unit.name).where(Unit.code.in_(codes))).all())
        self.leaders = leaders.leader_names(session=session)
        self.sectors = leaders.sector_names(session=session)
        names = {s["tracking_specialist"] for s in states}
        self.people = dict(
            session.execute(select(User.username, User.full_name).where(User.username.in_(names))).all()
        )

    def of(self, field: str, value: Any) -> str:
        if field == "lead_unit":
            return self.units.get(value, value)
        if field == "coordinating_units":
            return ", ".join(self.units.get(c, c) for c in value) or "(không có)"
        if field == "has_deadline":
            return "Có" if value else "Không"
        if field == "deadline_kind":
            return DEADLINE_KINDS.get(value, value) if value else "(không có)"
        if field == "due_date":
            return f"{date.fromisoformat(value):%d/%m/%Y}" if value else "Không có thời hạn"
        if field == "tracking_specialist":
            return self.people.get(value, value)
        if field in ("sector_code", "leader_code"):
            names = self.sectors if field == "sector_code" else self.leaders
            return names.get(value, value) if value else "(chưa xác định)"
        return value
