"""Dates typed on the pages: filters.parse_day (every accepted spelling of every date of 1900–2100, and the
refusals), the value a date input shows back, and the page handlers that take dd/mm/yyyy as well as ISO."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.directory.models import Unit
from engine.web.pages import filters
from tests.web.test_pages import csrf, login

DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


REFUSED = [
    "",
    "   ",
    "31/02/2026",  # no such day
    "29/02/2025",  # not a leap year
    "00/12/2026",
    "07/13/2026",
    "07/00/2026",
    "7/12/26",  # a two-digit year is refused, never guessed
    "7/12-2026",  # one separator throughout
    "12/7/2026/1",
    "2026/12/07",  # year first only as ISO, with hyphens
    "0000-01-01",
    "2026-12-07T10:00",
    "07122026",
    "ngày 7 tháng 12 năm 2026",
    "7 12 2026",
    "１/１/２０２６",  # full-width digits
    "٧/١٢/٢٠٢٦",  # Arabic-Indic digits: \d would take them, the day parser does not
]


def spellings(day: date) -> list[str]:
    """Every way a person may type `day`: padded or not, with /, - or ., and the ISO of a pasted value."""
    found = []
    for d in {f"{day.day}", f"{day.day:02d}"}:
        for m in {f"{day.month}", f"{day.month:02d}"}:
            found += [f"{d}{sep}{m}{sep}{day.year}" for sep in "/-."]
    return [*found, day.isoformat(), f" {day:%d/%m/%Y} ", f"{day.day} / {day.month} / {day.year}"]


@given(DAYS)
def test_every_spelling_of_every_day_reads_as_that_day(day):
    for text in spellings(day):
        assert filters.parse_day(text) == day, text


@given(DAYS)
def test_what_the_input_shows_reads_back_as_the_same_day(day):
    shown = filters.typed_day(day)
    assert shown == f"{day.day:02d}/{day.month:02d}/{day.year}"
    assert filters.parse_day(shown) == day
    assert filters.typed_day(day.isoformat()) == shown  # a query string's ISO is shown dd/mm/yyyy too


@pytest.mark.parametrize("text", REFUSED)
def test_refusals_say_how_to_type_a_date(text):
    with pytest.raises(ValueError) as refused:
        filters.parse_day(text)
    assert str(refused.value) == "Ngày không hợp lệ, nhập theo dạng ngày/tháng/năm"


def test_a_refused_value_comes_back_to_the_field_as_typed():
    assert filters.typed_day("31/02/2026") == "31/02/2026"
    assert filters.typed_day(None) == "" and filters.typed_day("") == ""


def test_leap_days():
    assert filters.parse_day("29/2/2024") == date(2024, 2, 29)
    assert filters.parse_day("29.02.2000") == date(2000, 2, 29)
    with pytest.raises(ValueError):
        filters.parse_day("29/02/1900")  # 1900 is not a leap year


# ---- the page handlers read dd/mm/yyyy like ISO -----------------------------------------------------------


@pytest.mark.parametrize("typed", ["05/02/2025", "5-2-2025", "2025-02-05"])
def test_the_report_page_takes_the_cut_off_date_as_typed(client, directory, typed):
    login(client, "cv")
    page = client.get("/reports", query_string={"as_of": typed})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "05/02/2025" in html  # the title and the date field
    assert 'value="05/02/2025"' in html and 'placeholder="dd/mm/yyyy"' in html and "data-date" in html
    assert 'type="date"' not in html
    assert "2025-02-05" in html  # only in the links, which carry ISO on to the next page
    assert "as_of=2025-02-05" in html


def test_a_refused_cut_off_date_gets_the_vietnamese_message_and_a_422(client, directory):
    login(client, "cv")
    page = client.get("/reports", query_string={"as_of": "31/02/2025"})
    assert page.status_code == 422
    assert "Ngày không hợp lệ, nhập theo dạng ngày/tháng/năm" in page.get_data(as_text=True)


def test_a_calendar_day_typed_dd_mm_yyyy_is_previewed_as_that_day(client, directory, clock):
    login(client, "admin")
    page = client.post(
        "/calendar/preview", data={"csrf_token": csrf(client), "day": "2/5/2025", "action": "off", "note": ""}
    )
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'value="02/05/2025"' in html  # the field shows the day it read


def test_a_unit_ends_on_a_day_typed_dd_mm_yyyy_and_a_wrong_day_changes_nothing(client, directory, system):
    login(client, "admin")
    refused = client.post(
        "/units/XA_BX/end",
        data={"csrf_token": csrf(client), "last_day": "32/01/2025", "successor_code": "SO_NV"},
    )
    assert refused.status_code == 422
    assert "Ngày không hợp lệ, nhập theo dạng ngày/tháng/năm" in refused.get_data(as_text=True)
    with system.db.reading() as session:
        assert session.get(Unit, "XA_BX").active_to is None
    ended = client.post(
        "/units/XA_BX/end",
        data={"csrf_token": csrf(client), "last_day": "23/01/2025", "successor_code": "SO_NV"},
    )
    assert ended.status_code == 302
    with system.db.reading() as session:
        assert session.get(Unit, "XA_BX").active_to == date(2025, 1, 23)
