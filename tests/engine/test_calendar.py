"""Working-day arithmetic (DOMAIN.md §6) against the worked examples and the known overrides."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.calendar import WorkCalendar

# The overrides the first migrations seed (checked against the migrated database in test_workdays).
KNOWN = {
    date(2026, 1, 2): False,
    date(2026, 1, 10): True,
    date(2024, 5, 4): True,
    date(2025, 4, 26): True,
    date(2026, 8, 22): True,
}
CAL = WorkCalendar(KNOWN)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2025, 1, 24), 3, date(2025, 2, 5)),  # weekend, Tết 27-31/1, weekend
        (date(2025, 4, 24), 3, date(2025, 4, 28)),  # Saturday 26/4/2025 is a make-up working day
        (date(2025, 1, 25), 1, date(2025, 2, 3)),  # counting from a Saturday: day E never counts (R2)
        (date(2025, 4, 29), 1, date(2025, 5, 5)),  # 30/4, 1/5, 2/5 (swapped) off, weekend
        (date(2025, 8, 29), 1, date(2025, 9, 3)),  # 1/9 and 2/9 off
        (date(2025, 12, 31), 1, date(2026, 1, 5)),  # 1/1 holiday, 2/1/2026 off by override
        (date(2026, 1, 9), 1, date(2026, 1, 10)),  # Saturday 10/1/2026 works
        (date(2026, 4, 24), 1, date(2026, 4, 28)),  # Giỗ Tổ on Sunday 26/4/2026 moves to Monday 27/4
        (date(2025, 3, 3), 0, date(2025, 3, 3)),
    ],
)
def test_add_working_days(start, n, expected):
    assert CAL.add_working_days(start, n) == expected


def test_effective_due_date_moves_a_day_off_to_the_next_working_day():
    assert CAL.effective_due_date(date(2025, 4, 30)) == date(2025, 5, 5)  # R4
    assert CAL.effective_due_date(date(2025, 4, 26)) == date(
        2025, 4, 26
    )  # a make-up Saturday is a working day
    assert CAL.effective_due_date(date(2025, 4, 24)) == date(2025, 4, 24)


def test_t2_normalises_then_adds():
    due = CAL.effective_due_date(date(2025, 4, 24))  # R5
    assert CAL.add_working_days(due, 3) == date(2025, 4, 28)


def test_culture_day_is_off_by_default_and_one_switch_turns_it_on():
    assert CAL.is_working_day(date(2026, 11, 24))
    assert not WorkCalendar(KNOWN, culture_day_is_holiday=True).is_working_day(date(2026, 11, 24))


@pytest.mark.parametrize("observed", [date(2029, 11, 26), date(2035, 11, 26)])
def test_the_culture_day_s_observed_monday_follows_the_same_switch(observed):
    # 24/11 falls on a Saturday; the package moves it to Monday as "Vietnam Cultural Day (observed)".
    assert CAL.is_working_day(observed)
    assert not WorkCalendar(KNOWN, culture_day_is_holiday=True).is_working_day(observed)


def test_an_override_beats_the_package():
    assert WorkCalendar().is_working_day(date(2025, 2, 3))
    assert not WorkCalendar({date(2025, 2, 3): False}).is_working_day(date(2025, 2, 3))
    assert WorkCalendar({date(2025, 1, 29): True}).is_working_day(date(2025, 1, 29))


def test_deadline_ends_at_midnight_local_time():
    end = CAL.end_of_day(date(2025, 2, 5))
    assert end.astimezone(UTC) == datetime(2025, 2, 5, 17, 0, tzinfo=UTC)  # 24:00 at UTC+7
    assert CAL.local_date(datetime(2025, 2, 5, 16, 59, tzinfo=UTC)) == date(2025, 2, 5)
    assert CAL.local_date(datetime(2025, 2, 5, 17, 0, tzinfo=UTC)) == date(2025, 2, 6)


def test_bad_input_is_refused_clearly():
    with pytest.raises(ValueError, match="n must be >= 0"):
        CAL.add_working_days(date(2025, 1, 1), -1)
    with pytest.raises(ValueError, match="ISO date"):
        CAL.add_working_days("24/01/2025", 1)


days = st.dates(min_value=date(2014, 1, 1), max_value=date(2030, 12, 31))


@given(days, st.integers(min_value=0, max_value=40))
def test_add_lands_on_a_working_day_exactly_n_working_days_later(start, n):
    end = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, end) == n
    if n:
        assert CAL.is_working_day(end)
        assert (
            CAL.working_days_between(start, end - timedelta(days=1)) == n - 1
        )  # the first day that reaches n


@given(days, st.integers(min_value=0, max_value=20), st.integers(min_value=0, max_value=20))
def test_adding_is_additive_from_working_days(start, a, b):
    first = CAL.add_working_days(start, a)
    assert CAL.add_working_days(first, b) == CAL.add_working_days(start, a + b)


@given(days)
def test_effective_due_date_is_the_first_working_day_on_or_after(day):
    due = CAL.effective_due_date(day)
    assert due >= day and CAL.is_working_day(due)
    assert all(not CAL.is_working_day(day + timedelta(days=i)) for i in range((due - day).days))
