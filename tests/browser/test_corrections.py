"""Data that stays right, in a real browser (tests/browser/journey.py fails each step on console errors,
English words, pages wider than the screen): VP corrects a dispatched task's deadline through its page,
with a preview; VP picks a task by its document and content to ask the unit for a correction; a commune
picks a department's task to report it late; the same document registered twice is shown, then confirmed."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from engine.documents.models import Document
from engine.feedback.models import DataCorrection, LocalFeedback
from tests.conftest import two_task_document
from tests.processes.test_assignment import DUE, assignment, classify, eod, get, item, timers

CONTENT = "Xây dựng kho dữ liệu dùng chung"
LABEL = f"12/QĐ-UBND – nhiệm vụ 1: {CONTENT} (Sở Tài chính)"


def test_vp_corrects_a_deadline_through_the_page(system, directory, journey):
    [a_id] = classify(system, directory, item(CONTENT, "SO_TC", DUE))
    page = journey.page
    journey.log_in("cv")
    page.goto(f"/assignments/{a_id}")
    page.get_by_role("link", name="Điều chỉnh thông tin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Điều chỉnh thông tin nhiệm vụ")
    due = page.get_by_label("Thời hạn", exact=True)
    expect(due).to_have_value("24/04/2025")  # prefilled as it stands
    expect(page.get_by_label("Đơn vị chủ trì")).to_have_value("SO_TC")
    journey.shot("dieu-chinh-thong-tin")

    due.fill("")
    journey.fill_date(due, date(2025, 5, 30))
    page.get_by_label("Lý do điều chỉnh").fill("Văn bản số 45/VP-TH đính chính thời hạn")
    page.get_by_role("button", name="Xem trước thay đổi").click()
    preview = page.locator(".correction-preview")
    expect(preview.locator("tr", has_text="Thời hạn")).to_contain_text("24/04/2025")
    expect(preview.locator("tr", has_text="Thời hạn")).to_contain_text("30/05/2025")
    assert assignment(system, a_id).due_date == date(2025, 4, 24)  # the preview saved nothing
    journey.shot("xem-truoc-thay-doi")

    page.get_by_role("button", name="Xác nhận điều chỉnh").click()
    expect(page.get_by_role("status")).to_contain_text("Đã điều chỉnh thông tin nhiệm vụ")
    history = page.locator("#lich-su")
    expect(history).to_contain_text("Văn phòng điều chỉnh thông tin nhiệm vụ")
    expect(history).to_contain_text("Văn bản số 45/VP-TH đính chính thời hạn")
    expect(page.locator("dl.facts", has_text="e) Thời hạn")).to_contain_text("30/05/2025")
    journey.shot("lich-su-xu-ly")
    assert timers(system, a_id) == {"due_passed": eod(date(2025, 5, 30))}


@pytest.mark.parametrize("screen", ["desktop"], indirect=True)
def test_vp_picks_the_task_by_its_document_and_content_not_by_an_id(system, directory, journey):
    [a_id] = classify(system, directory, item(CONTENT, "SO_TC", DUE))
    page = journey.page
    journey.log_in("cv")
    page.goto("/start/data_correction")
    form = page.locator("#form-root")
    search = form.get_by_role("combobox", name="Nhiệm vụ")
    search.fill("kho du lieu")  # without accents, as people type
    option = form.get_by_role("option", name=LABEL)
    expect(option).to_be_visible()
    journey.shot("chon-nhiem-vu")
    option.click()
    expect(form.locator(".assignment-chosen")).to_contain_text(LABEL)
    form.get_by_label("Thông tin cần điều chỉnh, bổ sung").fill("Kết quả báo cáo chưa kèm số liệu giải ngân")
    journey.shot("de-nghi-dieu-chinh")
    # A form opened with a value already chosen (here: the draft kept across a reload) shows its label,
    # asked for by the id the form holds, never the id itself.
    page.reload()
    expect(form.locator(".assignment-chosen strong")).to_have_text(LABEL)
    form.get_by_role("button", name="Khởi tạo").click()
    expect(page.get_by_role("status")).to_contain_text("Đã khởi tạo quy trình")
    [requested] = get(system, DataCorrection)
    assert (requested.assignment_id, requested.unit_code) == (a_id, "SO_TC")


@pytest.mark.parametrize("screen", ["desktop"], indirect=True)
def test_a_commune_picks_a_departments_task_to_report_it_late(system, directory, journey):
    [a_id] = classify(system, directory, item(CONTENT, "SO_TC", DUE))
    page = journey.page
    journey.log_in("xabx")
    page.goto("/start/local_feedback")
    form = page.locator("#form-root")
    form.get_by_label("Sở, ngành được phản hồi").select_option(label="Sở Tài chính")
    form.get_by_role("combobox", name="Nhiệm vụ liên quan").fill("Tài chính")
    form.get_by_role("option", name=LABEL).click()
    form.get_by_label("Nội dung phản hồi").fill("Sở chưa triển khai kho dữ liệu cho xã")
    journey.shot("phan-hoi-cua-xa")
    form.get_by_role("button", name="Khởi tạo").click()
    expect(page.get_by_role("status")).to_contain_text("Đã khởi tạo quy trình")
    [feedback] = get(system, LocalFeedback)
    assert (feedback.from_unit, feedback.about_unit, feedback.assignment_id) == ("XA_BX", "SO_TC", a_id)


@pytest.mark.parametrize("screen", ["desktop"], indirect=True)
def test_the_same_document_twice_is_shown_then_registered_once_confirmed(system, directory, journey):
    classify(system, directory, item(CONTENT, "SO_TC", DUE))  # 12/QĐ-UBND, Quyết định, 24/01/2025
    page = journey.page
    journey.log_in("cv")
    page.goto("/documents/new")
    form = page.locator("#form-root")
    sent = two_task_document()
    form.get_by_label("Số, ký hiệu").fill(sent["number"])
    form.get_by_label("Loại văn bản").select_option(label="Quyết định")
    form.get_by_label("Trích yếu").fill(sent["title"])
    journey.fill_date(form.get_by_label("Ngày ban hành"), date(2025, 1, 24))
    form.get_by_role("group", name="Nhiệm vụ 1").get_by_label("Nội dung nhiệm vụ").fill(CONTENT)
    form.get_by_role("button", name="Tiếp nhận văn bản").click()

    notice = form.locator(".duplicate")
    expect(notice).to_contain_text("Văn bản Quyết định số 12/QĐ-UBND ngày 24/01/2025 đã được tiếp nhận")
    expect(notice.get_by_role("link", name="Xem văn bản đã tiếp nhận")).to_have_attribute(
        "href", f"/documents/{get(system, Document)[0].id}"
    )
    assert len(get(system, Document)) == 1
    journey.shot("van-ban-trung")
    notice.get_by_label("Vẫn tiếp nhận văn bản này").check()
    form.get_by_role("button", name="Tiếp nhận văn bản").click()
    expect(page.get_by_role("status")).to_contain_text("Đã tiếp nhận văn bản số 12/QĐ-UBND")
    assert len(get(system, Document)) == 2
