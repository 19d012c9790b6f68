"""Assignments as the lists, the detail page and the history show them, within the user's scope."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from engine.auth.service import Principal
from engine.calendar import WorkCalendar
from engine.errors import NotFoundError, PermissionDeniedError
from engine.tracking import buckets, scope
from engine.tracking.models import (
    COORDINATING,
    Assignment,
    AssignmentReturn,
    AssignmentTransfer,
    AssignmentUnit,
    ChangeRecord,
    DataCorrection,
    DeadlineAdjustment,
    DifficultyReport,
    LocalFeedback,
    StatusUpdate,
    Urging,
)
from engine.validation import validate

# The lists of the "Nhiệm vụ" menu (DOMAIN.md §8), as `view` values.
VIEWS = ("assigned", "lead", "coordinating", "tracking")
# Rows that belong to one assignment, shown on its page and in its history.
RELATED = (
    StatusUpdate,
    AssignmentReturn,
    AssignmentTransfer,
    Urging,
    DifficultyReport,
    DeadlineAdjustment,
    DataCorrection,
    LocalFeedback,
)
COORDINATING_UPDATE = {
    "type": "object",
    "title": "Thông tin của đơn vị phối hợp",
    "additionalProperties": False,
    "required": ["situation"],
    "properties": {
        "situation": {"type": "string", "minLength": 1, "maxLength": 8000, "title": "Tình hình thực hiện"},
        "difficulties": {"type": ["string", "null"], "maxLength": 8000, "title": "Khó khăn, vướng mắc"},
        "proposals": {"type": ["string", "null"], "maxLength": 8000, "title": "Đề xuất, kiến nghị"},
        "attachments": {
            "type": "array",
            "title": "Tệp đính kèm",
            "maxItems": 50,
            "items": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 255},
                    "size": {"type": "integer", "minimum": 0},
                    "content_type": {"type": "string", "maxLength": 100},
                    "ref": {"type": "string", "maxLength": 1000},
                },
            },
        },
    },
}


def list_(
    session: Session,
    *,
    user: Principal,
    calendar: WorkCalendar,
    today: date,
    soon_days: int,
    view: str | None = None,
    stage: str | None = None,
    bucket: str | None = None,
    unit: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[tuple[Assignment, str, bool]]:
    """(assignment, bucket today, due soon) of what `user` may see, filtered, soonest due first."""
    rows = buckets.classified(buckets.Period.of(calendar, today, None, soon_days)).subquery("classified")
    query = scope.visible(
        select(Assignment, rows.c.bucket, rows.c.due_soon).join(rows, rows.c.id == Assignment.id), user
    )
    if view == "lead":
        query = query.where(Assignment.lead_unit_code == user.unit_code)
    elif view == "coordinating":
        coordinated = select(AssignmentUnit.assignment_id).where(
            AssignmentUnit.unit_code == user.unit_code, AssignmentUnit.role == COORDINATING
        )
        query = query.where(Assignment.id.in_(coordinated))
    elif view == "tracking":
        query = query.where(Assignment.tracking_specialist == user.username)
    if stage:
        query = query.where(Assignment.stage == stage)
    if bucket == "due_soon":
        query = query.where(rows.c.due_soon)
    elif bucket:
        query = query.where(rows.c.bucket == bucket)
    if unit:
        query = query.where(Assignment.lead_unit_code == unit)
    query = query.order_by(
        Assignment.effective_due_date.is_(None), Assignment.effective_due_date, Assignment.id
    )
    return [tuple(row) for row in session.execute(query.limit(limit).offset(offset))]


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
            session.scalars(select(model).where(model.assignment_id == assignment_id).order_by(model.id))
        )
        for model in RELATED
    }


def history(session: Session, *, assignment_id: int) -> list[ChangeRecord]:
    """Lịch sử xử lý: the changes of the assignment, its units and every row about it, oldest first."""
    conditions = [
        and_(ChangeRecord.entity == "assignments", ChangeRecord.entity_id == str(assignment_id)),
        and_(ChangeRecord.entity == "assignment_units", ChangeRecord.entity_id.like(f"{assignment_id}/%")),
    ]
    for table, rows in related(session, assignment_id).items():
        if rows:
            ids = [str(row.id) for row in rows]
            conditions.append(and_(ChangeRecord.entity == table, ChangeRecord.entity_id.in_(ids)))
    return list(session.scalars(select(ChangeRecord).where(or_(*conditions)).order_by(ChangeRecord.id)))


def add_coordinating_update(
    session: Session, *, user: Principal, assignment_id: int, payload: dict[str, Any], now
) -> StatusUpdate:
    """Đ9.2.b: a coordinating unit feeds its part to the lead unit. The lead unit reports through its
    process task instead, so its deadlines and VP's confirmation follow."""
    get_or_raise(session, user=user, assignment_id=assignment_id)
    if scope.role_of(session, user, assignment_id) != COORDINATING:
        raise PermissionDeniedError(
            "Chỉ đơn vị phối hợp gửi thông tin tại đây; đơn vị chủ trì cập nhật qua việc cần làm của mình"
        )
    validate(COORDINATING_UPDATE, payload, message="Thông tin cập nhật không hợp lệ")
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
