"""A list's sort comes from a whitelist: an unknown key is the default order, never an error."""

from __future__ import annotations

from engine.search.sql import Sort

KEYS = {"number": object(), "due": object()}


def test_a_known_key_sorts_ascending_unless_desc_is_asked():
    assert Sort.choose(KEYS, "due", None) == Sort("due", False)
    assert Sort.choose(KEYS, "due", "asc") == Sort("due", False)
    assert Sort.choose(KEYS, "due", "desc") == Sort("due", True)
    assert Sort.choose(KEYS, "due", "sideways") == Sort("due", False)
    assert Sort("due", True).direction == "desc" and Sort("due").direction == "asc"


def test_an_unknown_or_missing_key_is_the_default_order():
    for key in [None, "", "id; DROP TABLE users", "__class__", "Number"]:
        assert Sort.choose(KEYS, key, "desc") == Sort()
    assert Sort().key is None
