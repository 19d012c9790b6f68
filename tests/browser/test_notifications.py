"""Notifications, reassigning and bulk completion in a real browser: a unit's staff member sees the bell's
count, opens the notice and lands on the user task it is about; a unit leader gives a claimed user task to
another staff member, who is notified; VP's leader completes several urgings with one form."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from engine.usertasks import service as usertasks
from tests.browser.conftest import log_in
from tests.engine.notifications.helpers import add_user, correction_request, overdue_documents, ready_tasks


def test_a_unit_staff_member_follows_the_bell_to_the_task(system, directory, page, tmp_path):
    correction_request(system, directory["cv"])
    [task] = ready_tasks(system, "correct_data")

    log_in(page, "sotc")
    bell = page.get_by_role("link", name="Thông báo chưa đọc: 1")
    expect(bell).to_be_visible()
    expect(bell.locator(".bell-count")).to_have_text("1")
    page.screenshot(path=tmp_path / "bell.png", full_page=True)

    bell.click()
    expect(page.locator("h1")).to_have_text("Thông báo")
    unread = page.locator("li.notice.unread")
    expect(unread).to_have_count(1)
    expect(unread).to_contain_text("Văn phòng UBND tỉnh đề nghị điều chỉnh, bổ sung thông tin")
    page.screenshot(path=tmp_path / "list.png", full_page=True)

    unread.get_by_role("link").click()
    expect(page).to_have_url(re.compile(f"/tasks/{task.id}$"))
    expect(page.locator("h1")).to_have_text("Điều chỉnh, bổ sung thông tin")
    expect(page.get_by_role("link", name="Thông báo chưa đọc: 0")).to_be_visible()
    expect(page.locator(".bell-count")).to_have_count(0)
    page.screenshot(path=tmp_path / "task.png", full_page=True)


def test_the_leader_completes_several_urgings_at_once(system, directory, clock, page, tmp_path):
    overdue_documents(system, clock, 3)
    log_in(page, "ldvp")
    page.goto("/tasks")
    page.get_by_role("link", name="Xử lý nhiều việc cùng lúc").click()
    page.get_by_role("link", name="Đôn đốc phân loại văn bản quá hạn").click()
    for i in (1, 2, 3):
        page.get_by_label(f"{i}/QĐ-UBND: Về việc thứ {i} năm 2025").check()
    expect(page.locator("input[name=task]:checked")).to_have_count(3)
    page.screenshot(path=tmp_path / "choose.png", full_page=True)

    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.locator(".bulk-selected li")).to_have_count(3)
    expect(page.locator(".bulk-selected")).to_contain_text("2/QĐ-UBND: Về việc thứ 2 năm 2025")
    page.get_by_label("Ý kiến chỉ đạo").fill(
        "Đề nghị Phòng Tổng hợp phân loại, chuyển theo dõi ngay trong ngày."
    )
    page.screenshot(path=tmp_path / "form.png", full_page=True)
    page.get_by_role("button", name="Hoàn thành 3 công việc").click()

    expect(page.locator("h1")).to_have_text("Kết quả xử lý nhiều việc")
    expect(page.locator("main")).to_contain_text("Đã hoàn thành 3 công việc.")
    expect(page.locator(".bulk-done li")).to_have_count(3)
    page.screenshot(path=tmp_path / "result.png", full_page=True)
    assert ready_tasks(system, "urge_classification") == []


def test_a_unit_leader_gives_a_claimed_task_to_another_staff_member(system, directory, page, tmp_path):
    add_user(system, "sotc2", "Trịnh Văn Đầu Mối", ["unit_staff"], "SO_TC")
    correction_request(system, directory["cv"])
    [task] = ready_tasks(system, "correct_data")
    with system.db.transaction() as session:
        usertasks.claim(session=session, task_id=task.id, user=directory["sotc"])

    log_in(page, "ldsotc")
    page.goto(f"/tasks/{task.id}")
    page.get_by_label("Giao cho người khác").select_option(label="Trịnh Văn Đầu Mối")
    page.screenshot(path=tmp_path / "reassign.png", full_page=True)
    page.get_by_role("button", name="Giao xử lý").click()
    expect(page.locator(".flash-success")).to_have_text(
        "Đã giao công việc “Điều chỉnh, bổ sung thông tin” cho Trịnh Văn Đầu Mối xử lý"
    )
    expect(page.locator("dl.facts")).to_contain_text("Trịnh Văn Đầu Mối")
    page.get_by_role("button", name="Đăng xuất").click()

    log_in(page, "sotc2")
    page.get_by_role("link", name="Thông báo chưa đọc: 2").click()  # the unit's request, and his new task
    page.get_by_role("link", name=re.compile("Hoàng Lãnh Đạo giao cho bạn xử lý")).click()
    expect(page).to_have_url(re.compile(f"/tasks/{task.id}$"))
    expect(page.get_by_role("button", name="Bỏ nhận xử lý")).to_be_visible()
    page.screenshot(path=tmp_path / "reassigned.png", full_page=True)
