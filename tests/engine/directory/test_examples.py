"""The example files the README points to import cleanly and ship with the package."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch

from engine.directory import files
from tests.conftest import ROOT

EXAMPLES = [
    ROOT / "engine" / "directory" / "example.csv",
    ROOT / "engine" / "directory" / "example-users.csv",
]


def test_the_examples_import_into_an_empty_database(system, load):
    result = load(*((path.name, path.read_bytes()) for path in EXAMPLES))
    assert (result.units.added, result.users.added) == (7, 7)
    assert files.read_paths(EXAMPLES).problems == []


def test_the_examples_are_package_data():
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = setuptools["package-data"]["engine"]
    for path in EXAMPLES:
        inside = str(path.relative_to(ROOT / "engine"))
        assert any(fnmatch(inside, pattern) for pattern in patterns), inside
