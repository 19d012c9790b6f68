"""The `search_text` column as every searchable table declares it."""

from __future__ import annotations

from sqlalchemy import Text

SEARCH_TEXT = Text
SEARCH_TEXT_OPTIONS = {
    "default": "",
    "server_default": "",
    # Lists filter on it in SQL but never show it: not loaded with the row.
    "deferred": True,
    # Derived from other columns, so not a change anyone made: the change history leaves it out.
    "info": {"derived": True},
}
