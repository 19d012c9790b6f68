"""An analyst's journey through Quy trình nghiệp vụ in a real browser: the processes, one version's diagram
(zoomed), a faulty upload with all its problems, a good one confirmed, and v1 made the newest again."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.conftest import ROOT
from tests.web.test_definition_pages import INTAKE_NAME, THREE_PROBLEMS, intake_v2

FORMS = ROOT / "forms" / "intake"


def as_upload(name: str, data: bytes, mime: str) -> dict:
    return {"name": name, "mimeType": mime, "buffer": data}


def test_an_analyst_checks_deploys_and_rolls_back_a_version(system, directory, page, tmp_path):
    log_in(page, "analyst")
    page.get_by_role("navigation", name="Menu chính").get_by_role("link", name="Quy trình nghiệp vụ").click()
    expect(page.get_by_role("heading", name="Quy trình nghiệp vụ")).to_be_visible()
    intake_row = page.locator("tr", has=page.get_by_role("link", name=INTAKE_NAME))
    expect(intake_row).to_contain_text("v1")
    page.screenshot(path=tmp_path / "1-list.png", full_page=True)

    intake_row.get_by_role("link", name=INTAKE_NAME).click()
    expect(page.locator("table.versions tbody tr")).to_have_count(1)
    page.get_by_role("link", name="v1", exact=True).click()
    diagram = page.locator("[data-diagram-zoom]")
    expect(diagram.locator("svg g[data-element-id='classify']")).to_be_visible()
    expect(diagram).to_have_attribute("data-zoom-level", "1.00")
    diagram.get_by_role("button", name="Phóng to").click()
    expect(diagram).to_have_attribute("data-zoom-level", "1.25")
    before = diagram.locator("svg").get_attribute("viewBox")
    box = diagram.locator("svg").bounding_box()
    page.mouse.move(box["x"] + 200, box["y"] + 150)
    page.mouse.down()
    page.mouse.move(box["x"] + 120, box["y"] + 110, steps=4)
    page.mouse.up()
    assert diagram.locator("svg").get_attribute("viewBox") != before  # dragged
    expect(page.locator(".forms")).to_contain_text("tracking_room — Phòng theo dõi")
    page.screenshot(path=tmp_path / "2-version.png", full_page=True)
    diagram.get_by_role("button", name="Vừa khung").click()
    expect(diagram).to_have_attribute("data-zoom-level", "1.00")

    page.goto("/quy-trinh-nghiep-vu/tai-len")
    page.get_by_label("Tệp sơ đồ BPMN (.bpmn)").set_input_files(
        as_upload("three_problems.bpmn", THREE_PROBLEMS.read_bytes(), "application/xml")
    )
    page.get_by_role("button", name="Kiểm tra").click()
    problems = page.locator("section.problems tbody tr")
    expect(problems.first).to_be_visible()
    assert problems.count() >= 3
    expect(page.locator("section.problems")).to_contain_text("to_nowhere")
    expect(page.get_by_role("button", name="Triển khai")).to_have_count(0)
    page.screenshot(path=tmp_path / "3-faulty.png", full_page=True)

    page.get_by_role("link", name="Tải lên tệp khác").click()
    page.get_by_label("Tệp sơ đồ BPMN (.bpmn)").set_input_files(
        as_upload("intake.bpmn", intake_v2(), "application/xml")
    )
    page.get_by_label("Tệp biểu mẫu (.json)").set_input_files(
        [as_upload(p.name, p.read_bytes(), "application/json") for p in sorted(FORMS.glob("*.json"))]
    )
    page.get_by_role("button", name="Kiểm tra").click()
    expect(page.locator("section.problems h2")).to_have_text("Lỗi (0)")
    page.screenshot(path=tmp_path / "4-valid.png", full_page=True)
    page.get_by_role("button", name="Triển khai").click()
    expect(page.locator(".flash")).to_contain_text(f"Đã triển khai {INTAKE_NAME}: phiên bản v2.")
    newest = page.locator("table.versions tbody tr").first
    expect(newest).to_contain_text("v2")
    expect(newest).to_contain_text("Lê Quy Trình")

    page.get_by_role("link", name="v1", exact=True).click()
    page.get_by_text("Đặt phiên bản này làm mới nhất").click()
    page.get_by_role("button", name="Xác nhận đặt v1 làm mới nhất").click()
    expect(page.locator(".flash")).to_contain_text(
        "Đã đặt phiên bản v1 làm mới nhất: triển khai thành phiên bản v3."
    )
    newest = page.locator("table.versions tbody tr").first
    expect(newest).to_contain_text("v3")
    expect(newest).to_contain_text("Khôi phục từ v1")
    expect(newest).to_contain_text("Lê Quy Trình")
    page.screenshot(path=tmp_path / "5-rolled-back.png", full_page=True)
