"""R7: how "trước ngày 20" (T6, Đ22.1) and "trước ngày 25" (T7, Đ22.2) are read, as the report_deadline
setting chooses. Pure over the WorkCalendar; the only place that turns a reading into a day.

"Chậm nhất trước ngày 20" names no working day, and provinces read it three ways (T7 alike with 25):
- day_19 (the default): the 19th; on a day off, the next working day (R4), which may lie after the 20th;
- day_20: the 20th itself, R4 applied;
- last_working_day_before_20: the last working day strictly before the 20th, so it never moves past it.
R7's reminder aims at the last working day on or before the reading's calendar day (`named_day`)."""

from __future__ import annotations

from datetime import date, timedelta

from engine.calendar import WorkCalendar

DAY_BEFORE = "day_19"
THE_DAY = "day_20"
LAST_WORKING_DAY_BEFORE = "last_working_day_before_20"
READINGS = (DAY_BEFORE, THE_DAY, LAST_WORKING_DAY_BEFORE)
DEFAULT_READING = DAY_BEFORE
# Each reading as the user guide states T6 under it.
READING_LABELS = {
    DAY_BEFORE: "ngày 19 của tháng cuối kỳ (ngày nghỉ thì chuyển sang ngày làm việc tiếp theo)",
    THE_DAY: "ngày 20 của tháng cuối kỳ (ngày nghỉ thì chuyển sang ngày làm việc tiếp theo)",
    LAST_WORKING_DAY_BEFORE: "ngày làm việc cuối cùng trước ngày 20 của tháng cuối kỳ",
}


def named_day(year: int, month: int, before: int, reading: str) -> date:
    """The calendar day `reading` takes "trước ngày `before`" of `month` for, before any working-day
    rule: `before` itself under day_20, else the day before it."""
    if reading not in READINGS:
        raise ValueError(f"reading must be one of {', '.join(READINGS)}, got {reading!r}")
    return date(year, month, before if reading == THE_DAY else before - 1)


def due_day(calendar: WorkCalendar, year: int, month: int, before: int, reading: str) -> date:
    """The working day "trước ngày `before`" of `month` ends on under `reading`: the named day moved
    forward if it is off (R4), or, under last_working_day_before_20, back to the last working day."""
    day = named_day(year, month, before, reading)
    if reading == LAST_WORKING_DAY_BEFORE:
        return previous_working_day(calendar, day + timedelta(days=1))
    return calendar.effective_due_date(day)


def previous_working_day(calendar: WorkCalendar, day: date) -> date:
    """The last working day strictly before `day`."""
    day -= timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day
