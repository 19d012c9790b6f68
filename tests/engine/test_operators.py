"""The step context seen by script helpers and timer expressions."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from engine import operators
from engine.calendar import WorkCalendar

NOW = datetime(2025, 1, 24, 2, 0, tzinfo=UTC)


@pytest.fixture
def step():
    ctx = operators.StepContext(None, 1, "intake", "cv", NOW, WorkCalendar())
    with operators.step(ctx):
        yield ctx


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2025, 2, 5), "2025-02-06T00:00:00+07:00"),  # a date: the deadline ends at 24:00 local (R3)
        (datetime(2025, 2, 5, 8, 0), "2025-02-05T08:00:00+07:00"),  # naive: local, not the server's zone
        ("2025-02-05T08:00:00", "2025-02-05T08:00:00+07:00"),
        ("2025-02-05T08:00:00+00:00", "2025-02-05T08:00:00+00:00"),
        ("P3D", "P3D"),  # durations and cycles are SpiffWorkflow's to parse
        ("R2/PT1H", "R2/PT1H"),
    ],
)
def test_timer_values_become_aware_instants(step, value, expected):
    assert operators.timer_value(value) == expected


def test_helpers_use_the_step_calendar_and_clock(step):
    helpers = operators.script_helpers()
    assert helpers["add_working_days"](date(2025, 1, 24), 3) == date(2025, 2, 5)
    assert helpers["today"]() == date(2025, 1, 24) and helpers["now"]() == NOW
    assert operators.step_now() == NOW


def test_helpers_outside_a_step_say_so():
    with pytest.raises(RuntimeError, match="no process step is running"):
        operators.script_helpers()["today"]()
