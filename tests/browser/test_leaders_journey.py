"""Who gave the task, in which sector (Đ1.1, Đ9.2.a), in a real browser (tests/browser/journey.py fails each
step on console errors, English words, pages wider than the screen): the administrator adds a lĩnh vực and
a Phó Chủ tịch overseeing it; VP registers a document that Phó Chủ tịch gave, classifies its task in that
sector; the Nhiệm vụ list filtered by the sector shows it, with the leader on the assignment's page."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from engine.assignments.models import Assignment
from engine.directory import leaders

LEADER = "Phó Chủ tịch UBND tỉnh Hoàng Quốc Khánh"
CONTENT = "Triển khai nền tảng dữ liệu khoa học và công nghệ của tỉnh"


@pytest.mark.parametrize("screen", ["desktop", "phone"], indirect=True)
def test_a_sector_and_a_vice_chairman_then_a_task_he_gave_in_that_sector(system, directory, journey):
    with system.db.transaction() as session:  # the list as a province starts it: the collective, one sector
        leaders.create_leader(session=session, values={"code": "UBND", "kind": "collective"}, actor="admin")
        leaders.create_sector(session=session, code="KTTH", name="Kinh tế tổng hợp", actor="admin")
    page = journey.page
    journey.log_in("admin")
    journey.menu("Lãnh đạo, lĩnh vực")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lãnh đạo giao nhiệm vụ, lĩnh vực")
    sectors = page.locator("#linh-vuc")
    sectors.get_by_label("Mã lĩnh vực").fill("KHCN")
    sectors.get_by_label("Tên lĩnh vực", exact=True).fill("Khoa học và công nghệ")
    sectors.get_by_role("button", name="Thêm lĩnh vực").click()
    expect(page.get_by_role("status")).to_contain_text("Đã thêm lĩnh vực Khoa học và công nghệ")

    adding = page.locator("#lanh-dao")
    adding.get_by_label("Mã lãnh đạo").fill("PCT_KHANH")
    adding.get_by_label("Loại").select_option(label="Phó Chủ tịch UBND tỉnh")
    adding.get_by_label("Họ và tên").fill("Hoàng Quốc Khánh")
    adding.get_by_label("Khoa học và công nghệ").check()
    journey.shot("them-pho-chu-tich")
    adding.get_by_role("button", name="Thêm lãnh đạo").click()
    expect(page.get_by_role("status")).to_contain_text(f"Đã thêm {LEADER}")
    row = page.locator("tr", has_text=LEADER)
    expect(row).to_contain_text("Khoa học và công nghệ")
    expect(row).to_contain_text("Đang giao nhiệm vụ")
    journey.shot("danh-sach-lanh-dao")
    journey.log_out()

    journey.log_in("cv")
    journey.menu("Văn bản chỉ đạo")
    page.get_by_role("link", name="Tiếp nhận văn bản").click()
    form = page.locator("#form-root")
    leader = form.get_by_label("Lãnh đạo giao nhiệm vụ")
    expect(leader.locator("option").nth(1)).to_have_text("UBND tỉnh (tập thể)")  # offered first
    form.get_by_label("Số, ký hiệu").fill("3721/UBND-KT")
    form.get_by_label("Loại văn bản").select_option(label="Công văn")
    form.get_by_label("Trích yếu").fill("V/v triển khai nền tảng dữ liệu khoa học và công nghệ")
    journey.fill_date(form.get_by_label("Ngày ban hành"), date(2025, 1, 22))
    leader.select_option(label=LEADER)
    form.get_by_label("Người ký").fill("Hoàng Quốc Khánh")
    form.get_by_label("Độ mật", exact=True).select_option(label="Thường")
    first = form.get_by_role("group", name="Nhiệm vụ 1")
    first.get_by_label("Nội dung nhiệm vụ").fill(CONTENT)
    first.get_by_label("Đơn vị chủ trì").select_option(label="Sở Tài chính")
    journey.shot("tiep-nhan-voi-lanh-dao")
    form.get_by_role("button", name="Tiếp nhận văn bản").click()
    expect(page.get_by_role("status")).to_contain_text("Đã tiếp nhận văn bản số 3721/UBND-KT")
    expect(page.locator("dl.facts").first).to_contain_text(LEADER)

    journey.menu("Việc cần làm")
    page.get_by_role("link", name="Phân loại nhiệm vụ, chuyển theo dõi").click()
    form = page.locator("#form-root")
    form.get_by_label("Phòng theo dõi").select_option(label="Phòng Tổng hợp")
    journey.choose(form.get_by_label("Chuyên viên theo dõi"), "Nguyễn Thị Theo Dõi")
    first = form.get_by_role("group", name="Nhiệm vụ 1")
    first.get_by_label("Loại thời hạn").select_option(label="Không có thời hạn")
    form.get_by_role("button", name="Hoàn thành").click()  # no sector yet: refused beside the field
    expect(first.get_by_role("alert").filter(has_text="Chọn lĩnh vực của nhiệm vụ")).to_be_visible()
    first.get_by_label("Lĩnh vực").select_option(label="Khoa học và công nghệ")
    given = first.get_by_label("Lãnh đạo giao nhiệm vụ")  # left as the document's
    expect(given.locator("option:checked")).to_have_text("— Như văn bản —")
    journey.shot("phan-loai-linh-vuc")
    form.get_by_role("button", name="Hoàn thành").click()
    expect(page.get_by_role("status")).to_contain_text("Đã hoàn thành")
    with system.db.reading() as session:
        [(sector, given_by)] = session.execute(select(Assignment.sector_code, Assignment.leader_code)).all()
    assert (sector, given_by) == ("KHCN", "PCT_KHANH")  # the task's leader: the document's

    journey.menu("Nhiệm vụ")
    search = page.get_by_role("search", name="Tìm nhiệm vụ")
    search.get_by_label("Lĩnh vực").select_option(label="Khoa học và công nghệ")
    search.get_by_role("button", name="Tìm").click()
    expect(page.locator("table.assignments tbody tr")).to_have_count(1)
    expect(page.locator("table.assignments")).to_contain_text(CONTENT)
    journey.shot("loc-theo-linh-vuc")
    search = page.get_by_role("search", name="Tìm nhiệm vụ")
    search.get_by_label("Lĩnh vực").select_option(label="Kinh tế tổng hợp")
    search.get_by_role("button", name="Tìm").click()
    expect(page.locator("table.assignments")).to_have_count(0)
    search = page.get_by_role("search", name="Tìm nhiệm vụ")
    search.get_by_label("Lĩnh vực").select_option(label="Khoa học và công nghệ")
    search.get_by_role("button", name="Tìm").click()
    page.get_by_role("link", name=CONTENT).click()
    facts = page.locator("dl.facts", has_text="Lãnh đạo giao nhiệm vụ")
    expect(facts).to_contain_text(LEADER)
    expect(facts).to_contain_text("Khoa học và công nghệ")
    journey.shot("nhiem-vu-co-linh-vuc")
