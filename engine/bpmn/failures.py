"""What went wrong inside SpiffWorkflow, as our errors: the element, the line, the cause."""

from __future__ import annotations

from dataclasses import asdict

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException

from engine.errors import EngineError, ProcessExecutionError, ScriptFailure


def engine_error_of(exc: BaseException) -> EngineError | None:
    """Our own error (e.g. BudgetExceededError) inside whatever SpiffWorkflow wrapped it in, if any."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, EngineError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def failure_of(
    exc: BaseException, *, error_type: str | None = None, detail: str | None = None
) -> ScriptFailure:
    """Where `exc` happened: SpiffWorkflow's task, line and trace when it knows them."""
    task = getattr(exc, "task", None)
    spec = task.task_spec if task is not None else getattr(exc, "task_spec", None)
    cause = exc.__cause__ or exc.__context__
    if detail is None:
        detail = str(exc)
        if cause is not None and str(cause) not in detail:
            detail += f" ({type(cause).__name__}: {cause})"
    return ScriptFailure(
        element_id=(getattr(spec, "bpmn_id", None) or getattr(spec, "name", None) or "-"),
        element_name=getattr(spec, "bpmn_name", None) or "",
        line=getattr(exc, "line_number", None) or None,
        error_type=error_type or getattr(exc, "error_type", None) or type(exc).__name__,
        detail=detail,
        trace=list(getattr(exc, "task_trace", None) or []),
    )


def locate(wrapped: WorkflowTaskException) -> None:
    """Give our own error inside `wrapped` the element, line and trace SpiffWorkflow found."""
    own = engine_error_of(wrapped)
    if not isinstance(own, ProcessExecutionError) or own.failure is not None or wrapped.task is None:
        return
    own.failure = failure_of(wrapped, error_type=type(own).__name__, detail=own.message)
    own.details = {key: value for key, value in asdict(own.failure).items() if key != "detail"}


class process_errors:
    """Turn whatever SpiffWorkflow raises into our errors; our own EngineErrors pass through unchanged.

    Timer parsing raises raw exceptions (not WorkflowException), so every Exception is caught."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> bool:
        if exc is None or not isinstance(exc, Exception):
            return False
        own = engine_error_of(exc)
        if own is not None and own is not exc:
            raise own from exc
        if own is not None:
            return False
        failure = failure_of(exc)
        where = failure.element_name or failure.element_id
        line = f", dòng {failure.line}" if failure.line else ""
        raise ProcessExecutionError(
            f"Lỗi khi chạy quy trình tại '{where}'{line}: {failure.detail}", failure=failure
        ) from exc


def describe_failure(exc: BaseException) -> dict:
    """An incident's record of `exc`: message, error type and, where anything in the chain of causes
    knows it, the element (id and name) and the line."""
    own = engine_error_of(exc)
    if isinstance(own, ProcessExecutionError) and own.failure is not None:
        return {"message": own.message, **own.details}
    located = _located_cause(exc)
    failure = failure_of(located) if located is not None else None
    message = own.message if own is not None else f"{type(exc).__name__}: {exc}"
    record = {"message": message, "error_type": type(own or exc).__name__}
    if failure is not None:
        record.update(element_id=failure.element_id, element_name=failure.element_name, line=failure.line)
    return record


def _located_cause(exc: BaseException) -> BaseException | None:
    """The first exception in the chain that names the task it happened in."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if getattr(current, "task", None) is not None:
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None
