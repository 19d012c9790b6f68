"""The people who keep the system, in a real browser at desktop and phone widths (tests/browser/journey.py
fails each on console errors, English sentences, pages wider than the screen): the process monitor opens a
running instance, the business analyst a deployed version and its diagram, the administrator the users, the
unit directory and the calendar."""

from __future__ import annotations

from playwright.sync_api import expect

from engine.documents import service as document_service
from engine.usertasks import service as usertasks
from tests.conftest import classification, complete_task, two_task_document


def classified_document(system, directory) -> None:
    """two_task_document() registered and classified: one finished intake, two assignments running and the
    procedure of the first one's coordinating unit (Sở Nội vụ)."""
    with system.db.transaction() as session:
        document = document_service.register_document(
            session=session, engine=system.engine, payload=two_task_document(), actor="cv"
        )
    with system.db.reading() as session:
        [classify] = usertasks.of_instance(session=session, instance_id=document.intake_instance_id)
    complete_task(system, classify.id, directory["cv"], classification())


def test_the_process_monitor_finds_a_running_assignment_and_opens_it(system, directory, journey):
    classified_document(system, directory)
    page = journey.page
    journey.log_in("monitor")
    running = page.locator("a.stat", has_text="Quy trình đang chạy")
    expect(running.locator(".value")).to_have_text("3")
    journey.shot("tong-quan")

    journey.menu("Giám sát quy trình")
    rows = page.locator("main tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.filter(has_text="Đơn vị phối hợp gửi ý kiến cho đơn vị chủ trì")).to_contain_text("Đang chạy")
    assignment = rows.filter(has_text="Theo dõi, đôn đốc thực hiện một nhiệm vụ").first
    expect(assignment).to_contain_text("Đang chạy")
    journey.shot("giam-sat-quy-trinh")
    assignment.get_by_role("link", name="#").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Theo dõi, đôn đốc thực hiện một nhiệm vụ")
    diagram = page.locator("section", has=page.get_by_role("heading", name="Sơ đồ"))
    expect(diagram.locator("img, svg").first).to_be_visible()
    tasks = page.locator("section", has=page.get_by_role("heading", name="Công việc"))
    expect(tasks).to_contain_text("Tiếp nhận nhiệm vụ")
    journey.shot("quy-trinh")


def test_the_business_analyst_opens_a_deployed_version_and_its_diagram(system, directory, journey):
    page = journey.page
    journey.log_in("analyst")
    journey.menu("Quy trình nghiệp vụ")
    intake = "Tiếp nhận, phân loại văn bản chỉ đạo và chuyển theo dõi"
    expect(page.get_by_role("link", name=intake)).to_be_visible()
    journey.shot("quy-trinh-nghiep-vu")
    page.get_by_role("link", name=intake).click()
    versions = page.locator("section", has=page.get_by_role("heading", name="Các phiên bản"))
    expect(versions).to_contain_text("Mới nhất")
    journey.shot("cac-phien-ban")
    versions.get_by_role("link", name="v1").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("phiên bản v1")
    diagram = page.locator(".diagram-zoom svg").first
    expect(diagram).to_be_visible()
    expect(diagram).to_contain_text("Phân loại nhiệm vụ, chuyển theo dõi")
    forms = page.locator("section", has=page.get_by_role("heading", name="Biểu mẫu"))
    expect(forms).to_contain_text("classify")
    journey.shot("phien-ban")


def test_the_administrator_looks_after_users_units_and_the_calendar(system, directory, journey):
    page = journey.page
    journey.log_in("admin")
    journey.menu("Người dùng")
    people = page.locator("main table")
    expect(people).to_contain_text("Đỗ Tài Chính")
    expect(people).to_contain_text("Sở Tài chính")
    journey.shot("nguoi-dung")
    people.get_by_role("link", name="Đỗ Tài Chính").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đỗ Tài Chính")
    expect(page.locator("main")).to_contain_text("Cán bộ đầu mối")
    journey.shot("nguoi-dung-so-tai-chinh")

    journey.menu("Danh mục đơn vị")
    expect(page.get_by_role("heading", level=1)).to_have_text("Danh mục đơn vị")
    journey.shot("danh-muc-don-vi")
    page.locator("main table").get_by_role("link", name="Sở Tài chính").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sở Tài chính")
    journey.shot("don-vi")

    journey.menu("Lịch làm việc")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lịch làm việc tháng 1 năm 2025")
    expect(page.locator("table.month")).to_contain_text("Tết")
    journey.shot("lich-lam-viec")
