"""The step context seen by script helpers and timer expressions, and the operators' registry."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

import engine.system  # noqa: F401  (imports every module that registers an operator)
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


def test_every_registered_operator_has_its_own_short_vietnamese_title():
    specs = operators.describe()
    titles = [spec.title for spec in specs]
    assert len(specs) == len(operators.OPERATORS) >= 44
    assert all(title and title.strip() == title for title in titles), titles
    assert max(map(len, titles)) <= operators.MAX_TITLE_LENGTH
    assert len(set(titles)) == len(titles)  # the editor offers them by title: no two read alike
    by_name = {spec.name: spec.title for spec in specs}
    assert by_name["create_assignments"] == "Tạo các nhiệm vụ đã phân loại từ văn bản chỉ đạo"
    assert by_name["notify"] == "Gửi thông báo cho một nhóm người dùng"


def test_an_operator_without_a_proper_title_is_refused_when_it_is_declared():
    with pytest.raises(TypeError, match="title"):
        operators.operator("test_untitled")
    for title in ("", "   ", "x" * (operators.MAX_TITLE_LENGTH + 1)):
        with pytest.raises(ValueError, match="operator 'test_untitled' needs a title of 1 to 80 characters"):
            operators.operator("test_untitled", title=title)
    assert "test_untitled" not in operators.OPERATORS and "test_untitled" not in operators.TITLES


def test_a_stand_in_keeps_the_title_of_the_operator_it_replaces(monkeypatch):
    monkeypatch.setitem(operators.OPERATORS, "notify", lambda ctx, **params: None)
    monkeypatch.setitem(operators.OPERATORS, "test_unregistered", lambda ctx, **params: None)
    by_name = {spec.name: spec for spec in operators.describe()}
    assert by_name["notify"].title == "Gửi thông báo cho một nhóm người dùng"
    assert by_name["test_unregistered"].title is None
