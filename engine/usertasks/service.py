"""User tasks: the inbox, claim and unclaim, completion with data validated against its form."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.auth.models import User
from engine.auth.service import Principal
from engine.definitions.models import ProcessDefinition
from engine.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    TaskNotReadyError,
    ValidationError,
)
from engine.files import binding as files
from engine.instances import service as instances
from engine.instances.models import InstanceEvent, ProcessInstance
from engine.notifications import reads
from engine.notifications.kinds import USER_TASK_ASSIGNED, USER_TASK_TAKEN_OVER
from engine.notifications.writing import about_instance, write
from engine.search.sql import DEFAULT_SORT, Sort
from engine.usertasks import inbox as inbox_list
from engine.usertasks.models import COMPLETED, READY, VP_GROUPS, UserTaskRow
from engine.validation import validate


def inbox(
    *,
    session: Session,
    user: Principal,
    process_id: str | None = None,
    assigned: str | None = None,
    limit: int = 100,
    offset: int = 0,
    view: str | None = None,
    words: Sequence[str] = (),
    windows: inbox_list.DueWindows | None = None,
    sort: Sort = DEFAULT_SORT,
) -> list[UserTaskRow]:
    """READY user tasks the user may act on: one of their groups, their unit (or none), not claimed by
    someone else. `assigned`: "me" (claimed by the user) or "unassigned"; `view`: a tab of
    engine.usertasks.inbox (the deadline tabs need `windows`); `words`: folded search words."""
    filters = inbox_list.InboxFilters(
        view=view or inbox_list.ASSIGNED.get(assigned or ""), process_id=process_id, words=words
    )
    query = inbox_list.query(session, user=user, filters=filters, windows=windows, sort=sort)
    return list(session.scalars(query.limit(limit).offset(offset)))


def of_instance(*, session: Session, instance_id: int) -> list[UserTaskRow]:
    """Every user task an instance has had, open and closed, oldest first."""
    query = select(UserTaskRow).where(UserTaskRow.instance_id == instance_id).order_by(UserTaskRow.created_at)
    return list(session.scalars(query))


def get_or_raise(*, session: Session, task_id: str) -> UserTaskRow:
    row = session.get(UserTaskRow, task_id)
    if row is None:
        raise NotFoundError(f"no user task {task_id}")
    return row


def check_can_see(row: UserTaskRow, user: Principal) -> None:
    """A user task is visible to its candidate groups (in its unit), to the leader who may give it to
    someone else (may_reassign), and to admins and monitors."""
    if user.is_admin or "monitor" in user.roles or may_reassign(row, user):
        return
    if not user.roles.intersection(row.candidate_groups) or (
        row.unit_code and row.unit_code != user.unit_code
    ):
        raise PermissionDeniedError(
            f"user task '{row.name}' belongs to {', '.join(row.candidate_groups) or 'no group'}"
            + (f" of unit {row.unit_code}" if row.unit_code else "")
        )


def check_can_act(row: UserTaskRow, user: Principal) -> None:
    check_can_see(row, user)
    # Monitors, and leaders who see a user task only to give it to someone, do not complete it.
    if not user.is_admin and not user.roles.intersection(row.candidate_groups):
        if "monitor" in user.roles:
            raise PermissionDeniedError("monitors watch user tasks; they do not complete them")
        raise PermissionDeniedError(
            f"user task '{row.name}' belongs to {', '.join(row.candidate_groups) or 'no group'}"
        )
    if row.assignee and row.assignee != user.username and not user.is_admin:
        raise PermissionDeniedError(f"user task '{row.name}' is claimed by {row.assignee}")


def form_schema(*, session: Session, row: UserTaskRow, ui: bool = False) -> dict | None:
    """The JSON schema (or UI schema) of the task's form, as deployed with the instance's version."""
    name = row.ui_form if ui else row.form
    if not name:
        return None
    forms = session.scalar(  # the forms only: not the diagram's XML, which can weigh 65 KB
        select(ProcessDefinition.forms)
        .join(ProcessInstance, ProcessInstance.definition_id == ProcessDefinition.id)
        .where(ProcessInstance.id == row.instance_id)
    )
    return (forms or {}).get(name)


def form_data(*, session: Session, engine: instances.Engine, row: UserTaskRow) -> dict[str, Any]:
    """The process data a READY user task's form is filled from; nothing once it is closed."""
    if row.state != READY:
        return row.submitted or {}
    instance = instances.get_or_raise(session=session, instance_id=row.instance_id)
    return engine.runtime.restore(instance.state).task_data(row.id)


def claim(*, session: Session, task_id: str, user: Principal) -> UserTaskRow:
    """Take a user task so that it leaves the others' inboxes."""
    row, _ = _lock_ready(session, task_id)
    check_can_act(row, user)
    if row.assignee == user.username:
        return row
    return _assign(session, row, user.username, user, "user_task_claimed")


def unclaim(*, session: Session, task_id: str, user: Principal) -> UserTaskRow:
    """Give a claimed user task back to its groups."""
    row, _ = _lock_ready(session, task_id)
    check_can_act(row, user)
    if row.assignee is None:
        raise ConflictError(f"user task '{row.name}' is not claimed")
    return _assign(session, row, None, user, "user_task_unclaimed")


def may_reassign(row: UserTaskRow, user: Principal) -> bool:
    """Whether `user` may give `row` to someone else: the leader of the unit it belongs to; for VP's own
    user tasks (no unit, VP's groups only), VP's leadership; admins."""
    if user.is_admin:
        return True
    if row.unit_code is not None:
        return "unit_leader" in user.roles and user.unit_code == row.unit_code
    groups = set(row.candidate_groups)
    return "vp_leadership" in user.roles and bool(groups) and groups <= VP_GROUPS


def assignees(*, session: Session, row: UserTaskRow, user: Principal) -> list[User]:
    """Who `user` may give `row` to: active people of its unit (for VP's user tasks, of the leader's unit)
    in one of its candidate groups, by full name."""
    unit = row.unit_code or user.unit_code
    query = select(User).where(User.active.is_(True)).order_by(User.full_name, User.username)
    if unit is not None:
        query = query.where(User.unit_code == unit)
    # roles is a JSON list, read here rather than in SQL so that SQLite and PostgreSQL read it alike.
    return [u for u in session.scalars(query) if set(u.roles or ()).intersection(row.candidate_groups)]


def reassign(*, session: Session, task_id: str, assignee: str, user: Principal) -> UserTaskRow:
    """A leader gives a ready user task, claimed or not, to `assignee` (see may_reassign and assignees);
    the new assignee is notified, and whoever had claimed it is told."""
    row, _ = _lock_ready(session, task_id)
    if not may_reassign(row, user):
        raise PermissionDeniedError(
            "Chỉ lãnh đạo đơn vị có công việc này (lãnh đạo Văn phòng với công việc của Văn phòng) "
            "được giao công việc cho người khác"
        )
    target = next((u for u in assignees(session=session, row=row, user=user) if u.username == assignee), None)
    if target is None:
        problem = (
            "Người được giao phải là người đang hoạt động của đơn vị, thuộc nhóm xử lý công việc "
            f"“{row.name}”"
        )
        raise ValidationError(problem, fields={"user": problem})
    previous = row.assignee
    if previous == target.username:
        return row
    _assign(session, row, target.username, user, "user_task_assigned")
    now = clock.now()
    about = about_instance(session, row.instance_id, task_id=row.id)
    what = f"“{row.name}”" + (f" ({row.subject})" if row.subject else "")
    message = f"{user.full_name} giao cho bạn xử lý công việc {what}."
    write(session, kind=USER_TASK_ASSIGNED, message=message, about=about, now=now, user=target.username)
    if previous is not None and previous != user.username:
        message = f"{user.full_name} đã giao công việc {what} cho {target.full_name} xử lý thay bạn."
        write(session, kind=USER_TASK_TAKEN_OVER, message=message, about=about, now=now, user=previous)
    return row


def complete(
    *, session: Session, engine: instances.Engine, task_id: str, data: dict[str, Any], user: Principal
) -> UserTaskRow:
    """Validate `data` against the task's form, complete it, and run the process to its next wait state."""
    row, instance = _lock_ready(session, task_id)
    check_can_act(row, user)
    if not isinstance(data, dict):
        raise ValidationError(
            "Dữ liệu biểu mẫu phải là một đối tượng JSON", fields={"": "expected an object"}
        )
    schema = form_schema(session=session, row=row)
    validate_form(schema, data)
    # Every file the form names must be this user's upload for this user task; the form keeps the
    # server's name, size, type and SHA-256 of it, not the browser's (engine.files.binding).
    data = files.attach_task_files(
        session=session, schema=schema, data=data, task_id=row.id, username=user.username, now=clock.now()
    )
    instances.require_running(instance)
    now = clock.now()
    row.state, row.completed_at, row.completed_by, row.submitted = COMPLETED, now, user.username, data
    instances.complete_user_task(
        session=session, engine=engine, instance=instance, task_id=task_id, data=data, actor=user.username
    )
    reads.mark_task_done(session=session, user=user, task_id=task_id, instance_id=row.instance_id, now=now)
    return row


def validate_form(schema: dict | None, data: dict[str, Any]) -> None:
    """Refuse data that fails its form, naming every bad field."""
    if schema is not None:
        validate(schema, data, message="Dữ liệu biểu mẫu không hợp lệ")


def _lock_ready(session: Session, task_id: str) -> tuple[UserTaskRow, ProcessInstance]:
    """The READY user task and its instance, locked: concurrent completions queue here, and the loser
    sees the row closed (409) instead of running the step twice."""
    row = get_or_raise(session=session, task_id=task_id)
    instance = instances.lock_or_raise(session=session, instance_id=row.instance_id)
    if session.get_bind().dialect.name != "sqlite":
        session.refresh(row)  # what another transaction committed before our lock (SQLite locked at BEGIN)
    if row.state != READY:
        raise TaskNotReadyError(f"user task '{row.name}' is {row.state}, no longer ready")
    return row, instance


def _assign(
    session: Session, row: UserTaskRow, assignee: str | None, user: Principal, kind: str
) -> UserTaskRow:
    previous, row.assignee = row.assignee, assignee
    session.add(
        InstanceEvent(
            instance_id=row.instance_id,
            at=clock.now(),
            actor=user.username,
            kind=kind,
            bpmn_id=row.bpmn_id,
            element_name=row.name,
            task_id=row.id,
            data={"assignee": {"old": previous, "new": assignee}},
        )
    )
    session.flush()
    return row
