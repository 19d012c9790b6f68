"""A form survives a lost session, in a real browser: what was typed is sent after signing in again in a
dialog on the same page (session ended on the server, or logged out in another tab), or at once when the
same person signed in again in another tab (stale CSRF token); never when someone else did. A reload
brings back what was typed."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from engine import clock
from engine.assignments.models import StatusUpdate
from engine.auth import sessions
from engine.auth.models import User
from engine.usertasks.models import UserTaskRow
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.processes.test_assignment import DUE, accept, classify, item

RESTORED = "Đã khôi phục nội dung bạn nhập trước đó"


@pytest.fixture
def update_task(system, directory):
    """Sở Tài chính's "Cập nhật tình hình thực hiện" of an accepted assignment: (assignment id, task url)."""
    [assignment_id] = classify(system, directory, item("Xây dựng kho dữ liệu dùng chung", "SO_TC", DUE))
    accept(system, directory)
    return assignment_id, f"/tasks/{ready_update(system)}"


def ready_update(system) -> str:
    with system.db.reading() as session:
        return session.scalar(
            select(UserTaskRow.id).where(UserTaskRow.bpmn_id == "update", UserTaskRow.state == "ready")
        )


@pytest.fixture
def tab(page: Page):
    """The page, failing the test on a script error; the 401/400 of a lost session are expected."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda m: (
            errors.append(m.text) if m.type == "error" and "Failed to load resource" not in m.text else None
        ),
    )
    yield page
    assert not errors, errors


def situations(system, assignment_id: int) -> list[str]:
    with system.db.reading() as session:
        query = select(StatusUpdate.situation).where(StatusUpdate.assignment_id == assignment_id)
        return list(session.scalars(query.order_by(StatusUpdate.id)))


def type_progress(page: Page, text: str) -> None:
    page.get_by_label("Nội dung cập nhật").select_option(label="Cập nhật tiến độ")
    page.get_by_label("Tình hình thực hiện").fill(text)


def end_sessions_on_the_server(system, username: str) -> None:
    with system.db.transaction() as session:
        user_id = session.scalar(select(User.id).where(User.username == username))
        sessions.end_all(session=session, user_id=user_id, now=clock.now(), reason="expired")


def other_tab(page: Page) -> Page:
    """A second tab of the same browser: it shares the session cookie."""
    return page.context.new_page()


def test_the_session_ends_on_the_server_sign_in_in_the_dialog_and_it_is_sent(
    tab: Page, system, update_task, tmp_path
):
    assignment_id, url = update_task
    log_in(tab, "sotc")
    tab.goto(url)
    type_progress(tab, "Đã hoàn thành 60% khối lượng")
    end_sessions_on_the_server(system, "sotc")

    tab.get_by_role("button", name="Hoàn thành").click()
    dialog = tab.get_by_role("dialog", name="Đăng nhập lại")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Tên đăng nhập")).to_have_value("sotc")
    expect(dialog.get_by_label("Mật khẩu")).to_be_focused()
    tab.screenshot(path=tmp_path / "dialog.png")

    dialog.get_by_label("Mật khẩu").fill("sai-mat-khau")
    dialog.get_by_role("button", name="Đăng nhập").click()
    expect(dialog.get_by_role("alert")).to_contain_text("mật khẩu")  # the server's Vietnamese 401
    assert situations(system, assignment_id) == []

    dialog.get_by_label("Mật khẩu").fill(PASSWORD)
    dialog.get_by_role("button", name="Đăng nhập").click()
    tab.wait_for_url("**/tasks")
    expect(tab.locator(".flash-success")).to_contain_text("Đã hoàn thành")
    assert situations(system, assignment_id) == ["Đã hoàn thành 60% khối lượng"]

    # Sent once: the draft is gone, the next update form starts empty.
    tab.goto(f"/tasks/{ready_update(system)}")
    expect(tab.get_by_text(RESTORED)).to_have_count(0)
    expect(tab.get_by_label("Tình hình thực hiện")).to_have_value("")


def test_a_reload_brings_back_what_was_typed(tab: Page, system, update_task, tmp_path):
    _, url = update_task
    log_in(tab, "sotc")
    tab.goto(url)
    type_progress(tab, "Đang tổng hợp số liệu của các phòng")
    tab.reload()
    expect(tab.get_by_role("status").filter(has_text=RESTORED)).to_be_visible()
    expect(tab.get_by_label("Tình hình thực hiện")).to_have_value("Đang tổng hợp số liệu của các phòng")
    expect(tab.get_by_label("Nội dung cập nhật")).to_have_value("0")  # the first choice: Cập nhật tiến độ
    tab.screenshot(path=tmp_path / "restored.png", full_page=True)

    tab.get_by_role("button", name="Bỏ nội dung này, nhập lại từ đầu").click()
    tab.wait_for_load_state()
    expect(tab.get_by_text(RESTORED)).to_have_count(0)
    expect(tab.get_by_label("Tình hình thực hiện")).to_have_value("")


def test_logged_out_in_another_tab_then_signed_in_in_the_dialog(tab: Page, system, update_task):
    assignment_id, url = update_task
    log_in(tab, "sotc")
    tab.goto(url)
    type_progress(tab, "Đã gửi dự thảo xin ý kiến các sở")
    other = other_tab(tab)
    other.goto("/")
    other.get_by_role("button", name="Đăng xuất").click()
    other.wait_for_load_state()

    tab.get_by_role("button", name="Hoàn thành").click()
    dialog = tab.get_by_role("dialog", name="Đăng nhập lại")
    dialog.get_by_label("Mật khẩu").fill(PASSWORD)
    dialog.get_by_role("button", name="Đăng nhập").click()
    tab.wait_for_url("**/tasks")
    assert situations(system, assignment_id) == ["Đã gửi dự thảo xin ý kiến các sở"]


def test_signed_in_again_in_another_tab_it_is_sent_without_asking(tab: Page, system, update_task):
    """The app's old advice (sign in again in a new tab) now works: the stale token is renewed."""
    assignment_id, url = update_task
    log_in(tab, "sotc")
    tab.goto(url)
    type_progress(tab, "Đã trình dự thảo báo cáo")
    end_sessions_on_the_server(system, "sotc")
    log_in(other_tab(tab), "sotc")  # a new session: the first tab's CSRF token is stale

    tab.get_by_role("button", name="Hoàn thành").click()
    tab.wait_for_url("**/tasks")
    assert situations(system, assignment_id) == ["Đã trình dự thảo báo cáo"]


def test_someone_else_signing_in_does_not_receive_what_was_typed(tab: Page, system, update_task, tmp_path):
    assignment_id, url = update_task
    log_in(tab, "sotc")
    tab.goto(url)
    type_progress(tab, "Nội dung của Đỗ Tài Chính")
    other = other_tab(tab)
    other.goto("/")
    other.get_by_role("button", name="Đăng xuất").click()
    other.wait_for_load_state()
    log_in(other, "ldsotc")  # Hoàng Lãnh Đạo, of the same unit, could complete this task

    tab.get_by_role("button", name="Hoàn thành").click()
    summary = tab.locator(".jsonform-form > .flash-error")
    expect(summary).to_contain_text("Bạn vừa đăng nhập bằng tài khoản Hoàng Lãnh Đạo")
    expect(summary).to_contain_text("nội dung chưa được gửi")
    tab.screenshot(path=tmp_path / "someone-else.png", full_page=True)
    assert situations(system, assignment_id) == []
    expect(tab.get_by_label("Tình hình thực hiện")).to_have_value("Nội dung của Đỗ Tài Chính")
    with tab.expect_response(lambda r: r.url.endswith("/login")) as asked:  # again: refused, asks who it is
        tab.get_by_role("button", name="Hoàn thành").click()
    assert asked.value.json()["user"] == "ldsotc"
    expect(summary).to_contain_text("Bạn vừa đăng nhập bằng tài khoản Hoàng Lãnh Đạo")
    assert situations(system, assignment_id) == []

    # Reloaded, the page belongs to Hoàng Lãnh Đạo: Đỗ Tài Chính's draft is not shown to him.
    tab.reload()
    expect(tab.get_by_text(RESTORED)).to_have_count(0)
    expect(tab.get_by_label("Tình hình thực hiện")).to_have_value("")


def test_closing_the_dialog_keeps_the_text_and_says_how_to_send_it(tab: Page, system, update_task):
    assignment_id, url = update_task
    log_in(tab, "sotc")
    tab.goto(url)
    type_progress(tab, "Chờ số liệu của Cục Thống kê")
    end_sessions_on_the_server(system, "sotc")
    tab.get_by_role("button", name="Hoàn thành").click()
    dialog = tab.get_by_role("dialog", name="Đăng nhập lại")
    dialog.get_by_role("button", name="Hủy").click()
    expect(dialog).to_have_count(0)
    expect(tab.locator(".jsonform-form > .flash-error")).to_contain_text(
        "nội dung chưa được gửi nhưng vẫn được giữ"
    )
    expect(tab.get_by_label("Tình hình thực hiện")).to_have_value("Chờ số liệu của Cục Thống kê")
    assert situations(system, assignment_id) == []
