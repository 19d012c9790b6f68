"""The pure formatting of the pages (engine/web/pages/filters.py): no app, no database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from engine.calendar import WorkCalendar
from engine.web.pages import filters

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def test_instructions_escape_first_then_bold_and_paragraphs():
    text = (
        "Văn bản **15/CT-UBND** <script>alert(1)</script> & kỷ cương\ndòng hai"
        "\n\n  \n"  # a blank line with spaces still separates paragraphs
        "**Chuyển theo dõi** đi"
    )
    assert filters.instructions(text) == (
        "<p>Văn bản <strong>15/CT-UBND</strong> &lt;script&gt;alert(1)&lt;/script&gt; &amp; kỷ cương<br>\n"
        "dòng hai</p>\n<p><strong>Chuyển theo dõi</strong> đi</p>"
    )


def test_instructions_cannot_smuggle_markup_through_bold():
    html = filters.instructions('**<img src=x onerror="alert(1)">**')
    assert html == "<p><strong>&lt;img src=x onerror=&#34;alert(1)&#34;&gt;</strong></p>"
    assert filters.instructions(None) == "" and filters.instructions("\n\n") == ""
    assert filters.instructions("a ** b") == "<p>a ** b</p>"  # an unpaired marker stays as typed


def test_dates_numbers_and_deadlines():
    assert filters.vn_date("2025-02-05", HANOI) == "05/02/2025"
    assert filters.vn_date(datetime(2025, 2, 4, 17, 30, tzinfo=UTC), HANOI) == "05/02/2025"  # 00:30 local
    assert filters.vn_datetime(datetime(2025, 2, 4, 17, 30, tzinfo=UTC), HANOI) == "05/02/2025 00:30"
    assert filters.vn_number(14068) == "14.068"
    end = datetime(2025, 2, 5, 17, 0, tzinfo=UTC)  # 06/02 00:00 local: the end of 05/02
    assert filters.due_day(end, HANOI) == date(2025, 2, 5)
    assert not filters.is_overdue(end, datetime(2025, 2, 5, 16, 59, tzinfo=UTC))
    assert filters.is_overdue(end, end)


def test_month_grid_marks_a_make_up_day():
    cal = WorkCalendar({date(2025, 4, 26): True})
    weeks = filters.month_weeks(cal, 2025, 4, {date(2025, 4, 26): "Làm bù cho 02/5"}, date(2025, 4, 1))
    cells = {c["day"]: c for week in weeks for c in week}
    assert weeks[0][0]["day"] == date(2025, 3, 31) and not weeks[0][0]["in_month"]  # Monday first
    assert cells[date(2025, 4, 26)]["label"] == "Làm bù" and cells[date(2025, 4, 26)]["note"]
    assert cells[date(2025, 4, 30)]["holiday"] and not cells[date(2025, 4, 30)]["working"]
    assert cells[date(2025, 4, 1)]["today"]
    assert filters.neighbour_months(2025, 1) == ((2024, 12), (2025, 2))
