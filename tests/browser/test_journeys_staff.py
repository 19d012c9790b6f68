"""The daily work of VP and of a unit, in a real browser at desktop and phone widths (tests/browser/journey.py
fails each on console errors, English words, pages wider than the screen): the VP specialist registers and
classifies a document; the unit's focal officer accepts, updates and reports the result; the unit's leader
sees the unit's assignments and what his staff took on; the Chairman and VP's leadership land on their first
page and read the reports, and the Chairman gives a direction on a unit's difficulty after VP's advice. The
data is built through the real services, on the frozen clock."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from playwright.sync_api import expect

from engine.documents import service as document_service
from engine.usertasks import service as usertasks
from tests.conftest import classification, complete_task, two_task_document

# Where the leadership land: Tổng quan, or the dashboard of the leadership (Tình hình thực hiện nhiệm vụ).
LANDING = re.compile("Tổng quan|Tình hình thực hiện nhiệm vụ|Điều hành")


def register_and_classify(system, directory) -> int:
    """two_task_document() registered and classified by the VP specialist; returns the document id."""
    with system.db.transaction() as session:
        document = document_service.register_document(
            session=session, engine=system.engine, payload=two_task_document(), actor="cv"
        )
    with system.db.reading() as session:
        [classify] = usertasks.of_instance(session=session, instance_id=document.intake_instance_id)
    complete_task(system, classify.id, directory["cv"], classification())
    return document.id


def ready_task(system, principal, bpmn_id: str):
    """The one ready user task `bpmn_id` in the principal's inbox."""
    with system.db.reading() as session:
        [task] = [t for t in usertasks.inbox(session=session, user=principal) if t.bpmn_id == bpmn_id]
    return task


@pytest.mark.parametrize("screen", ["desktop", "phone", "desktop-en-US"], indirect=True)
def test_the_vp_specialist_registers_a_document_classifies_it_and_sees_its_assignments(
    system, directory, journey
):
    page = journey.page
    journey.log_in("cv")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    journey.shot("tong-quan")

    journey.menu("Văn bản chỉ đạo")
    page.get_by_role("link", name="Tiếp nhận văn bản").click()
    form = page.locator("#form-root")
    form.get_by_label("Số, ký hiệu").fill("15/QĐ-UBND")
    form.get_by_label("Loại văn bản").select_option(label="Quyết định")
    form.get_by_label("Trích yếu").fill("Về việc triển khai dịch vụ công trực tuyến toàn trình năm 2025")
    # Wednesday 22/01/2025: its day (22) cannot be read as a month, whatever the browser's language.
    journey.fill_date(form.get_by_label("Ngày ban hành"), date(2025, 1, 22))
    form.get_by_label("Người ký").fill("Đinh Chủ Tịch")
    form.get_by_label("Độ mật", exact=True).select_option(label="Thường")
    first = form.get_by_role("group", name="Nhiệm vụ 1")
    first.get_by_label("Nội dung nhiệm vụ").fill("Rà soát, chuẩn hóa quy trình nội bộ của dịch vụ công")
    first.get_by_label("Đơn vị chủ trì").select_option(label="Sở Tài chính")
    form.get_by_role("button", name="Thêm nhiệm vụ").click()
    second = form.get_by_role("group", name="Nhiệm vụ 2")
    second.get_by_label("Nội dung nhiệm vụ").fill("Kết nối cơ sở dữ liệu dân cư với cổng dịch vụ công")
    second.get_by_label("Đơn vị chủ trì").select_option(label="Sở Xây dựng")
    journey.shot("tiep-nhan-van-ban")
    form.get_by_role("button", name="Tiếp nhận văn bản").click()

    expect(page.get_by_role("status")).to_contain_text("Đã tiếp nhận văn bản số 15/QĐ-UBND")
    facts = page.locator("dl.facts").first
    expect(facts).to_contain_text("22/01/2025")
    expect(facts).to_contain_text("Chờ phân loại")
    journey.shot("van-ban-cho-phan-loai")

    journey.menu("Việc cần làm")
    page.get_by_role("link", name="Phân loại nhiệm vụ, chuyển theo dõi").click()
    expect(page.locator(".task-subject")).to_contain_text("15/QĐ-UBND")
    form = page.locator("#form-root")
    form.get_by_label("Phòng theo dõi").select_option(label="Phòng Tổng hợp")
    journey.choose(form.get_by_label("Chuyên viên theo dõi"), "Nguyễn Thị Theo Dõi")
    first = form.get_by_role("group", name="Nhiệm vụ 1")
    first.get_by_label("Sở Nội vụ").check()
    first.get_by_label("Có thời hạn").check()
    first.get_by_label("Loại thời hạn").select_option(label="Hạn hoàn thành")
    journey.fill_date(first.get_by_label("Thời hạn", exact=True), date(2025, 4, 30))
    first.get_by_label("Phải trình/báo cáo kết quả").check()
    second = form.get_by_role("group", name="Nhiệm vụ 2")
    second.get_by_label("Loại thời hạn").select_option(label="Không có thời hạn")
    journey.shot("phan-loai")
    form.get_by_role("button", name="Hoàn thành").click()
    expect(page.get_by_role("status")).to_be_visible()

    journey.menu("Văn bản chỉ đạo")
    page.get_by_role("link", name="15/QĐ-UBND").click()
    expect(page.locator("dl.facts").first).to_contain_text("Đã chuyển theo dõi")
    assignments = page.locator("section", has=page.get_by_role("heading", name="Nhiệm vụ"))
    lead = assignments.locator("tr", has_text="Rà soát, chuẩn hóa quy trình nội bộ")
    expect(lead).to_contain_text("Sở Tài chính")
    expect(lead).to_contain_text("Sở Nội vụ")
    expect(lead).to_contain_text("30/04/2025")
    expect(lead).to_contain_text("Nguyễn Thị Theo Dõi")
    other = assignments.locator("tr", has_text="Kết nối cơ sở dữ liệu dân cư")
    expect(other).to_contain_text("Sở Xây dựng")
    expect(other).to_contain_text("Không có thời hạn")
    journey.shot("van-ban-da-chuyen-theo-doi")


def test_the_units_focal_officer_accepts_the_task_updates_its_progress_and_reports_the_result(
    system, directory, clock, journey
):
    register_and_classify(system, directory)
    clock.move_to(datetime(2025, 3, 10, 2, 0, tzinfo=UTC))
    page = journey.page
    journey.log_in("sotc")
    journey.menu("Việc cần làm")
    review = page.get_by_role("link", name="Tiếp nhận nhiệm vụ")
    expect(review).to_have_count(1)
    journey.shot("viec-can-lam")
    review.click()
    expect(page.locator("main")).to_contain_text("Xây dựng kho dữ liệu dùng chung")
    form = page.locator("#form-root")
    form.get_by_label("Ý kiến của đơn vị").select_option(label="Tiếp nhận")
    journey.shot("tiep-nhan-nhiem-vu")
    form.get_by_role("button", name="Hoàn thành").click()
    expect(page.get_by_role("status")).to_be_visible()

    journey.menu("Việc cần làm")
    page.get_by_role("link", name="Cập nhật tình hình thực hiện").click()
    form = page.locator("#form-root")
    form.get_by_label("Nội dung cập nhật").select_option(label="Cập nhật tiến độ")
    form.get_by_label("Tình hình thực hiện").fill("Đã khảo sát hiện trạng dữ liệu của 12 sở, ngành")
    journey.shot("cap-nhat-tien-do")
    form.get_by_role("button", name="Hoàn thành").click()
    expect(page.get_by_role("status")).to_be_visible()

    journey.menu("Việc cần làm")
    page.get_by_role("link", name="Cập nhật tình hình thực hiện").click()
    form = page.locator("#form-root")
    form.get_by_label("Nội dung cập nhật").select_option(label="Báo cáo kết quả")
    form.get_by_label("Kết quả thực hiện").fill("Đã đưa kho dữ liệu dùng chung vào vận hành")
    journey.fill_date(form.get_by_label("Ngày hoàn thành"), date(2025, 3, 7))
    journey.shot("bao-cao-ket-qua")
    form.get_by_role("button", name="Hoàn thành").click()
    expect(page.get_by_role("status")).to_be_visible()

    journey.menu("Nhiệm vụ")
    page.get_by_role("link", name="Xây dựng kho dữ liệu dùng chung").first.click()
    main = page.locator("main")
    expect(main).to_contain_text("Đã khảo sát hiện trạng dữ liệu của 12 sở, ngành")
    expect(main).to_contain_text("Đã đưa kho dữ liệu dùng chung vào vận hành")
    expect(main).to_contain_text("07/03/2025")
    expect(main).to_contain_text("Đỗ Tài Chính")
    journey.shot("nhiem-vu")


def test_the_units_leader_sees_the_units_assignments_and_the_task_his_officer_took_on(
    system, directory, journey
):
    register_and_classify(system, directory)
    review = ready_task(system, directory["sotc"], "review")
    with system.db.transaction() as session:
        usertasks.claim(session=session, task_id=review.id, user=directory["sotc"])
    page = journey.page
    journey.log_in("ldsotc")
    journey.menu("Nhiệm vụ")
    expect(page.locator("main")).to_contain_text("Xây dựng kho dữ liệu dùng chung")
    expect(page.locator("main")).not_to_contain_text("Rà soát thủ tục hành chính nội bộ")  # Sở Xây dựng's
    journey.shot("nhiem-vu-cua-don-vi")

    # Not in his Việc cần làm (a claimed task leaves the others' lists), but on the assignment's page.
    page.get_by_role("link", name="Xây dựng kho dữ liệu dùng chung").first.click()
    open_tasks = page.locator("section", has=page.get_by_role("heading", name="Việc cần làm đang mở"))
    expect(open_tasks).to_contain_text("Đỗ Tài Chính")
    journey.shot("nhiem-vu")
    open_tasks.get_by_role("link", name="Tiếp nhận nhiệm vụ").click()
    expect(page.locator("main")).to_contain_text("công việc đang do Đỗ Tài Chính nhận xử lý")
    journey.shot("viec-nhan-vien-da-nhan")


def test_the_leadership_read_the_reports_and_the_chairman_gives_a_direction_on_a_difficulty(
    system, directory, clock, journey
):
    register_and_classify(system, directory)
    complete_task(
        system, ready_task(system, directory["sotc"], "review").id, directory["sotc"], {"decision": "accept"}
    )
    clock.move_to(datetime(2025, 4, 15, 2, 0, tzinfo=UTC))
    difficulty = {
        "kind": "difficulty",
        "difficulties": "Chưa được bố trí kinh phí xây dựng kho dữ liệu",
        "proposals": "Đề nghị gia hạn đến hết tháng 6",
        "proposed_due_date": "2025-06-30",
    }
    complete_task(system, ready_task(system, directory["sotc"], "update").id, directory["sotc"], difficulty)
    page = journey.page

    journey.log_in("ct")
    landing = page.get_by_role("heading", level=1)
    expect(landing).to_have_text(LANDING)
    journey.shot("lanh-dao-ubnd-trang-dau")
    journey.menu("Báo cáo, thống kê")
    report = page.locator("table", has_text="Sở Tài chính")
    expect(report).to_contain_text("Tổng cộng")
    journey.shot("bao-cao-thong-ke")
    report.get_by_role("link", name="Sở Tài chính").click()
    expect(page.locator("main")).to_contain_text("Xây dựng kho dữ liệu dùng chung")
    journey.shot("phu-luc-chi-tiet")

    journey.log_out()

    # VP assesses the difficulty and proposes how to handle it before the Chairman directs (Đ9.1.b).
    journey.log_in("cv")
    journey.menu("Việc cần làm")
    page.get_by_role("link", name="Tham mưu xử lý khó khăn, vướng mắc").click()
    expect(page.locator("main")).to_contain_text("Chưa được bố trí kinh phí xây dựng kho dữ liệu")
    form = page.locator("#form-root")
    form.get_by_label("Đánh giá, ý kiến tham mưu").fill("Vướng mắc có cơ sở; đề nghị gia hạn đến hết quý II")
    form.get_by_role("combobox", name="Đề xuất").select_option(label="Gia hạn")
    journey.fill_date(form.get_by_label("Thời hạn đề xuất gia hạn"), date(2025, 6, 30))
    journey.shot("tham-muu-xu-ly-kho-khan")
    form.get_by_role("button", name="Hoàn thành").click()
    expect(page.get_by_role("status")).to_be_visible()
    journey.log_out()

    journey.log_in("ct")
    journey.menu("Việc cần làm")
    page.get_by_role("link", name="Cho ý kiến chỉ đạo").click()
    expect(page.locator("main")).to_contain_text("Chưa được bố trí kinh phí xây dựng kho dữ liệu")
    expect(page.locator("main")).to_contain_text("Vướng mắc có cơ sở; đề nghị gia hạn đến hết quý II")
    expect(page.locator("main")).to_contain_text("30/06/2025")
    form = page.locator("#form-root")
    form.get_by_label("Quyết định").select_option(label="Gia hạn")
    form.get_by_label("Ý kiến chỉ đạo").fill("Đồng ý gia hạn; Sở Tài chính bố trí kinh phí trong quý II")
    journey.fill_date(form.get_by_label("Thời hạn mới"), date(2025, 6, 30))
    journey.shot("cho-y-kien-chi-dao")
    form.get_by_role("button", name="Hoàn thành").click()
    expect(page.get_by_role("status")).to_be_visible()
    journey.log_out()

    journey.log_in("ldvp")
    expect(page.get_by_role("heading", level=1)).to_have_text(LANDING)
    journey.shot("lanh-dao-van-phong-trang-dau")
    journey.menu("Báo cáo, thống kê")
    page.locator("table", has_text="Sở Tài chính").get_by_role("link", name="Sở Tài chính").click()
    page.get_by_role("link", name="Xây dựng kho dữ liệu dùng chung").click()
    main = page.locator("main")
    expect(main).to_contain_text("Đồng ý gia hạn; Sở Tài chính bố trí kinh phí trong quý II")
    expect(main).to_contain_text("Đinh Chủ Tịch")
    expect(main).to_contain_text("30/06/2025")
    journey.shot("nhiem-vu-da-gia-han")
