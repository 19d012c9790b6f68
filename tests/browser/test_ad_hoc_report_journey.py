"""Báo cáo đột xuất in a real browser at desktop and phone widths (tests/browser/journey.py fails each on
console errors, English words, pages wider than the screen): the Chairman asks Sở Tài chính and the commune
of Bát Xát for a report with a template, due in 5 working days; the commune downloads the template and
answers with a file; VP consolidates both answers; the Chairman's notice leads him to the request's page."""

from __future__ import annotations

from playwright.sync_api import expect

from engine.reports.models import AdHocAnswer
from tests.conftest import complete_task
from tests.engine.files import samples
from tests.processes.test_ad_hoc_report import ASKED, REQUIREMENTS, SUBJECT, the_task, working_days_after

TITLE = f"Báo cáo đột xuất: {SUBJECT}"


def open_task(journey, name: str) -> None:
    journey.menu("Việc cần làm")
    journey.page.locator("main").get_by_role("link", name=name, exact=True).first.click()
    expect(journey.page.locator("#thong-tin-lien-quan")).to_contain_text(SUBJECT)


def test_the_chairman_asks_a_unit_answers_and_vp_consolidates(system, directory, clock, journey):
    clock.move_to(ASKED)  # Thursday 23/04/2026
    due = working_days_after(system, ASKED.date(), 5)
    page = journey.page

    journey.log_in("ct")
    journey.menu("Khởi tạo")
    page.locator("main").get_by_role("link", name="Yêu cầu báo cáo đột xuất").click()
    form = page.locator("#form-root")
    expect(form.get_by_label("Loại báo cáo")).to_be_visible()
    form.get_by_label("Trích yếu yêu cầu").fill(SUBJECT)
    form.get_by_label("Nội dung, yêu cầu báo cáo").fill(REQUIREMENTS)
    units = form.get_by_role("group", name="Các cơ quan, đơn vị phải báo cáo")
    units.get_by_label("Sở Tài chính").check()
    units.get_by_label("UBND xã Bát Xát").check()
    journey.fill_date(form.get_by_label("Hạn gửi báo cáo"), due)
    form.locator("input[type=file]").set_input_files(
        {"name": "mau-bao-cao.pdf", "mimeType": "application/pdf", "buffer": samples.pdf("Mau bao cao")}
    )
    expect(form.get_by_role("link", name="mau-bao-cao.pdf")).to_be_visible()
    journey.shot("chu-tich-yeu-cau-bao-cao")
    form.get_by_role("button", name="Khởi tạo").click()
    expect(page.get_by_role("status")).to_contain_text("Đã khởi tạo quy trình: Yêu cầu báo cáo đột xuất")
    journey.menu("Báo cáo, thống kê")
    page.get_by_role("link", name="Báo cáo đột xuất", exact=True).click()
    row = page.locator("tr", has_text=TITLE)
    expect(row).to_contain_text("Đinh Chủ Tịch (Chủ tịch UBND tỉnh)")
    expect(row).to_contain_text(f"{due:%d/%m/%Y}")
    expect(row).to_contain_text("0/2 đơn vị")
    journey.shot("danh-sach-bao-cao-dot-xuat")
    journey.log_out()

    journey.log_in("xabx")
    open_task(journey, "Báo cáo đột xuất")
    panel = page.locator("#thong-tin-lien-quan")
    expect(panel).to_contain_text("Đinh Chủ Tịch (Chủ tịch UBND tỉnh)")
    with page.expect_download() as downloaded:
        panel.get_by_role("link", name="mau-bao-cao.pdf").click()
    assert downloaded.value.suggested_filename == "mau-bao-cao.pdf"
    form = page.locator("#form-root")
    form.get_by_label("Nội dung báo cáo").fill("Xã đã khắc phục xong 12 hộ bị sạt lở.")
    form.get_by_label("Khó khăn, vướng mắc").fill("Thiếu vật liệu kè bờ suối.")
    form.locator("input[type=file]").set_input_files(
        {"name": "bao-cao-xa.pdf", "mimeType": "application/pdf", "buffer": samples.pdf("Bao cao xa")}
    )
    expect(form.get_by_role("link", name="bao-cao-xa.pdf")).to_be_visible()
    journey.shot("xa-bao-cao")
    form.get_by_role("button", name="Hoàn thành").click()
    expect(page.get_by_role("status")).to_be_visible()
    journey.log_out()

    task = the_task(system, directory["sotc"], "answer")
    complete_task(system, task.id, directory["sotc"], {"content": "Sở đã tạm cấp 5 tỷ đồng."})

    journey.log_in("cv")
    open_task(journey, "Tổng hợp báo cáo đột xuất")
    panel = page.locator("#thong-tin-lien-quan")
    expect(panel).to_contain_text("Xã đã khắc phục xong 12 hộ bị sạt lở.")
    expect(panel).to_contain_text("Sở đã tạm cấp 5 tỷ đồng.")
    expect(panel.get_by_role("link", name="bao-cao-xa.pdf")).to_be_visible()
    form = page.locator("#form-root")
    form.get_by_label("Nội dung tổng hợp").fill(
        "Hai đơn vị đã báo cáo; đề nghị hỗ trợ vật liệu cho xã Bát Xát."
    )
    journey.shot("van-phong-tong-hop")
    form.get_by_role("button", name="Hoàn thành").click()
    expect(page.get_by_role("status")).to_be_visible()
    journey.log_out()

    journey.log_in("ct")
    page.get_by_role("link", name="Thông báo chưa đọc: 1").click()
    page.get_by_role("link", name=f"{TITLE}: Văn phòng UBND tỉnh đã tổng hợp báo cáo của 2/2 đơn vị.").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator("#bao-cao-don-vi")).to_contain_text("Thiếu vật liệu kè bờ suối.")
    expect(page.locator("#tong-hop")).to_contain_text("đề nghị hỗ trợ vật liệu cho xã Bát Xát")
    expect(page.locator("#tong-hop")).to_contain_text("Nguyễn Thị Theo Dõi")
    journey.shot("chu-tich-xem-ket-qua")
    with system.db.reading() as session:
        assert session.query(AdHocAnswer).filter(AdHocAnswer.answered_at.is_not(None)).count() == 2
