"""The script engine of diagrams: scripts, gateway conditions, timer expressions, service parameters.

Everything a diagram computes goes through `ScriptEngine`, which runs it in the sandbox of
`engine.bpmn.sandbox` (restricted compile, guards, step and time budget).

Names a script can use (`HELPER_NAMES`): the sandbox builtins, plus
- our pure helpers: `date(y, m, d)`, `parse_date(text) -> date`, `timedelta(days=..., hours=..., ...)`;
- the helpers the runtime injects, bound to the working-day calendar (`RUNTIME_HELPER_NAMES`):
  `add_working_days(date, n) -> date`, `effective_due_date(date) -> date`,
  `working_days_between(a, b) -> int`, `now() -> datetime`, `end_of_day(date) -> datetime`,
  `today() -> date`."""

from __future__ import annotations

import datetime as _dt
import json
import traceback
import types
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.bpmn.failures import locate
from engine.bpmn.sandbox import (
    BUILTIN_NAMES,
    GUARDS,
    SCRIPT_FILENAME,
    ScriptPolicyError,
    check_source,
    compile_checked,
    run_with_budget,
)
from engine.calendar import as_date

__all__ = [
    "HELPER_NAMES",
    "RUNTIME_HELPER_NAMES",
    "RestrictedEnvironment",
    "ScriptEngine",
    "ScriptPolicyError",
    "check_source",
]


def date(year: int, month: int, day: int) -> _dt.date:
    """The calendar date year-month-day."""
    return _dt.date(year, month, day)


def parse_date(value: str | _dt.date) -> _dt.date:
    """An ISO date ("2024-05-02", or the date part of an ISO date-time) as a date."""
    if not isinstance(value, str):
        return as_date(value)
    text = value.strip()
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return _dt.datetime.fromisoformat(text).date()
    except ValueError:
        raise ValueError(f"expected an ISO date (YYYY-MM-DD), got {value!r}") from None


def timedelta(
    days: float = 0,
    seconds: float = 0,
    microseconds: float = 0,
    milliseconds: float = 0,
    minutes: float = 0,
    hours: float = 0,
    weeks: float = 0,
) -> _dt.timedelta:
    """A duration (the constructor only: scripts never see the class or its attributes)."""
    return _dt.timedelta(days, seconds, microseconds, milliseconds, minutes, hours, weeks)


PURE_HELPERS: dict[str, Callable] = {"date": date, "parse_date": parse_date, "timedelta": timedelta}
RUNTIME_HELPER_NAMES = frozenset(
    {"add_working_days", "effective_due_date", "working_days_between", "now", "end_of_day", "today"}
)
HELPER_NAMES: frozenset[str] = BUILTIN_NAMES | PURE_HELPERS.keys() | RUNTIME_HELPER_NAMES


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow's TaskDataEnvironment context handling, with sandboxed compile and run."""

    def __init__(self, helpers: Mapping[str, Callable], *, step_budget: int, time_budget: float) -> None:
        bad = sorted(name for name in helpers if not name.isidentifier() or name.startswith("_"))
        if bad:
            raise ValueError(f"helper names must be identifiers not starting with '_', got {bad}")
        if step_budget < 1 or time_budget <= 0:
            raise ValueError(f"budgets must be positive, got {step_budget} steps and {time_budget} s")
        super().__init__({**PURE_HELPERS, **helpers})
        self.step_budget = step_budget
        self.time_budget = time_budget

    def evaluate(self, expression: str, context: dict, external_context: dict | None = None) -> Any:
        """The value of `expression` over helpers, then `external_context`, then task data."""
        code = compile_checked(expression, "eval")
        # Guards go last: data can shadow a helper in an expression, never a guard.
        namespace = {**self.globals, **(external_context or {}), **context, **GUARDS}
        return self._run(code, namespace)

    def execute(self, script: str, context: dict, external_context: dict | None = None) -> bool:
        """Run `script` with `context` (task data) as its namespace, updated in place."""
        external_context = external_context or {}
        self.check_for_overwrite(context, external_context)
        code = compile_checked(script, "exec")
        before = set(context)
        context.update(self.globals)
        context.update(external_context)
        context.update(GUARDS)
        try:
            self._run(code, context)
        finally:
            self._clean(context, external_context, before)
        return True

    def _run(self, code: types.CodeType, namespace: dict) -> Any:
        return run_with_budget(code, namespace, step_budget=self.step_budget, time_budget=self.time_budget)

    def _clean(self, context: dict, external_context: dict, before: set[str]) -> None:
        """Keep only data: no helpers, guards, functions, modules, nor the sandbox's own `_` names."""
        for key in list(context):
            value = context[key]
            if (
                key in GUARDS
                or key in self.globals
                or key in external_context
                or callable(value)
                or isinstance(value, types.ModuleType)
                or (key.startswith("_") and key not in before)
            ):
                del context[key]

    def check_for_overwrite(self, context: dict, external_context: dict) -> None:
        """Refuse task data named like a helper, with SpiffWorkflow's TaskDataEnvironment message."""
        func_overwrites = set(self.globals).intersection(context)
        func_overwrites.update(set(external_context).intersection(context))
        if func_overwrites:
            raise ValueError(
                "You have task data that overwrites a predefined function(s). Please change the following "
                f"variable or field name(s) to something else: {func_overwrites}"
            )


class ScriptEngine(PythonScriptEngine):
    """SpiffWorkflow's script engine over a RestrictedEnvironment, with service calls and date-valued timers.

    SpiffWorkflow wraps script errors in WorkflowTaskException; a BudgetExceededError or
    ScriptPolicyError stays recognisable: `error_type` is its class name, it is the exception's
    `__context__` (see failures.engine_error_of), and we fill its `failure` with where it happened."""

    def __init__(
        self,
        environment: RestrictedEnvironment,
        *,
        service_handler: Callable[[str, dict, dict], Any],
        timer_value: Callable[[Any], Any],
    ) -> None:
        super().__init__(environment=environment)
        self.service_handler = service_handler
        self.timer_value = timer_value

    def evaluate(self, task, expression: str, external_context: dict | None = None) -> Any:
        """Evaluate for `task`; a timer's own expression goes through `timer_value` (a date: an instant).

        SpiffWorkflow 3.2.0 evaluates timer expressions as `evaluate(task, definition.expression)` from
        TimeDate/Duration/Cycle `has_fired`/`cycle_complete`, with the catching task: the timer event itself,
        the boundary event, or the event-based gateway (whose MultipleEventDefinition holds the timers)."""
        try:
            result = super().evaluate(task, expression, external_context)
        except WorkflowTaskException as err:
            locate(err)
            raise
        if not _is_timer_expression(task, expression):
            return result
        try:
            return self.timer_value(result)
        except Exception as err:
            raise WorkflowTaskException(
                f"timer expression '{expression}' gave {type(result).__name__} {result!r}, not a time",
                task=task,
                exception=err,
            ) from err

    def execute(self, task, script: str, external_context: dict | None = None) -> bool:
        """Run a script task's (or pre/post) script over the task's data."""
        try:
            return super().execute(task, script, external_context)
        except WorkflowTaskException as err:
            locate(err)
            raise

    def call_service(self, task, operation_name: str, operation_params: dict) -> str:
        """Call `service_handler(operation_name, {param: value}, copy of task data)`; return JSON.

        SpiffWorkflow 3.2.0 (spiff ServiceTask._execute) has already evaluated each parameter's `value`
        expression with `evaluate`, and passes `operation_params={name: {"value": v, "type": t}}` by keyword;
        it `json.loads` the string we return into `task.data[result_variable]`, so the result lands as a
        Python value (dates and datetimes as ISO strings, Decimals as strings, sets as lists)."""
        params = {name: param["value"] for name, param in operation_params.items()}
        try:
            result = self.service_handler(operation_name, params, dict(task.data))
            return json.dumps(result, default=_json_default)
        except Exception as err:
            raise WorkflowTaskException(
                f"service {operation_name!r} failed: {type(err).__name__}: {err}", task=task, exception=err
            ) from err

    def get_error_line_number_and_content(self, script: str, err: BaseException) -> tuple[int, str]:
        """(line, text) where a script failed: our code is compiled as "<script>", not Spiff's "<string>"."""
        line = err.line if isinstance(err, ScriptPolicyError) and err.line else 0
        if not line and isinstance(err, SyntaxError):
            line = err.lineno or 0
        if not line:
            for frame in traceback.extract_tb(err.__traceback__):
                if frame.filename == SCRIPT_FILENAME:
                    line = frame.lineno or 0
        lines = script.splitlines()
        return line, lines[line - 1] if 0 < line <= len(lines) else ""


def _is_timer_expression(task, expression: str) -> bool:
    definition = getattr(task.task_spec, "event_definition", None)
    if isinstance(definition, MultipleEventDefinition):
        candidates = list(definition.event_definitions)
    else:
        candidates = [definition]
    return any(isinstance(d, TimerEventDefinition) and d.expression == expression for d in candidates)


def _json_default(value: Any) -> Any:
    if isinstance(value, _dt.date | _dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset):
        return list(value)
    raise TypeError(f"a service result must be JSON data; {type(value).__name__} is not")
