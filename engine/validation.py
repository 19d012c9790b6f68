"""JSON Schema validation whose errors name every bad field, for forms and API bodies alike, and the
limits every input meets whatever its schema says (text length, list size, nesting, storable text)."""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from engine.documents.secrecy import MARKER as SECRECY_MARKER
from engine.documents.secrecy import refuse_secret
from engine.errors import ValidationError

# A text field or list whose schema names no bound of its own gets these: enough for any paragraph of a
# report, and far from the request size limit, so one field cannot fill the database.
MAX_TEXT = 20_000
MAX_ITEMS = 1_000
# Integers go into INTEGER columns (32 bits on PostgreSQL) or date arithmetic: unbounded ones overflow both.
MIN_INT, MAX_INT = -(2**31), 2**31 - 1
# Deeper than any form or body we define; the JSON parser's own recursion limit would be a 500.
MAX_DEPTH = 64
# NUL: PostgreSQL text refuses it (a 500), SQLite keeps it silently. Lone surrogates: not encodable in
# UTF-8, so neither database nor the JSON we send back can carry them.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def validate(schema: dict, data: Any, *, message: str) -> None:
    """Raise ValidationError mapping each bad field (a JSON path like tasks/0/due_date) to its problem."""
    fields: dict[str, str] = {}
    errors = list(_validator(schema).iter_errors(data))
    for error in errors:  # an độ mật outside the list is refused as secret (Đ5.2), not as a mere typo
        if isinstance(error.schema, dict) and error.schema.get(SECRECY_MARKER):
            refuse_secret(error.instance, field="/".join(str(p) for p in error.absolute_path))
    for error in errors:
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


def bounded(schema: dict) -> dict:
    """`schema` with maxLength on every string, maxItems on every array and a 32-bit range on every integer
    that has none of its own."""
    return json.loads(_bounded_text(json.dumps(schema, sort_keys=True)))


def refuse_unstorable(value: Any, *, where: str) -> None:
    """Refuse (ValidationError) data nested deeper than MAX_DEPTH or holding NUL or a lone surrogate in
    any text or key; `where` is the field path reported for the top of `value`."""
    stack: list[tuple[Any, str, int]] = [(value, where, 0)]
    while stack:
        item, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ValidationError(
                f"Dữ liệu lồng nhau quá {MAX_DEPTH} cấp", fields={path: f"nested deeper than {MAX_DEPTH}"}
            )
        if isinstance(item, str):
            if _UNSTORABLE.search(item):
                raise ValidationError(
                    "Dữ liệu chứa ký tự không hợp lệ (NUL hoặc mã Unicode lỗi)",
                    fields={path: "contains NUL or an invalid Unicode character"},
                )
        elif isinstance(item, dict):
            stack += [(key, path, depth + 1) for key in item]
            stack += [(v, _join(path, k), depth + 1) for k, v in item.items()]
        elif isinstance(item, list | tuple):
            stack += [(v, _join(path, i), depth + 1) for i, v in enumerate(item)]


def _join(path: str, key: Any) -> str:
    return f"{path}/{key}" if path else str(key)


@functools.lru_cache(maxsize=512)
def _bounded_text(schema_text: str) -> str:
    return json.dumps(_bound(json.loads(schema_text)))


def _bound(node: Any) -> Any:
    if isinstance(node, list):
        return [_bound(item) for item in node]
    if not isinstance(node, dict):
        return node
    result = {key: _bound(value) for key, value in node.items()}
    declared = node.get("type")  # a property may be named "type" too: only a keyword is a str or list
    if isinstance(declared, str | list):
        types = {declared} if isinstance(declared, str) else set(declared)
        if "string" in types and "enum" not in node and "const" not in node:
            result.setdefault("maxLength", MAX_TEXT)
        if "array" in types:
            result.setdefault("maxItems", MAX_ITEMS)
        if "integer" in types:
            result.setdefault("minimum", MIN_INT)
            result.setdefault("maximum", MAX_INT)
    return result


def _validator(schema: dict) -> Draft202012Validator:
    return _validator_of(json.dumps(schema, sort_keys=True))


@functools.lru_cache(maxsize=512)
def _validator_of(schema_text: str) -> Draft202012Validator:
    # Building a validator (its schema bounded, its keywords resolved) costs milliseconds; the same few
    # forms and bodies recur, and a validator keeps no state between validations.
    return Draft202012Validator(json.loads(_bounded_text(schema_text)), format_checker=FormatChecker())
