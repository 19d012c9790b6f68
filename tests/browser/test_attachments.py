"""Tệp đính kèm in a real browser: a unit's staff attach a PDF to their result through the form's file
widget, VP opens it from the assignment page (previewed in the page), and another unit's user is refused
its address. Screenshots land in tmp_path."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.engine.files import samples
from tests.engine.files.helpers import at_update


def _as(browser, live_server, username: str):
    context = browser.new_context(
        base_url=live_server, locale="vi-VN", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    log_in(page, username)
    return context, page


def test_a_unit_attaches_its_result_and_vp_previews_it(system, directory, browser, live_server, tmp_path):
    at = at_update(system, directory)

    context, page = _as(browser, live_server, "sotc")
    page.goto(f"/tasks/{at.task_id}")
    page.get_by_label("Nội dung cập nhật").select_option(label="Báo cáo kết quả")
    page.get_by_label("Kết quả thực hiện").fill("Đã ban hành Kế hoạch số 88/KH-STC")
    day = page.get_by_label("Ngày hoàn thành")
    day.fill("2025-01-24" if day.get_attribute("type") == "date" else "24/01/2025")
    files = page.locator("input[type=file]")
    # A refused kind is said at once, in Vietnamese, and nothing is sent.
    files.set_input_files(
        {"name": "setup.exe", "mimeType": "application/octet-stream", "buffer": samples.exe()}
    )
    expect(page.locator(".files-field")).to_contain_text("loại tệp “.exe” không được phép đính kèm")
    page.get_by_role("button", name="Bỏ qua setup.exe").click()
    # A renamed executable is refused by the server, also in Vietnamese.
    files.set_input_files({"name": "bao-cao.pdf", "mimeType": "application/pdf", "buffer": samples.exe()})
    expect(page.locator(".files-field")).to_contain_text("nội dung tệp không phải PDF")
    page.get_by_role("button", name="Bỏ qua bao-cao.pdf").click()
    pdf = samples.pdf("Ke hoach 88/KH-STC")
    files.set_input_files({"name": "Kế hoạch 88.pdf", "mimeType": "application/pdf", "buffer": pdf})
    link = page.get_by_role("link", name="Kế hoạch 88.pdf")
    expect(link).to_be_visible()
    expect(page.locator(".files-field")).to_contain_text(re.compile(r"\(\d+ B\)|\(\d+,\d KB\)|\(\d KB\)"))
    page.screenshot(path=tmp_path / "1-unit-attached.png", full_page=True)
    page.get_by_role("button", name="Hoàn thành").click()
    page.wait_for_url(re.compile(r"/tasks$"))
    # The completed user task's read-only form shows the file as a link, and nothing to add or remove.
    page.goto(f"/tasks/{at.task_id}")
    expect(page.locator(".files-field").get_by_role("link", name="Kế hoạch 88.pdf")).to_be_visible()
    expect(page.locator(".files-drop")).to_have_count(0)
    expect(page.locator(".files-field").get_by_role("button")).to_have_count(0)
    context.close()

    context, page = _as(browser, live_server, "cv")
    page.goto(f"/assignments/{at.assignment_id}")
    history = page.locator("td[data-label='Tệp đính kèm']")
    link = history.get_by_role("link", name="Kế hoạch 88.pdf")
    expect(link).to_be_visible()
    href = link.get_attribute("href")
    assert re.fullmatch(r"/tep-dinh-kem/\d+", href)
    history.locator("summary", has_text="Xem").click()
    frame = history.locator("iframe.file-preview-frame")
    expect(frame).to_be_visible()
    assert frame.get_attribute("src") == href + "?xem=1"
    frame.element_handle().content_frame().wait_for_load_state()
    box = frame.bounding_box()  # over the page, not squeezed into the table cell
    assert box["width"] > 1000 and box["height"] > 600
    page.screenshot(path=tmp_path / "2-vp-preview.png")
    page.keyboard.press("Escape")
    expect(frame).to_be_hidden()
    expect(history.locator("summary")).to_have_text("Xem")
    preview = page.request.get(href + "?xem=1")
    assert preview.status == 200 and preview.body() == pdf
    assert preview.headers["content-type"] == "application/pdf"
    context.close()

    context, page = _as(browser, live_server, "soxd")
    refused = page.goto(href)
    assert refused.status == 403
    expect(page.locator("main")).to_contain_text("Bạn không có quyền")
    page.screenshot(path=tmp_path / "3-other-unit-403.png", full_page=True)
    context.close()
