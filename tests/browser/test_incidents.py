"""The analyst's incident journey in a real browser: a faulty intake is deployed; VP staff register a
document, which is kept while the intake is parked as an incident and they are told so in Vietnamese; the
monitor sees the incident; the fix is deployed, the analyst migrates the incident to it after a preview
and runs it again: the classification task appears in VP's inbox."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.conftest import two_task_document
from tests.engine.instances.helpers import deploy_intake, intake_xml


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_load_state()


def test_a_faulty_intake_is_parked_migrated_to_the_fix_and_retried(system, directory, clock, page, tmp_path):
    faulty = deploy_intake(system, intake_xml(faulty=True))

    log_in(page, "cv")
    page.goto("/documents/new")
    # Submitted as form.js submits the rendered form (its JSON, with the page's CSRF token).
    answer = page.evaluate(
        """async (document) => {
            const token = window.document.querySelector('meta[name="csrf-token"]').content;
            const headers = {"Content-Type": "application/json", "Accept": "application/json",
                             "X-CSRF-Token": token};
            const body = JSON.stringify(document);
            const response = await fetch("/documents/new", {method: "POST", body, headers});
            return response.json();
        }""",
        two_task_document(),
    )
    assert answer["ok"]
    page.goto(answer["redirect"])
    expect(page.locator(".flash-error")).to_contain_text(
        "Quy trình gặp lỗi ở bước “Xác định thời hạn phân loại (T1)”; dữ liệu của bạn đã được lưu và lỗi đã "
        "được báo cho bộ phận quản trị quy trình."
    )
    expect(page.locator("h1")).to_contain_text("12/QĐ-UBND")  # the document was kept
    page.screenshot(path=tmp_path / "registered.png", full_page=True)
    log_out(page)

    log_in(page, "monitor")
    expect(page.locator("body")).to_contain_text("gặp lỗi ở bước “Xác định thời hạn phân loại (T1)”")
    page.goto("/instances?status=error")
    row = page.locator("tbody tr").first
    expect(row).to_contain_text(f"v{faulty.version}")
    expect(row).to_contain_text("received_on")
    row.get_by_role("link").first.click()
    error_box = page.locator("section.error-box")
    expect(error_box).to_contain_text("Bước: Xác định thời hạn phân loại (T1), dòng 6")
    page.screenshot(path=tmp_path / "incident.png", full_page=True)
    log_out(page)

    fixed = deploy_intake(system, intake_xml())
    log_in(page, "analyst")
    page.goto("/instances?status=error")
    page.locator("tbody tr").first.get_by_role("link").first.click()
    page.get_by_label("Chuyển sang phiên bản").select_option(str(fixed.id))
    page.get_by_role("button", name="Xem trước").click()
    expect(page.locator("h2").first).to_contain_text(f"v{faulty.version} → v{fixed.version}")
    page.screenshot(path=tmp_path / "preview.png", full_page=True)
    page.get_by_role("button", name=f"Xác nhận chuyển 1 quy trình sang v{fixed.version}").click()
    expect(page.locator(".flash-success")).to_contain_text(
        f"Đã chuyển 1 quy trình sang phiên bản v{fixed.version}."
    )
    expect(page.locator("dl.facts")).to_contain_text(f"v{fixed.version}")
    page.get_by_role("button", name="Chạy lại").click()
    expect(page.locator(".flash-success")).to_contain_text("Đã chạy lại quy trình.")
    expect(page.locator("section.error-box")).to_have_count(0)
    expect(page.locator("dl.facts")).to_contain_text("Đang chạy")
    events = page.locator("td[data-label='Sự kiện']")
    expect(events.filter(has_text="Chuyển phiên bản")).to_have_count(1)
    page.screenshot(path=tmp_path / "retried.png", full_page=True)
    log_out(page)

    log_in(page, "cv")
    page.goto("/tasks")
    expect(page.get_by_role("link", name="Phân loại nhiệm vụ, chuyển theo dõi")).to_have_count(1)
