"""The query-string parameters of searchable lists, as the API declares them (OpenAPI) and as pages and
API read them: q, sort and dir, and date ranges that must run forwards."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from engine.errors import ValidationError
from engine.search.fold import MAX_QUERY
from engine.search.sql import ASC, DESC

Q = {
    "type": "string",
    "maxLength": MAX_QUERY,
    "description": "Tìm không phân biệt dấu, hoa thường (tai chinh thấy Tài chính); mỗi từ đều phải có",
}


def sorting(keys: Iterable[str]) -> dict[str, dict]:
    """sort and dir for an operation's query: a key that is not listed gives the default order."""
    return {
        "sort": {
            "type": "string",
            "description": f"Sắp xếp theo: {', '.join(keys)} (khác: thứ tự mặc định)",
        },
        "dir": {"type": "string", "enum": [ASC, DESC]},
    }


def ordered(first: date | None, last: date | None, last_field: str) -> tuple[date | None, date | None]:
    """A date range as given, unless it ends before it starts (a ValidationError naming `last_field`)."""
    if first and last and last < first:
        raise ValidationError("Ngày kết thúc phải sau ngày bắt đầu", fields={last_field: "before the start"})
    return first, last


def iso_range(args, start: str, end: str) -> tuple[date | None, date | None]:
    """The API's date range: two optional ISO yyyy-mm-dd parameters, the end not before the start."""
    found: dict[str, date | None] = {}
    bad = {}
    for name in (start, end):
        text = (args.get(name) or "").strip()
        try:
            found[name] = date.fromisoformat(text) if text else None
        except ValueError:
            bad[name] = "yyyy-mm-dd"
    if bad:
        raise ValidationError("Ngày phải theo dạng năm-tháng-ngày (yyyy-mm-dd)", fields=bad)
    return ordered(found[start], found[end], end)
