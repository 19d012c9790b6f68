"""Rounds you can see, in a real browser at desktop and phone widths (tests/browser/journey.py): the Q3 2026
round built through the real process (SO_TC reported on time with a file, SO_XD after T6, SO_NV never);
VP's specialist reads every unit's report and the Biểu tổng hợp above the "Tổng hợp báo cáo" form and
completes it; the leadership sees the frozen figures above "Công khai kết quả" and publishes; the round's
page and the rounds list show the statuses and the publication; Sở Tài chính's staff see their own report."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.processes.test_periodic_report_context import (
    ASSESSMENT,
    FILE_NAME,
    REPORT_TC,
    SITUATION_XD,
    at_consolidation,
)

LABEL = "Báo cáo quý III và 9 tháng năm 2026"


def open_task(journey, name: str) -> None:
    journey.menu("Việc cần làm")
    journey.page.locator("main").get_by_role("link", name=name, exact=True).first.click()
    expect(journey.page.locator(".task-subject")).to_contain_text(LABEL)


def test_vp_consolidates_from_the_units_reports_the_leadership_publishes_and_the_round_page_shows_it(
    system, directory, clock, journey, tmp_path
):
    at_consolidation(system, directory, clock)
    page = journey.page

    journey.log_in("cv")
    open_task(journey, "Tổng hợp báo cáo")
    panel = page.locator("#thong-tin-lien-quan")
    expect(panel).to_contain_text("Đã gửi đúng hạn: 1 · Đã gửi quá hạn: 1 · Chưa gửi: 1 đơn vị")
    expect(panel.locator("#bao-cao-SO_TC")).to_contain_text(REPORT_TC["difficulties"])
    expect(panel.locator("#bao-cao-SO_TC")).to_contain_text("Đỗ Tài Chính")
    expect(panel.locator("#bao-cao-SO_XD")).to_contain_text("Đã gửi quá hạn")
    expect(panel.locator("#bao-cao-SO_NV")).to_contain_text("Chưa gửi, đã quá hạn")
    expect(panel).to_contain_text("Biểu tổng hợp sẽ được chốt khi hoàn thành bước này")
    expect(panel.locator("table.report tfoot")).to_contain_text("Tổng cộng")
    journey.shot("tong-hop-bao-cao")
    with page.expect_download() as download:
        panel.get_by_role("link", name=FILE_NAME).click()
    assert download.value.suggested_filename == FILE_NAME
    form = page.locator("#form-root")
    form.get_by_label("Đánh giá chung").fill(ASSESSMENT["assessment"])
    form.get_by_role("button", name="Hoàn thành").click()
    expect(page.get_by_role("status")).to_be_visible()

    journey.menu("Báo cáo, thống kê")
    page.get_by_role("link", name="Kỳ báo cáo định kỳ (Điều 22)").click()
    row = page.locator("table.rounds tbody tr", has_text=LABEL)
    expect(row).to_contain_text("Đã chốt số liệu")
    expect(row).to_contain_text("21/09/2026")
    journey.shot("ky-bao-cao")
    row.get_by_role("link", name=LABEL).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(LABEL)
    reports = page.locator("#bao-cao-don-vi")
    expect(reports.locator("#bao-cao-SO_XD")).to_contain_text(SITUATION_XD)
    expect(page.locator("#bieu-tong-hop")).not_to_contain_text("Số liệu chưa chốt")
    journey.shot("ky-bao-cao-da-chot")
    journey.log_out()

    journey.log_in("ldvp")
    open_task(journey, "Công khai kết quả")
    panel = page.locator("#thong-tin-lien-quan")
    expect(panel).to_contain_text("Biểu tổng hợp đã chốt")
    expect(panel.locator("table.report tbody tr")).to_have_count(3)
    journey.shot("cong-khai-ket-qua")
    page.locator("#form-root").get_by_label("Đồng ý công khai kết quả").check()
    page.locator("#form-root").get_by_role("button", name="Hoàn thành").click()
    expect(page.get_by_role("status")).to_be_visible()
    journey.menu("Báo cáo, thống kê")
    page.get_by_role("link", name="Kỳ báo cáo định kỳ (Điều 22)").click()
    page.get_by_role("link", name=LABEL).click()
    expect(page.locator("main")).to_contain_text("Đã công khai")
    journey.shot("ky-bao-cao-da-cong-khai")
    page.get_by_role("link", name="Bản số 1").click()
    expect(page.locator("main")).to_contain_text(LABEL)
    journey.log_out()

    journey.log_in("sotc")
    journey.menu("Báo cáo, thống kê")
    page.get_by_role("link", name="Kỳ báo cáo định kỳ (Điều 22)").click()
    expect(page.locator("table.rounds")).to_contain_text("Đã gửi đúng hạn")
    page.get_by_role("link", name=LABEL).click()
    main = page.locator("main")
    expect(main).to_contain_text(REPORT_TC["situation"])
    expect(main).not_to_contain_text("Sở Xây dựng")
    journey.shot("don-vi-xem-bao-cao-cua-minh")
