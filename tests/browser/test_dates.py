"""Dates in a browser set to American English, where a native <input type="date"> shows mm/dd/yyyy: the
pages' date fields and the forms' date widget show and accept dd/mm/yyyy, say in Vietnamese what they
refuse, and send ISO to the server; the script reads every spelling exactly as the server does."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from engine.assignments.models import StatusUpdate
from engine.usertasks.models import UserTaskRow
from engine.web.pages import filters
from tests.browser.conftest import log_in
from tests.processes.test_assignment import DUE, accept, classify, item
from tests.web.test_date_parsing import REFUSED, spellings

MESSAGE = "Ngày không hợp lệ, nhập theo dạng ngày/tháng/năm"


@pytest.fixture
def english_page(browser, live_server):
    """A browser whose language is en-US; any script error fails the test."""
    context = browser.new_context(
        base_url=live_server, locale="en-US", viewport={"width": 1280, "height": 900}
    )
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield opened
    context.close()
    assert not errors, errors


def test_the_browser_really_speaks_american_english(english_page: Page, directory):
    english_page.goto("/login")
    assert english_page.evaluate("navigator.language") == "en-US"


def test_the_script_reads_every_spelling_as_the_server_does(english_page: Page, directory):
    english_page.goto("/login")  # date-input.js is on every page
    days = [date(1900, 1, 1), date(2100, 12, 31), date(2024, 2, 29), date(2000, 2, 29)]
    days += [date(1900, 1, 1) + timedelta(days=random.Random(n).randrange(73414)) for n in range(150)]
    typed = [text for day in days for text in spellings(day)] + [t for t in REFUSED if t.strip()]
    read = english_page.evaluate("texts => texts.map(t => window.theodoiDate.parse(t))", typed)
    for text, answer in zip(typed, read, strict=True):
        try:
            expected = filters.parse_day(text).isoformat()
        except ValueError:
            expected = None
        assert answer == expected, text
    assert english_page.evaluate("window.theodoiDate.parse('  ')") == ""  # nothing typed: no date, no error


def test_a_report_date_is_typed_picked_and_refused_in_dd_mm_yyyy(english_page: Page, directory, tmp_path):
    page = english_page
    log_in(page, "cv")
    page.goto("/reports")
    as_of = page.get_by_label("Thời gian chốt số liệu")
    expect(as_of).to_have_attribute("type", "text")
    expect(as_of).to_have_attribute("placeholder", "dd/mm/yyyy")
    expect(as_of).to_have_attribute("inputmode", "numeric")
    expect(as_of).to_have_value("24/01/2025")  # today on the test's clock, never 01/24/2025

    as_of.fill("7-1-2025")
    as_of.press("Tab")
    expect(as_of).to_have_value("07/01/2025")  # normalised on leaving the field
    page.get_by_role("button", name="Xem báo cáo").click()
    page.wait_for_url("**/reports?as_of=2025-01-07*")  # ISO to the server
    expect(page.get_by_label("Thời gian chốt số liệu")).to_have_value("07/01/2025")
    expect(page.locator("main")).to_contain_text("07/01/2025")

    # The picker: a month grid in Vietnamese, Monday first.
    as_of = page.get_by_label("Thời gian chốt số liệu")
    page.get_by_role("button", name="Chọn ngày trên lịch").first.click()
    picker = page.get_by_role("dialog", name="Chọn ngày")
    expect(picker).to_contain_text("Tháng 1/2025")
    expect(picker.locator("th").first).to_have_text("T2")
    page.screenshot(path=tmp_path / "picker.png")
    picker.get_by_role("button", name="15/01/2025").click()
    expect(as_of).to_have_value("15/01/2025")
    expect(picker).to_be_hidden()
    page.get_by_role("button", name="Xem báo cáo").click()
    page.wait_for_url("**/reports?as_of=2025-01-15*")

    # A day that does not exist: the message beside the field, and nothing is sent.
    as_of = page.get_by_label("Thời gian chốt số liệu")
    as_of.fill("31/02/2025")
    page.get_by_role("button", name="Xem báo cáo").click()
    expect(page.locator(".date-error").first).to_have_text(MESSAGE)
    assert "as_of=2025-01-15" in page.url
    page.screenshot(path=tmp_path / "refused.png")


def test_the_form_widget_shows_dd_mm_yyyy_and_submits_iso(english_page: Page, system, directory, tmp_path):
    [assignment_id] = classify(system, directory, item("Xây dựng kho dữ liệu dùng chung", "SO_TC", DUE))
    accept(system, directory)
    with system.db.reading() as session:
        task_id = session.scalar(
            select(UserTaskRow.id).where(UserTaskRow.bpmn_id == "update", UserTaskRow.state == "ready")
        )
    page = english_page
    log_in(page, "sotc")
    page.goto(f"/tasks/{task_id}")
    page.get_by_label("Nội dung cập nhật").select_option(label="Báo cáo kết quả")
    page.get_by_label("Kết quả thực hiện").fill("Đã đưa kho dữ liệu vào vận hành")
    completed_on = page.get_by_label("Ngày hoàn thành")
    expect(completed_on).to_have_attribute("placeholder", "dd/mm/yyyy")

    completed_on.fill("31/02/2025")
    completed_on.press("Tab")
    field = page.locator(".field", has=completed_on)
    expect(field.locator(".error")).to_have_text(MESSAGE)

    completed_on.fill("20.1.2025")
    completed_on.press("Tab")
    expect(completed_on).to_have_value("20/01/2025")
    expect(field.locator(".error")).to_be_hidden()
    page.screenshot(path=tmp_path / "form.png", full_page=True)
    page.get_by_role("button", name="Hoàn thành").click()
    page.wait_for_url("**/tasks")
    with system.db.reading() as session:
        [update] = session.scalars(select(StatusUpdate).where(StatusUpdate.assignment_id == assignment_id))
    assert update.completed_on == date(2025, 1, 20)  # the server got 2025-01-20

    # The completed task, read-only: the same day, dd/mm/yyyy.
    page.goto(f"/tasks/{task_id}")
    expect(page.get_by_label("Ngày hoàn thành")).to_have_value("20/01/2025")
    expect(page.get_by_label("Ngày hoàn thành")).to_have_attribute("readonly", "")
    expect(page.get_by_role("button", name="Chọn ngày trên lịch")).to_have_count(0)
