"""Ending a unit (a merger, the 2025 reform): from the day after its last day its successor carries its
open assignments. Each lead moves as VP's transfer of a returned assignment does (one AssignmentTransfer
each, engine.assignments.transfers), and each running assignment process is told in the same unit of work,
so its open user task is offered to the successor's staff at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import history
from engine.assignments.models import CONFIRMED, COORDINATING, Assignment, AssignmentUnit
from engine.assignments.operators.common import view
from engine.assignments.transfers import hand_over_coordination, transfer_lead
from engine.auth.models import User
from engine.directory.checks import inactive_message
from engine.directory.models import Unit
from engine.directory.units import get_or_raise
from engine.errors import ConflictError, ValidationError
from engine.instances import service as instances
from engine.instances.models import RUNNING, InstanceEvent
from engine.instances.rescheduling import reschedule
from engine.instances.service import Engine
from engine.operators import StepContext
from engine.usertasks.models import READY, UserTaskRow
from engine.workdays import service as workdays


@dataclass(frozen=True)
class Ending:
    """What ending a unit did: the assignments whose lead moved, those whose coordination moved."""

    unit: Unit
    successor: Unit
    led: list[int] = field(default_factory=list)
    coordinated: list[int] = field(default_factory=list)

    @property
    def handed_over(self) -> str:
        """What the successor took over, in words: "3 nhiệm vụ chủ trì và 1 nhiệm vụ phối hợp"."""
        parts = [
            f"{len(ids)} nhiệm vụ {role}"
            for ids, role in ((self.led, "chủ trì"), (self.coordinated, "phối hợp"))
            if ids
        ]
        return " và ".join(parts) or "không có nhiệm vụ đang thực hiện nào"


def end_unit(
    *,
    session: Session,
    engine: Engine,
    code: str,
    last_day: date,
    successor_code: str,
    actor: str | None,
    now: datetime,
    today: date,
) -> Ending:
    """End `code` after `last_day` (today at the latest) and give its open assignments to the successor."""
    unit = get_or_raise(session=session, code=code)
    successor = session.get(Unit, successor_code) if successor_code else None
    _check(unit, successor, last_day, today)
    reason = (
        f"{unit.name} kết thúc hoạt động từ ngày {last_day + timedelta(days=1):%d/%m/%Y}; "
        f"{successor.name} kế thừa nhiệm vụ đang thực hiện"
    )
    open_ = Assignment.stage != CONFIRMED
    led = list(session.scalars(select(Assignment).where(Assignment.lead_unit_code == code, open_)))
    coordinated = list(
        session.scalars(
            select(AssignmentUnit.assignment_id)
            .join(Assignment, Assignment.id == AssignmentUnit.assignment_id)
            .where(AssignmentUnit.unit_code == code, AssignmentUnit.role == COORDINATING, open_)
        )
    )
    with history.acting_as(actor):
        unit.active_to, unit.successor_code = last_day, successor.code
        for a in led:
            transfer_lead(session, a, successor.code, reason=reason, actor=actor, now=now)
        for assignment_id in coordinated:
            hand_over_coordination(session, assignment_id, code, successor.code)
        session.flush()
    calendar = workdays.calendar(session=session, settings=engine.settings)
    for a in sorted(led, key=lambda a: a.instance_id or 0):
        if a.instance_id is None:
            continue
        instance = instances.lock_or_raise(session=session, instance_id=a.instance_id)
        if instance.status != RUNNING:
            continue
        ctx = StepContext(session, instance.id, instance.process_id, actor, now, calendar, engine)
        data = view(ctx, a)
        reschedule(
            session=session,
            engine=engine,
            instance=instance,
            changes={"assignment": data, "watched": data},
            actor=actor,
            cause={"unit_ended": code, "successor": successor.code},
            refresh_user_tasks=True,
        )
        release_claims(session, instance.id, successor.code, actor, now)
    session.flush()
    return Ending(unit, successor, [a.id for a in led], coordinated)


def _check(unit: Unit, successor: Unit | None, last_day: date, today: date) -> None:
    if successor is None:
        raise ValidationError(
            "Chọn đơn vị kế thừa trong danh mục", fields={"successor_code": "không có đơn vị này"}
        )
    if successor.code == unit.code:
        raise ValidationError(
            "Đơn vị kế thừa phải là một đơn vị khác", fields={"successor_code": "trùng đơn vị kết thúc"}
        )
    if last_day > today:
        raise ValidationError(
            "Ngày kết thúc không được sau hôm nay: nhập việc kết thúc vào ngày đó",
            fields={"active_to": f"chậm nhất {today:%d/%m/%Y}"},
        )
    if unit.active_from is not None and last_day < unit.active_from:
        raise ValidationError(
            "Ngày kết thúc trước ngày bắt đầu hoạt động",
            fields={"active_to": f"từ {unit.active_from:%d/%m/%Y}"},
        )
    if unit.successor_code is not None or (unit.active_to is not None and unit.active_to < today):
        raise ConflictError(f"đơn vị {unit.code} đã kết thúc hoạt động ngày {unit.active_to:%d/%m/%Y}")
    if message := inactive_message(successor, today):
        raise ValidationError(message, fields={"successor_code": message})


def release_claims(
    session: Session, instance_id: int, unit_code: str, actor: str | None, now: datetime
) -> None:
    """A ready user task now offered to `unit_code` but claimed by someone outside it (of the unit that had
    the assignment before: an ended unit, or a lead unit VP corrected) goes back to the unit's staff."""
    rows = session.scalars(
        select(UserTaskRow)
        .join(User, User.username == UserTaskRow.assignee)
        .where(
            UserTaskRow.instance_id == instance_id,
            UserTaskRow.state == READY,
            UserTaskRow.unit_code == unit_code,
            User.unit_code.is_distinct_from(unit_code),
        )
    )
    for row in rows:
        session.add(
            InstanceEvent(
                instance_id=instance_id,
                at=now,
                actor=actor,
                kind="user_task_unclaimed",
                bpmn_id=row.bpmn_id,
                element_name=row.name,
                task_id=row.id,
                data={"assignee": {"old": row.assignee, "new": None}},
            )
        )
        row.assignee = None
