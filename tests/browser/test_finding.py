"""Finding things in a real browser: type "tai chinh" in the assignments' search box and see Sở Tài chính's
tasks, sort a column, go to the next page with the search and sort kept; open the inbox's "Sắp đến hạn" tab
(counted in working days over Tết, with the frozen clock) and see its rows and badges."""

from __future__ import annotations

from datetime import UTC, date, datetime

from playwright.sync_api import Page, expect
from sqlalchemy import select

from engine import history
from engine.calendar import WorkCalendar
from engine.documents.service import register_document
from engine.usertasks.models import UserTaskRow
from tests.browser.conftest import log_in
from tests.conftest import two_task_document
from tests.factories import add_assignment, add_document

FINANCE_TASKS = 55  # more than a page (PAGE_SIZE = 50)
LATER = datetime(2025, 6, 30, 3, 0, tzinfo=UTC)


def _assignments(system) -> None:
    """55 tasks led by Sở Tài chính, 3 by Sở Xây dựng, on one plan."""
    with history.acting_as("cv"), system.db.transaction() as session:
        plan = add_document(session, number="20/KH-UBND", title="Kế hoạch thực hiện nhiệm vụ năm 2025")
        for seq in range(1, FINANCE_TASKS + 1):
            add_assignment(session, plan, seq=seq, lead="SO_TC", content=f"Nhiệm vụ ngân sách số {seq:02d}")
        for seq in range(FINANCE_TASKS + 1, FINANCE_TASKS + 4):
            add_assignment(session, plan, seq=seq, lead="SO_XD", content=f"Nhiệm vụ xây dựng số {seq:02d}")


def _shot(page: Page, tmp_path, name: str) -> None:
    page.screenshot(path=tmp_path / f"{name}.png", full_page=True)


def test_search_sort_and_page_the_assignments(system, directory, clock, page, tmp_path):
    clock.move_to(LATER)  # the factories' tasks exist from March 2025 on
    _assignments(system)
    log_in(page, "cv")
    page.goto("/assignments")
    expect(page.get_by_text("Hiển thị 1–50 trong 58 kết quả")).to_be_visible()

    page.get_by_role("searchbox", name="Tìm kiếm").fill("tai chinh")
    page.get_by_role("button", name="Tìm").click()
    expect(page.get_by_text(f"Hiển thị 1–50 trong {FINANCE_TASKS} kết quả")).to_be_visible()
    rows = page.locator("table.assignments tbody tr")
    expect(rows).to_have_count(50)
    expect(rows.filter(has_text="Sở Xây dựng")).to_have_count(0)
    expect(rows.first).to_contain_text("Sở Tài chính")
    _shot(page, tmp_path, "1-assignments-searched")

    page.get_by_role("link", name="Nội dung nhiệm vụ").click()  # ascending
    page.get_by_role("link", name="Nội dung nhiệm vụ").click()  # then descending
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Nội dung nhiệm vụ")
    expect(rows.first).to_contain_text(f"Nhiệm vụ ngân sách số {FINANCE_TASKS:02d}")
    _shot(page, tmp_path, "2-assignments-sorted")

    page.get_by_role("link", name="Trang 2").click()
    expect(page.get_by_text(f"Hiển thị 51–{FINANCE_TASKS} trong {FINANCE_TASKS} kết quả")).to_be_visible()
    expect(rows).to_have_count(FINANCE_TASKS - 50)
    expect(rows.last).to_contain_text("Nhiệm vụ ngân sách số 01")  # still sorted, still searched
    expect(page.get_by_role("searchbox", name="Tìm kiếm")).to_have_value("tai chinh")
    expect(page.locator(".pager-current")).to_have_text("2")
    _shot(page, tmp_path, "3-assignments-page-2")


DUE = {  # as of the frozen clock, Friday 24/01/2025 09:00 local; Tết keeps 27–31/01 off
    "1/KH-UBND": date(2025, 1, 23),  # overdue
    "2/KH-UBND": date(2025, 1, 24),  # due today
    "3/KH-UBND": date(2025, 2, 3),  # 1 working day on: due soon
    "4/KH-UBND": date(2025, 2, 5),  # 3 working days on: due soon (due_soon_days = 3)
    "5/KH-UBND": date(2025, 2, 6),  # 4 working days on: not yet
}


def test_the_inbox_due_soon_tab(system, directory, page, tmp_path):
    calendar = WorkCalendar()
    for number in DUE:
        with system.db.transaction() as session:
            payload = two_task_document(number=number, title=f"Văn bản {number}")
            register_document(session=session, engine=system.engine, payload=payload, actor="cv")
    with system.db.transaction() as session:
        for row in session.scalars(select(UserTaskRow)):
            number = next(n for n in DUE if n in row.subject)
            row.due_at = calendar.end_of_day(DUE[number])
    log_in(page, "cv")
    page.goto("/tasks")
    tabs = page.get_by_role("navigation", name="Lọc việc cần làm")
    expect(tabs.get_by_role("link", name="Sắp đến hạn")).to_contain_text("2")
    soon_days = system.settings.due_soon_days  # the tab says what "soon" means
    expect(tabs.get_by_role("link", name="Sắp đến hạn")).to_have_attribute(
        "title", f"Hạn xử lý trong {soon_days} ngày làm việc tới (không kể hôm nay)"
    )
    expect(tabs.get_by_role("link", name="Quá hạn")).to_contain_text("1")
    expect(page.locator("tr", has_text="2/KH-UBND").locator(".badge")).to_have_text("Đến hạn hôm nay")
    _shot(page, tmp_path, "4-inbox-all")

    tabs.get_by_role("link", name="Sắp đến hạn").click()
    rows = page.locator("table.inbox tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("3/KH-UBND")
    expect(rows.nth(1)).to_contain_text("4/KH-UBND")
    expect(rows.locator(".badge")).to_have_text(["Sắp đến hạn", "Sắp đến hạn"])
    expect(page.get_by_text("Hiển thị 1–2 trong 2 kết quả")).to_be_visible()
    expect(tabs.locator("a.active")).to_contain_text("Sắp đến hạn")
    _shot(page, tmp_path, "5-inbox-due-soon")
