"""Đ9.2.b: each coordinating unit of an assignment has its own `coordination` process: it sends its
contribution (ý kiến phối hợp) to the lead unit, is reminded before the lead unit's deadline and on it, and
its process ends when the assignment ends.

How the process ends without orphans: the diagram runs two branches. One holds the user task; the other is a
timer loop that wakes on the reminder day, on the deadline day and otherwise every CHECK_EVERY working days,
and each time reads the assignment: once the assignment's process is over (VP confirmed completion, or the
instance ended some other way) or the unit no longer coordinates, a terminate end event closes the whole
coordination instance, its open user task included. A check is one read per instance and week, and needs
nothing from the assignment diagram (no message to correlate, nothing to cancel from outside); its cost is
that an open user task may outlive its assignment by at most CHECK_EVERY working days."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.assignments import service
from engine.assignments.models import CONFIRMED, COORDINATING, AssignmentUnit, StatusUpdate
from engine.assignments.operators.common import get_assignment, view
from engine.auth import service as auth
from engine.directory.models import Unit
from engine.instances.models import ERROR, RUNNING, ProcessInstance
from engine.notifications.writing import About, write
from engine.operators import StepContext, operator
from engine.reminders.schedule import reminder_day

PROCESS_ID = "coordination"
CHECK_EVERY = 5  # working days between two looks at the assignment when no reminder is nearer
CONTRIBUTION_SENT = "coordination_contribution"
REMINDER = "coordination_reminder"


def business_key(assignment_id: int, unit_code: str) -> str:
    """The key of a unit's coordination instance: one per assignment and coordinating unit."""
    return f"{PROCESS_ID}:{assignment_id}:{unit_code}"


def start_missing(*, session: Session, engine, assignment_id: int, actor: str | None) -> list[int]:
    """Start, deferred (after the calling unit of work), a coordination process for each coordinating unit
    of the assignment that has none running; the new instances' ids."""
    from engine.instances import service as instances  # the service imports the operator seam

    codes = session.scalars(
        select(AssignmentUnit.unit_code)
        .where(AssignmentUnit.assignment_id == assignment_id, AssignmentUnit.role == COORDINATING)
        .order_by(AssignmentUnit.unit_code)
    )
    started = []
    for code in codes:
        key = business_key(assignment_id, code)
        running = session.scalar(
            select(ProcessInstance.id).where(
                ProcessInstance.business_key == key, ProcessInstance.status.in_((RUNNING, ERROR))
            )
        )
        if running is None:
            data = {"assignment_id": assignment_id, "coordinating_unit": code}
            instance = instances.start(
                session=session,
                engine=engine,
                process_id=PROCESS_ID,
                data=data,
                actor=actor,
                business_key=key,
                deferred=True,
            )
            started.append(instance.id)
    return started


def end_for_new_lead(*, session: Session, assignment_id: int, unit_code: str, actor: str | None) -> None:
    """Cancel the coordination process of a unit that has just become the lead unit (Đ6.2.a): its
    contribution task could no longer be completed, and its loop would only end it at its next check."""
    from engine.instances import operations
    from engine.instances import service as instances

    ids = session.scalars(
        select(ProcessInstance.id).where(
            ProcessInstance.business_key == business_key(assignment_id, unit_code),
            ProcessInstance.status.in_((RUNNING, ERROR)),
        )
    )
    for instance_id in list(ids):
        instance = instances.lock_or_raise(session=session, instance_id=instance_id)
        session.refresh(instance)  # the row as its last step left it, now that it is locked
        if instance.status in (RUNNING, ERROR):
            reason = "Đơn vị được giao chủ trì nhiệm vụ, không còn là đơn vị phối hợp"
            operations.cancel(session=session, instance=instance, reason=reason, actor=actor)


@operator("load_coordination", title="Tra cứu nhiệm vụ cho đơn vị phối hợp")
def load_coordination(ctx: StepContext, *, assignment_id: int, unit_code: str) -> dict[str, Any]:
    """The assignment as the coordinating unit's task shows it, with the unit's name."""
    a = get_assignment(ctx, assignment_id)
    unit = ctx.session.get(Unit, unit_code)
    return view(ctx, a, unit_name=unit.name if unit else unit_code)


@operator("next_coordination_check", title="Xác định lần kiểm tra, nhắc đơn vị phối hợp tiếp theo")
def next_coordination_check(ctx: StepContext, *, assignment_id: int, unit_code: str) -> dict[str, Any]:
    """When the loop next wakes ("at", local reminder hour of a working day) and whether it then reminds
    the unit ("before" the lead unit's deadline, on the "due" day, or None: only a look at the stage)."""
    a = get_assignment(ctx, assignment_id)
    calendar, settings = ctx.calendar, ctx.engine.settings
    today = calendar.local_date(ctx.now)
    day, remind = calendar.add_working_days(today, CHECK_EVERY), None
    if a.effective_due_date is not None:
        before = reminder_day(calendar, a.effective_due_date, settings.coordination_lead_days)
        on_due = reminder_day(calendar, a.effective_due_date, 0)
        for candidate, kind in ((on_due, "due"), (before, "before")):
            if today < candidate <= day or (candidate == today and _hour(ctx) < settings.reminder_hour):
                day, remind = candidate, kind
    at = datetime.combine(day, time(settings.reminder_hour), tzinfo=calendar.tz)
    return {"at": at.isoformat(), "remind": remind}


@operator("check_coordination", title="Kiểm tra nhiệm vụ, nhắc đơn vị phối hợp")
def check_coordination(
    ctx: StepContext, *, assignment_id: int, unit_code: str, remind: str | None = None
) -> bool:
    """True when the coordination is over (the assignment's process ended, or the unit no longer
    coordinates); else remind the unit if this wake-up is a reminder and it has sent nothing yet."""
    a = get_assignment(ctx, assignment_id)
    if _over(ctx.session, a, unit_code):
        return True
    if remind and not _contributed(ctx.session, assignment_id, unit_code):
        lead = ctx.session.get(Unit, a.lead_unit_code)
        due = a.effective_due_date
        when = (
            f"còn {ctx.engine.settings.coordination_lead_days} ngày làm việc đến thời hạn"
            if remind == "before"
            else "hôm nay là thời hạn"
        )
        message = (
            f"Nhiệm vụ «{a.content}» do {lead.name} chủ trì {when} ({due:%d/%m/%Y}). Đề nghị đơn vị gửi "
            f"ý kiến phối hợp cho đơn vị chủ trì (điểm b khoản 2 Điều 9)."
        )
        _notify_unit(ctx, a, unit_code, REMINDER, message)
    return False


@operator("record_coordination", title="Ghi ý kiến phối hợp và báo đơn vị chủ trì")
def record_coordination(
    ctx: StepContext,
    *,
    assignment_id: int,
    unit_code: str,
    situation: str,
    difficulties: str | None = None,
    proposals: str | None = None,
    attachments: list | None = None,
) -> int:
    """Store the contribution as a coordinating update (the same row the API writes), tell the lead
    unit; the update's id."""
    user = auth.principal(auth.get_user_or_raise(session=ctx.session, username=ctx.actor))
    payload = {"situation": situation, "difficulties": difficulties or None, "proposals": proposals or None}
    # The form's files were checked against this user task when it was completed (engine/files), so the
    # update takes their metadata as the task left them rather than checking them again.
    update = service.add_coordinating_update(
        ctx.session,
        user=user,
        assignment_id=assignment_id,
        payload=payload,
        now=ctx.now,
        checked_files=list(attachments or []),
    )
    a = get_assignment(ctx, assignment_id)
    unit = ctx.session.get(Unit, unit_code)
    message = f"{unit.name} đã gửi ý kiến phối hợp về nhiệm vụ «{a.content}»."
    _notify_unit(ctx, a, a.lead_unit_code, CONTRIBUTION_SENT, message)
    return update.id


def _over(session: Session, a, unit_code: str) -> bool:
    if a.stage == CONFIRMED:
        return True
    instance = session.get(ProcessInstance, a.instance_id) if a.instance_id else None
    if instance is not None and instance.status not in (RUNNING, ERROR):
        return True
    role = session.scalar(
        select(AssignmentUnit.role).where(
            AssignmentUnit.assignment_id == a.id, AssignmentUnit.unit_code == unit_code
        )
    )
    return role != COORDINATING


def _contributed(session: Session, assignment_id: int, unit_code: str) -> bool:
    found = session.scalar(
        select(StatusUpdate.id)
        .where(
            StatusUpdate.assignment_id == assignment_id,
            StatusUpdate.unit_code == unit_code,
            StatusUpdate.role == COORDINATING,
        )
        .limit(1)
    )
    return found is not None


def _notify_unit(ctx: StepContext, a, unit_code: str, kind: str, message: str) -> None:
    """The unit's leader and staff, the notice leading to the assignment."""
    about = About(ctx.instance_id, None, a.id, a.document_id)
    for group in ("unit_leader", "unit_staff"):
        write(ctx.session, kind=kind, message=message, about=about, now=ctx.now, group=group, unit=unit_code)


def _hour(ctx: StepContext) -> int:
    return ctx.now.astimezone(ctx.calendar.tz).hour
