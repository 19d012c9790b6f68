"""The demo's dates as working-day offsets from today: -1 is the last working day before today, 2 the second
working day after it. Written so, the story lands on working days and keeps its shape whatever today is
(a weekend, Tết, the last day of a year): every deadline, T1 and T2 falls the same number of working days
from the steps around it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from engine.calendar import WorkCalendar
from engine.reports.periodic import previous_working_day


class Days:
    """Offsets in working days around `today` (local), and instants on those days."""

    def __init__(self, calendar: WorkCalendar, today: date) -> None:
        self.calendar = calendar
        self.today = today
        self._before: list[date] = []  # _before[n - 1]: the n-th working day before today

    def day(self, offset: int) -> date:
        """The working day `offset` working days from today; 0 is today itself (a day off, maybe)."""
        if offset >= 0:
            return self.calendar.add_working_days(self.today, offset)
        while len(self._before) < -offset:
            self._before.append(previous_working_day(self.calendar, (self._before or [self.today])[-1]))
        return self._before[-offset - 1]

    def iso(self, offset: int | None) -> str | None:
        """day(offset) as an ISO date, None for None (no deadline)."""
        return None if offset is None else self.day(offset).isoformat()

    def at(self, offset: int, clock_time: str) -> datetime:
        """`clock_time` ("HH:MM", local) on day(offset), in UTC."""
        return self.on(self.day(offset), clock_time)

    def on(self, day: date, clock_time: str) -> datetime:
        """`clock_time` ("HH:MM", local) on `day`, in UTC."""
        return datetime.combine(day, time.fromisoformat(clock_time), tzinfo=self.calendar.tz).astimezone(UTC)

    def after(self, instant: datetime, working_days: int, clock_time: str) -> datetime:
        """`clock_time` on the working day `working_days` working days after the local day of `instant`."""
        return self.on(
            self.calendar.add_working_days(self.calendar.local_date(instant), working_days), clock_time
        )

    def next_morning(self, instant: datetime, hour: int) -> datetime:
        """`hour`:00 local of the first working day whose `hour`:00 is after `instant`: the day's first
        reminder pass (engine.reminders sends a day's reminders from that hour on)."""
        day = self.calendar.local_date(instant)
        while True:
            if self.calendar.is_working_day(day):
                morning = self.on(day, f"{hour:02d}:00")
                if morning > instant:
                    return morning
            day += timedelta(days=1)
