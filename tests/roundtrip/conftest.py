"""The round trip's tests share one `npm ci` and one run of the tools over every diagram (session fixtures
of test_roundtrip.py): under pytest-xdist they stay on one worker, so that two workers never install
node_modules at once nor repeat the run."""

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups (--dist loadgroup)
def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.xdist_group("roundtrip"))
