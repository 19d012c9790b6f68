"""The badges of Lịch làm việc, checked against the real calendar of 2023-2034: "Nghỉ (hoán đổi)" for a
working day given off by a decision swapping working days and "Làm bù" for the weekend day worked instead;
"Nghỉ bù" for the day off that Điều 111 khoản 3 Bộ luật Lao động 2019 gives when a holiday falls on a weekly
rest day; "Nghỉ theo thông báo" for any other day off an administrator declares; plain holidays, Tết and
weekends carry no badge. The overrides are those migration 0002 loads (2/1/2026 off, 10/1/2026 and
22/8/2026 worked)."""

from __future__ import annotations

from datetime import date

import pytest

from engine import clock
from engine.auth import service as auth
from engine.calendar import WorkCalendar
from engine.web.pages import filters
from tests.conftest import PASSWORD
from tests.web.test_pages import html, login

COMPENSATION, SWAPPED, MAKE_UP = filters.COMPENSATION_DAY_OFF, filters.SWAPPED_DAY_OFF, filters.MAKE_UP_DAY
KNOWN = {
    date(2026, 1, 2): (False, "Nghỉ hoán đổi dịp Tết Dương lịch 2026"),
    date(2026, 1, 10): (True, "Làm bù cho ngày nghỉ 02/01/2026"),
    date(2026, 8, 22): (True, "Làm bù cho ngày nghỉ 31/8/2026"),
}
CALENDAR = WorkCalendar({day: working for day, (working, _) in KNOWN.items()})
NOTES = {day: note for day, (_, note) in KNOWN.items()}


def cell(day: date, cal: WorkCalendar = CALENDAR, notes: dict[date, str] = NOTES) -> dict:
    """The month grid's cell of `day`."""
    return filters.day_cell(cal, day, day.month, notes, date(2026, 1, 1))


@pytest.mark.parametrize(
    ("day", "make_up"),
    [
        (date(2024, 4, 29), "Làm bù vào thứ Bảy 04/05/2024"),  # 30/4-1/5/2024: Monday 29/4 swapped
        (date(2025, 5, 2), "Làm bù vào thứ Bảy 26/04/2025"),  # 30/4-1/5/2025: Friday 2/5 swapped
        (date(2026, 8, 31), "Làm bù vào thứ Bảy 22/08/2026"),  # 2/9/2026: Monday 31/8 swapped
    ],
)
def test_a_day_the_package_swaps_is_off_by_swap_and_names_its_make_up_day(day, make_up):
    swapped = cell(day)
    assert (swapped["working"], swapped["label"], swapped["holiday"]) == (False, SWAPPED, make_up)
    assert swapped["tone"] == "warn"


@pytest.mark.parametrize("day", [date(2024, 5, 4), date(2025, 4, 26), date(2026, 8, 22), date(2026, 1, 10)])
def test_the_saturday_worked_instead_is_a_make_up_day(day):
    worked = cell(day)
    assert (worked["working"], worked["label"], worked["tone"], worked["holiday"]) == (
        True,
        MAKE_UP,
        "ok",
        None,
    )


def test_a_day_an_override_swaps_reads_as_swapped_with_its_note():
    swapped = cell(date(2026, 1, 2))  # Tết Dương lịch 2026: Friday 2/1 off, Saturday 10/1 worked
    assert (swapped["working"], swapped["label"]) == (False, SWAPPED)
    assert swapped["note"] == "Nghỉ hoán đổi dịp Tết Dương lịch 2026" and swapped["holiday"] is None
    assert cell(date(2026, 1, 1))["label"] is None and cell(date(2026, 1, 1))["holiday"] == "Tết Dương lịch"


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2023, 1, 2), "Tết Dương lịch (nghỉ bù)"),  # 1/1/2023 was a Sunday
        (date(2034, 1, 2), "Tết Dương lịch (nghỉ bù)"),  # 1/1/2034 is a Sunday
        (date(2026, 4, 27), "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"),  # 10/3 âm lịch = Sunday 26/4/2026
        (date(2027, 5, 3), "Ngày Quốc tế Lao động (nghỉ bù)"),  # 1/5/2027 is a Saturday
        (date(2029, 9, 4), "Quốc khánh (nghỉ bù)"),  # 2/9/2029 is a Sunday (3/9 is the adjacent day)
    ],
)
def test_a_holiday_on_a_weekly_rest_day_gives_a_compensation_day(day, name):
    compensation = cell(day)
    assert (compensation["working"], compensation["label"], compensation["holiday"]) == (
        False,
        COMPENSATION,
        name,
    )


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(2025, 1, 27), date(2025, 1, 31)),  # Tết Ất Tỵ: Monday to Friday, weekends either side
        (date(2026, 2, 16), date(2026, 2, 20)),  # Tết Bính Ngọ: Monday 16/2 to Friday 20/2
        (date(2027, 2, 4), date(2027, 2, 10)),  # Tết Đinh Mùi: Thursday 4/2 to Wednesday 10/2
        (date(2025, 4, 30), date(2025, 5, 1)),
        (date(2026, 4, 30), date(2026, 5, 1)),
        (date(2027, 4, 30), date(2027, 5, 1)),
        (date(2025, 9, 1), date(2025, 9, 2)),
        (date(2026, 9, 1), date(2026, 9, 2)),
        (date(2027, 9, 2), date(2027, 9, 3)),
    ],
)
def test_tet_and_the_holidays_themselves_are_days_off_without_a_badge(first, last):
    days = [date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1)]
    assert all(not cell(d)["working"] and cell(d)["holiday"] and cell(d)["label"] is None for d in days)


def test_the_days_after_tet_and_the_holidays_are_working_days():
    assert cell(date(2026, 2, 23))["working"] and cell(date(2027, 2, 11))["working"]
    assert not cell(date(2026, 2, 14))["working"] and cell(date(2026, 2, 14))["label"] is None  # a Saturday
    assert cell(date(2027, 5, 1))["label"] is None and cell(date(2027, 5, 4))["working"]
    assert cell(date(2025, 9, 3))["working"] and cell(date(2027, 9, 6))["working"]


@pytest.mark.parametrize(
    ("note", "label"),
    [
        ("Nghỉ bù Quốc khánh (Thông báo 12/TB-VPCP)", COMPENSATION),
        ("nghi hoan doi, lam bu thu Bay 14/3", SWAPPED),  # typed without diacritics
        ("Nghỉ, làm bù vào thứ Bảy tuần sau", SWAPPED),
        ("Theo Thông báo 123/TB-VPCP", filters.ANNOUNCED_DAY_OFF),
        ("", filters.ANNOUNCED_DAY_OFF),
    ],
)
def test_a_declared_day_off_reads_as_its_note_says(note, label):
    day = date(2025, 3, 7)  # an ordinary Friday
    assert cell(day, WorkCalendar({day: False}), {day: note})["label"] == label


def test_a_holiday_declared_a_working_day_shows_no_holiday_and_no_badge():
    day = date(2027, 9, 3)  # the package's day adjacent to 2/9/2027, declared worked
    worked = cell(day, WorkCalendar({day: True}), {day: "Làm việc bình thường"})
    assert (worked["working"], worked["label"], worked["holiday"]) == (True, None, None)


@pytest.fixture
def reader(system):
    """One specialist of VP who can read the calendar; no diagram deployed, the page needs none."""
    with system.db.transaction() as session:
        auth.create_user(
            session=session,
            username="cv",
            password=PASSWORD,
            full_name="Nguyễn Thị Theo Dõi",
            roles=["vp_specialist"],
            unit_code=None,
            now=clock.now(),
        )


def test_the_calendar_page_shows_the_badges_and_explains_them(client, reader):
    login(client, "cv")
    may = html(client.get("/calendar?year=2025&month=5"))
    assert '<span class="badge badge-warn">Nghỉ (hoán đổi)</span>' in may
    assert "Làm bù vào thứ Bảy 26/04/2025" in may
    april = html(client.get("/calendar?year=2026&month=4"))
    assert (
        '<span class="badge badge-warn">Nghỉ bù</span>' in april
        and "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)" in april
    )
    january = html(client.get("/calendar?year=2026&month=1"))
    assert '<span class="badge badge-ok">Làm bù</span>' in january
    assert "Nghỉ hoán đổi dịp Tết Dương lịch 2026" in january
    grid, legend = january.split('class="plain calendar-badges"')
    assert '<span class="badge badge-warn">Nghỉ (hoán đổi)</span>' in grid  # Friday 2/1/2026
    for badge, meaning in [
        ("Nghỉ (hoán đổi)", "quyết định hoán đổi ngày làm việc"),
        ("Làm bù", "bù cho ngày nghỉ hoán đổi"),
        ("Nghỉ bù", "khoản 3 Điều 111 Bộ luật Lao động 2019"),
        ("Nghỉ theo thông báo", "ngày nghỉ khác"),
    ]:
        assert badge in legend and meaning in legend
