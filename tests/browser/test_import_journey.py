"""A VP specialist brings the office's Excel tracking sheet into the system, in a real browser (the journey
harness fails each step on console errors, English words and pages wider than the screen): upload, the
columns guessed and one changed, the preview, the check with its one bad row, the valid rows imported, and
the imported tasks in the Nhiệm vụ list."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.engine.imports.sheets import COLUMN, FIRST_ROW, tracking_sheet

BAD_ROW = 4  # index of the task row whose lead unit is not in the directory


@pytest.mark.parametrize("screen", ["desktop", "phone"], indirect=True)
def test_a_specialist_imports_the_office_sheet_through_mapping_preview_and_check(
    system, directory, journey, tmp_path
):
    sheet = tracking_sheet(30, open_every=10)
    sheet.rows[BAD_ROW][COLUMN["Cơ quan chủ trì"]] = "Sở Không Có"
    path = sheet.save(tmp_path / "bang-theo-doi-2024.xlsx")
    page = journey.page
    heading = page.get_by_role("heading", level=1)

    journey.log_in("cv")
    journey.menu("Văn bản chỉ đạo")
    page.get_by_role("link", name="Nhập từ tệp Excel").click()
    expect(heading).to_have_text("Nhập dữ liệu từ Excel")
    journey.shot("tai-len")
    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(str(path))
    page.get_by_role("button", name="Tải lên").click()

    expect(heading).to_have_text("Chọn cột và xem trước")
    expect(page.get_by_label("Đơn vị chủ trì")).to_have_value(str(COLUMN["Cơ quan chủ trì"]))  # guessed
    preview = page.locator("table.import-preview")
    expect(preview.locator("tbody tr")).to_have_count(10)
    expect(preview.locator("tbody tr").nth(BAD_ROW)).to_contain_text("không có đơn vị “Sở Không Có”")
    journey.shot("chon-cot-xem-truoc")
    page.get_by_label("Tình hình thực hiện").select_option(label="— Không có —")
    page.get_by_role("button", name="Xem trước").click()
    expect(page.get_by_label("Tình hình thực hiện")).to_have_value("")
    expect(preview.locator("thead")).not_to_contain_text("Tình hình thực hiện")

    page.get_by_role("button", name="Kiểm tra").click()
    expect(heading).to_have_text("Kết quả kiểm tra")
    expect(page.get_by_role("status")).to_contain_text("1 dòng có lỗi.")
    problem = page.locator("section.problems tbody tr")
    expect(problem).to_have_count(1)
    expect(problem).to_contain_text(str(FIRST_ROW + BAD_ROW))
    expect(problem).to_contain_text("G — Cơ quan chủ trì")
    journey.shot("ket-qua-kiem-tra")

    page.get_by_label("Chỉ nhập các dòng hợp lệ").check()
    page.get_by_role("button", name="Nhập dữ liệu").click()
    expect(heading).to_have_text("Kết quả nhập")
    expect(page.get_by_role("status")).to_contain_text("Đã nhập 29 nhiệm vụ")
    journey.shot("ket-qua-nhap")

    page.get_by_role("link", name="Xem danh sách nhiệm vụ").click()
    expect(page.get_by_text(sheet.rows[0][COLUMN["Nội dung nhiệm vụ"]]).first).to_be_visible()
    journey.shot("nhiem-vu-da-nhap")
