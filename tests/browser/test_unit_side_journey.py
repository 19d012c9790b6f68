"""The unit's own side in a real browser, at desktop and phone widths (tests/browser/journey.py): the lead
unit's leader gives the task to an official with an internal deadline, the official reports, the
coordinating unit sends its contribution with a file from its inbox, and the lead unit sees both on the
assignment page; a sở's staff writes the periodic report and its leader approves it (Đ8.1.c, Đ9.2.b-c)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from engine.definitions import scheduled
from engine.directory import units
from engine.reports.models import ReportSubmission
from tests.engine.files import samples
from tests.processes.test_assignment import accept, classify, sweep

TASK = {
    "content": "Xây dựng kho dữ liệu dùng chung",
    "lead_unit": "SO_TC",
    "coordinating_units": ["SO_XD"],
    "has_deadline": True,
    "due_date": "2025-04-28",
    "deadline_kind": "completion",
    "must_report": False,
}


def test_the_lead_unit_sees_its_officials_report_and_the_coordinating_units_contribution(
    system, directory, clock, journey
):
    [a_id] = classify(system, directory, TASK)
    accept(system, directory)
    sweep(system, clock, clock.now() + timedelta(seconds=1))  # the coordination process starts, deferred
    clock.move_to(datetime(2025, 2, 10, 2, 0, tzinfo=UTC))
    page = journey.page

    journey.log_in("ldsotc")
    page.goto(f"/assignments/{a_id}")
    section = page.locator("#giao-xu-ly")
    section.locator("summary", has_text="Giao cán bộ xử lý").click()
    journey.choose(section.get_by_label("Cán bộ xử lý"), "Đỗ Tài Chính")
    journey.fill_date(section.get_by_label("Hạn xử lý trong đơn vị"), date(2025, 4, 25))
    section.get_by_label("Nội dung chỉ đạo").fill("Dự thảo kế hoạch xây dựng kho dữ liệu, trình lãnh đạo Sở")
    journey.shot("giao-can-bo-xu-ly")
    section.get_by_role("button", name="Giao cán bộ xử lý").click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.locator("#giao-xu-ly")).to_contain_text("25/04/2025")
    journey.log_out()

    journey.log_in("sotc")
    journey.menu("Việc cần làm")
    page.get_by_role("link", name="Thực hiện nhiệm vụ được giao trong đơn vị").click()
    expect(page.locator("main")).to_contain_text("Dự thảo kế hoạch xây dựng kho dữ liệu")
    form = page.locator("#form-root")
    form.get_by_label("Tình hình, kết quả xử lý").fill("Đã dự thảo kế hoạch, xin ý kiến các phòng")
    journey.shot("can-bo-bao-cao")
    form.get_by_role("button", name="Hoàn thành").click()
    expect(page.get_by_role("status")).to_be_visible()
    journey.log_out()

    journey.log_in("soxd")
    journey.menu("Việc cần làm")
    page.get_by_role("link", name="Gửi ý kiến phối hợp cho đơn vị chủ trì").click()
    form = page.locator("#form-root")
    form.get_by_label("Nội dung ý kiến phối hợp").fill("Sở Xây dựng cung cấp dữ liệu quy hoạch xây dựng")
    pdf = {"name": "Dữ liệu quy hoạch.pdf", "mimeType": "application/pdf", "buffer": samples.pdf("Quy hoach")}
    form.locator("input[type=file]").set_input_files(pdf)
    expect(form.get_by_role("link", name="Dữ liệu quy hoạch.pdf")).to_be_visible()
    journey.shot("y-kien-phoi-hop")
    form.get_by_role("button", name="Hoàn thành").click()
    expect(page.get_by_role("status")).to_be_visible()
    journey.log_out()

    journey.log_in("ldsotc")
    page.goto(f"/assignments/{a_id}")
    main = page.locator("main")
    expect(page.locator("#giao-xu-ly")).to_contain_text("Đã dự thảo kế hoạch, xin ý kiến các phòng")
    expect(page.locator("#giao-xu-ly")).to_contain_text("Đỗ Tài Chính")
    expect(main).to_contain_text("Sở Xây dựng cung cấp dữ liệu quy hoạch xây dựng")
    link = main.get_by_role("link", name="Dữ liệu quy hoạch.pdf").first
    expect(link).to_be_visible()
    # The lead unit opens the coordinating unit's file.
    assert page.request.get(link.get_attribute("href")).status == 200
    journey.shot("don-vi-chu-tri-thay-ca-hai")


def test_a_sos_staff_writes_the_periodic_report_and_its_leader_approves_it(system, directory, clock, journey):
    with system.db.transaction() as session:
        units.set_type(session=session, unit_type="Sở, ban, ngành", leader_approval=True, actor="admin")
    clock.move_to(datetime(2026, 7, 10, 2, 0, tzinfo=UTC))
    with system.db.transaction() as session:
        scheduled.ensure_running(session=session, engine=system.engine)
    sweep(system, clock, datetime(2026, 9, 1, 1, 0, 1, tzinfo=UTC))  # the Q3 round opens
    clock.move_to(datetime(2026, 9, 15, 2, 0, tzinfo=UTC))
    page = journey.page

    journey.log_in("sotc")
    journey.menu("Việc cần làm")
    page.get_by_role("link", name="Báo cáo định kỳ", exact=True).click()
    form = page.locator("#form-root")
    form.get_by_label("Tình hình, kết quả thực hiện").fill("Sở đã hoàn thành 12 trên 15 nhiệm vụ được giao")
    form.get_by_label("Khó khăn, vướng mắc").fill("Thiếu kinh phí cho hai nhiệm vụ")
    journey.shot("bao-cao-dinh-ky")
    form.get_by_role("button", name="Hoàn thành").click()
    expect(page.get_by_role("status")).to_be_visible()
    journey.log_out()

    clock.move_to(datetime(2026, 9, 16, 3, 0, tzinfo=UTC))
    journey.log_in("ldsotc")
    journey.menu("Việc cần làm")
    page.get_by_role("link", name="Phê duyệt báo cáo định kỳ của đơn vị").click()
    main = page.locator("main")
    expect(main).to_contain_text("Đỗ Tài Chính đã lập báo cáo định kỳ")
    expect(main).to_contain_text("Thiếu kinh phí cho hai nhiệm vụ")
    form = page.locator("#form-root")
    decision = form.get_by_role("combobox", name=re.compile("^Ý kiến"))
    decision.select_option(label="Phê duyệt, gửi Văn phòng UBND tỉnh")
    journey.shot("phe-duyet-bao-cao-dinh-ky")
    form.get_by_role("button", name="Hoàn thành").click()
    expect(page.get_by_role("status")).to_be_visible()
    with system.db.reading() as session:
        sent = session.scalar(select(ReportSubmission).where(ReportSubmission.unit_code == "SO_TC"))
    assert (sent.submitted_by, sent.content) == ("ldsotc", "Sở đã hoàn thành 12 trên 15 nhiệm vụ được giao")
