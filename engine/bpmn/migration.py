"""Moving a running instance to another deployed version of its process, with SpiffWorkflow's own spec
diff (`SpiffWorkflow.bpmn.util.diff`): how its active tasks map, what refuses, and the move itself."""

from __future__ import annotations

from dataclasses import dataclass

from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.util.task import TaskState

from engine.bpmn.failures import process_errors
from engine.bpmn.runtime import Execution

ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED
STATE_NAMES = {TaskState.READY: "ready", TaskState.WAITING: "waiting", TaskState.STARTED: "started"}


@dataclass(frozen=True)
class TaskMapping:
    """One active element of the instance and the element of the new version it becomes."""

    bpmn_id: str
    name: str
    state: str  # ready | waiting | started
    target_id: str | None  # None: the new version has no such element
    changed: bool  # the element exists in both versions but differs


@dataclass(frozen=True)
class MigrationPlan:
    tasks: tuple[TaskMapping, ...]
    problems: tuple[str, ...]  # why the instance cannot move, in Vietnamese; empty when it can

    @property
    def ok(self) -> bool:
        return not self.problems


def plan(execution: Execution, target_key: int) -> MigrationPlan:
    """How the instance's active tasks map to definition `target_key`, and what refuses the move."""
    return _diff(execution, target_key)[0]


def migrate(execution: Execution, target_key: int) -> MigrationPlan:
    """Move the instance to definition `target_key` if its plan allows it; the plan either way.

    Ready tasks are re-predicted on the new version (what follows them may have changed). Waiting tasks
    keep what they hold, a timer's instant included, unless their own element changed: a deadline
    already running is not restarted by a new version of the diagram."""
    result, top, spec, subprocess_specs = _diff(execution, target_key)
    if not result.ok:
        return result
    workflow = execution.workflow
    if workflow.task_tree.state == TaskState.READY:  # not one step run yet: start afresh on the target
        execution.workflow = execution.runtime.start(target_key, workflow.task_tree.data).workflow
        return result
    with process_errors():
        migrate_workflow(top, workflow, spec, reset_mask=TaskState.READY)
        for task in top.changed:
            if task.state == TaskState.WAITING and task.id in workflow.tasks:
                task.reset_branch(None)
        workflow.spec_key = target_key
        workflow.subprocess_specs = subprocess_specs
        # A save/restore round trip binds every task, in running sub-processes too, to the new specs
        # by name: what restores here restores from the database later.
        execution.workflow = execution.runtime.restore(
            execution.runtime.serializer.serialize_json(workflow)
        ).workflow
    return result


def _diff(execution: Execution, target_key: int):
    spec, subprocess_specs = execution.runtime.specs(target_key)
    workflow = execution.workflow
    with process_errors():
        top, subprocess_diffs = diff_workflow(
            execution.runtime.serializer.registry, workflow, spec, subprocess_specs
        )
    problems = []
    if workflow.spec.name != spec.name:
        problems.append(
            f"phiên bản đích là của quy trình khác ({spec.name}, không phải {workflow.spec.name})"
        )
    removed = {t.task_spec.bpmn_id or t.task_spec.name: t.task_spec for t in top.removed}
    for element_id, task_spec in sorted(removed.items()):
        problems.append(
            f"bước '{task_spec.bpmn_name or element_id}' ({element_id}) không còn trong phiên bản mới"
        )
    for sp_id, sp_diff in subprocess_diffs.items():
        sub = workflow.subprocesses[sp_id]
        name = sub.spec.name
        new = subprocess_specs.get(name)
        if sp_diff is None or new is None:
            problems.append(f"quy trình con '{name}' đang chạy không còn trong phiên bản mới")
        elif sp_diff.removed or sp_diff.changed or set(sub.spec.task_specs) != set(new.task_specs):
            problems.append(f"quy trình con '{name}' đang chạy đã thay đổi trong phiên bản mới")
    changed = {id(t) for t in top.changed}
    tasks = []
    for task in workflow.get_tasks(state=ACTIVE, skip_subprocesses=True):
        task_spec = task.task_spec
        if task_spec.bpmn_id is None:  # SpiffWorkflow's own bookkeeping tasks
            continue
        target = top.alignment.get(task)
        tasks.append(
            TaskMapping(
                bpmn_id=task_spec.bpmn_id,
                name=task_spec.bpmn_name or task_spec.bpmn_id,
                state=STATE_NAMES.get(task.state, TaskState.get_name(task.state).lower()),
                target_id=target.bpmn_id if target is not None else None,
                changed=id(task) in changed,
            )
        )
    return MigrationPlan(tuple(tasks), tuple(problems)), top, spec, subprocess_specs
