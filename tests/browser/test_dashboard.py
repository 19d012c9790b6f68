"""Bảng điều hành in a real browser, on a desktop and on a phone (390×844): the Chairman signs in, lands on
it, clicks a unit's overdue segment of the chart and sees exactly those tasks; nothing is wider than the
screen. Screenshots in tmp_path (and the artifacts folder, tests/browser/journey.py)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from tests.engine.test_dashboard_figures import CONTENT, build_known_set

FITS = "document.scrollingElement.scrollWidth <= window.innerWidth"


def test_the_chairman_lands_on_the_dashboard_and_opens_a_units_overdue_tasks(
    system, directory, clock, journey
):
    build_known_set(system, directory, clock)
    page = journey.page
    journey.log_in("ct")
    assert urlsplit(page.url).path == "/dieu-hanh"
    expect(page.get_by_role("heading", level=1)).to_have_text("Tình hình thực hiện nhiệm vụ")
    expect(page.locator("a.stat", has_text="Chưa hoàn thành quá hạn").locator(".value")).to_have_text("3")
    expect(page.locator("svg.chart[role=img]")).to_have_count(3)
    journey.shot("dashboard")
    assert page.evaluate(FITS)

    # Sở Xây dựng's red segment: its one overdue task.
    segment = page.locator('#theo-don-vi svg.chart a[href="/assignments?unit=SO_XD&bucket=open_late"]')
    expect(segment.locator("title")).to_have_text("Sở Xây dựng — Chưa hoàn thành quá hạn: 1 nhiệm vụ")
    segment.click()
    page.wait_for_url("**/assignments?**")
    assert parse_qs(urlsplit(page.url).query) == {"unit": ["SO_XD"], "bucket": ["open_late"]}
    rows = page.locator("table.assignments tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(CONTENT["b3_overdue"])
    expect(rows.first).to_contain_text("Chưa hoàn thành quá hạn")
    journey.shot("overdue-of-a-unit")
    assert page.evaluate(FITS)

    page.go_back()
    page.get_by_role("link", name="Xem tất cả 3 đơn vị").click()
    page.wait_for_url("**/dieu-hanh/don-vi")
    expect(page.locator("tfoot td[data-label='Chưa hoàn thành quá hạn']")).to_have_text("3")
    journey.shot("all-units")
    assert page.evaluate(FITS)
