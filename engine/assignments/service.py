"""Assignments as the lists, the detail page and the history show them, within the user's scope."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, case, select
from sqlalchemy.orm import Session

from engine.assignments import scope
from engine.assignments.models import (
    ACCEPTED,
    AWAITING_ACCEPTANCE,
    CONFIRMED,
    COORDINATING,
    RESULT_REPORTED,
    RETURNED,
    Assignment,
    AssignmentCorrection,
    AssignmentReturn,
    AssignmentTransfer,
    AssignmentUnit,
    DeadlineAdjustment,
    DifficultyReport,
    Escalation,
    StatusUpdate,
    Urging,
)
from engine.auth.service import Principal
from engine.calendar import WorkCalendar
from engine.directory.models import Unit
from engine.documents.models import Document
from engine.errors import NotFoundError, PermissionDeniedError
from engine.feedback.models import DataCorrection, Divergence, DivergencePosition, LocalFeedback
from engine.files import binding as files
from engine.files.binding import file_list
from engine.files.models import ASSIGNMENT, StoredFile
from engine.history import ChangeRecord, of_rows
from engine.reports import buckets
from engine.reports.buckets import Period
from engine.reports.models import AdHocAnswer, AdHocReport
from engine.search import sql as search_sql
from engine.search.sql import DEFAULT_SORT, Sort
from engine.validation import validate

# The lists of the "Nhiệm vụ" menu (DOMAIN.md §8), as `view` values.
VIEWS = ("assigned", "lead", "coordinating", "tracking")
# Rows that belong to one assignment, shown on its page and in its history. A unit's internal tasks
# (InternalTask, Đ9.2.c) are left out: only that unit may see them (engine.assignments.internal).
RELATED = (
    StatusUpdate,
    AssignmentReturn,
    AssignmentTransfer,
    Urging,
    DifficultyReport,
    DeadlineAdjustment,
    AssignmentCorrection,
    DataCorrection,
    LocalFeedback,
    Escalation,
    Divergence,
    DivergencePosition,
    AdHocReport,
    AdHocAnswer,
)
# Related rows that belong to the assignment through another related row: (their link, that row's model).
RELATED_THROUGH = {
    DivergencePosition: (DivergencePosition.divergence_id, Divergence),
    AdHocAnswer: (AdHocAnswer.report_id, AdHocReport),  # a written report asked on it (Đ5.1)
}
COORDINATING_UPDATE = {
    "type": "object",
    "title": "Thông tin của đơn vị phối hợp",
    "additionalProperties": False,
    "required": ["situation"],
    "properties": {
        "situation": {"type": "string", "minLength": 1, "maxLength": 8000, "title": "Tình hình thực hiện"},
        "difficulties": {"type": ["string", "null"], "maxLength": 8000, "title": "Khó khăn, vướng mắc"},
        "proposals": {"type": ["string", "null"], "maxLength": 8000, "title": "Đề xuất, kiến nghị"},
        "attachments": file_list(
            "Tệp đính kèm",
            "Tải từng tệp lên trước (POST /api/v1/files với assignment_id), rồi ghi file_id của tệp vào đây.",
        ),
    },
}


STAGE_ORDER = (AWAITING_ACCEPTANCE, RETURNED, ACCEPTED, RESULT_REPORTED, CONFIRMED)
# ?sort= keys of the lists -> columns (names by correlated lookups, so the list needs no join); by
# default the soonest due first, tasks without a deadline last.
SORTS = {
    "number": select(Document.number).where(Document.id == Assignment.document_id).scalar_subquery(),
    "content": Assignment.content,
    "lead": select(Unit.name).where(Unit.code == Assignment.lead_unit_code).scalar_subquery(),
    "due": Assignment.effective_due_date,
    # The steps in the order a task walks them, not in the alphabet of their codes.
    "stage": case({s: i for i, s in enumerate(STAGE_ORDER)}, value=Assignment.stage, else_=len(STAGE_ORDER)),
}
DEFAULT_ORDER = (Assignment.effective_due_date.is_(None), Assignment.effective_due_date, Assignment.id)


@dataclass(frozen=True)
class Filters:
    """What a list of assignments asks for, all optional: a tab's view ("lead", "coordinating",
    "tracking") and stage, today's bucket, the lead unit, the document's signer, the leader who gave the
    task and its sector, folded search words (in the number, content, units, signer or specialist) and a
    range of the effective due date."""

    view: str | None = None
    stage: str | None = None
    bucket: str | None = None
    unit: str | None = None
    signer: str | None = None
    leader: str | None = None
    sector: str | None = None
    words: Sequence[str] = ()
    due_from: date | None = None
    due_to: date | None = None

    def query(self, user: Principal, period: Period) -> Select:
        """The assignments `user` may see in `period` (given by its end), narrowed to these filters. Only a
        bucket filter classifies them all (buckets.classified); a page classifies its own rows (list_)."""
        query = scope.visible(select(Assignment).where(Assignment.created_at <= period.end), user)
        if self.bucket:
            rows = buckets.classified(period).subquery("classified")
            query = query.join(rows, rows.c.id == Assignment.id)
            if self.bucket in ("due_soon", "not_started"):  # sub-states of the open buckets
                query = query.where(rows.c[self.bucket])
            else:
                query = query.where(rows.c.bucket == self.bucket)
        if self.view == "lead":
            query = query.where(Assignment.lead_unit_code == user.unit_code)
        elif self.view == "coordinating":
            coordinated = select(AssignmentUnit.assignment_id).where(
                AssignmentUnit.unit_code == user.unit_code, AssignmentUnit.role == COORDINATING
            )
            query = query.where(Assignment.id.in_(coordinated))
        elif self.view == "tracking":
            query = query.where(Assignment.tracking_specialist == user.username)
        if self.stage:
            query = query.where(Assignment.stage == self.stage)
        if self.unit:
            query = query.where(Assignment.lead_unit_code == self.unit)
        if self.signer:  # Bảng điều hành drills down by Người ký văn bản
            query = query.where(
                Assignment.document_id.in_(select(Document.id).where(Document.signer == self.signer))
            )
        if self.leader:  # who gave the task (Đ1.1)
            query = query.where(Assignment.leader_code == self.leader)
        if self.sector:  # its lĩnh vực (Đ9.2.a)
            query = query.where(Assignment.sector_code == self.sector)
        if self.words:
            query = query.where(search_sql.matching(Assignment.search_text, self.words))
        if self.due_from:
            query = query.where(Assignment.effective_due_date >= self.due_from)
        if self.due_to:
            query = query.where(Assignment.effective_due_date <= self.due_to)
        return query


def list_(
    session: Session,
    *,
    user: Principal,
    calendar: WorkCalendar,
    today: date,
    soon_days: int,
    filters: Filters = Filters(),
    sort: Sort = DEFAULT_SORT,
    limit: int = 50,
    offset: int = 0,
) -> list[tuple[Assignment, str, bool]]:
    """(assignment, bucket today, due soon) of what `user` may see, filtered, soonest due first unless
    sorted."""
    period = Period.of(calendar, today, None, soon_days)
    query = filters.query(user, period)
    query = query.order_by(*sort.order_by(SORTS, default=DEFAULT_ORDER, tiebreak=Assignment.id))
    found = list(session.scalars(query.limit(limit).offset(offset)))
    # The page's rows only: classifying every assignment to show 50 of them grew with the table.
    rows = buckets.classified(period).subquery("classified")
    ids = [a.id for a in found]
    classes = {r.id: (r.bucket, r.due_soon) for r in session.execute(select(rows).where(rows.c.id.in_(ids)))}
    return [(a, *classes[a.id]) for a in found]


def count_(
    session: Session,
    *,
    user: Principal,
    calendar: WorkCalendar,
    today: date,
    soon_days: int,
    filters: Filters,
) -> int:
    """How many assignments list_ finds with the same filters (for the pager's total)."""
    return search_sql.count(session, filters.query(user, Period.of(calendar, today, None, soon_days)))


def get_or_raise(session: Session, *, user: Principal, assignment_id: int) -> Assignment:
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        raise NotFoundError(f"no assignment {assignment_id}")
    scope.check_can_see(session, user, assignment_id)
    return assignment


def bucket_of(session: Session, *, assignment_id: int, calendar: WorkCalendar, today: date, soon_days: int):
    """(bucket, due soon) of one assignment today."""
    rows = buckets.classified(buckets.Period.of(calendar, today, None, soon_days)).subquery("classified")
    found = session.execute(select(rows.c.bucket, rows.c.due_soon).where(rows.c.id == assignment_id)).first()
    return (found.bucket, bool(found.due_soon)) if found else (None, False)


def related(session: Session, assignment_id: int) -> dict[str, list[Any]]:
    """Every row about the assignment, by table, oldest first."""
    return {
        model.__tablename__: list(
            session.scalars(select(model).where(_about(model, assignment_id)).order_by(model.id))
        )
        for model in RELATED
    }


def _about(model, assignment_id: int):
    """The condition of `model`'s rows about the assignment, directly or through RELATED_THROUGH."""
    if model in RELATED_THROUGH:
        link, parent = RELATED_THROUGH[model]
        return link.in_(select(parent.id).where(parent.assignment_id == assignment_id))
    return model.assignment_id == assignment_id


def history(session: Session, *, assignment_id: int) -> list[ChangeRecord]:
    """Lịch sử xử lý: the changes of the assignment, its units and every row about it, oldest first."""
    # An assignment unit's key is "<assignment id>/<unit code>", and units are never deleted: every unit
    # code names each one the assignment ever had, as exact keys on every database and collation.
    units = [f"{assignment_id}/{code}" for code in session.scalars(select(Unit.code))]
    keys = {"assignments": [str(assignment_id)], "assignment_units": units}
    for table, rows in related(session, assignment_id).items():
        keys.setdefault(table, []).extend(str(row.id) for row in rows)
    return of_rows(session, keys)


def add_coordinating_update(
    session: Session,
    *,
    user: Principal,
    assignment_id: int,
    payload: dict[str, Any],
    now,
    checked_files: list[dict[str, Any]] | None = None,
) -> StatusUpdate:
    """Đ9.2.b: a coordinating unit feeds its part to the lead unit. The lead unit reports through its
    process task instead, so its deadlines and VP's confirmation follow. `checked_files`: the files of the
    coordination user task's form, already checked against that task when it was completed."""
    get_or_raise(session, user=user, assignment_id=assignment_id)
    if scope.role_of(session, user, assignment_id) != COORDINATING:
        raise PermissionDeniedError(
            "Chỉ đơn vị phối hợp gửi thông tin tại đây; đơn vị chủ trì cập nhật qua việc cần làm của mình"
        )
    validate(COORDINATING_UPDATE, payload, message="Thông tin cập nhật không hợp lệ")
    if checked_files is None:
        # Its files: uploaded by this user for this assignment's coordination, with the server's metadata.
        payload = files.attach_coordination_files(
            session=session, data=payload, assignment_id=assignment_id, username=user.username, now=now
        )
    else:
        payload = {**payload, "attachments": list(checked_files)}
        _belong_to_assignment(session, checked_files, assignment_id)
    update = StatusUpdate(
        assignment_id=assignment_id,
        unit_code=user.unit_code,
        role=COORDINATING,
        progress="in_progress",
        situation=payload["situation"],
        difficulties=payload.get("difficulties"),
        proposals=payload.get("proposals"),
        attachments=payload.get("attachments", []),
        reported_by=user.username,
        reported_at=now,
    )
    session.add(update)
    session.flush()
    return update


def _belong_to_assignment(session: Session, refs: list[dict[str, Any]], assignment_id: int) -> None:
    """A user task's files, uploaded for the coordinating unit's own process, become the assignment's: its
    readers, the lead unit first, may open them (engine.files.scope)."""
    ids = [ref["file_id"] for ref in refs]
    for row in session.scalars(select(StoredFile).where(StoredFile.id.in_(ids))):
        row.subject, row.subject_id = ASSIGNMENT, assignment_id


def assignments_of(*, session: Session, document_id: int) -> list[Assignment]:
    return list(
        session.scalars(
            select(Assignment).where(Assignment.document_id == document_id).order_by(Assignment.seq)
        )
    )


def units_of(*, session: Session, assignment_ids: list[int]) -> dict[int, list[AssignmentUnit]]:
    rows = session.scalars(select(AssignmentUnit).where(AssignmentUnit.assignment_id.in_(assignment_ids)))
    found: dict[int, list[AssignmentUnit]] = {i: [] for i in assignment_ids}
    for row in rows:
        found[row.assignment_id].append(row)
    return found
