"""The one family of errors the engine raises; only engine/web/errors.py maps them to HTTP."""

from __future__ import annotations

from dataclasses import dataclass, field


class EngineError(Exception):
    """Base of every error the engine raises on purpose."""

    code = "engine_error"

    def __init__(self, message: str, *, details: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


@dataclass(frozen=True)
class DiagramProblem:
    """One problem found in a diagram, located for its author."""

    file: str
    line: int | None
    element_id: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line or 0}: {self.element_id or '-'}: {self.message}"

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "element_id": self.element_id, "message": self.message}


class InvalidDiagramError(EngineError):
    """A diagram that cannot be deployed; carries every problem found, not only the first."""

    code = "invalid_diagram"

    def __init__(self, problems: list[DiagramProblem], *, not_executable: bool = False) -> None:
        self.problems = problems
        self.not_executable = not_executable
        summary = "; ".join(str(p) for p in problems[:3])
        more = f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""
        super().__init__(
            f"Sơ đồ không hợp lệ: {summary}{more}", details={"problems": [p.as_dict() for p in problems]}
        )


class DiagramTooLargeError(InvalidDiagramError):
    """The upload is above the configured size limit."""

    code = "diagram_too_large"


class NotFoundError(EngineError):
    code = "not_found"


class FileTooLargeError(EngineError):
    """An uploaded file above the configured size (THEODOI_FILES_MAX_BYTES)."""

    code = "file_too_large"


class ValidationError(EngineError):
    """Input that fails its schema; details['fields'] maps each bad field to its message."""

    code = "validation_error"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message, details={"fields": fields or {}})
        self.fields = fields or {}


class SecretDocumentRefused(ValidationError):
    """Đ5.2: nothing of a secret document may enter the system."""

    code = "secret_document_refused"


class FileTypeRefused(ValidationError):
    """A file of a kind that may not be attached, or whose content is not what its extension says."""

    code = "file_type_refused"


class ConflictError(EngineError):
    code = "conflict"


class DuplicateDocumentError(ConflictError):
    """A document with the same number, type and issue date is already registered; details name it."""

    code = "duplicate_document"


class TaskNotReadyError(ConflictError):
    """The user task was already completed, cancelled, or is not a manual step."""

    code = "user_task_not_ready"


class StaleInstanceError(ConflictError):
    """Someone else saved the instance between our read and our write."""

    code = "stale_instance"


class ServiceUnavailable(EngineError):
    """The database is held by another writer longer than we wait: nothing was done, try again later."""

    code = "service_unavailable"
    retry_after = 5  # seconds: a bounded transaction (see the tracking limits) ends well within this


class AuthenticationError(EngineError):
    code = "unauthenticated"


class PermissionDeniedError(EngineError):
    code = "forbidden"


class TooManyAttemptsError(EngineError):
    """Sign-in is held back after repeated failures; details['retry_after'] says how many seconds more."""

    code = "too_many_attempts"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, details={"retry_after": retry_after})
        self.retry_after = retry_after


@dataclass
class ScriptFailure:
    """Where a script, condition or timer expression failed at run time."""

    element_id: str
    element_name: str
    line: int | None
    error_type: str
    detail: str
    trace: list[str] = field(default_factory=list)


class ProcessExecutionError(EngineError):
    """The diagram failed while running (a script error, a budget exceeded); nothing of the step was kept."""

    code = "process_error"

    def __init__(self, message: str, *, failure: ScriptFailure | None = None) -> None:
        self.failure = failure
        details = {}
        if failure is not None:
            details = {
                "element_id": failure.element_id,
                "element_name": failure.element_name,
                "line": failure.line,
                "error_type": failure.error_type,
                "trace": failure.trace,
            }
        super().__init__(message, details=details)


class ScriptPolicyError(ProcessExecutionError):
    """A script or expression uses something the sandbox refuses (found when compiling or running it)."""

    code = "script_policy"

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


class BudgetExceededError(ProcessExecutionError):
    """A script or an engine step ran longer than its step or time budget allows."""

    code = "budget_exceeded"
