"""When reminders go out: working days before a deadline, catch-up, the next pass, R7's day, settings."""

from __future__ import annotations

from datetime import UTC, date

import pytest

from engine.calendar import WorkCalendar
from engine.config import load_settings
from engine.reminders.schedule import next_reminder_run, offset_due, r7_day, reminder_day
from engine.reports.readings import DAY_BEFORE, LAST_WORKING_DAY_BEFORE, THE_DAY
from tests.engine.reminders.conftest import local

# The package's Vietnam calendar knows Tết 2025 (27-31/01) and the make-up Saturday 26/04/2025.
CALENDAR = WorkCalendar()
SETTINGS = load_settings(env={})


@pytest.mark.parametrize(
    ("deadline", "days_before", "day"),
    [
        # DOMAIN.md: Wednesday 05/02/2025, after two weekends and Tết (27-31/01).
        (date(2025, 2, 5), 1, date(2025, 2, 4)),
        (date(2025, 2, 5), 3, date(2025, 1, 24)),
        (date(2025, 2, 5), 0, date(2025, 2, 5)),
        # Monday 28/04/2025: the make-up Saturday 26/04 is the working day before it.
        (date(2025, 4, 28), 1, date(2025, 4, 26)),
        (date(2025, 4, 28), 3, date(2025, 4, 24)),
        # A deadline on a day off (Saturday 19/09/2026): its last working day is Friday 18/09.
        (date(2026, 9, 19), 0, date(2026, 9, 18)),
        (date(2026, 9, 19), 1, date(2026, 9, 17)),
    ],
)
def test_the_reminder_day_leaves_that_many_working_days(deadline, days_before, day):
    assert reminder_day(CALENDAR, deadline, days_before) == day
    assert CALENDAR.is_working_day(day)
    assert CALENDAR.working_days_between(day, deadline) == days_before


def test_catch_up_sends_only_the_most_urgent_reminder_still_meaningful():
    due = {"deadline": date(2025, 2, 5), "created_on": date(2025, 1, 20), "offsets": (3, 1)}
    assert offset_due(CALENDAR, today=date(2025, 1, 23), **due) is None  # too early
    assert offset_due(CALENDAR, today=date(2025, 1, 24), **due) == 3
    assert offset_due(CALENDAR, today=date(2025, 2, 3), **due) == 3  # the 3-day one was missed: still due
    assert offset_due(CALENDAR, today=date(2025, 2, 4), **due) == 1
    assert offset_due(CALENDAR, today=date(2025, 2, 5), **due) == 1  # both missed: only the 1-day one
    assert offset_due(CALENDAR, today=date(2025, 2, 6), **due) is None  # the deadline has passed


def test_no_reminder_on_or_before_the_day_the_subject_appeared():
    due = {"deadline": date(2025, 2, 5), "offsets": (3, 1)}
    assert offset_due(CALENDAR, today=date(2025, 1, 24), created_on=date(2025, 1, 24), **due) is None
    assert offset_due(CALENDAR, today=date(2025, 2, 4), created_on=date(2025, 1, 24), **due) == 1
    assert offset_due(CALENDAR, today=date(2025, 2, 4), created_on=date(2025, 2, 4), **due) is None


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (local(2025, 1, 24, 6, 30), local(2025, 1, 24, 7)),  # Friday before 07:00: the day's first pass
        (local(2025, 1, 24, 7, 0), local(2025, 1, 24, 8)),
        (local(2025, 1, 24, 14, 59), local(2025, 1, 24, 15)),
        (local(2025, 1, 24, 23, 10), local(2025, 2, 3, 7)),  # then the weekend and Tết: Monday 03/02
        (local(2025, 1, 29, 9, 0), local(2025, 2, 3, 7)),  # during Tết
        (local(2025, 4, 25, 23, 0), local(2025, 4, 26, 7)),  # the make-up Saturday is a working day
    ],
)
def test_next_reminder_run(now, expected):
    assert next_reminder_run(now, CALENDAR, SETTINGS) == expected
    assert next_reminder_run(now, CALENDAR, SETTINGS).tzinfo == UTC


def test_next_reminder_run_follows_the_reminder_hour():
    settings = load_settings(env={"THEODOI_REMINDER_HOUR": "9"})
    assert next_reminder_run(local(2025, 1, 24, 7, 30), CALENDAR, settings) == local(2025, 1, 24, 9)
    assert next_reminder_run(local(2025, 1, 24, 23, 30), CALENDAR, settings) == local(2025, 2, 3, 9)


def test_r7_aims_at_the_last_working_day_on_or_before_the_day_the_reading_names():
    # Q3 2026: 19-20/09 are a weekend; T6 moves to Monday 21/09 (R4) or back to Friday 18/09, the reminder
    # is Friday 18/09 under every reading.
    for reading in (DAY_BEFORE, THE_DAY, LAST_WORKING_DAY_BEFORE):
        assert r7_day(CALENDAR, kind="quarter", year=2026, period=3, reading=reading) == date(2026, 9, 18)
    # Q1 2026: Thursday 19/03, Friday 20/03.
    assert r7_day(CALENDAR, kind="quarter", year=2026, period=1, reading=DAY_BEFORE) == date(2026, 3, 19)
    assert r7_day(CALENDAR, kind="quarter", year=2026, period=1, reading=THE_DAY) == date(2026, 3, 20)
    assert r7_day(CALENDAR, kind="quarter", year=2026, period=1, reading=LAST_WORKING_DAY_BEFORE) == date(
        2026, 3, 19
    )
    assert r7_day(CALENDAR, kind="half_year", year=2026, period=1, reading=DAY_BEFORE) == date(2026, 6, 19)
    assert r7_day(CALENDAR, kind="year", year=2026, period=1, reading=DAY_BEFORE) == date(2026, 12, 18)
    assert r7_day(CALENDAR, kind="ad_hoc", year=2026, period=1, reading=DAY_BEFORE) is None


def test_reminder_settings_are_parsed_once_and_bad_values_are_named():
    settings = load_settings(env={"THEODOI_REMINDER_DAYS": " 1, 5,3,3", "THEODOI_REMINDER_HOUR": "6"})
    assert settings.reminder_offsets == (5, 3, 1) and settings.reminder_hour == 6
    assert settings.reminder_offsets is settings.reminder_offsets
    assert SETTINGS.reminder_offsets == (3, 1) and SETTINGS.reminder_hour == 7
    assert load_settings(env={"THEODOI_REMINDER_DAYS": ""}).reminder_offsets == ()
    for env, name in [
        ({"THEODOI_REMINDER_DAYS": "3,x"}, "THEODOI_REMINDER_DAYS"),
        ({"THEODOI_REMINDER_DAYS": "-1"}, "THEODOI_REMINDER_DAYS"),
        ({"THEODOI_REMINDER_DAYS": "61"}, "THEODOI_REMINDER_DAYS"),
        ({"THEODOI_REMINDER_HOUR": "24"}, "THEODOI_REMINDER_HOUR"),
        ({"THEODOI_REMINDER_HOUR": "seven"}, "THEODOI_REMINDER_HOUR"),
    ]:
        with pytest.raises(ValueError, match=name):
            load_settings(env=env)
