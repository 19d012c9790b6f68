"""A user task's form files checked for what they are: a JSON Schema, or a UI schema beside it.

A UI schema (react-jsonschema-form's `uiSchema`) is an object whose keys are the form's field names and
`ui:*` options; read as a JSON Schema, a field named `title`, `type` or `required` looks like a keyword
with a wrong value, so it is never checked as one."""

from __future__ import annotations

import functools
import json

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError


def form_problems(name: str, raw: bytes, *, ui: bool) -> tuple[object, list[str]]:
    """(the parsed form, why it cannot be used) for the form file `name`."""
    try:
        form = json.loads(raw)
    except ValueError as error:
        return None, [f"biểu mẫu {name} không phải JSON hợp lệ: {error}"]
    if ui:
        return form, [f"UI schema {name}: {message}" for message in _ui_problems(form, "")]
    try:
        _check_schema(bytes(raw))
    except SchemaError as error:
        return form, [f"biểu mẫu {name} không phải JSON Schema hợp lệ: {error.message}"]
    return form, []


@functools.lru_cache(maxsize=512)
def _check_schema(raw: bytes) -> None:
    """Check a form once per content: the meta-schema walk costs ~10 ms a form, and every deploy of
    processes/ (each start-up, each test) sees the same files again."""
    Draft202012Validator.check_schema(json.loads(raw))


def _ui_problems(ui: object, path: str) -> list[str]:
    where = path or "gốc"
    if not isinstance(ui, dict):
        return [f"{where} phải là một đối tượng JSON (tên trường → tùy chọn ui:*), không phải {_kind(ui)}"]
    problems = []
    for key, value in ui.items():
        inner = f"{path}.{key}" if path else key
        if key == "ui:order":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.append(f"{inner} phải là một danh sách tên trường")
        elif key == "ui:options":
            if not isinstance(value, dict):
                problems.append(f"{inner} phải là một đối tượng JSON, không phải {_kind(value)}")
        elif not key.startswith("ui:"):
            problems += _ui_problems(value, inner)  # a field (or `items`): its own UI schema
    return problems


def _kind(value: object) -> str:
    return {list: "một danh sách", str: "một chuỗi", bool: "một giá trị đúng/sai", type(None): "null"}.get(
        type(value), "một số"
    )
