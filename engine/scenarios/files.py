"""Scenario files: read, checked against the schema, turned into Scenarios; every problem of a file is
reported at once, in Vietnamese, with its line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaViolation

from engine.scenarios import yamlfile
from engine.scenarios.schema import SCENARIO_FILE

# Friday 24/01/2025, 09:00: a working day, the day the tests' example document is issued.
DEFAULT_CLOCK = "2025-01-24 09:00"
_VALIDATOR = Draft202012Validator(SCENARIO_FILE)
_STEP_KINDS = ", ".join(
    SCENARIO_FILE["properties"]["scenarios"]["items"]["properties"]["steps"]["items"]["properties"]
)


@dataclass(frozen=True)
class Step:
    # register_document, start, start_scheduled, give_internal_task, complete, advance, deliver, expect
    kind: str
    args: Any
    line: int
    number: int  # 1-based, as the analyst counts them


@dataclass(frozen=True)
class Scenario:
    file: str
    name: str
    process: str
    clock: datetime  # aware
    steps: list[Step]
    directory: dict | None  # {"units": [...], "users": [...]}, None: the demo directory


class ScenarioFileError(Exception):
    """A scenario file that cannot be run; `problems` are "file:line: message" lines."""

    def __init__(self, file: str, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.file = file
        self.problems = problems


def load_file(path: Path, *, display: str, timezone: str) -> list[Scenario]:
    """The scenarios of one file; ScenarioFileError names every problem in it."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioFileError(display, [f"{display}: không đọc được tệp: {exc}"]) from None
    return parse(text, display=display, timezone=timezone)


def parse(text: str, *, display: str, timezone: str) -> list[Scenario]:
    """The scenarios written in `text` (the content of the file named `display`)."""
    try:
        document, lines = yamlfile.load(text)
    except yamlfile.YamlError as exc:
        raise ScenarioFileError(display, [f"{display}:{exc.line or 0}: {exc.message}"]) from None
    errors = sorted(
        _VALIDATOR.iter_errors(document), key=lambda e: yamlfile.line_of(lines, tuple(e.absolute_path)) or 0
    )
    if errors:
        raise ScenarioFileError(
            display,
            [
                f"{display}:{yamlfile.line_of(lines, tuple(e.absolute_path)) or 0}: {_describe(e)}"
                for e in errors
            ],
        )
    zone = ZoneInfo(timezone)
    scenarios = []
    for i, raw in enumerate(document["scenarios"]):
        steps = [
            Step(kind=kind, args=args, line=lines[("scenarios", i, "steps", n)], number=n + 1)
            for n, step in enumerate(raw["steps"])
            for kind, args in step.items()
        ]
        scenarios.append(
            Scenario(
                file=display,
                name=raw["name"],
                process=document["process"],
                clock=local_time(raw.get("clock", DEFAULT_CLOCK), zone),
                steps=steps,
                directory=document.get("directory"),
            )
        )
    return scenarios


def local_time(text: str, zone: ZoneInfo) -> datetime:
    """ "2025-01-24 09:00" in `zone`, as an aware time."""
    return datetime.fromisoformat(text.replace(" ", "T")).replace(tzinfo=zone)


def _describe(error: SchemaViolation) -> str:
    """The schema's complaint in the analyst's words."""
    where = "/".join(str(p) for p in error.absolute_path) or "tệp"
    kind, value = error.validator, error.validator_value
    if kind == "additionalProperties":
        allowed = ", ".join(error.schema.get("properties", {}))
        unknown = ", ".join(sorted(set(error.instance) - set(error.schema.get("properties", {}))))
        return f"{where}: khóa không được biết '{unknown}' (dùng được: {allowed})"
    if kind == "required":
        return f"{where}: thiếu khóa bắt buộc {error.message.split(' is ')[0]}"
    if kind in ("minProperties", "maxProperties") and "expect" in error.schema.get("properties", {}):
        return f"{where}: mỗi bước là đúng một việc trong: {_STEP_KINDS}"
    if kind == "maxProperties":
        return f"{where}: chỉ được một trong: {', '.join(error.schema.get('properties', {}))}"
    if kind == "minProperties":
        return f"{where}: không được để trống"
    if kind == "pattern":
        return (
            f"{where}: '{error.instance}' không phải ngày (YYYY-MM-DD) hay ngày giờ (YYYY-MM-DD HH:MM) hợp lệ"
        )
    if kind == "type":
        names = {
            "string": "chữ",
            "integer": "số nguyên",
            "object": "bảng khóa: giá trị",
            "array": "danh sách",
            "boolean": "true/false",
            "null": "để trống",
        }
        wanted = " hoặc ".join(names.get(t, t) for t in ([value] if isinstance(value, str) else value))
        return f"{where}: phải là {wanted}, không phải {error.instance!r}"
    if kind == "enum":
        return f"{where}: '{error.instance}' không thuộc: {', '.join(map(str, value))}"
    if kind == "const":
        return f"{where}: chỉ nhận giá trị {value!r}"
    if kind == "oneOf":
        return f"{where}: cần đúng một trong message hoặc signal"
    if kind in ("minItems", "minLength"):
        return f"{where}: không được để trống"
    if kind == "minimum":
        return f"{where}: phải từ {value} trở lên"
    return f"{where}: {error.message}"
