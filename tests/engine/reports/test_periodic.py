"""R7: reporting periods, their data windows and their T6/T7 deadlines over the working-day calendar."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from engine.calendar import WorkCalendar
from engine.reports.periodic import figures_as_of, next_period, report_period
from engine.reports.readings import THE_DAY

# The known overrides of migration 0002 that fall in 2026.
OVERRIDES = {date(2026, 1, 2): False, date(2026, 1, 10): True, date(2026, 8, 22): True}


@pytest.fixture
def calendar() -> WorkCalendar:
    return WorkCalendar(OVERRIDES)


def test_q3_2026_window_and_deadlines(calendar):
    q3 = report_period(calendar, 2026, 9)
    assert (q3.kind, q3.period, q3.label) == ("quarter", 3, "Báo cáo quý III và 9 tháng năm 2026")
    assert (q3.window_from, q3.window_to) == (date(2026, 6, 15), date(2026, 9, 14))
    # "Trước ngày 20" is Saturday 19/09 (22/08 is the make-up Saturday, not this one): R4 gives Monday 21/09.
    assert not calendar.is_working_day(date(2026, 9, 19)) and calendar.is_working_day(date(2026, 8, 22))
    assert q3.unit_due == date(2026, 9, 21)
    assert (q3.consolidation_due, q3.receipt_cutoff) == (date(2026, 9, 24), date(2026, 9, 23))
    assert q3.opens_at == datetime(2026, 9, 1, 8, 0, tzinfo=calendar.tz)


@pytest.mark.parametrize(
    ("month", "kind", "window", "unit_due", "consolidation_due"),
    [
        (3, "quarter", (date(2025, 12, 15), date(2026, 3, 14)), date(2026, 3, 19), date(2026, 3, 24)),
        (6, "half_year", (date(2025, 12, 15), date(2026, 6, 14)), date(2026, 6, 19), date(2026, 6, 24)),
        (12, "year", (date(2025, 12, 15), date(2026, 12, 14)), date(2026, 12, 21), date(2026, 12, 24)),
    ],
)
def test_six_months_and_year_windows_start_in_the_previous_december(
    calendar, month, kind, window, unit_due, consolidation_due
):
    period = report_period(calendar, 2026, month)
    assert period.kind == kind
    assert (period.window_from, period.window_to) == window
    assert (period.unit_due, period.consolidation_due) == (unit_due, consolidation_due)


def test_a_deadline_on_a_declared_day_off_moves_to_the_next_working_day():
    calendar = WorkCalendar({**OVERRIDES, date(2026, 3, 19): False})
    assert report_period(calendar, 2026, 3).unit_due == date(2026, 3, 20)


def test_the_day_20_reading_takes_the_20th_and_the_25th(calendar):
    q3 = report_period(calendar, 2026, 9, reading=THE_DAY)
    assert (q3.unit_due, q3.consolidation_due) == (date(2026, 9, 21), date(2026, 9, 25))  # 20/09 is a Sunday


def test_the_reading_carries_through_the_schedule(calendar):
    following = next_period(calendar, last=(2026, 9), today=date(2026, 10, 1), reading=THE_DAY)
    first = next_period(calendar, last=None, today=date(2026, 11, 2), reading=THE_DAY)
    assert following == first
    assert (first.unit_due, first.consolidation_due) == (date(2026, 12, 21), date(2026, 12, 25))


def test_only_quarter_end_months_are_periods(calendar):
    with pytest.raises(ValueError, match="quarter-end month"):
        report_period(calendar, 2026, 8)


@pytest.mark.parametrize(
    ("today", "month"),
    [(date(2026, 7, 10), 9), (date(2026, 9, 21), 9), (date(2026, 9, 22), 12), (date(2026, 1, 5), 3)],
)
def test_a_new_schedule_starts_with_the_first_period_still_due(calendar, today, month):
    period = next_period(calendar, last=None, today=today)
    assert (period.year, period.month) == (2026, month)


def test_a_running_schedule_never_skips_a_period(calendar):
    late = next_period(calendar, last=(2026, 9), today=date(2027, 1, 15))  # Q3 published in January
    assert (late.year, late.month, late.label) == (2026, 12, "Báo cáo năm 2026 (gồm quý IV)")
    after_year = next_period(calendar, last=(2026, 12), today=date(2026, 12, 28))
    assert (after_year.year, after_year.month, after_year.kind) == (2027, 3, "quarter")


def test_figures_stand_as_of_the_window_end_or_today_if_earlier():
    assert figures_as_of(date(2026, 9, 14), date(2026, 9, 22)) == date(2026, 9, 14)
    assert figures_as_of(date(2026, 9, 14), date(2026, 9, 10)) == date(2026, 9, 10)
