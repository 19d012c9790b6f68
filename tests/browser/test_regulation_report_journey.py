"""P10 in a real browser at desktop and phone widths (tests/browser/journey.py fails each on console errors,
English words, pages wider than the screen): the 2026 report on implementing the regulation opens by itself
on 01/12/2026; the VP specialist reads its figures and writes the assessment; the Chief of VP returns it
once with a remark, VP revises it, the chief submits it; the Chairman reads the report and downloads the
Excel file. The data is built through the real process, on the frozen clock."""

from __future__ import annotations

import re
from datetime import date, timedelta

from openpyxl import load_workbook
from playwright.sync_api import expect

from engine.instances import service as instances
from engine.instances import sweep as timer_sweep
from engine.reports import regulation_report as reports
from tests.processes.test_regulation_report import ASSESSMENT, KEY, RETURN_REMARKS, local, seed

LABEL = "Báo cáo tình hình thực hiện Quy chế năm 2026"
DECISION = re.compile(r"^Ý kiến\*?$")  # the required mark follows the label
REVISED_CAUSES = "Một số sở chưa bố trí cán bộ đầu mối ổn định; chưa quan tâm chỉ đạo việc cập nhật."


def open_the_2026_report(system, clock) -> None:
    """Two units' tasks of 2026, the yearly schedule started in July and its timer fired on 01/12/2026."""
    seed(system)
    clock.move_to(local(date(2026, 7, 1)))
    with system.db.transaction() as session:
        instances.start(
            session=session,
            engine=system.engine,
            process_id=reports.PROCESS_ID,
            data={},
            actor="test",
            business_key=KEY,
        )
    opens = local(date(2026, 12, 1), 8) + timedelta(seconds=1)
    clock.move_to(opens)
    timer_sweep.fire_due_timers(db=system.db, engine=system.engine, now=opens)
    clock.move_to(local(date(2026, 12, 2)))


def open_task(journey, name: str) -> None:
    journey.menu("Việc cần làm")
    journey.page.get_by_role("link", name=name).first.click()
    expect(journey.page.locator(".task-subject")).to_contain_text(LABEL)


def test_vp_assesses_the_2026_report_the_chief_returns_it_once_then_submits_and_the_chairman_reads_it(
    system, directory, clock, journey, tmp_path
):
    open_the_2026_report(system, clock)
    page = journey.page

    journey.log_in("cv")
    journey.menu("Báo cáo, thống kê")
    page.get_by_role("link", name="Báo cáo thực hiện Quy chế (Điều 26)").click()
    reports_table = page.locator("section", has=page.get_by_role("heading", name="Báo cáo hằng năm"))
    expect(reports_table).to_contain_text("Chờ Văn phòng đánh giá")
    expect(reports_table).to_contain_text("01/12/2026")
    journey.shot("bao-cao-hang-nam")
    reports_table.get_by_role("link", name=LABEL).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(LABEL)
    units = page.locator("#regulation-units")
    expect(units.locator("tr", has_text="Sở Tài chính")).to_be_visible()
    expect(units).to_contain_text("Tổng cộng")
    expect(page.locator("#assessment")).to_contain_text("Văn phòng chưa đánh giá")
    journey.shot("bao-cao-2026-chua-danh-gia")

    open_task(journey, "Đánh giá tình hình thực hiện Quy chế")
    form = page.locator("#form-root")
    expect(page.locator("main")).to_contain_text("Sở Tài chính: 2 nhiệm vụ, hoàn thành đúng hạn 1, quá hạn 1")
    form.get_by_label("Kết quả đạt được").fill(ASSESSMENT["results"])
    form.get_by_label("Tồn tại, hạn chế").fill(ASSESSMENT["shortcomings"])
    form.get_by_label("Nguyên nhân").fill(ASSESSMENT["causes"])
    form.get_by_label("Đề xuất, kiến nghị").fill(ASSESSMENT["proposals"])
    form.get_by_label("Đề xuất đánh giá, xếp loại thi đua").fill(ASSESSMENT["emulation"])
    journey.shot("danh-gia")
    form.get_by_role("button", name="Hoàn thành").click()
    expect(page.get_by_role("status")).to_be_visible()
    journey.log_out()

    journey.log_in("ldvp")
    open_task(journey, "Duyệt, trình Chủ tịch UBND tỉnh")
    expect(page.locator("main")).to_contain_text(ASSESSMENT["shortcomings"])
    form = page.locator("#form-root")
    form.get_by_label(DECISION).select_option(label="Trả lại Văn phòng")
    form.get_by_label("Ý kiến của Chánh Văn phòng").fill(RETURN_REMARKS)
    journey.shot("tra-lai")
    form.get_by_role("button", name="Hoàn thành").click()
    expect(page.get_by_role("status")).to_be_visible()
    journey.log_out()

    journey.log_in("cv")
    open_task(journey, "Đánh giá tình hình thực hiện Quy chế")
    expect(page.locator("main")).to_contain_text(f"Chánh Văn phòng trả lại báo cáo: {RETURN_REMARKS}")
    form = page.locator("#form-root")
    expect(form.get_by_label("Kết quả đạt được")).to_have_value(ASSESSMENT["results"])
    causes = form.get_by_label("Nguyên nhân")
    expect(causes).to_have_value(ASSESSMENT["causes"])
    causes.fill(REVISED_CAUSES)
    journey.shot("danh-gia-lai")
    form.get_by_role("button", name="Hoàn thành").click()
    expect(page.get_by_role("status")).to_be_visible()
    journey.log_out()

    journey.log_in("ldvp")
    open_task(journey, "Duyệt, trình Chủ tịch UBND tỉnh")
    expect(page.locator("main")).to_contain_text(REVISED_CAUSES)
    form = page.locator("#form-root")
    form.get_by_label(DECISION).select_option(label="Duyệt, trình Chủ tịch UBND tỉnh")
    journey.shot("duyet")
    form.get_by_role("button", name="Hoàn thành").click()
    expect(page.get_by_role("status")).to_be_visible()
    journey.log_out()

    journey.log_in("ct")
    journey.menu("Báo cáo, thống kê")
    page.get_by_role("link", name="Báo cáo thực hiện Quy chế (Điều 26)").click()
    page.get_by_role("link", name=LABEL).click()
    expect(page.locator("main")).to_contain_text("Đã trình Chủ tịch")
    assessment = page.locator("#assessment")
    expect(assessment).to_contain_text(REVISED_CAUSES)
    expect(assessment).to_contain_text(ASSESSMENT["emulation"])
    journey.shot("chu-tich-doc-bao-cao")
    with page.expect_download() as download:
        page.get_by_role("link", name="Xuất Excel").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "bao-cao-thuc-hien-quy-che-2026.xlsx"
    book = load_workbook(saved)
    assert "Sở Tài chính" in [c.value for c in book["Theo đơn vị"]["B"]]
    assert REVISED_CAUSES in [c.value for row in book["Đánh giá"].iter_rows() for c in row]
