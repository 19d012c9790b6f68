"""JSON Schema validation whose errors name every bad field, for forms and API bodies alike."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from engine.errors import ValidationError


def validate(schema: dict, data: Any, *, message: str) -> None:
    """Raise ValidationError mapping each bad field (a JSON path like tasks/0/due_date) to its problem."""
    fields: dict[str, str] = {}
    for error in Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(data):
        path = "/".join(str(p) for p in error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            for name in error.validator_value:
                if name not in error.instance:
                    fields["/".join(filter(None, [path, name]))] = "bắt buộc nhập"
        elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = set(error.schema.get("properties", {}))
            for name in error.instance:
                if name not in allowed:
                    fields["/".join(filter(None, [path, name]))] = "trường không có trong biểu mẫu"
        elif error.validator not in {"if", "then", "else", "allOf", "anyOf", "oneOf"} or not error.context:
            fields.setdefault(path, error.message)
        else:  # a combinator: report its innermost failures, which name the real fields
            for inner in error.context:
                inner_path = "/".join(str(p) for p in inner.absolute_path)
                fields.setdefault(inner_path, inner.message)
    if fields:
        raise ValidationError(message, fields=fields)
