"""The service seam: what a diagram's service tasks call, and the context of the step that calls them.

Domain slices register operators (`@operator("create_assignments", title="…")`); an operator runs inside
the unit of work of the instance that calls it, with that unit's session, so its rows commit or roll back
with the instance."""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from engine import clock
from engine.calendar import WorkCalendar
from engine.errors import EngineError, ProcessExecutionError


@dataclass(frozen=True)
class StepContext:
    """What an operator or a script helper may know about the step it runs in."""

    session: Session
    instance_id: int
    process_id: str
    actor: str | None
    now: datetime
    calendar: WorkCalendar
    # The instances.Engine running the step, so an operator can start other processes in the same unit
    # of work (intake starts one assignment process per task).
    engine: Any = None


_current: ContextVar[StepContext] = ContextVar("theodoi_step")
OPERATORS: dict[str, Callable[..., Any]] = {}
# What each operator does, in the administration's words: the editor offers operators by it and deploy
# messages name it. Kept by name, not on the function, so a stand-in put into OPERATORS keeps its title.
TITLES: dict[str, str] = {}
MAX_TITLE_LENGTH = 80  # one line of the editor's panel


def operator(name: str, *, title: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `fn(ctx, **params)` as the service-task operator `name`, described to analysts by `title`.

    `title` is required, so an operator without one fails when its module is imported."""
    if not title.strip() or len(title) > MAX_TITLE_LENGTH:
        raise ValueError(f"operator {name!r} needs a title of 1 to {MAX_TITLE_LENGTH} characters: {title!r}")

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        if name in OPERATORS and OPERATORS[name] is not fn:
            raise ValueError(f"operator {name!r} is registered twice")
        OPERATORS[name] = fn
        TITLES[name] = title
        return fn

    return register


@dataclass(frozen=True)
class OperatorParameter:
    name: str
    required: bool
    default: Any = None


@dataclass(frozen=True)
class OperatorSpec:
    """What an analyst needs to call an operator: its name, what it does, the parameters it takes."""

    name: str
    title: str | None  # None: put into OPERATORS without the decorator (a test's stand-in)
    parameters: tuple[OperatorParameter, ...]
    accepts_any: bool  # it takes **params: any parameter name is accepted


def describe() -> list[OperatorSpec]:
    """Every registered operator with its parameters, read from its signature (the first one is the
    step context), sorted by name: the editor's choices and the deploy-time check."""
    specs = []
    for name, fn in sorted(OPERATORS.items()):
        params = list(inspect.signature(fn).parameters.values())[1:]
        specs.append(
            OperatorSpec(
                name=name,
                title=TITLES.get(name),
                parameters=tuple(
                    OperatorParameter(
                        p.name,
                        required=p.default is inspect.Parameter.empty,
                        default=None if p.default is inspect.Parameter.empty else p.default,
                    )
                    for p in params
                    if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
                ),
                accepts_any=any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params),
            )
        )
    return specs


@contextlib.contextmanager
def step(ctx: StepContext) -> Iterator[StepContext]:
    """Run the block as one step of instance ctx.instance_id."""
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


# session.info key: the rows that steps loaded in this session's transaction, held until it ends. The
# identity map holds rows weakly, so without this an operator's second look at a document or a unit (the
# assignment diagram reads its assignment twice as it starts) would select it again.
_STEP_ROWS = "theodoi_step_rows"


@event.listens_for(Session, "loaded_as_persistent")
def _keep_step_rows(session: Session, instance: Any) -> None:
    ctx = _current.get(None)
    if ctx is not None and ctx.session is session:
        session.info.setdefault(_STEP_ROWS, []).append(instance)


@event.listens_for(Session, "after_transaction_end")
def _release_step_rows(session: Session, transaction) -> None:
    if transaction.parent is None:  # the unit of work is over, not just a savepoint
        session.info.pop(_STEP_ROWS, None)


def current() -> StepContext:
    try:
        return _current.get()
    except LookupError:
        raise RuntimeError("no process step is running: operators and helpers run inside one") from None


def current_or_none() -> StepContext | None:
    return _current.get(None)


def step_now() -> datetime:
    """The running step's "now" (fixed for the whole step), else the clock's: what timers compare with."""
    ctx = _current.get(None)
    return ctx.now if ctx is not None else clock.now()


def call(name: str, params: dict[str, Any], _task_data: dict[str, Any]) -> Any:
    """The script engine's service handler: dispatch to the registered operator."""
    fn = OPERATORS.get(name)
    if fn is None:
        known = ", ".join(sorted(OPERATORS)) or "none"
        raise ProcessExecutionError(f"no operator {name!r} is registered (known: {known})")
    try:
        return fn(current(), **params)
    except EngineError:
        raise
    except TypeError as exc:
        raise ProcessExecutionError(f"operator {name!r} was called with the wrong parameters: {exc}") from exc


def script_helpers() -> dict[str, Callable[..., Any]]:
    """Working-day helpers for scripts, conditions and timers, bound to the running step's calendar."""

    def add_working_days(start: date | str, n: int) -> date:
        return current().calendar.add_working_days(start, n)

    def effective_due_date(due: date | str) -> date:
        return current().calendar.effective_due_date(due)

    def working_days_between(start: date | str, end: date | str) -> int:
        return current().calendar.working_days_between(start, end)

    def end_of_day(day: date | str) -> datetime:
        return current().calendar.end_of_day(day)

    def now() -> datetime:
        return current().now

    def today() -> date:
        ctx = current()
        return ctx.calendar.local_date(ctx.now)

    return {
        "add_working_days": add_working_days,
        "effective_due_date": effective_due_date,
        "working_days_between": working_days_between,
        "end_of_day": end_of_day,
        "now": now,
        "today": today,
    }


def timer_value(value: Any) -> Any:
    """Timer expressions may give a date (the deadline ends at 24:00 local, R3), a datetime, or ISO text.

    Times without a zone are local (Asia/Ho_Chi_Minh): SpiffWorkflow would read them in the server's
    zone, fixed at import."""
    if isinstance(value, str) and value[:1].isdigit() and "/" not in value:
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value  # not an instant (an ISO week date, say): SpiffWorkflow parses it itself
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=current().calendar.tz)
        return value.isoformat()
    if isinstance(value, date):
        return current().calendar.end_of_day(value).isoformat()
    return value
