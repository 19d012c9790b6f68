"""Saving an instance: its state, the waiting-timer and ready-user-task indexes derived from it, and
the event log, all in the caller's transaction."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import operators
from engine.bpmn.records import Snapshot, StepRecord
from engine.bpmn.runtime import Execution
from engine.instances.models import COMPLETED, InstanceEvent, ProcessInstance, WaitingTimer
from engine.search import texts
from engine.usertasks.models import CANCELLED, READY, UserTaskGroup, UserTaskRow


def save(
    session: Session,
    instance: ProcessInstance,
    execution: Execution,
    actor: str | None,
    now: datetime,
    completed_task_id: str | None = None,
    refresh_user_tasks: bool = False,
    first: bool = False,
) -> None:
    """Write the state and rewrite its indexes and the event log in this transaction (Core executemany
    statements, not ORM units of work: this runs on every step of every instance). `refresh_user_tasks`
    also rewrites what the diagram says of each open user task (name, groups, unit, form): after the
    instance moved to another version of its diagram. `first`: the first save of an instance created in
    this transaction, which has no indexed timers or user tasks to replace yet."""
    snapshot = execution.snapshot()
    instance.state = snapshot.state
    instance.updated_at = now
    if snapshot.completed:
        instance.status, instance.ended_at, instance.data = COMPLETED, now, snapshot.data
    journal = _Journal(instance.id, now)
    for step in snapshot.steps:
        journal.step(step, actor if step.task_id == completed_task_id else None)
    rewrite_timers(session, instance, snapshot, first=first)
    _rewrite_user_tasks(
        session, instance, snapshot, now, operators.current().calendar, journal, refresh_user_tasks, first
    )
    if snapshot.completed:
        journal.add("instance_completed", actor=actor)
    session.flush()  # a lost optimistic lock raises here: instances.service turns it into StaleInstanceError
    journal.write(session)


class _Journal:
    """The event-log rows of one save, inserted in one statement."""

    def __init__(self, instance_id: int, now: datetime) -> None:
        self.instance_id, self.now, self.rows = instance_id, now, []

    def add(self, kind: str, *, actor=None, bpmn_id=None, task_id=None, name=None, data=None) -> None:
        self.rows.append(
            {
                "instance_id": self.instance_id,
                "at": self.now,
                "actor": actor,
                "kind": kind,
                "bpmn_id": bpmn_id,
                "element_name": name,
                "task_id": task_id,
                "data": data or {},
            }
        )

    def step(self, step: StepRecord, actor: str | None) -> None:
        data = {
            "changed": step.data_changes,
            **({"removed": list(step.data_removed)} if step.data_removed else {}),
        }
        self.add(
            _event_kind(step),
            actor=actor,
            bpmn_id=step.bpmn_id,
            task_id=step.task_id,
            name=step.name,
            data=data,
        )

    def write(self, session: Session) -> None:
        if self.rows:
            session.execute(InstanceEvent.__table__.insert(), self.rows)


# session.info key: the earliest timer a transaction wrote, so that the timer loop wakes after its commit.
EARLIEST_TIMER = "theodoi_earliest_timer"


def note_timer(session: Session, fire_at: datetime) -> None:
    """Remember that this transaction indexed a timer due at `fire_at`."""
    earliest = session.info.get(EARLIEST_TIMER)
    session.info[EARLIEST_TIMER] = fire_at if earliest is None else min(earliest, fire_at)


def drop_timers(session: Session, instance_id: int) -> None:
    """Take the instance's timers out of the sweep's index (an incident, a cancellation)."""
    session.execute(WaitingTimer.__table__.delete().where(WaitingTimer.instance_id == instance_id))


def rewrite_timers(
    session: Session, instance: ProcessInstance, snapshot: Snapshot, first: bool = False
) -> None:
    if not first:
        drop_timers(session, instance.id)
    if snapshot.timers:
        note_timer(session, min(t.fire_at for t in snapshot.timers))
        session.execute(
            WaitingTimer.__table__.insert(),
            [
                {
                    "task_id": t.task_id,
                    "instance_id": instance.id,
                    "bpmn_id": t.bpmn_id,
                    "name": t.name,
                    "fire_at": t.fire_at,
                }
                for t in snapshot.timers
            ],
        )


def _rewrite_user_tasks(
    session: Session,
    instance: ProcessInstance,
    snapshot: Snapshot,
    now: datetime,
    calendar,
    journal: _Journal,
    refresh: bool = False,
    first: bool = False,
) -> None:
    query = select(UserTaskRow).where(UserTaskRow.instance_id == instance.id, UserTaskRow.state == READY)
    open_rows = {} if first else {row.id: row for row in session.scalars(query)}
    ready = {t.task_id: t for t in snapshot.user_tasks}
    for task_id, row in open_rows.items():
        if task_id not in ready:  # completed rows were closed by usertasks; anything else was cancelled
            row.state, row.completed_at = CANCELLED, now
            journal.add("user_task_cancelled", bpmn_id=row.bpmn_id, task_id=row.id, name=row.name)
    new_rows, new_groups = [], []
    for task_id, info in ready.items():
        due_at = _due_instant(info.due, calendar)
        row = open_rows.get(task_id)
        if row is not None:
            reworded = refresh or row.subject != info.subject
            row.due_at, row.subject, row.instructions = due_at, info.subject, info.instructions
            if refresh:
                _refresh(session, row, info)
            if reworded:  # only then: search_text is not loaded, so setting it always writes
                row.search_text = texts.user_task_text(name=row.name, subject=row.subject)
            continue
        new_rows.append(
            {
                "id": task_id,
                "instance_id": instance.id,
                "process_id": info.process_id,
                "bpmn_id": info.bpmn_id,
                "name": info.name,
                "lane": info.lane,
                "candidate_groups": list(info.candidate_groups),
                "unit_code": info.candidate_unit,
                "form": info.form,
                "ui_form": info.ui_form,
                "subject": info.subject,
                "instructions": info.instructions,
                "search_text": texts.user_task_text(name=info.name, subject=info.subject),
                "due_at": due_at,
                "state": READY,
                "created_at": now,
            }
        )
        new_groups += [{"user_task_id": task_id, "group_name": g} for g in info.candidate_groups]
        journal.add(
            "user_task_created",
            bpmn_id=info.bpmn_id,
            task_id=task_id,
            name=info.name,
            data={
                "candidate_groups": list(info.candidate_groups),
                "due_at": due_at.isoformat() if due_at else None,
            },
        )
    if new_rows:
        session.execute(UserTaskRow.__table__.insert(), new_rows)
    if new_groups:
        session.execute(UserTaskGroup.__table__.insert(), new_groups)


def _refresh(session: Session, row: UserTaskRow, info) -> None:
    row.name, row.lane, row.unit_code = info.name, info.lane, info.candidate_unit
    row.form, row.ui_form = info.form, info.ui_form
    if list(row.candidate_groups) != list(info.candidate_groups):
        row.candidate_groups = list(info.candidate_groups)
        session.execute(UserTaskGroup.__table__.delete().where(UserTaskGroup.user_task_id == row.id))
        if info.candidate_groups:
            session.execute(
                UserTaskGroup.__table__.insert(),
                [{"user_task_id": row.id, "group_name": g} for g in info.candidate_groups],
            )


def _due_instant(due: date | datetime | None, calendar) -> datetime | None:
    if due is None or isinstance(due, datetime):
        return due
    if isinstance(due, date):
        return calendar.end_of_day(due)
    return calendar.end_of_day(date.fromisoformat(str(due)[:10]))


def _event_kind(step: StepRecord) -> str:
    if step.kind == "UserTask":
        return "user_task_completed"
    if step.event == "timer":
        return "timer_fired"
    if step.event == "message":
        return "message_received"
    if step.event == "signal":
        return "signal_received"
    return "step_completed"
