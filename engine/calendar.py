"""Working-day arithmetic of DOMAIN.md §6 (R1-R4). Pure: no database, no Flask, no clock.

The calendar is the `holidays` package's Vietnam calendar (lunar dates included) corrected by an
override table that an administrator keeps: extra days off and make-up working days."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

CULTURE_DAY = "Vietnam Cultural Day"
# A date is looked up at most this far from the start: a deadline of a few hundred working days
# spans a few years; anything longer is a typo, not a deadline.
MAX_SPAN_DAYS = 366 * 20


@functools.lru_cache(maxsize=64)
def _package_year(year: int) -> tuple[frozenset[date], frozenset[date], tuple[tuple[date, str], ...]]:
    """(days off, make-up working days, named holidays) of one year as the package knows them."""
    calendar = holidays.country_holidays("VN", years=year)
    named = tuple(sorted(calendar.items()))
    return frozenset(calendar), frozenset(getattr(calendar, "weekend_workdays", ())), named


class WorkCalendar:
    """Vietnamese civil-service working days: Monday-Friday that is not a day off, plus make-up days."""

    def __init__(
        self,
        overrides: Mapping[date, bool] | None = None,
        *,
        culture_day_is_holiday: bool = False,
        timezone: str = "Asia/Ho_Chi_Minh",
    ) -> None:
        """`overrides` maps a date to True (a working day) or False (a day off); it beats the package."""
        self.overrides = dict(overrides or {})
        self.culture_day_is_holiday = culture_day_is_holiday
        self.tz = ZoneInfo(timezone)

    def holiday_name(self, day: date) -> str | None:
        """The package's name for `day` if it is a day off there (the culture-day switch applied)."""
        for when, name in _package_year(day.year)[2]:
            if when == day:
                if name.startswith(CULTURE_DAY) and not self.culture_day_is_holiday:  # also "(observed)"
                    return None
                return name
        return None

    def is_working_day(self, day: date) -> bool:
        """R1: an override decides; else Monday-Friday that is no holiday, or a package make-up day."""
        if day in self.overrides:
            return self.overrides[day]
        off, workdays, _ = _package_year(day.year)
        if day in workdays:
            return True
        if day.weekday() >= 5:
            return False
        return day not in off or self.holiday_name(day) is None

    def add_working_days(self, start: date, n: int) -> date:
        """R2: the n-th working day after `start` (day `start` itself never counts); n=0 is `start`."""
        start = as_date(start)
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        day, counted = start, 0
        while counted < n:
            day += timedelta(days=1)
            if (day - start).days > MAX_SPAN_DAYS:
                raise ValueError(f"{n} working days after {start} is beyond the calendar's reach")
            if self.is_working_day(day):
                counted += 1
        return day

    def effective_due_date(self, due: date) -> date:
        """R4: a calendar-date deadline on a day off moves to the next working day."""
        day = as_date(due)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        start, end = as_date(start), as_date(end)
        if end < start:
            return -self.working_days_between(end, start)
        if (end - start).days > MAX_SPAN_DAYS:
            raise ValueError(f"{start}..{end} is beyond the calendar's reach")
        return sum(
            1 for i in range(1, (end - start).days + 1) if self.is_working_day(start + timedelta(days=i))
        )

    def end_of_day(self, day: date) -> datetime:
        """R3: the instant a deadline on `day` ends, 24:00 local time, as an aware datetime."""
        return datetime.combine(as_date(day) + timedelta(days=1), time(0), tzinfo=self.tz)

    def local_date(self, at: datetime) -> date:
        """The local calendar date of an aware instant (R3: store UTC, compare local dates)."""
        return at.astimezone(self.tz).date()


def as_date(value: date | datetime | str) -> date:
    """Accept a date, a datetime (its date) or an ISO string; refuse anything else clearly."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value).date() if "T" in value else date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"expected an ISO date (YYYY-MM-DD), got {value!r}") from None
    raise TypeError(f"expected a date, got {type(value).__name__}")
