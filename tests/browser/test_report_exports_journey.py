"""Báo cáo, thống kê in a real browser at desktop and phone widths (tests/browser/journey.py fails each on
console errors, English words, pages wider than the screen): a VP specialist chooses the Q3 2026 period and
"Tổng hợp theo lĩnh vực", downloads the report as PDF and as Word (Playwright's download API; the files are
read back), and opens Bản in, the report laid out as the document to sign."""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from playwright.sync_api import expect

from tests.engine.reports.test_docx_pdf import NOW, add_q3_2026, pdf_pages


def test_vp_exports_the_q3_report_by_sector_as_pdf_and_word_and_opens_the_print_view(
    system, directory, clock, journey, tmp_path
):
    clock.move_to(NOW)
    add_q3_2026(system)
    page = journey.page

    journey.log_in("cv")
    journey.menu("Báo cáo, thống kê")
    form = page.locator("form.filters-form")
    journey.fill_date(form.get_by_label("Thời gian chốt số liệu"), date(2026, 9, 14))
    journey.fill_date(form.get_by_label("Kỳ báo cáo từ ngày"), date(2026, 6, 15))
    form.get_by_label("Tổng hợp theo").select_option(label="Lĩnh vực")
    form.get_by_role("button", name="Xem báo cáo").click()
    table = page.locator("table.report")
    expect(page.locator("main")).to_contain_text(
        "Tình hình thực hiện nhiệm vụ từ ngày 15/06/2026 đến ngày 14/09/2026"
    )
    expect(table.locator("tr", has_text="Tài chính")).to_be_visible()
    journey.shot("bao-cao-theo-linh-vuc")

    with page.expect_download() as downloading:
        page.get_by_role("link", name="Xuất PDF").click()
    pdf = downloading.value
    assert pdf.suggested_filename == "bieu-tong-hop-theo-linh-vuc-2026-09-14.pdf"
    pdf.save_as(tmp_path / pdf.suggested_filename)
    text = " ".join(" ".join(pdf_pages((tmp_path / pdf.suggested_filename).read_bytes())).split())
    assert "BIỂU TỔNG HỢP THEO LĨNH VỰC" in text and "Tổng cộng 11 4 2 2 7 5 2 5 1 1" in text

    with page.expect_download() as downloading:
        page.get_by_role("link", name="Xuất Word").click()
    word = downloading.value
    assert word.suggested_filename == "bieu-tong-hop-theo-linh-vuc-2026-09-14.docx"
    word.save_as(tmp_path / word.suggested_filename)
    docx = Document(io.BytesIO((tmp_path / word.suggested_filename).read_bytes()))
    names = [row.cells[1].text for row in docx.tables[2].rows[2:]]  # after the heading and signature
    assert names == ["Tài chính", "Xây dựng", "(Chưa xác định)", "Tổng cộng"]

    page.get_by_role("link", name="Bản in").click()
    expect(page.locator(".nation-name")).to_have_text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    expect(page.locator("section.summary h2")).to_have_text("Biểu tổng hợp theo lĩnh vực")
    expect(page.locator(".signer-title")).to_have_text("CHÁNH VĂN PHÒNG")
    expect(page.get_by_role("navigation", name="Menu chính")).to_have_count(0)
    journey.shot("ban-in")

    page.get_by_role("link", name="← Báo cáo, thống kê").click()
    expect(form.get_by_label("Tổng hợp theo")).to_have_value("sector")
    expect(form.get_by_label("Thời gian chốt số liệu")).to_have_value("14/09/2026")
