"""R7's three readings of "trước ngày 20" (T6) and "trước ngày 25" (T7), and R7's reminder day with them:
properties over 2020-2035 with declared days off and make-up days around the dates, and the known months."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.calendar import WorkCalendar
from engine.reminders.schedule import r7_day
from engine.reports.periodic import QUARTER_END_MONTHS, report_period
from engine.reports.readings import DAY_BEFORE, LAST_WORKING_DAY_BEFORE, READINGS, THE_DAY, named_day

# The override seeded by migration 0002 that falls near a 2026 deadline (a make-up Saturday in August).
OVERRIDES = {date(2026, 8, 22): True}
# The calendar day R4 starts from under the readings that move forward.
FORWARD_FROM = {DAY_BEFORE: 1, THE_DAY: 0}  # days before the named day
# The first look at a year builds its holiday calendar: no time limit per example (no timed assertions).
UNTIMED = settings(deadline=None)


@st.composite
def months(draw) -> tuple[WorkCalendar, int, int, str]:
    """(calendar, year, quarter-end month, reading): the package's calendar with a few days of the
    second half of the month declared off or worked, so that the 19th, 20th, 24th, 25th and the days
    around them are sometimes a holiday, sometimes a make-up working day."""
    year = draw(st.integers(2020, 2035))
    month = draw(st.sampled_from(QUARTER_END_MONTHS))
    days = draw(st.dictionaries(st.integers(14, 28), st.booleans(), max_size=6))
    calendar = WorkCalendar({date(year, month, day): working for day, working in days.items()})
    return calendar, year, month, draw(st.sampled_from(READINGS))


def deadlines(calendar: WorkCalendar, year: int, month: int, reading: str) -> dict[int, date]:
    """{20: T6, 25: T7} of the period ending in `month`."""
    period = report_period(calendar, year, month, reading=reading)
    return {20: period.unit_due, 25: period.consolidation_due}


@UNTIMED
@given(months())
def test_each_reading_gives_a_working_day_by_its_rule(case):
    calendar, year, month, reading = case
    for named, due in deadlines(calendar, year, month, reading).items():
        assert calendar.is_working_day(due)
        if reading == LAST_WORKING_DAY_BEFORE:
            # Strictly before the named day, and no working day between it and that day.
            assert due < date(year, month, named)
            between = [due + timedelta(days=n) for n in range(1, (date(year, month, named) - due).days)]
            assert not any(calendar.is_working_day(day) for day in between)
        else:
            start = date(year, month, named - FORWARD_FROM[reading])
            assert due == calendar.effective_due_date(start)  # R4 of the 19th (24th) or the 20th (25th)
            assert due >= start
            assert not any(
                calendar.is_working_day(start + timedelta(days=n)) for n in range((due - start).days)
            )


@UNTIMED
@given(months())
def test_the_r7_reminder_is_a_working_day_on_or_before_t6(case):
    calendar, year, month, reading = case
    period = report_period(calendar, year, month, reading=reading)
    reminded = r7_day(calendar, kind=period.kind, year=year, period=period.period, reading=reading)
    assert calendar.is_working_day(reminded)
    assert reminded <= period.unit_due
    # The last working day on or before the reading's calendar day: none between them.
    aimed = named_day(year, month, 20, reading)
    assert reminded <= aimed
    assert not any(
        calendar.is_working_day(reminded + timedelta(days=n)) for n in range(1, (aimed - reminded).days + 1)
    )


@pytest.mark.parametrize(
    ("reading", "t6", "t7", "receipt_cutoff", "reminded"),
    [
        # The 19th is a Saturday and the 20th a Sunday (22/08 is the make-up Saturday, not 19/09).
        (DAY_BEFORE, date(2026, 9, 21), date(2026, 9, 24), date(2026, 9, 23), date(2026, 9, 18)),
        (THE_DAY, date(2026, 9, 21), date(2026, 9, 25), date(2026, 9, 24), date(2026, 9, 18)),
        (LAST_WORKING_DAY_BEFORE, date(2026, 9, 18), date(2026, 9, 24), date(2026, 9, 23), date(2026, 9, 18)),
    ],
)
def test_september_2026_where_the_19th_is_a_saturday(reading, t6, t7, receipt_cutoff, reminded):
    calendar = WorkCalendar(OVERRIDES)
    q3 = report_period(calendar, 2026, 9, reading=reading)
    assert (q3.unit_due, q3.consolidation_due, q3.receipt_cutoff) == (t6, t7, receipt_cutoff)
    assert r7_day(calendar, kind="quarter", year=2026, period=3, reading=reading) == reminded


@pytest.mark.parametrize(
    ("reading", "t6", "reminded"),
    [
        (DAY_BEFORE, date(2026, 3, 20), date(2026, 3, 18)),  # R4: Friday 20/03; the reminder before the 19th
        (THE_DAY, date(2026, 3, 20), date(2026, 3, 20)),
        (LAST_WORKING_DAY_BEFORE, date(2026, 3, 18), date(2026, 3, 18)),
    ],
)
def test_q1_2026_where_thursday_the_19th_is_declared_a_day_off(reading, t6, reminded):
    calendar = WorkCalendar({date(2026, 3, 19): False})
    assert report_period(calendar, 2026, 3, reading=reading).unit_due == t6
    assert r7_day(calendar, kind="quarter", year=2026, period=1, reading=reading) == reminded


@pytest.mark.parametrize(
    ("reading", "t6", "t7"),
    [
        (DAY_BEFORE, date(2028, 6, 19), date(2028, 6, 26)),  # 24-25/06/2028 are a weekend: Monday 26/06
        (THE_DAY, date(2028, 6, 20), date(2028, 6, 26)),
        (LAST_WORKING_DAY_BEFORE, date(2028, 6, 19), date(2028, 6, 23)),  # Friday 23/06, before the 25th
    ],
)
def test_t7_follows_the_reading_with_the_25th(reading, t6, t7):
    period = report_period(WorkCalendar(), 2028, 6, reading=reading)
    assert (period.kind, period.unit_due, period.consolidation_due) == ("half_year", t6, t7)


def test_an_unknown_reading_is_refused_with_the_allowed_ones():
    with pytest.raises(ValueError, match="day_19, day_20, last_working_day_before_20"):
        report_period(WorkCalendar(), 2026, 9, reading="20")
