"""The administrator's journey in a real browser at 1366×768: add a unit; end a district with a successor, its
open assignment moving with a record in Lịch sử xử lý; declare a day off after seeing which deadlines it
moves; add a user, reset a password, revoke a token; read one user's Nhật ký thao tác."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from engine import clock
from engine.assignments.models import Assignment
from engine.auth import service as auth
from engine.directory import units
from engine.documents import service as document_service
from engine.usertasks.models import UserTaskRow
from tests.browser.conftest import log_in
from tests.conftest import classification, complete_task, two_task_document

DISTRICT = "UBND huyện Sa Pa"
WARD = "UBND phường Sa Pa"


def _district_with_an_open_assignment(system, directory) -> int:
    """UBND huyện Sa Pa leads the first task of a classified document; the assignment's id."""
    with system.db.transaction() as session:
        units.create(
            session=session,
            code="H_SAPA",
            name=DISTRICT,
            unit_type="UBND huyện, thành phố",
            parent_code=None,
            active_from=None,
            actor="admin",
            today=clock.now().date(),
            now=clock.now(),
        )
    tasks = two_task_document()["tasks"]
    tasks[0]["lead_unit"] = "H_SAPA"
    chosen = classification()["tasks"]
    chosen[0]["lead_unit"] = "H_SAPA"
    with system.db.transaction() as session:
        document = document_service.register_document(
            session=session, engine=system.engine, payload=two_task_document(tasks=tasks), actor="cv"
        )
        task_id = session.scalar(
            select(UserTaskRow.id).where(UserTaskRow.instance_id == document.intake_instance_id)
        )
    complete_task(system, task_id, directory["cv"], classification(tasks=chosen))
    with system.db.reading() as session:
        return session.scalar(select(Assignment.id).where(Assignment.lead_unit_code == "H_SAPA"))


def _shot(page: Page, tmp_path, name: str) -> None:
    page.screenshot(path=tmp_path / f"{name}.png", full_page=True)


def test_the_administrators_journey(system, directory, page, tmp_path):
    assignment_id = _district_with_an_open_assignment(system, directory)
    with system.db.transaction() as session:
        auth.create_token(session=session, username="sotc", label="Phần mềm quản lý văn bản", now=clock.now())
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, "admin")

    # Thêm đơn vị
    page.get_by_role("link", name="Danh mục đơn vị").click()
    page.get_by_label("Mã đơn vị").fill("P_SAPA")
    page.get_by_label("Tên đơn vị").fill(WARD)
    page.get_by_label("Loại đơn vị").fill("UBND cấp xã/phường")
    page.get_by_role("button", name="Thêm đơn vị").click()
    expect(page.locator(".flash")).to_contain_text(f"Đã thêm đơn vị {WARD}.")
    expect(page.locator("h1")).to_have_text(WARD)
    page.get_by_role("link", name="Danh mục đơn vị").first.click()
    expect(page.get_by_role("link", name=WARD)).to_be_visible()
    _shot(page, tmp_path, "units")

    # Kết thúc hoạt động của huyện; phường kế thừa nhiệm vụ đang thực hiện
    page.get_by_role("link", name=DISTRICT).click()
    page.get_by_label("Ngày cuối cùng hoạt động").fill("2025-01-23")
    page.get_by_label("Đơn vị kế thừa").select_option(label=WARD)
    page.get_by_role("button", name="Kết thúc hoạt động và chuyển nhiệm vụ").click()
    expect(page.locator(".flash")).to_contain_text(
        f"Đã kết thúc hoạt động của {DISTRICT}; {WARD} kế thừa 1 nhiệm vụ chủ trì"
    )
    expect(page.locator(".heading .badge")).to_have_text("Đã kết thúc")
    changes = page.locator("td[data-label='Nội dung']").first
    expect(changes).to_have_text(f"Hoạt động đến ngày: — → 23/01/2025; Đơn vị kế thừa: — → {WARD}")
    _shot(page, tmp_path, "unit")
    page.goto(f"/assignments/{assignment_id}")
    expect(page.locator("main")).to_contain_text(WARD)
    history = page.locator("table.history")
    expect(history).to_contain_text("Thêm mới: Chuyển đơn vị khác")
    expect(history).to_contain_text(f"Từ đơn vị: {DISTRICT}")
    expect(history).to_contain_text("Quản Trị")
    _shot(page, tmp_path, "assignment")

    # Khai báo ngày nghỉ sau khi xem các thời hạn sẽ thay đổi
    page.get_by_role("link", name="Lịch làm việc").click()
    page.get_by_label("Ngày", exact=True).fill("2025-05-05")
    page.get_by_label("Ghi chú, căn cứ").fill("Thông báo số 123/TB-UBND")
    page.get_by_role("button", name="Xem các thời hạn sẽ thay đổi").click()
    preview = page.locator("#xem-truoc")
    expect(preview).to_contain_text("Xem trước: ngày 05/05/2025 là ngày nghỉ")
    expect(preview).to_contain_text("Thời hạn thực hiện nhiệm vụ")
    expect(preview).to_contain_text(WARD)  # the moved deadline is the successor's now
    _shot(page, tmp_path, "calendar-preview")
    preview.get_by_role("button", name="Xác nhận thay đổi").click()
    expect(page.locator(".flash")).to_contain_text("Ngày 05/05/2025: ngày nghỉ;")
    expect(page.locator("h1")).to_have_text("Lịch làm việc tháng 5 năm 2025")
    expect(page.locator("tbody").last).to_contain_text("Ngày 05/05/2025: theo lịch chung → nghỉ")
    _shot(page, tmp_path, "calendar")

    # Thêm người dùng, đặt lại mật khẩu, thu hồi API token
    page.get_by_role("link", name="Người dùng").click()
    page.get_by_role("link", name="Thêm người dùng").click()
    page.get_by_label("Tên đăng nhập").fill("tranthi.binh")
    page.get_by_label("Họ và tên").fill("Trần Thị Bình")
    page.get_by_label("Cán bộ đầu mối của đơn vị").check()
    page.get_by_label("Đơn vị", exact=True).select_option(label=WARD)
    page.get_by_role("button", name="Thêm người dùng").click()
    expect(page.locator("h1")).to_contain_text("Đã thêm người dùng: Trần Thị Bình")
    page.goto("/users/sotc")
    page.get_by_role("button", name="Đặt lại mật khẩu").click()
    expect(page.locator("h1")).to_have_text("Đã đặt lại mật khẩu: Đỗ Tài Chính")
    page.get_by_role("link", name="Về trang người dùng").click()
    tokens = page.locator("tr", has=page.locator("td[data-label='Tên']", has_text="Phần mềm quản lý văn bản"))
    expect(tokens).to_contain_text("Còn hiệu lực")
    tokens.get_by_role("button", name="Thu hồi").click()
    expect(page.locator(".flash")).to_contain_text("Đã thu hồi API token.")
    expect(tokens).to_contain_text("Đã thu hồi")
    _shot(page, tmp_path, "user")

    # Nhật ký thao tác của quản trị: mọi việc vừa làm, mới nhất trước
    page.goto("/users/admin")
    page.get_by_role("link", name="Nhật ký thao tác của người dùng").click()
    expect(page.locator("h1")).to_have_text("Nhật ký thao tác: Quản Trị")
    rows = page.locator("tbody tr")
    expect(rows.first).to_contain_text("Thu hồi API token")
    expect(rows.first).to_contain_text("Tài khoản của Đỗ Tài Chính")
    expect(page.locator("tbody")).to_contain_text("Đặt lại mật khẩu")
    expect(page.locator("tbody")).to_contain_text("Tạo tài khoản")
    expect(page.locator("tbody")).to_contain_text("Ngày 05/05/2025")
    expect(page.locator("tbody")).to_contain_text("Thêm mới: Chuyển đơn vị khác")
    expect(page.locator("tbody")).to_contain_text("Thêm mới: Đơn vị")
    _shot(page, tmp_path, "audit")
