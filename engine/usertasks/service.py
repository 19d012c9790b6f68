"""User tasks: the inbox, claim and unclaim, completion with data validated against its form."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine import clock
from engine.auth.service import Principal
from engine.definitions.models import ProcessDefinition
from engine.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    TaskNotReadyError,
    ValidationError,
)
from engine.instances import service as instances
from engine.instances.models import InstanceEvent, ProcessInstance
from engine.usertasks.models import COMPLETED, READY, UserTaskGroup, UserTaskRow
from engine.validation import validate


def inbox(
    *,
    session: Session,
    user: Principal,
    process_id: str | None = None,
    assigned: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[UserTaskRow]:
    """READY user tasks the user may act on: one of their groups, their unit (or none), not claimed by
    someone else. `assigned`: "me" (claimed by the user) or "unassigned"."""
    query = select(UserTaskRow).where(UserTaskRow.state == READY)
    if not user.is_admin:
        in_groups = select(UserTaskGroup.user_task_id).where(UserTaskGroup.group_name.in_(sorted(user.roles)))
        query = query.where(
            UserTaskRow.id.in_(in_groups),
            or_(UserTaskRow.unit_code.is_(None), UserTaskRow.unit_code == user.unit_code),
            or_(UserTaskRow.assignee.is_(None), UserTaskRow.assignee == user.username),
        )
    if process_id:
        query = query.where(UserTaskRow.process_id == process_id)
    if assigned == "me":
        query = query.where(UserTaskRow.assignee == user.username)
    elif assigned == "unassigned":
        query = query.where(UserTaskRow.assignee.is_(None))
    query = query.order_by(UserTaskRow.due_at.is_(None), UserTaskRow.due_at, UserTaskRow.created_at)
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
    """A user task is visible to its candidate groups (in its unit) and to admins and monitors."""
    if user.is_admin or "monitor" in user.roles:
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
    if "monitor" in user.roles and not user.is_admin and not user.roles.intersection(row.candidate_groups):
        raise PermissionDeniedError("monitors watch user tasks; they do not complete them")
    if row.assignee and row.assignee != user.username and not user.is_admin:
        raise PermissionDeniedError(f"user task '{row.name}' is claimed by {row.assignee}")


def form_schema(*, session: Session, row: UserTaskRow, ui: bool = False) -> dict | None:
    """The JSON schema (or UI schema) of the task's form, as deployed with the instance's version."""
    name = row.ui_form if ui else row.form
    if not name:
        return None
    definition = session.scalar(
        select(ProcessDefinition)
        .join(ProcessInstance, ProcessInstance.definition_id == ProcessDefinition.id)
        .where(ProcessInstance.id == row.instance_id)
    )
    return (definition.forms or {}).get(name) if definition else None


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
    validate_form(form_schema(session=session, row=row), data)
    instances.require_running(instance)
    now = clock.now()
    row.state, row.completed_at, row.completed_by, row.submitted = COMPLETED, now, user.username, data
    instances.complete_user_task(
        session=session, engine=engine, instance=instance, task_id=task_id, data=data, actor=user.username
    )
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
