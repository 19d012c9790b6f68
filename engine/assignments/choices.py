"""The assignments a form's picker offers ("ui:widget": "assignment"): people choose a task by what they
know of it (the document's number, the task's content, the lead unit), never by its internal id, which
the form still stores, since the processes use it.

What is offered depends on the form's purpose. "data_correction" (P4, VP), "divergence" (Đ9.1.c, VP) and
"ad_hoc_report" (Đ5.1, the Chairman or VP): every assignment the user sees.
"local_feedback" (P6, Đ21.3): a local government (a unit whose type is marked so) tells VP that a sở, ngành
is late on a task concerning the locality, and may pick among the open assignments led by other units that
are not local governments, which it otherwise cannot see (engine.assignments.scope); it learns only the label
(the document's number, the task's content, the lead unit's name), never the history or files."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from engine.assignments import scope
from engine.assignments.models import CONFIRMED, Assignment
from engine.auth.service import Principal
from engine.directory.models import Unit, UnitType
from engine.documents.models import Document
from engine.errors import ValidationError
from engine.search import fold
from engine.search.sql import matching
from engine.validation import MAX_INT

DATA_CORRECTION, LOCAL_FEEDBACK = "data_correction", "local_feedback"
# Đ8.1.b: a lead unit flags wrong data of the assignments it leads.
CORRECTION_REQUEST = "data_correction_request"
# Đ9.1.c: VP reports units' divergent opinions on an assignment it sees.
DIVERGENCE = "divergence"
# Đ5.1: the Chairman or VP asks for a written report on an assignment it sees (engine.reports.ad_hoc).
AD_HOC_REPORT = "ad_hoc_report"
PURPOSES = (DATA_CORRECTION, LOCAL_FEEDBACK, CORRECTION_REQUEST, DIVERGENCE, AD_HOC_REPORT)
LIMIT = 20  # a picker shows a screenful; typing narrows it
CONTENT_SHOWN = 160  # characters of the content in a label: enough to tell two tasks apart
NOT_LOCAL = (
    "Chỉ UBND cấp xã, cấp huyện (loại đơn vị là chính quyền địa phương trong danh mục) chọn được nhiệm vụ "
    "của sở, ngành để phản hồi (khoản 3 Điều 21)."
)


@dataclass(frozen=True)
class Choice:
    """One assignment as the picker shows it."""

    id: int
    document_number: str
    seq: int
    content: str
    lead_unit_name: str

    @property
    def label(self) -> str:
        """What the picker shows: "12/QĐ-UBND – nhiệm vụ 1: Xây dựng kho dữ liệu (Sở Tài chính)"."""
        content = (
            self.content if len(self.content) <= CONTENT_SHOWN else self.content[: CONTENT_SHOWN - 1] + "…"
        )
        return f"{self.document_number} – nhiệm vụ {self.seq}: {content} ({self.lead_unit_name})"

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "label": self.label,
            "document_number": self.document_number,
            "seq": self.seq,
            "content": self.content,
            "lead_unit_name": self.lead_unit_name,
        }


def list_(
    session: Session, *, user: Principal, purpose: str, q: str | None = None, ids: list[int] | None = None
) -> list[Choice]:
    """What `user` may pick for `purpose`, matching every word of `q` (accents and case aside), newest
    document first; with `ids`, only those (the label of a value already chosen)."""
    if purpose not in PURPOSES:
        raise ValidationError(
            "Mục đích chọn nhiệm vụ không hợp lệ", fields={"purpose": " hoặc ".join(PURPOSES)}
        )
    query = (
        select(Assignment.id, Document.number, Assignment.seq, Assignment.content, Unit.name)
        .join(Document, Document.id == Assignment.document_id)
        .join(Unit, Unit.code == Assignment.lead_unit_code)
    )
    query = _allowed(query, user, purpose, listing=ids is None)
    if ids is not None:
        query = query.where(Assignment.id.in_(ids))
    if words := fold.words(q):
        query = query.where(matching(Assignment.search_text, words))
    query = query.order_by(Document.issued_on.desc(), Document.id.desc(), Assignment.seq).limit(LIMIT)
    return [Choice(*row) for row in session.execute(query)]


def note(session: Session, *, user: Principal, purpose: str) -> str | None:
    """Why the list is empty whatever is typed, if it is: a unit that is not a local government asks
    for the sở, ngành tasks of a local feedback."""
    if (
        purpose == LOCAL_FEEDBACK
        and not scope.sees_all(user)
        and not is_local_government(session, user.unit_code)
    ):
        return NOT_LOCAL
    return None


def is_local_government(session: Session, unit_code: str | None) -> bool:
    """Whether the unit's type is marked a local government in the directory (unit_types)."""
    if unit_code is None:
        return False
    return bool(
        session.scalar(
            select(UnitType.local_government)
            .join(Unit, Unit.unit_type == UnitType.name)
            .where(Unit.code == unit_code)
        )
    )


def _allowed(query: Select, user: Principal, purpose: str, *, listing: bool) -> Select:
    """`query` narrowed to what `user` may pick. A value already chosen keeps its label when its task has
    been completed since (`listing` False): the form that chose it still reads it."""
    if purpose == CORRECTION_REQUEST:
        query = query.where(Assignment.lead_unit_code == (user.unit_code or ""))
    elif purpose in (DATA_CORRECTION, DIVERGENCE, AD_HOC_REPORT) or scope.sees_all(user):
        query = scope.visible(query, user)
    else:
        local_types = select(UnitType.name).where(UnitType.local_government.is_(True))
        mine = user.unit_code if user.unit_code is not None else ""
        query = query.where(
            Unit.unit_type.not_in(local_types),
            Assignment.lead_unit_code != mine,
            select(Unit.code)
            .join(UnitType, UnitType.name == Unit.unit_type)
            .where(Unit.code == mine, UnitType.local_government.is_(True))
            .exists(),
        )
    if listing and purpose == LOCAL_FEEDBACK:
        query = query.where(Assignment.stage != CONFIRMED)
    return query


def answer(session: Session, *, user: Principal, purpose: str | None, q: str | None, id_: str | None) -> dict:
    """The picker's JSON (the API's and the page's alike) from the query string's purpose, q and id:
    {"items": [...], "note": text or null}."""
    if id_ is not None and not (
        id_.isascii() and id_.isdecimal() and len(id_) <= 10 and 0 < int(id_) <= MAX_INT
    ):
        raise ValidationError("Mã nhiệm vụ không hợp lệ", fields={"id": "một số nguyên dương"})
    ids = [int(id_)] if id_ is not None else None
    found = list_(session, user=user, purpose=purpose or "", q=q, ids=ids)
    return {"items": [c.as_dict() for c in found], "note": note(session, user=user, purpose=purpose or "")}
