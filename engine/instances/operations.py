"""What monitors and analysts do to instances from outside their diagram: cancel one with a reason,
move running ones to another version of their process. Each is logged with who did it and why."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.bpmn import migration
from engine.bpmn.migration import MigrationPlan, TaskMapping
from engine.definitions import service as definitions
from engine.definitions.models import ProcessDefinition
from engine.errors import ConflictError, ValidationError
from engine.instances.models import CANCELLED, ERROR, RUNNING, InstanceEvent, ProcessInstance
from engine.instances.saving import drop_timers, save
from engine.instances.service import Engine, instance_step, lock_or_raise, log_event, versions_of
from engine.usertasks.models import CANCELLED as TASK_CANCELLED
from engine.usertasks.models import READY, UserTaskRow

MAX_REASON = 2000
MIGRATABLE = (RUNNING, ERROR)


def cancel(*, session: Session, instance: ProcessInstance, reason: str, actor: str) -> ProcessInstance:
    """Stop a running (or parked) instance for good: its timers and ready user tasks are withdrawn.
    The domain rows it wrote stay as they are; the reason goes to the event log."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Cần nêu lý do hủy quy trình", fields={"reason": "bắt buộc"})
    if len(reason) > MAX_REASON:
        raise ValidationError("Lý do hủy quá dài", fields={"reason": f"tối đa {MAX_REASON} ký tự"})
    if instance.status not in MIGRATABLE:
        raise ConflictError(
            f"process instance {instance.id} is {instance.status}: only a running one is cancelled"
        )
    now = clock.now()
    drop_timers(session, instance.id)
    open_tasks = session.scalars(
        select(UserTaskRow).where(UserTaskRow.instance_id == instance.id, UserTaskRow.state == READY)
    )
    for row in open_tasks:
        row.state, row.completed_at = TASK_CANCELLED, now
        session.add(
            InstanceEvent(
                instance_id=instance.id,
                at=now,
                actor=actor,
                kind="user_task_cancelled",
                bpmn_id=row.bpmn_id,
                element_name=row.name,
                task_id=row.id,
            )
        )
    instance.status, instance.ended_at, instance.updated_at = CANCELLED, now, now
    log_event(session, instance, now, actor, "instance_cancelled", {"reason": reason})
    session.flush()
    return instance


@dataclass(frozen=True)
class MigrationPreview:
    """One instance's move to the target version: how its active tasks map, or why it cannot move."""

    instance_id: int
    process_id: str
    from_definition_id: int
    from_version: int
    status: str
    tasks: tuple[TaskMapping, ...]
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def preview(
    *, session: Session, engine: Engine, instance_ids: list[int], target_id: int
) -> tuple[ProcessDefinition, list[MigrationPreview]]:
    """What migrating `instance_ids` to definition `target_id` would do; nothing is changed."""
    target = definitions.get_or_raise(session=session, definition_id=target_id)
    found = {
        i.id: i for i in session.scalars(select(ProcessInstance).where(ProcessInstance.id.in_(instance_ids)))
    }
    versions = versions_of(session=session, definition_ids={i.definition_id for i in found.values()})
    previews = []
    for instance_id in dict.fromkeys(instance_ids):
        instance = found.get(instance_id)
        if instance is None:
            raise ValidationError(
                "Có phiên bản quy trình không tồn tại",
                fields={"instance_ids": f"không có quy trình #{instance_id}"},
            )
        previews.append(_preview(engine, instance, target, versions, apply=False)[0])
    return target, previews


def migrate(
    *, session: Session, engine: Engine, instance_ids: list[int], target_id: int, actor: str
) -> tuple[ProcessDefinition, list[MigrationPreview]]:
    """Move every instance of `instance_ids` to definition `target_id`, or none: if one cannot move,
    ConflictError names each refusal. The user-task and timer indexes are rewritten from the new
    version; a parked instance stays parked (its timers out of the index) until it is retried."""
    target, previews = preview(session=session, engine=engine, instance_ids=instance_ids, target_id=target_id)
    refused = [p for p in previews if not p.ok]
    if refused:
        raise ConflictError(
            "Không chuyển được: " + "; ".join(f"#{p.instance_id}: {', '.join(p.problems)}" for p in refused),
            details={"refused": {str(p.instance_id): list(p.problems) for p in refused}},
        )
    now = clock.now()
    versions = versions_of(session=session, definition_ids={p.from_definition_id for p in previews})
    moved = []
    for instance_id in dict.fromkeys(instance_ids):
        instance = lock_or_raise(session=session, instance_id=instance_id)  # and re-read under the lock
        with instance_step(session, engine, instance, actor, now):
            result, execution = _preview(engine, instance, target, versions, apply=True)
            if not result.ok:  # changed between the preview and the lock
                raise ConflictError(f"Không chuyển được #{instance_id}: {', '.join(result.problems)}")
            instance.definition_id = target.id
            if execution is not None:
                save(session, instance, execution, actor, now, refresh_user_tasks=True)
            if instance.status == ERROR:
                drop_timers(session, instance.id)
            log_event(
                session,
                instance,
                now,
                actor,
                "instance_migrated",
                {
                    "from": {"definition_id": result.from_definition_id, "version": result.from_version},
                    "to": {"definition_id": target.id, "version": target.version},
                    "tasks": [
                        {"bpmn_id": t.bpmn_id, "target_id": t.target_id, "changed": t.changed}
                        for t in result.tasks
                    ],
                },
            )
        moved.append(result)
    return target, moved


def targets(*, session: Session, instance: ProcessInstance) -> list[ProcessDefinition]:
    """The other deployed versions of the instance's process, newest first."""
    query = (
        select(ProcessDefinition)
        .where(
            ProcessDefinition.process_id == instance.process_id,
            ProcessDefinition.id != instance.definition_id,
        )
        .order_by(ProcessDefinition.version.desc())
    )
    return list(session.scalars(query))


def _preview(
    engine: Engine,
    instance: ProcessInstance,
    target: ProcessDefinition,
    versions: dict[int, int],
    *,
    apply: bool,
):
    problems = []
    if instance.status not in MIGRATABLE:
        problems.append("quy trình đã kết thúc hoặc đã hủy")
    if target.process_id != instance.process_id:
        problems.append(f"phiên bản đích thuộc quy trình khác ({target.process_id})")
    elif target.id == instance.definition_id:
        problems.append("quy trình đã chạy trên phiên bản này")
    plan, execution = MigrationPlan((), ()), None
    if not problems and instance.state:  # an instance whose start is deferred has no state to move yet
        execution = engine.runtime.restore(instance.state)
        plan = migration.migrate(execution, target.id) if apply else migration.plan(execution, target.id)
    result = MigrationPreview(
        instance_id=instance.id,
        process_id=instance.process_id,
        from_definition_id=instance.definition_id,
        from_version=versions.get(instance.definition_id, 0),
        status=instance.status,
        tasks=plan.tasks,
        problems=tuple(problems) + plan.problems,
    )
    return result, execution
