"""Bounded state for looping instances: drop the completed tasks of finished loop rounds from the tree.

SpiffWorkflow keeps every completed task as the parent of the next, so each round of a loop (an
assignment's progress updates, its periodic reminders) adds a chain of tasks that every later step
deserializes, walks and serializes again. Along a chain of completed tasks that each have one child,
an element completed again further down belongs to a finished round; only its newest task is kept,
and the chain is spliced around the older ones. What that keeps:
- every task that is not completed, with its parent (the newest task of its chain);
- every task's data (a task holds all of its data; the saved delta is taken against the new parent);
- for every task below a chain, the nearest ancestor of each element (joins and boundary events look
  up their split with `find_ancestor`), and which remaining tasks descend from which;
- the elements present in the tree (a move to another diagram version refuses the same removed steps);
- `last_task`, and every task that runs a subprocess.
The history does not come from the tree: the event log is written from each step's record."""

from __future__ import annotations

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState


def prune(workflow: BpmnWorkflow) -> int:
    """Splice finished loop rounds out of `workflow` and its subprocesses; the number of tasks dropped."""
    keep = set(workflow.subprocesses)
    dropped = 0
    for part in (workflow, *workflow.subprocesses.values()):
        dropped += _prune_tree(part, keep | ({part.last_task.id} if part.last_task else set()))
    return dropped


def _prune_tree(workflow, keep: set) -> int:
    # Walks ids, not Task properties: this runs before every save, on every step of every instance.
    tasks, dropped = workflow.tasks, 0
    stack = [workflow.task_tree.id]
    while stack:  # iterative: an instance saved before pruning may be thousands of tasks deep
        task = tasks[stack.pop()]
        if task.state == TaskState.COMPLETED:
            chain = _chain_from(tasks, task)
            dropped += _splice_repeats(tasks, chain, keep)
            task = chain[-1]
        stack.extend(task._children)
    return dropped


def _chain_from(tasks: dict, task) -> list:
    """`task` and its completed descendants for as long as each has exactly one child."""
    chain = [task]
    while len(children := chain[-1]._children) == 1:
        child = tasks[children[0]]
        if child.state != TaskState.COMPLETED:
            break
        chain.append(child)
    return chain


def _splice_repeats(tasks: dict, chain: list, keep: set) -> int:
    """Drop each task of `chain` whose element completes again further down it, newest kept."""
    seen, dropped = {chain[-1].task_spec.name}, 0
    for task in reversed(chain[:-1]):
        name = task.task_spec.name
        if name in seen and task._parent is not None and task.id not in keep:
            _splice(tasks, task)
            dropped += 1
        seen.add(name)
    return dropped


def _splice(tasks: dict, task) -> None:
    """Take `task` (one child) out of the tree; its child takes its place under its parent."""
    [child_id] = task._children
    siblings = tasks[task._parent]._children
    siblings[siblings.index(task.id)] = child_id
    tasks[child_id]._parent = task._parent
    del tasks[task.id]
