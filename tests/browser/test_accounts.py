"""User administration in a real browser: the administrator adds a user and sees the password once; the
newcomer is led to Đổi mật khẩu, changes it, and reaches the pages."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import log_in

NEW_PASSWORD = "Chiều-nay-họp-lúc-3h"


def test_the_admin_adds_a_user_who_changes_the_password_at_first_sign_in(
    directory, page, browser, live_server, tmp_path
):
    log_in(page, "admin")
    page.get_by_role("link", name="Người dùng").click()
    page.get_by_role("link", name="Thêm người dùng").click()
    page.get_by_label("Tên đăng nhập").fill("nguyenvan.an")
    page.get_by_label("Họ và tên").fill("Nguyễn Văn An")
    page.get_by_label("Cán bộ đầu mối của đơn vị").check()
    page.get_by_label("Đơn vị", exact=True).select_option(label="Sở Tài chính")
    page.get_by_role("button", name="Thêm người dùng").click()
    expect(page.locator("h1")).to_contain_text("Đã thêm người dùng: Nguyễn Văn An")
    password = page.locator("#new-password").inner_text()
    page.screenshot(path=tmp_path / "password-once.png", full_page=True)
    page.get_by_role("link", name="Về trang người dùng").click()
    expect(page.locator("td[data-label='Nội dung']")).to_contain_text("Tạo tài khoản")
    expect(page.locator("td[data-label='Người thực hiện']")).to_contain_text("Quản Trị")
    page.screenshot(path=tmp_path / "user.png", full_page=True)

    newcomer = browser.new_context(base_url=live_server, locale="vi-VN").new_page()
    newcomer.goto("/login")
    newcomer.get_by_label("Tên đăng nhập").fill("nguyenvan.an")
    newcomer.get_by_label("Mật khẩu").fill(password)
    newcomer.get_by_role("button", name="Đăng nhập").click()
    expect(newcomer.locator(".flash")).to_contain_text("vui lòng đổi mật khẩu")
    newcomer.get_by_label("Mật khẩu hiện tại").fill(password)
    newcomer.get_by_label("Mật khẩu mới", exact=True).fill("ngắn")
    newcomer.get_by_label("Nhập lại mật khẩu mới").fill("ngắn")
    newcomer.get_by_role("button", name="Đổi mật khẩu").click()
    expect(newcomer.locator(".field.has-error")).to_contain_text("ít nhất 12 ký tự")
    newcomer.screenshot(path=tmp_path / "account-error.png", full_page=True)
    newcomer.get_by_label("Mật khẩu hiện tại").fill(password)
    newcomer.get_by_label("Mật khẩu mới", exact=True).fill(NEW_PASSWORD)
    newcomer.get_by_label("Nhập lại mật khẩu mới").fill(NEW_PASSWORD)
    newcomer.get_by_role("button", name="Đổi mật khẩu").click()
    expect(newcomer.locator(".flash")).to_contain_text("Đã đổi mật khẩu")
    newcomer.get_by_role("link", name="Việc cần làm").click()
    expect(newcomer.locator("h1")).to_be_visible()
    newcomer.context.close()
