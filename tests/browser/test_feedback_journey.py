"""Urging, feedback and divergent opinions in a real browser (tests/browser/journey.py): VP records a phone
urging on an assignment, registers a commune's paper feedback received 3 working days ago, explains to the
lead unit why the data it flagged stands, and carries the units' divergent opinions (Đ9.1.c) from its report
to the Chairman's direction, shown on the assignment page."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from engine.feedback.models import DataCorrection, Divergence, LocalFeedback
from engine.usertasks import service as usertasks
from tests.conftest import complete_task
from tests.processes.test_assignment import DUE, classify, get, item

CONTENT = "Xây dựng kho dữ liệu dùng chung"
LABEL = f"12/QĐ-UBND – nhiệm vụ 1: {CONTENT} (Sở Tài chính)"


def ready(system, principal, bpmn_id: str):
    with system.db.reading() as session:
        return [t for t in usertasks.inbox(session=session, user=principal) if t.bpmn_id == bpmn_id]


def open_task(journey, name: str) -> None:
    journey.menu("Việc cần làm")
    journey.page.locator("main").get_by_role("link", name=name, exact=True).first.click()


@pytest.mark.parametrize("screen", ["desktop"], indirect=True)
def test_urging_feedback_and_correction_request(system, directory, journey):
    [a_id] = classify(system, directory, item(CONTENT, "SO_TC", DUE))  # today: Friday 24/01/2025
    page = journey.page
    journey.log_in("cv")
    page.goto(f"/assignments/{a_id}")
    page.locator("summary", has_text="Ghi nhận đôn đốc").click()
    urging = page.locator("form", has=page.get_by_label("Người được liên hệ"))
    expect(urging.get_by_label("Hình thức đôn đốc")).to_have_value("dien_thoai")
    journey.fill_date(urging.get_by_label("Ngày đôn đốc"), date(2025, 1, 24))
    urging.get_by_label("Người được liên hệ").fill("Ông Đỗ Tài Chính, Phó Giám đốc Sở")
    urging.get_by_label("Nội dung đôn đốc").fill("Đề nghị Sở gửi dự thảo kho dữ liệu trước ngày 20/02/2025.")
    journey.shot("ghi-nhan-don-doc")
    urging.get_by_role("button", name="Lưu đôn đốc").click()
    expect(page.get_by_role("status")).to_contain_text("Đã ghi nhận việc đôn đốc")
    expect(page.locator("#don-doc")).to_contain_text("Ông Đỗ Tài Chính, Phó Giám đốc Sở")
    journey.shot("da-ghi-nhan-don-doc")

    # A commune's letter reached VP on Tuesday 21/01/2025, three working days ago.
    page.goto("/start/local_feedback")
    form = page.locator("#form-root")
    form.get_by_label("Sở, ngành được phản hồi").select_option(label="Sở Tài chính")
    form.get_by_label("Nội dung phản hồi").fill("Sở chưa hướng dẫn xã nhập dữ liệu dùng chung.")
    form.get_by_label("Đơn vị gửi phản hồi").select_option(label="UBND xã Bát Xát")
    form.get_by_label("Hình thức nhận phản hồi").select_option(label="Văn bản")
    journey.fill_date(form.get_by_label("Ngày nhận phản hồi"), date(2025, 1, 21))
    form.get_by_label("Số, ký hiệu văn bản phản hồi").fill("45/UBND-VP")
    journey.shot("ghi-nhan-phan-hoi-giay")
    form.get_by_role("button", name="Khởi tạo").click()
    expect(page.get_by_role("status")).to_contain_text("Đã khởi tạo quy trình")
    [feedback] = get(system, LocalFeedback)
    assert (feedback.from_unit, feedback.channel, feedback.received_on) == (
        "XA_BX",
        "van_ban",
        date(2025, 1, 21),
    )
    assert feedback.registered_by == "cv"
    journey.log_out()

    journey.log_in("sotc")
    page.goto(f"/assignments/{a_id}")
    page.get_by_role("link", name="Đề nghị điều chỉnh thông tin").click()
    form = page.locator("#form-root")
    form.get_by_role("combobox", name="Nhiệm vụ").fill("kho du lieu")
    form.get_by_role("option", name=LABEL).click()
    form.get_by_label("e) Thời hạn").check()
    form.get_by_label("Đề nghị sửa thành").fill("Thời hạn 30/05/2025")
    form.get_by_label("Lý do").fill("Văn bản giao ghi thời hạn tháng 5/2025.")
    journey.shot("don-vi-de-nghi-dieu-chinh")
    form.get_by_role("button", name="Khởi tạo").click()
    expect(page.get_by_role("status")).to_contain_text("Đã khởi tạo quy trình")
    journey.log_out()

    journey.log_in("cv")
    open_task(journey, "Xem xét đề nghị điều chỉnh thông tin của đơn vị")
    form = page.locator("#form-root")
    form.get_by_label("Kết quả xử lý").select_option(label="Giải thích, giữ nguyên")
    form.get_by_label("Giải thích").fill("Thời hạn 24/04/2025 đúng theo văn bản giao.")
    journey.shot("giai-thich-giu-nguyen")
    form.get_by_role("button", name="Hoàn thành").click()
    expect(page.get_by_role("status")).to_be_visible()
    [request] = get(system, DataCorrection)
    assert (request.status, request.explanation) == ("kept", "Thời hạn 24/04/2025 đúng theo văn bản giao.")


@pytest.mark.parametrize("screen", ["desktop"], indirect=True)
def test_divergent_opinions_from_vps_report_to_the_chairmans_direction(system, directory, journey):
    [a_id] = classify(system, directory, item(CONTENT, "SO_TC", DUE))  # today: Friday 24/01/2025
    page = journey.page
    journey.log_in("cv")
    page.goto(f"/assignments/{a_id}")
    page.get_by_role("link", name="Báo cáo ý kiến khác nhau").click()
    form = page.locator("#form-root")
    form.get_by_role("combobox", name="Nhiệm vụ").fill("kho du lieu")
    form.get_by_role("option", name=LABEL).click()
    units = form.get_by_role("group", name="Các cơ quan, đơn vị có ý kiến khác nhau")
    units.get_by_label("Sở Tài chính").check()
    units.get_by_label("Sở Xây dựng").check()
    form.get_by_label("Nội dung còn khác nhau").fill("Đơn vị nào quản lý máy chủ của kho dữ liệu dùng chung.")
    # Tết 2025 runs from 25/01 to 02/02: the first working day after it.
    journey.fill_date(form.get_by_label("Hạn nêu ý kiến"), date(2025, 2, 3))
    journey.shot("bao-cao-y-kien-khac-nhau")
    form.get_by_role("button", name="Khởi tạo").click()
    expect(page.get_by_role("status")).to_contain_text("Đã khởi tạo quy trình")
    journey.log_out()

    for user, position in (
        ("sotc", "Sở Tài chính quản lý dữ liệu."),
        ("soxd", "Cần giao trung tâm dữ liệu."),
    ):
        [task] = ready(system, directory[user], "state_position")
        complete_task(system, task.id, directory[user], {"position": position})

    journey.log_in("cv")
    open_task(journey, "Tổng hợp ý kiến, đề xuất")
    expect(page.locator("main")).to_contain_text("Sở Tài chính quản lý dữ liệu.")
    form = page.locator("#form-root")
    form.get_by_label("Tổng hợp và đề xuất của Văn phòng").fill("Đề xuất giao Sở Tài chính chủ trì quản lý.")
    journey.shot("tong-hop-de-xuat")
    form.get_by_role("button", name="Hoàn thành").click()
    expect(page.get_by_role("status")).to_be_visible()
    journey.log_out()

    journey.log_in("ct")
    open_task(journey, "Chỉ đạo")
    expect(page.locator("main")).to_contain_text("Đề xuất giao Sở Tài chính chủ trì quản lý.")
    form = page.locator("#form-root")
    form.get_by_label("Ý kiến chỉ đạo").fill("Đồng ý đề xuất của Văn phòng.")
    journey.shot("chu-tich-chi-dao")
    form.get_by_role("button", name="Hoàn thành").click()
    expect(page.get_by_role("status")).to_be_visible()
    page.goto(f"/assignments/{a_id}")
    section = page.locator("#y-kien-khac-nhau")
    expect(section).to_contain_text("Đơn vị nào quản lý máy chủ")
    expect(section).to_contain_text("Cần giao trung tâm dữ liệu.")
    expect(section).to_contain_text("Vũ Xây Dựng")
    expect(section).to_contain_text("Đồng ý đề xuất của Văn phòng.")
    expect(section).to_contain_text("Đinh Chủ Tịch")
    journey.shot("y-kien-khac-nhau-tren-trang-nhiem-vu")
    with system.db.reading() as session:
        assert session.scalars(select(Divergence.status)).one() == "directed"
