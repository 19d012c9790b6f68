"""Đ9.2.c, Đ26.2: inside a unit that leads or coordinates an assignment, its leader gives the work to one of
its officials with an internal deadline and instructions (Giao cán bộ xử lý). The official's user task is
claimed for them at once; a reminder goes to them and the leader on the internal deadline; their report is
kept on the internal task. Only that unit sees these rows: VP, the leadership and other units see the
unit's answer (its updates), never its internal steps."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.assignments import scope
from engine.assignments.models import CONFIRMED, Assignment, InternalTask
from engine.auth.models import User
from engine.auth.service import Principal
from engine.errors import NotFoundError, PermissionDeniedError, ValidationError
from engine.notifications.writing import About, write
from engine.operators import StepContext, operator
from engine.usertasks import service as usertasks
from engine.usertasks.models import READY, UserTaskRow
from engine.validation import validate

PROCESS_ID = "internal_task"
OPEN, DONE = "open", "done"
# Who may give a unit's work to one of its officials: its leader (the unit's own rules may widen this).
DELEGATORS = ("unit_leader",)
OFFICIAL_ROLES = frozenset({"unit_staff", "unit_leader"})
INTERNAL_TASK_IN = {
    "type": "object",
    "title": "Giao cán bộ xử lý",
    "additionalProperties": False,
    "required": ["assignee", "due_on", "instructions"],
    "properties": {
        "assignee": {"type": "string", "minLength": 1, "maxLength": 100, "title": "Cán bộ xử lý"},
        "due_on": {"type": "string", "format": "date", "title": "Hạn xử lý trong đơn vị"},
        "instructions": {"type": "string", "minLength": 1, "maxLength": 8000, "title": "Nội dung chỉ đạo"},
    },
}


def visible_to(session: Session, *, user: Principal, assignment_id: int) -> list[InternalTask]:
    """The internal tasks of `user`'s own unit on the assignment; nobody outside the unit sees any."""
    if user.unit_code is None:
        return []
    query = select(InternalTask).where(
        InternalTask.assignment_id == assignment_id, InternalTask.unit_code == user.unit_code
    )
    return list(session.scalars(query.order_by(InternalTask.id)))


def may_delegate(session: Session, *, user: Principal, assignment_id: int) -> bool:
    """Whether `user` leads a unit that leads or coordinates the assignment (the button's condition)."""
    return user.in_any(DELEGATORS) and scope.role_of(session, user, assignment_id) is not None


def officials(session: Session, *, unit_code: str) -> list[User]:
    """Active people of the unit who may be given the work, by full name."""
    query = select(User).where(User.unit_code == unit_code, User.active.is_(True))
    users = session.scalars(query.order_by(User.full_name, User.username))
    return [u for u in users if OFFICIAL_ROLES.intersection(u.roles or ())]


def create(
    session: Session,
    *,
    engine,
    user: Principal,
    assignment_id: int,
    payload: dict[str, Any],
    today: date,
    now,
) -> InternalTask:
    """Give the unit's part of the assignment to an official: the row, its process, its user task claimed
    for the official (who is notified)."""
    from engine.instances import service as instances  # the service imports the operator seam

    a = session.get(Assignment, assignment_id)
    if a is None:
        raise NotFoundError(f"no assignment {assignment_id}")
    if not may_delegate(session, user=user, assignment_id=assignment_id):
        raise PermissionDeniedError(
            "Chỉ lãnh đạo đơn vị chủ trì hoặc phối hợp thực hiện nhiệm vụ được giao cán bộ xử lý",
            details={"roles": list(DELEGATORS)},
        )
    validate(INTERNAL_TASK_IN, payload, message="Thông tin giao xử lý không hợp lệ")
    if a.stage == CONFIRMED:
        raise ValidationError(
            "Nhiệm vụ đã được xác nhận hoàn thành", fields={"assignment": "nhiệm vụ đã hoàn thành"}
        )
    due = date.fromisoformat(payload["due_on"])
    fields = {}
    if a.effective_due_date is not None and due > a.effective_due_date:
        fields["due_on"] = (
            f"Hạn xử lý trong đơn vị không được sau thời hạn của nhiệm vụ ({a.effective_due_date:%d/%m/%Y})"
        )
    elif due < today:
        fields["due_on"] = f"Hạn xử lý trong đơn vị không được trước ngày hôm nay ({today:%d/%m/%Y})"
    if payload["assignee"] not in {u.username for u in officials(session, unit_code=user.unit_code)}:
        fields["assignee"] = "Cán bộ xử lý phải là người đang làm việc tại đơn vị"
    if fields:
        raise ValidationError(next(iter(fields.values())), fields=fields)
    row = InternalTask(
        assignment_id=a.id,
        unit_code=user.unit_code,
        assignee=payload["assignee"],
        due_on=due,
        instructions=payload["instructions"].strip(),
        status=OPEN,
        created_by=user.username,
        created_at=now,
    )
    session.add(row)
    session.flush()
    instance = instances.start(
        session=session,
        engine=engine,
        process_id=PROCESS_ID,
        data={"internal_task_id": row.id},
        actor=user.username,
        business_key=f"internal_task:{row.id}",
    )
    row.instance_id = instance.id
    ready = session.scalar(
        select(UserTaskRow.id).where(UserTaskRow.instance_id == instance.id, UserTaskRow.state == READY)
    )
    if ready is not None:  # None only if a diagram version without the task was deployed
        usertasks.reassign(session=session, task_id=ready, assignee=row.assignee, user=user)
    session.flush()
    return row


def present(row: InternalTask) -> dict[str, Any]:
    """An internal task as the API shows it."""
    return {
        "id": row.id,
        "assignment_id": row.assignment_id,
        "unit_code": row.unit_code,
        "assignee": row.assignee,
        "due_on": row.due_on.isoformat(),
        "instructions": row.instructions,
        "status": row.status,
        "report": row.report,
        "created_by": row.created_by,
        "created_at": row.created_at.isoformat(),
        "done_at": row.done_at.isoformat() if row.done_at else None,
    }


# --- operators of processes/internal_task.bpmn -----------------------------------------------------------


@operator("load_internal_task", title="Tra cứu việc được giao trong đơn vị")
def load_internal_task(ctx: StepContext, *, internal_task_id: int) -> dict[str, Any]:
    """The internal task as its user task shows it, and when its deadline reminder goes out."""
    row = _row(ctx, internal_task_id)
    a = ctx.session.get(Assignment, row.assignment_id)
    leader = ctx.session.scalar(select(User.full_name).where(User.username == row.created_by))
    hour = ctx.engine.settings.reminder_hour
    return {
        "unit_code": row.unit_code,
        "content": a.content,
        "instructions": row.instructions,
        "leader_name": leader or row.created_by,
        "due_on": row.due_on.isoformat(),
        "remind_at": datetime.combine(row.due_on, time(hour), tzinfo=ctx.calendar.tz).isoformat(),
    }


@operator("remind_internal_task", title="Nhắc hạn xử lý trong đơn vị")
def remind_internal_task(ctx: StepContext, *, internal_task_id: int) -> bool:
    """On the internal deadline, tell the official and the leader who gave the work; False if done."""
    row = _row(ctx, internal_task_id)
    if row.status == DONE:
        return False
    a = ctx.session.get(Assignment, row.assignment_id)
    message = f"Hôm nay ({row.due_on:%d/%m/%Y}) là hạn xử lý trong đơn vị của nhiệm vụ «{a.content}»."
    about = About(ctx.instance_id, None, a.id, a.document_id)
    for username in dict.fromkeys((row.assignee, row.created_by)):
        write(ctx.session, kind="internal_task_due", message=message, about=about, now=ctx.now, user=username)
    return True


@operator("record_internal_report", title="Ghi báo cáo của cán bộ xử lý, báo lãnh đạo đơn vị")
def record_internal_report(ctx: StepContext, *, internal_task_id: int, report: str) -> str:
    """Keep the official's report on the internal task, mark it done, tell the leader; when."""
    row = _row(ctx, internal_task_id)
    row.report, row.status, row.done_at = report.strip(), DONE, ctx.now
    a = ctx.session.get(Assignment, row.assignment_id)
    official = ctx.session.scalar(select(User.full_name).where(User.username == row.assignee))
    message = f"{official or row.assignee} đã báo cáo kết quả xử lý trong đơn vị nhiệm vụ «{a.content}»."
    about = About(ctx.instance_id, None, a.id, a.document_id)
    write(
        ctx.session,
        kind="internal_task_reported",
        message=message,
        about=about,
        now=ctx.now,
        user=row.created_by,
    )
    ctx.session.flush()
    return ctx.now.isoformat()


def _row(ctx: StepContext, internal_task_id: int) -> InternalTask:
    row = ctx.session.get(InternalTask, internal_task_id)
    if row is None:
        raise NotFoundError(f"no internal task {internal_task_id}")
    return row
