"""Pure formatting for the pages: dates dd/mm/yyyy, numbers 14.068, instructions, the month grid.

No Flask, no database, no clock: the time zone, "now" and the working-day calendar are passed in."""

from __future__ import annotations

import calendar as month_calendar
import functools
import json
import re
from collections.abc import Collection, Iterable
from datetime import date, datetime, timedelta, tzinfo

import holidays
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

from engine.auth.models import ROLES
from engine.calendar import WorkCalendar
from engine.reports.buckets import BUCKETS, DUE_SOON, NOT_STARTED
from engine.search.fold import fold
from engine.sheets import read_day

WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]


def vn_date(value: date | datetime | str | None, tz: tzinfo) -> str:
    """dd/mm/yyyy; an instant is shown as its local date."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.astimezone(tz).date()
    return value.strftime("%d/%m/%Y")


BAD_DAY = "Ngày không hợp lệ, nhập theo dạng ngày/tháng/năm"


def parse_day(text: str) -> date:
    """The date typed as dd/mm/yyyy (or d/m/yyyy, with - or . instead of /) or as ISO yyyy-mm-dd
    (engine.sheets.read_day); a ValueError with the Vietnamese message BAD_DAY otherwise."""
    try:
        return read_day(text)
    except ValueError:  # not a date as people type one, or 31/02/2026, month 13, year 0000
        raise ValueError(BAD_DAY) from None


def typed_day(value: date | str | None) -> str:
    """A date field's value as its input shows it: dd/mm/yyyy when it is a date, else the text as typed
    (a refused value comes back to the form unchanged, beside its message)."""
    if value is None or value == "":
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    try:
        return parse_day(value).strftime("%d/%m/%Y")
    except ValueError:
        return value


def vn_datetime(value: datetime | None, tz: tzinfo) -> str:
    """dd/mm/yyyy HH:MM in local time."""
    return value.astimezone(tz).strftime("%d/%m/%Y %H:%M") if value else ""


def vn_number(value: int) -> str:
    """14.068: the dot groups thousands."""
    return f"{value:,}".replace(",", ".")


def vn_decimal(value: float, places: int = 2) -> str:
    """98,62 and 1.234,5: the comma marks decimals; trailing zeros go, so 100 stays 100."""
    text = f"{value:,.{places}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return text.rstrip("0").rstrip(",") if "," in text else text


def due_day(due_at: datetime | None, tz: tzinfo) -> date | None:
    """The last day of a deadline: due_at is the instant it ends (24:00 local, R3), i.e. the next midnight."""
    return (due_at.astimezone(tz) - timedelta(microseconds=1)).date() if due_at else None


def is_overdue(due_at: datetime | None, now: datetime) -> bool:
    """R9: past the instant the deadline ends."""
    return due_at is not None and now >= due_at


ESTIMATED_TITLE = (
    "Năm {year} chưa có thông báo chính thức về lịch nghỉ lễ, Tết: thời hạn này được tính theo lịch "
    "dự kiến và có thể thay đổi khi có thông báo."
)


def estimated_marker(day: date | datetime | str | None, official_years: Collection[int]) -> Markup:
    """The marker "(dự kiến)", with a tooltip saying why, for a deadline in a year whose days off have
    no official notice yet (the holidays package's estimate); nothing otherwise."""
    if day is None or day == "":
        return Markup("")
    if isinstance(day, str):
        day = date.fromisoformat(day[:10])
    if day.year in official_years:
        return Markup("")
    return Markup(' <abbr class="muted estimated" title="{}">(dự kiến)</abbr>').format(
        ESTIMATED_TITLE.format(year=day.year)
    )


# Quá hạn in red, done on time in green, the rest plain; "Sắp đến hạn" is an amber badge of its own.
BUCKET_TONES = {"open_late": "badge-danger", "done_late": "badge-danger", "done_on_time": "badge-ok"}


def bucket_badge(bucket: str | None, due_soon: bool = False, not_started: bool = False) -> Markup:
    """A bucket's label as a coloured badge, followed by "Chưa thực hiện" when an open task has no progress
    reported yet (Đ5.1.g) and "Sắp đến hạn" when its deadline is near."""
    if bucket is None:
        return Markup('<span class="muted">—</span>')
    tone = BUCKET_TONES.get(bucket, "")
    html = Markup('<span class="badge {}">{}</span>').format(tone, BUCKETS.get(bucket, bucket))
    if not_started and not bucket.startswith("done"):
        html += Markup(' <span class="badge">{}</span>').format(NOT_STARTED)
    if due_soon:
        html += Markup(' <span class="badge badge-warn">{}</span>').format(DUE_SOON)
    return html


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def change_value(value, tz: tzinfo) -> str:
    """A value of the change history (plain JSON: dates as ISO text) as staff read it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, list):  # attachments: their names
        return "; ".join(str(v.get("name", v)) if isinstance(v, dict) else str(v) for v in value) or "—"
    if isinstance(value, str) and ISO_INSTANT.fullmatch(value[:16]) and len(value) > 16:
        return vn_datetime(datetime.fromisoformat(value), tz)
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        return vn_date(value, tz)
    return str(value)


BOLD = re.compile(r"\*\*(.+?)\*\*")
BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")


def instructions(text: str | None) -> Markup:
    """Escape everything, then allow **bold**; blank lines separate paragraphs, single newlines are kept."""
    paragraphs = BLANK_LINE.split((text or "").replace("\r\n", "\n").strip())
    html = []
    for paragraph in filter(None, (p.strip() for p in paragraphs)):
        escaped = str(escape(paragraph))  # first: nothing the author wrote becomes markup
        escaped = BOLD.sub(r"<strong>\1</strong>", escaped).replace("\n", "<br>\n")
        html.append(f"<p>{escaped}</p>")
    return Markup("\n".join(html))


def form_json(value) -> Markup:
    """JSON for a <script type="application/json"> block: key order kept (ui:order falls back on it)."""
    return htmlsafe_json_dumps(value, dumps=functools.partial(json.dumps, ensure_ascii=False))


def role_names(roles: Iterable[str]) -> str:
    """Candidate groups by their Vietnamese role names."""
    return ", ".join(ROLES.get(r, r) for r in roles)


def pretty_json(value) -> str:
    """Indented JSON for the data panels."""
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str)


# ---- the month grid of Lịch làm việc -----------------------------------------------------------------


def month_weeks(
    cal: WorkCalendar, year: int, month: int, notes: dict[date, str], today: date
) -> list[list[dict]]:
    """The weeks (Monday first) that cover a month, each a list of day cells."""
    weeks = month_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return [[day_cell(cal, day, month, notes, today) for day in week] for week in weeks]


# The badges of the month grid; calendar.html's legend explains each one.
MAKE_UP_DAY = "Làm bù"  # a Saturday or Sunday worked in exchange for a swapped day off
SWAPPED_DAY_OFF = "Nghỉ (hoán đổi)"  # a working day given off by a decision that swaps working days
COMPENSATION_DAY_OFF = "Nghỉ bù"  # Điều 111 khoản 3 BLLĐ 2019: a holiday on a weekly rest day moves here
ANNOUNCED_DAY_OFF = "Nghỉ theo thông báo"  # any other day off an administrator declared
# The package names a swapped day "Day off (substituted from 04/26/2025)" and a compensation day
# "National Day (observed)"; an administrator's note says it in Vietnamese ("Nghỉ hoán đổi dịp ...",
# "Nghỉ, làm bù thứ Bảy 10/01", "Nghỉ bù Quốc khánh"), read without diacritics.
SWAP_WORDS = ("hoan doi", "thay cho", "lam bu")
SUBSTITUTED = re.compile(r"Day off \(substituted from (\d{2})/(\d{2})/(\d{4})\)", re.ASCII)
COMPENSATION_WORDS = ("nghi bu",)


def day_badge(cal: WorkCalendar, day: date, note: str = "") -> str | None:
    """The badge of a day that is not what its weekday suggests: a make-up working day, a day off swapped
    by decision, a compensation day off (Điều 111.3 BLLĐ), or another declared day off; None otherwise."""
    weekend = day.weekday() >= 5
    if cal.is_working_day(day):
        return MAKE_UP_DAY if weekend else None
    if weekend:
        return None
    words = fold(note) if day in cal.overrides else ""
    name = cal.holiday_name(day) or ""
    if any(w in words for w in SWAP_WORDS):
        return SWAPPED_DAY_OFF
    if any(w in words for w in COMPENSATION_WORDS):
        return COMPENSATION_DAY_OFF
    if SUBSTITUTED.fullmatch(name):
        return SWAPPED_DAY_OFF
    if name.endswith("(observed)"):
        return COMPENSATION_DAY_OFF
    return ANNOUNCED_DAY_OFF if day in cal.overrides else None


def day_cell(cal: WorkCalendar, day: date, month: int, notes: dict[date, str], today: date) -> dict:
    """One cell: working or not, the name of the holiday it is off for, its badge (see day_badge)."""
    working, holiday = cal.is_working_day(day), cal.holiday_name(day)
    label = day_badge(cal, day, notes.get(day, ""))
    return {
        "day": day,
        "in_month": day.month == month,
        "working": working,
        # a holiday an administrator turned into a working day is no holiday on the page
        "holiday": holiday_text(day, holiday) if holiday and not working else None,
        "label": label,
        "tone": "ok" if label == MAKE_UP_DAY else "warn",
        "note": notes.get(day, ""),
        "today": day == today,
    }


def holiday_text(day: date, name: str) -> str:
    """What a day off is for, in Vietnamese; a swapped day names its make-up day ("Làm bù vào thứ Bảy
    26/04/2025") rather than the package's "thay cho ngày 26/04/2025", which reads as the opposite."""
    if match := SUBSTITUTED.fullmatch(name):
        month, day_of_month, year = map(int, match.groups())  # the package's English name is month first
        make_up = date(year, month, day_of_month)
        weekday = WEEKDAYS[make_up.weekday()].replace("Thứ", "thứ")  # "thứ Bảy" inside a sentence
        return f"Làm bù vào {weekday} {make_up:%d/%m/%Y}"
    return vietnamese_holidays(day.year).get(day, name)


@functools.lru_cache(maxsize=32)
def vietnamese_holidays(year: int) -> dict[date, str]:
    """The package's own Vietnamese names of the days off (the calendar itself speaks English)."""
    return dict(holidays.country_holidays("VN", years=year, language="vi"))


def neighbour_months(year: int, month: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """(year, month) of the month before and the month after."""
    first = date(year, month, 1)
    previous, following = first - timedelta(days=1), first + timedelta(days=31)
    return (previous.year, previous.month), (following.year, following.month)
