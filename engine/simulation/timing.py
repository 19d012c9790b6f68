"""When simulated people act: during working hours (08:00-17:00 local) of working days (R1), as the
calendar stands (an administrator's correction changes it mid-run)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from engine.calendar import WorkCalendar

OPENS, CLOSES = time(8, 0), time(17, 0)
WORKING_MINUTES = (CLOSES.hour - OPENS.hour) * 60


class WorkingTime:
    """Instants in working hours, drawn from a seeded generator."""

    def __init__(self, calendar: WorkCalendar) -> None:
        self.calendar = calendar

    def local_date(self, at: datetime) -> date:
        """The local date of an instant."""
        return self.calendar.local_date(at)

    def on(self, day: date, rng: random.Random, *, not_before: datetime | None = None) -> datetime:
        """A random instant within the working hours of `day` (moved to the next working day if `day`
        is off), not before `not_before`: when nothing of that day is left, the next working day."""
        day = self._working_on_or_after(day)
        while True:
            opens = datetime.combine(day, OPENS, tzinfo=self.calendar.tz).astimezone(UTC)
            closes = opens + timedelta(minutes=WORKING_MINUTES)
            earliest = max(opens, _next_minute(not_before)) if not_before else opens
            minutes = int((closes - earliest).total_seconds() // 60)
            if minutes > 0:
                return earliest + timedelta(minutes=rng.randrange(minutes))
            day = self.calendar.add_working_days(day, 1)

    def after(self, at: datetime, working_days: int, rng: random.Random) -> datetime:
        """A random working instant `working_days` working days after the local day of `at` (0: later
        the same working day if any of it is left)."""
        day = self.local_date(at)
        if working_days > 0:
            day = self.calendar.add_working_days(day, working_days)
        return self.on(day, rng, not_before=at)

    def before(
        self, deadline: date, working_days: int, rng: random.Random, *, not_before: datetime
    ) -> datetime:
        """A random working instant about `working_days` working days before `deadline`, never before
        `not_before`."""
        day = deadline
        for _ in range(working_days):
            day = self._previous_working_day(day)
        return self.on(day, rng, not_before=not_before)

    def end_of_working_day(self, day: date) -> datetime:
        """17:00 local of `day`, in UTC."""
        return datetime.combine(day, CLOSES, tzinfo=self.calendar.tz).astimezone(UTC)

    def _working_on_or_after(self, day: date) -> date:
        while not self.calendar.is_working_day(day):
            day += timedelta(days=1)
        return day

    def _previous_working_day(self, day: date) -> date:
        day -= timedelta(days=1)
        while not self.calendar.is_working_day(day):
            day -= timedelta(days=1)
        return day


def _next_minute(at: datetime) -> datetime:
    """`at` rounded up to a whole minute: people act on whole minutes, after whatever came before."""
    whole = at.replace(second=0, microsecond=0)
    return whole if whole == at else whole + timedelta(minutes=1)
