"""VP corrects a dispatched assignment's a–e (Đ5.1.a–e, Đ6.1): content, deadline and its kind, lead and
coordinating units, tracking room and specialist, for a stated reason ("Lý do điều chỉnh").

Not P4 (processes/data_correction.bpmn), where VP asks the unit to fix the unit's own progress data (g–h):
here VP fixes what VP wrote. Everything follows in the caller's unit of work, as a Chairman's extension or
a calendar correction does: the row and its change history; a lead-unit change as a transfer
(engine.assignments.transfers), so the unit's scope and its open user tasks follow; a deadline change as a
DeadlineAdjustment, so reports as of an earlier date keep the old one, with the running instance's process
data and timers moved (engine.instances.rescheduling); and a notice to the unit (and the former lead unit).

`correct_assignment` with `dry_run` checks and plans only, so the page's preview lists exactly what the
real run then changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock, history
from engine.assignments import coordination
from engine.assignments.correction_plans import CORRECTION_IN, DEADLINE_FIELDS, Change, plan
from engine.assignments.models import (
    CONFIRMED,
    COORDINATING,
    Assignment,
    AssignmentCorrection,
    AssignmentUnit,
    DeadlineAdjustment,
)
from engine.assignments.operators.common import set_due, view
from engine.assignments.transfers import transfer_lead
from engine.auth.service import Principal
from engine.directory.models import Unit
from engine.directory.succession import release_claims
from engine.documents.models import Document
from engine.errors import ConflictError, NotFoundError, PermissionDeniedError
from engine.instances import service as instances
from engine.instances.models import ERROR, RUNNING, ProcessInstance
from engine.instances.rescheduling import reschedule
from engine.instances.service import Engine
from engine.notifications.operators import UNIT_GROUPS
from engine.notifications.writing import About, write
from engine.operators import StepContext
from engine.validation import validate
from engine.workdays import service as workdays
from engine.workdays.moves import ASSIGNMENT_CHANGED

# Who writes a–e (Đ6.1): VP's tracking specialists and leadership (administrators pass every check).
CORRECTORS = ("vp_specialist", "vp_leadership")
BASIS_PREFIX = "Văn phòng điều chỉnh thông tin: "  # a DeadlineAdjustment's basis, told from an extension
NOTICE_KIND = "assignment_corrected"


@dataclass(frozen=True)
class Outcome:
    """What a correction changed or, on a dry run, would change."""

    assignment: Assignment
    reason: str
    changes: list[Change]
    correction: AssignmentCorrection | None  # None on a dry run
    dry_run: bool

    @property
    def summary(self) -> str:
        """The changes in one line: "Thời hạn: 30/04/2025 → 15/05/2025; Đơn vị chủ trì: …"."""
        return "; ".join(f"{c.label}: {c.old_text} → {c.new_text}" for c in self.changes)

    def changed(self, *fields: str) -> bool:
        return any(c.field in fields for c in self.changes)

    def as_dict(self) -> dict[str, Any]:
        return {
            "assignment_id": self.assignment.id,
            "dry_run": self.dry_run,
            "reason": self.reason,
            "summary": self.summary,
            "changes": [c.as_dict() for c in self.changes],
            "correction_id": self.correction.id if self.correction else None,
        }


def correct_assignment(
    *,
    session: Session,
    engine: Engine,
    assignment_id: int,
    changes: dict[str, Any],
    reason: str,
    user: Principal,
    dry_run: bool = False,
) -> Outcome:
    """Correct the open assignment's a–e with `changes` (field -> new value; fields left out or equal to
    the current value stay) for `reason`. Bad input is a ValidationError naming each field; nothing is
    written on a dry run or on any refusal."""
    if not user.in_any(CORRECTORS):
        raise PermissionDeniedError(
            "Chỉ chuyên viên, lãnh đạo Văn phòng UBND tỉnh điều chỉnh thông tin nhiệm vụ",
            details={"roles": list(CORRECTORS)},
        )
    validate(CORRECTION_IN, {**changes, "reason": reason}, message="Thông tin điều chỉnh không hợp lệ")
    a = session.get(Assignment, assignment_id)
    if a is None:
        raise NotFoundError(f"no assignment {assignment_id}")
    if a.stage == CONFIRMED:
        raise ConflictError(
            "Nhiệm vụ đã được xác nhận hoàn thành: không điều chỉnh thông tin được nữa",
            details={"stage": a.stage},
        )
    now = clock.now()
    calendar = workdays.calendar(session=session, settings=engine.settings)
    found = plan(session, a, changes, reason, calendar.local_date(now))
    instance = _running_instance(session, a, lock=not dry_run)
    if dry_run:
        return Outcome(a, reason.strip(), found, None, True)
    ctx = StepContext(session, a.instance_id, "assignment", user.username, now, calendar, engine)
    old_lead = a.lead_unit_code
    with history.acting_as(user.username):
        outcome = _apply(ctx, a, Outcome(a, reason.strip(), found, None, False))
        session.flush()
    if instance is not None:
        data = view(ctx, a)
        changed = {"assignment": data, "watched": data}
        if outcome.changed("has_deadline") and not a.has_deadline:
            # The deadline timers still waiting cannot read a deadline that is gone; the signal below
            # ends them, and the watch, started again, reads the task as it is now.
            del changed["watched"]
        reschedule(
            session=session,
            engine=engine,
            instance=instance,
            changes=changed,
            actor=user.username,
            # The deadline watch restarts on the new deadline: a task given a deadline or rid of one
            # changes branch, and the reminder and urging follow the deadline now in force.
            signal=ASSIGNMENT_CHANGED if outcome.changed(*DEADLINE_FIELDS) else None,
            cause={"assignment_correction_id": outcome.correction.id},
            refresh_user_tasks=outcome.changed("lead_unit"),
        )
        if outcome.changed("lead_unit"):
            release_claims(session, instance.id, a.lead_unit_code, user.username, now)
    if a.instance_id is not None and outcome.changed("coordinating_units"):
        # A unit added as coordinating gets its own procedure (Đ9.2.b); one removed sees its procedure
        # end at its next check (engine/assignments/coordination.py).
        coordination.start_missing(session=session, engine=engine, assignment_id=a.id, actor=user.username)
    _notify(session, a, outcome, old_lead, now)
    session.flush()
    return outcome


def _running_instance(session: Session, a: Assignment, *, lock: bool) -> ProcessInstance | None:
    """The assignment's started, running instance (locked unless only planning), None if it has none to
    tell; an instance stopped by an incident is refused, since its timers could not follow the new data."""
    if a.instance_id is None:
        return None
    if lock:
        instance = instances.lock_or_raise(session=session, instance_id=a.instance_id)
    else:
        instance = session.get(ProcessInstance, a.instance_id)
    if instance.status == ERROR:
        raise ConflictError(
            "Quy trình của nhiệm vụ đang dừng do sự cố: đề nghị xử lý sự cố trước khi điều chỉnh thông tin",
            details={"instance_id": instance.id},
        )
    if instance.status != RUNNING or not instance.state:
        return None  # not started yet (it reads the assignment when it starts), or no longer running
    return instance


# ---- applying --------------------------------------------------------------------------------------------


def _apply(ctx: StepContext, a: Assignment, planned: Outcome) -> Outcome:
    session = ctx.session
    new = {c.field: c.new for c in planned.changes}
    basis = BASIS_PREFIX + planned.reason
    if "content" in new:
        a.content = new["content"]
    if "lead_unit" in new:
        transfer_lead(session, a, new["lead_unit"], reason=basis, actor=ctx.actor, now=ctx.now)
    if "coordinating_units" in new:
        _set_coordinating(session, a, new["coordinating_units"])
    if planned.changed(*DEADLINE_FIELDS):
        if new.get("has_deadline", a.has_deadline):  # a new date, given to a task with or without one
            set_due(ctx, a, date.fromisoformat(new["due_date"]), basis=basis)
        else:
            _drop_deadline(ctx, a, basis)
    if "deadline_kind" in new:
        a.deadline_kind = new["deadline_kind"]
    if a.deadline_kind in ("report", "submission"):
        a.must_report = True  # as classification demands of these kinds (forms/intake/classify.schema.json)
    for field in ("tracking_room", "tracking_specialist", "sector_code", "leader_code"):
        if field in new:
            setattr(a, field, new[field])
    correction = AssignmentCorrection(
        assignment_id=a.id,
        reason=planned.reason,
        summary=planned.summary,
        changes={c.field: [c.old, c.new] for c in planned.changes},
        corrected_by=ctx.actor,
        corrected_at=ctx.now,
    )
    session.add(correction)
    return Outcome(a, planned.reason, planned.changes, correction, False)


def _set_coordinating(session: Session, a: Assignment, codes: list[str]) -> None:
    """The coordinating rows become `codes`; the lead row (a promoted unit's too) stays."""
    rows = session.scalars(select(AssignmentUnit).where(AssignmentUnit.assignment_id == a.id))
    have = {row.unit_code: row for row in rows}
    for code, row in have.items():
        if row.role == COORDINATING and code not in codes:
            session.delete(row)
    session.add_all(
        AssignmentUnit(assignment_id=a.id, unit_code=code, role=COORDINATING)
        for code in codes
        if code not in have
    )


def _drop_deadline(ctx: StepContext, a: Assignment, basis: str) -> None:
    """The task has no deadline after all (Đ4.2): recorded like any change of deadline, so reports as of an
    earlier date keep the one that was in force then."""
    ctx.session.add(
        DeadlineAdjustment(
            assignment_id=a.id,
            old_due_date=a.due_date,
            old_effective_due_date=a.effective_due_date,
            new_due_date=None,
            new_effective_due_date=None,
            basis=basis,
            decided_by=ctx.actor,
            decided_at=ctx.now,
        )
    )
    a.has_deadline, a.due_date, a.effective_due_date, a.deadline_kind = False, None, None, None


def _notify(session: Session, a: Assignment, outcome: Outcome, old_lead: str, now: datetime) -> None:
    """The lead unit's leader and staff read what changed and why; a former lead unit, that the task
    left it."""
    number = session.scalar(select(Document.number).where(Document.id == a.document_id))
    subject = f"nhiệm vụ “{a.content}” (văn bản số {number})"
    messages = {
        a.lead_unit_code: (
            f"Văn phòng UBND tỉnh đã điều chỉnh thông tin {subject}: {outcome.summary}. "
            f"Lý do: {outcome.reason}"
        )
    }
    if old_lead != a.lead_unit_code:
        new_name = session.scalar(select(Unit.name).where(Unit.code == a.lead_unit_code))
        messages[old_lead] = (
            f"Văn phòng UBND tỉnh đã chuyển {subject} sang {new_name} chủ trì; đơn vị không còn chủ trì "
            f"nhiệm vụ này. Lý do: {outcome.reason}"
        )
    about = About(instance_id=a.instance_id, assignment_id=a.id, document_id=a.document_id)
    for unit, message in messages.items():
        for group in UNIT_GROUPS:
            write(session, kind=NOTICE_KIND, message=message, about=about, now=now, group=group, unit=unit)
