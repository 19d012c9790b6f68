"""When reminders go out: working-day arithmetic over the WorkCalendar, pure (no database, no clock).

A reminder "n working days before" a deadline goes out on the working day from which n working days are
left until the deadline ends: for a deadline on Wednesday 05/02/2025, the 1-day reminder is on Tuesday
04/02 and the 3-day one on Friday 24/01, because Tết (27-31/01) and two weekends lie between (R1, R2)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from engine.calendar import WorkCalendar
from engine.config import Settings
from engine.reports.periodic import QUARTER_END_MONTHS, UNIT_DUE_DAY, previous_working_day, report_period
from engine.reports.readings import named_day

# A pass is due once per local hour of a working day, from settings.reminder_hour on: the first one
# starts the working day, the later ones catch deadlines that moved during the day.
SLOT_FORMAT = "%Y-%m-%dT%H"
LAST_HOUR = 23


def pass_slot(now: datetime, settings: Settings) -> str | None:
    """The local hour `now` falls in ("2025-01-24T07"), or None before the reminder hour."""
    local = now.astimezone(ZoneInfo(settings.timezone))
    return local.strftime(SLOT_FORMAT) if local.hour >= settings.reminder_hour else None


def next_reminder_run(now: datetime, calendar: WorkCalendar, settings: Settings) -> datetime:
    """The start of the first reminder pass after `now` (UTC): the next hour of a working day from the
    reminder hour on, else the reminder hour of the next working day."""
    local = now.astimezone(calendar.tz)
    today = local.date()
    if calendar.is_working_day(today):
        if local.hour < settings.reminder_hour:
            return _at(calendar, today, settings.reminder_hour)
        if local.hour < LAST_HOUR:
            return _at(calendar, today, local.hour + 1)
    return _at(calendar, calendar.add_working_days(today, 1), settings.reminder_hour)


def reminder_day(calendar: WorkCalendar, deadline: date, days_before: int) -> date:
    """The working day from which `days_before` working days are left until `deadline` ends; 0 gives the
    last working day on or before the deadline."""
    day = deadline if calendar.is_working_day(deadline) else previous_working_day(calendar, deadline)
    for _ in range(days_before):
        day = previous_working_day(calendar, day)
    return day


def offset_due(
    calendar: WorkCalendar, *, deadline: date, today: date, created_on: date, offsets: tuple[int, ...]
) -> int | None:
    """The most urgent of `offsets` whose reminder day has come by `today`, or None.

    Catch-up: after a gap only the most urgent reminder still goes out (the 1-day one when the 3-day one
    was missed too). Never for a deadline that has passed, and never for a reminder day on or before the
    day the subject appeared: a user task or an assignment received today already tells its deadline."""
    if today > deadline:
        return None
    due = [n for n in offsets if created_on < reminder_day(calendar, deadline, n) <= today]
    return min(due, default=None)


def horizon(calendar: WorkCalendar, today: date, offsets: tuple[int, ...]) -> date:
    """Deadlines before this date may have a reminder due today; later ones cannot (the n-th working day
    back from them is after today for every n in `offsets`)."""
    return calendar.add_working_days(today, max(offsets, default=0) + 1)


def deadline_day(due_at: datetime, calendar: WorkCalendar) -> date:
    """The last local day of a deadline given as the instant it ends (24:00 local, R3)."""
    return (due_at.astimezone(calendar.tz) - timedelta(microseconds=1)).date()


def r7_day(calendar: WorkCalendar, *, kind: str, year: int, period: int, reading: str) -> date | None:
    """R7: a periodic report's reminder aims at the last working day on or before the day `reading`
    takes "trước ngày 20" of the period's last month for (the 19th, or the 20th under day_20): on or
    before T6, which R4 may move forward. None for an ad-hoc round."""
    for month in QUARTER_END_MONTHS:
        held = report_period(calendar, year, month)
        if (held.kind, held.period) == (kind, period):
            return reminder_day(calendar, named_day(year, month, UNIT_DUE_DAY, reading), 0)
    return None


def remaining_text(calendar: WorkCalendar, today: date, deadline: date, noun: str = "thời hạn") -> str:
    """ "còn 3 ngày làm việc, thời hạn 05/02/2025", or that today is the last working day."""
    left = calendar.working_days_between(today, deadline)
    if left <= 0:
        return f"hôm nay là ngày làm việc cuối cùng, {noun} {deadline:%d/%m/%Y}"
    return f"còn {left} ngày làm việc, {noun} {deadline:%d/%m/%Y}"


def _at(calendar: WorkCalendar, day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=calendar.tz).astimezone(UTC)
