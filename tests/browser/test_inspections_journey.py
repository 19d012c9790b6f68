"""An inspection by a sở, in a real browser at desktop and phone widths (tests/browser/journey.py): Sở Tài
chính's staff plan the year's inspection of a commune, its head approves the plan and decides with a member
of Sở Nội vụ invited, the commune reports with a file, the Trưởng đoàn reports the results, VP opens them
from the Kiểm tra list, and the invited member opens that inspection and is refused another one."""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect

from engine.instances import starting
from tests.conftest import complete_task
from tests.engine.files import samples
from tests.processes import test_inspection as p8

people = p8.people  # the directory of tests/conftest.py with Sở Nội vụ's Mai Nội Vụ


def test_a_department_plans_decides_and_reports_an_inspection_that_reaches_vp(system, people, clock, journey):
    clock.move_to(p8.PLANNED_AT)  # Tuesday 20/01/2026
    page = journey.page

    # Sở Tài chính's staff write the year's plan.
    journey.log_in("sotc")
    journey.menu("Kiểm tra")
    journey.shot("kiem-tra-trong")
    page.get_by_role("link", name="Kế hoạch kiểm tra năm").click()
    first = page.locator("table.plan-items tbody tr").first
    first.get_by_label("Đơn vị được kiểm tra, dòng 1").select_option(label="UBND xã Bát Xát")
    first.get_by_label("Tháng, dòng 1").select_option(label="Tháng 2")
    first.get_by_label("Nội dung kiểm tra, dòng 1").fill("Việc thực hiện nhiệm vụ thu ngân sách năm 2025.")
    journey.shot("lap-ke-hoach")
    page.get_by_role("button", name="Lập kế hoạch").click()
    expect(page.get_by_role("status")).to_contain_text("chờ phê duyệt")
    journey.log_out()

    # Its head approves it (Đ15.2).
    journey.log_in("ldsotc")
    journey.menu("Kiểm tra")
    page.get_by_role("link", name="Kế hoạch kiểm tra năm").click()
    page.get_by_role("button", name="Phê duyệt kế hoạch").click()
    expect(page.locator("section.card").first).to_contain_text("Hoàng Lãnh Đạo, ngày 20/01/2026")
    journey.shot("ke-hoach-da-phe-duyet")
    journey.log_out()

    # The staff start the planned inspection from the item.
    journey.log_in("sotc")
    page.goto("/kiem-tra/ke-hoach")
    page.get_by_role("link", name="Tiến hành kiểm tra").click()
    form = page.locator("#form-root")
    expect(form.get_by_label("Nội dung kiểm tra")).to_have_value(
        "Việc thực hiện nhiệm vụ thu ngân sách năm 2025."
    )
    form.get_by_label("Mục đích, yêu cầu").fill("Đánh giá việc triển khai nhiệm vụ UBND tỉnh giao.")
    journey.shot("tien-hanh-kiem-tra")
    form.get_by_role("button", name="Tiến hành kiểm tra").click()
    page.wait_for_url(re.compile(r"/kiem-tra/\d+$"))
    inspection_id = int(page.url.rsplit("/", 1)[1])
    expect(page.locator("dl.facts").first).to_contain_text("Chờ quyết định kiểm tra")
    journey.shot("cuoc-kiem-tra-moi")
    journey.log_out()

    # The head decides, with Mai Nội Vụ of Sở Nội vụ invited (Đ16.2).
    journey.log_in("ldsotc")
    page.goto(f"/kiem-tra/{inspection_id}")
    page.locator("#buoc-hien-tai").get_by_role(
        "link", name="Quyết định kiểm tra của thủ trưởng đơn vị"
    ).click()
    form = page.locator("#form-root")
    form.get_by_label("Ý kiến của người quyết định").select_option(
        label="Ra quyết định kiểm tra, thành lập Đoàn kiểm tra"
    )
    form.get_by_label("Số, ký hiệu quyết định").fill("15/QĐ-STC")
    journey.fill_date(form.get_by_label("Ngày quyết định"), date(2026, 1, 20))
    form.get_by_label("a) Căn cứ pháp lý để kiểm tra").fill(
        "Quy chế 35/2015/QĐ-UBND; kế hoạch kiểm tra năm 2026."
    )
    form.get_by_label("b) Phạm vi, đối tượng, nhiệm vụ kiểm tra").fill("Nhiệm vụ thu ngân sách năm 2025.")
    form.get_by_label("c) Nội dung kiểm tra").fill("Các nội dung tại Điều 13.")
    form.get_by_label("d) Thời hạn kiểm tra").fill("05 ngày làm việc")
    form.get_by_label("đ) Thành phần Đoàn kiểm tra").fill("Trưởng đoàn và 01 người được mời.")
    journey.choose(form.get_by_label("Trưởng đoàn"), "Đỗ Tài Chính")
    form.get_by_role("button", name="Thêm người được mời").click()
    journey.choose(form.get_by_role("group", name="Người được mời 1").get_by_label("Họ và tên"), "Mai Nội Vụ")
    journey.fill_date(form.get_by_label("Hạn đơn vị được kiểm tra báo cáo, cung cấp hồ sơ"), date(2026, 2, 6))
    journey.shot("quyet-dinh-kiem-tra")
    form.get_by_role("button", name="Hoàn thành").click()
    expect(page.get_by_role("status")).to_be_visible()
    journey.log_out()

    # The commune reports with its file (Đ16.3).
    journey.log_in("xabx")
    journey.menu("Kiểm tra")
    page.get_by_role("link", name=re.compile("UBND xã Bát Xát theo kế hoạch")).click()
    page.locator("#buoc-hien-tai").get_by_role(
        "link", name="Báo cáo, cung cấp hồ sơ cho Đoàn kiểm tra"
    ).click()
    form = page.locator("#form-root")
    form.get_by_label("Báo cáo tình hình thực hiện nhiệm vụ").fill(
        "Đã thu đạt 104% dự toán; 2 khoản thu chậm."
    )
    pdf = samples.pdf("Bao cao xa Bat Xat")
    page.locator("input[type=file]").set_input_files(
        {"name": "Báo cáo của xã.pdf", "mimeType": "application/pdf", "buffer": pdf}
    )
    expect(page.get_by_role("link", name="Báo cáo của xã.pdf")).to_be_visible()
    journey.shot("xa-bao-cao")
    form.get_by_role("button", name="Hoàn thành").click()
    expect(page.get_by_role("status")).to_be_visible()
    journey.log_out()

    # The team's fieldwork ends on Thursday 12/02/2026; the Trưởng đoàn reports within T4.
    clock.move_to(p8.FIELDWORK_ENDED_AT)
    fieldwork = p8.only_task(system, people["sotc"], "fieldwork")
    complete_task(system, fieldwork.id, people["sotc"], p8.fieldwork_form())
    clock.move_to(p8.REPORTED_AT)
    journey.log_in("sotc")
    page.goto(f"/kiem-tra/{inspection_id}")
    page.locator("#buoc-hien-tai").get_by_role("link", name="Báo cáo kết quả kiểm tra").click()
    form = page.locator("#form-root")
    for label, text in (
        ("a)", p8.REPORT_FORM["assessment"]),
        ("b)", p8.REPORT_FORM["conclusion"]),
        ("c)", p8.REPORT_FORM["recommendations"]),
    ):
        form.get_by_label(re.compile("^" + re.escape(label))).fill(text)
    journey.shot("bao-cao-ket-qua")
    form.get_by_role("button", name="Hoàn thành").click()
    expect(page.get_by_role("status")).to_be_visible()
    journey.log_out()

    # VP opens it from the Kiểm tra list: the report, who received it, the commune's file.
    journey.log_in("cv")
    journey.menu("Kiểm tra")
    page.get_by_role("link", name=re.compile("UBND xã Bát Xát theo kế hoạch")).click()
    expect(page.locator("#ket-qua")).to_contain_text(p8.REPORT_FORM["conclusion"])
    expect(page.locator("#noi-nhan")).to_contain_text("Văn phòng UBND tỉnh (để theo dõi, tổng hợp)")
    expect(page.locator("#bao-cao-don-vi").get_by_role("link", name="Báo cáo của xã.pdf")).to_be_visible()
    journey.shot("van-phong-xem-ket-qua")
    journey.log_out()

    # The invited member opens that inspection, and is refused another.
    with system.db.transaction() as session:
        other = starting.start_on_demand(
            session=session,
            engine=system.engine,
            process_id="inspection",
            data=p8.plan_form(inspected_unit="SO_XD"),
            user=people["sotc"],
        ).id
    other_id = p8.inspection_of(system, other).id
    journey.log_in("sonv")
    journey.menu("Kiểm tra")
    expect(page.locator("tbody tr")).to_have_count(1)
    page.get_by_role("link", name=re.compile("UBND xã Bát Xát theo kế hoạch")).click()
    expect(page.locator("#quyet-dinh")).to_contain_text("Mai Nội Vụ")
    journey.shot("nguoi-duoc-moi")
    refused = page.goto(f"/kiem-tra/{other_id}")
    assert refused is not None and refused.status == 403
    expect(page.locator("main")).to_contain_text("Bạn không có quyền truy cập nội dung này")
    # The refusal is what this step asks for: the harness counts any 403 page as a problem.
    journey.problems.remove(f"403 for document {page.url}")
    journey.check()
