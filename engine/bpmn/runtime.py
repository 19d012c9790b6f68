"""The runner: start, restore, complete a user task, send a message, advance timers, snapshot.

Callers get our own small dataclasses, never a SpiffWorkflow Task."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from copy import deepcopy
from dataclasses import dataclass
from datetime import datetime
from threading import Lock
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions import timer as timer_module
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.bpmn import instructions
from engine.bpmn.failures import process_errors
from engine.bpmn.loader import build_specs
from engine.bpmn.pruning import prune
from engine.bpmn.records import Snapshot, StepRecord, TimerInfo, UserTaskInfo, jsonable
from engine.bpmn.scripting import RestrictedEnvironment, ScriptEngine
from engine.bpmn.serializer import make_serializer
from engine.errors import (
    BudgetExceededError,
    ConflictError,
    NotFoundError,
    TaskNotReadyError,
)

# A deployed definition as the runtime needs it: its process id and the files to parse (its own
# diagram first, then the diagrams of the processes it calls).
DefinitionFiles = tuple[str, list[tuple[str, bytes]]]


def install_clock(now: Callable[[], datetime]) -> None:
    """Make SpiffWorkflow's timers read `now` (the one place the library asks for the time)."""

    class ClockDatetime(datetime):
        @classmethod
        def now(cls, tz=None):  # noqa: D401 - mirrors datetime.now
            current = now()
            return current.astimezone(tz) if tz is not None else current.astimezone().replace(tzinfo=None)

    timer_module.datetime = ClockDatetime


class Runtime:
    """Parsed specs (cached per deployed version), the script engine and the serializer, shared by all
    instances of one process (SpiffWorkflow shares them safely across threads; one instance is never run
    by two threads at once: the database row lock sees to that)."""

    def __init__(
        self,
        *,
        load_definition: Callable[[int], DefinitionFiles],
        helpers: dict[str, Callable],
        service_handler: Callable[[str, dict, dict], Any],
        timer_value: Callable[[Any], Any],
        step_budget: int,
        time_budget: float,
        engine_step_budget: int,
        roundtrip_every_step: bool = False,
        cache_size: int = 128,
    ) -> None:
        self._load_definition = load_definition
        self._specs = _LRU(cache_size)
        environment = RestrictedEnvironment(helpers, step_budget=step_budget, time_budget=time_budget)
        self.script_engine = ScriptEngine(
            environment, service_handler=service_handler, timer_value=timer_value
        )
        self.serializer = make_serializer(self.specs)
        self.engine_step_budget = engine_step_budget
        self.roundtrip_every_step = roundtrip_every_step
        self._templates = instructions.environment()
        self._compiled_templates = _LRU(cache_size)

    def specs(self, key: int) -> tuple[Any, dict]:
        """(spec, subprocess specs) of a deployed definition, parsed once per process."""

        def parse() -> tuple[Any, dict]:
            process_id, files = self._load_definition(key)
            return build_specs(files, process_id)

        return self._specs.get(key, parse)

    def template(self, source: str):
        """A compiled instructions template (compiling costs milliseconds; the same few recur)."""
        return self._compiled_templates.get(source, lambda: self._templates.from_string(source))

    def start(self, key: int, data: dict[str, Any]) -> Execution:
        """A new instance of definition `key` with `data` as its process variables; not yet advanced."""
        spec, subprocess_specs = self.specs(key)
        workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=self.script_engine)
        workflow.spec_key = key
        workflow.task_tree.data.update(data)
        return Execution(self, workflow)

    def restore(self, state: str) -> Execution:
        """An instance from its saved state."""
        workflow = self.serializer.deserialize_json(state)
        workflow.script_engine = self.script_engine
        return Execution(self, workflow)

    def resume(self, checkpoint: Checkpoint) -> Execution:
        """An instance as it was at `checkpoint`, with the steps it had recorded by then."""
        execution = self.restore(checkpoint.state)
        execution.steps = list(checkpoint.steps)
        return execution


@dataclass(frozen=True)
class Checkpoint:
    """An execution's serialized state and recorded steps at one moment of a unit of work."""

    state: str
    steps: tuple[StepRecord, ...]


class Execution:
    """One instance being worked on inside one unit of work."""

    def __init__(self, runtime: Runtime, workflow: BpmnWorkflow) -> None:
        self.runtime = runtime
        self.workflow = workflow
        self.steps: list[StepRecord] = []
        self._engine_steps = 0

    def advance(self) -> None:
        """Fire the timers that are due, then run every engine step up to the next wait state."""
        with process_errors():
            self.workflow.refresh_timers()
            if not self.runtime.roundtrip_every_step:
                self.workflow.do_engine_steps(did_complete_task=self._did_complete)
                return
            while True:
                try:
                    self.workflow.do_engine_steps(did_complete_task=self._complete_and_pause)
                    return
                except _Pause:
                    self._roundtrip()

    def complete_user_task(self, task_id: str, data: dict[str, Any]) -> None:
        """Complete a READY manual task with form data; the steps after it are the caller's `advance`."""
        task = self._ready_manual_task(task_id)
        with process_errors():
            task.data.update(data)
            task.run()
            self._did_complete(task)
            if self.runtime.roundtrip_every_step:
                self._roundtrip()

    def checkpoint(self) -> Checkpoint:
        """The instance as it is now, to save instead if what follows fails (`Runtime.resume`)."""
        with process_errors():
            return Checkpoint(self._serialize(), tuple(self.steps))

    def user_task(self, task_id: str) -> UserTaskInfo:
        """The READY user task `task_id`, or TaskNotReadyError."""
        return self._user_task_info(self._ready_manual_task(task_id))

    def task_data(self, task_id: str) -> dict[str, Any]:
        """The data a READY user task sees (for rendering its form), as plain JSON."""
        return jsonable(self._ready_manual_task(task_id).data)

    def current_data(self) -> dict[str, Any]:
        """The process data as of the last completed step, as plain JSON."""
        task = self.workflow.last_task or self.workflow.task_tree
        return jsonable(task.data)

    def deliver(self, kind: str, name: str, payload: Any) -> None:
        """Deliver a message or a signal (`kind`) to the catch event waiting for it; the steps after it
        are the caller's `advance`."""
        definition = next(
            (
                d
                for task in self._waiting_catch_tasks()
                for d in _catchable(task.task_spec.event_definition, kind, name)
            ),
            None,
        )
        if definition is None:
            raise ConflictError(f"this instance is not waiting for the {kind} {name!r}")
        with process_errors():
            self.workflow.send_event(BpmnEvent(definition, payload=payload))

    def reschedule(self, changes: dict[str, Any]) -> list[str]:
        """Set process variables that moved from outside the process (dates a calendar correction
        changed) where the instance holds them, and re-arm the timers that read them. Returns the
        bpmn ids of the timers re-armed.

        A variable is set in the data of every live task that holds it: ready and waiting tasks, and
        running subprocesses and multi-instance parents, whose data their successors inherit (a task
        not yet reached inherits it in turn). A waiting event copies its parent's data into its own
        each time SpiffWorkflow checks it, so the completed parent of a waiting task gets the variable
        too. A dict value is merged key by key into a dict variable, so a change names only the keys it
        moves. Each waiting timeDate timer among those tasks drops its cached instant, and
        SpiffWorkflow's own has_fired evaluates its expression again on the new data. Nothing is
        advanced: a timer whose new instant has passed fires at the next sweep, like any due timer, and
        not inside the caller's unit of work."""
        live = TaskState.READY | TaskState.WAITING | TaskState.STARTED
        rearmed = []
        with process_errors():
            touched = set()
            for task in self.workflow.get_tasks(state=live):
                if _set_present(task.data, changes):
                    touched.add(task.id)
                    parent = task.parent
                    if (
                        task.state == TaskState.WAITING
                        and parent is not None
                        and parent.state == TaskState.COMPLETED
                    ):
                        _set_present(parent.data, changes)
            for task in self._waiting_catch_tasks():
                definition = task.task_spec.event_definition
                if task.id in touched and isinstance(definition, TimeDateEventDefinition):
                    task.internal_data.pop("event_value", None)
                    task.internal_data.pop("event_fired", None)
                    definition.has_fired(task)
                    rearmed.append(task.task_spec.bpmn_id)
        return rearmed

    def variable(self, name: str) -> Any:
        """A process variable as the instance holds it now, as plain JSON: from a live task that holds
        it (where `reschedule` sets it), else as of the last completed step; None if neither has it."""
        live = TaskState.READY | TaskState.WAITING | TaskState.STARTED
        holder = next((t for t in self.workflow.get_tasks(state=live) if name in t.data), None)
        data = holder.data if holder is not None else self.current_data()
        return jsonable({name: data.get(name)})[name]

    def snapshot(self) -> Snapshot:
        """The serialized state and the indexes derived from it."""
        with process_errors():
            user_tasks = [
                self._user_task_info(t)
                for t in self.workflow.get_tasks(state=TaskState.READY, manual=True)
                if isinstance(t.task_spec, UserTask)
            ]
            timers = list(self._timers())
            state = self._serialize()
        completed = self.workflow.is_completed()
        data = jsonable(self.workflow.last_task.data if completed and self.workflow.last_task else {})
        return Snapshot(state, completed, user_tasks, timers, self.steps, data)

    def _serialize(self) -> str:
        """The state to save, finished loop rounds pruned first: it stays bounded however long the
        instance loops (engine.bpmn.pruning)."""
        prune(self.workflow)
        return self.runtime.serializer.serialize_json(self.workflow)

    def _ready_manual_task(self, task_id: str):
        try:
            task = self.workflow.get_task_from_id(UUID(task_id))
        except (ValueError, KeyError, SpiffWorkflowException):
            task = None
        if task is None:
            raise NotFoundError(f"no user task {task_id} in this instance")
        if task.state != TaskState.READY or not task.task_spec.manual:
            raise TaskNotReadyError(
                f"user task {task.task_spec.bpmn_name or task.task_spec.bpmn_id} is not ready "
                f"(state {TaskState.get_name(task.state)})"
            )
        return task

    def _complete_and_pause(self, task) -> None:
        self._did_complete(task)
        raise _Pause

    def _roundtrip(self) -> None:
        """Save and restore, as if the process stopped after this step (verify_persistence mode)."""
        state = self._serialize()
        self.workflow = self.runtime.serializer.deserialize_json(state)
        self.workflow.script_engine = self.runtime.script_engine

    def _did_complete(self, task) -> None:
        self._engine_steps += 1
        if self._engine_steps > self.runtime.engine_step_budget:
            raise BudgetExceededError(
                f"the process ran {self.runtime.engine_step_budget} steps without reaching a wait state; "
                f"does it loop without end? (last element: {task.task_spec.bpmn_id})"
            )
        spec = task.task_spec
        if spec.bpmn_id is None:  # Spiff's internal start/end bookkeeping tasks
            return
        before = task.parent.data if task.parent is not None else {}
        changes = {k: v for k, v in task.data.items() if k not in before or before[k] != v}
        removed = tuple(k for k in before if k not in task.data)
        self.steps.append(
            StepRecord(
                task_id=str(task.id),
                bpmn_id=spec.bpmn_id,
                name=spec.bpmn_name or spec.bpmn_id,
                kind=type(spec).__name__,
                event=_event_category(getattr(spec, "event_definition", None)),
                data_changes=jsonable(changes),
                data_removed=removed,
            )
        )

    def _user_task_info(self, task) -> UserTaskInfo:
        spec = task.task_spec
        props = spec.extensions.get("properties", {}) if spec.extensions else {}
        groups = tuple(g.strip() for g in props.get("candidateGroups", "").split(",") if g.strip())
        if not groups and spec.lane:
            groups = (spec.lane,)
        return UserTaskInfo(
            task_id=str(task.id),
            bpmn_id=spec.bpmn_id,
            name=spec.bpmn_name or spec.bpmn_id,
            process_id=task.workflow.top_workflow.spec.name,  # the instance's, also inside subprocesses
            lane=spec.lane,
            candidate_groups=groups,
            candidate_unit=self._evaluate_optional(task, props.get("candidateUnit")),
            form=props.get("formJsonSchemaFilename"),
            ui_form=props.get("formUiSchemaFilename"),
            due=self._evaluate_optional(task, props.get("dueDate")),
            subject=_text(self._evaluate_optional(task, props.get("subject"))),
            instructions=self._render(spec.extensions.get("instructionsForEndUser"), task.data),
        )

    def _evaluate_optional(self, task, expression: str | None) -> Any:
        if not expression:
            return None
        return self.workflow.script_engine.evaluate(task, expression)

    def _render(self, template: str | None, data: dict) -> str | None:
        if not template:
            return None
        try:
            return self.runtime.template(template).render(**data)
        except Exception as exc:  # a broken template must not block the inbox; show why instead
            return f"{template}\n\n(không hiển thị được hướng dẫn: {exc})"

    def _waiting_catch_tasks(self) -> Iterator:
        return iter(list(self.workflow.event_manager.tasks.values()))

    def _timers(self) -> Iterator[TimerInfo]:
        for task in self._waiting_catch_tasks():
            definition = task.task_spec.event_definition
            value = task.internal_data.get("event_value")
            if not isinstance(definition, TimerEventDefinition | MultipleEventDefinition) or value is None:
                continue
            if isinstance(definition, MultipleEventDefinition):
                value = value.get("event_value") if isinstance(value, dict) else value
                if value is None:
                    continue
            if isinstance(definition, CycleTimerEventDefinition) or isinstance(value, dict):
                if value.get("cycles") == 0:
                    continue
                fire_at = datetime.fromisoformat(value["next"])
            else:
                fire_at = TimerEventDefinition.get_datetime(value)
            spec = task.task_spec
            yield TimerInfo(str(task.id), spec.bpmn_id, spec.bpmn_name or spec.bpmn_id, fire_at)


def _catchable(definition, kind: str, name: str) -> list:
    """The event definitions under `definition` (itself, or an event-based gateway's) that catch kind/name.
    The event sent must be of the parser's own definition class, so we reuse the waiting one."""
    inner = definition.event_definitions if isinstance(definition, MultipleEventDefinition) else [definition]
    return [d for d in inner if _event_category(d) == kind and getattr(d, "name", None) == name]


def _set_present(data: dict[str, Any], changes: dict[str, Any]) -> bool:
    """Set in `data` each variable of `changes` that it already holds (dicts merged); whether any was."""
    found = False
    for name, value in changes.items():
        if name not in data:
            continue
        current = data[name]
        if isinstance(current, dict) and isinstance(value, dict):
            data[name] = {**current, **deepcopy(value)}
        else:
            data[name] = deepcopy(value)
        found = True
    return found


def _text(value: Any) -> str | None:
    return None if value is None else str(value)[:500]


def _event_category(definition) -> str | None:
    if definition is None:
        return None
    if isinstance(definition, TimerEventDefinition):
        return "timer"
    name = type(definition).__name__
    return {"MessageEventDefinition": "message", "SignalEventDefinition": "signal"}.get(name, name)


class _LRU:
    """A small thread-safe least-recently-used cache."""

    def __init__(self, size: int) -> None:
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._size = size
        self._lock = Lock()

    def get(self, key: Any, make: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()  # outside the lock: parsing may take milliseconds; a race only parses twice
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value


class _Pause(Exception):
    """Stops do_engine_steps after one step so the state can make a save/restore round trip."""
