"""Xuất Excel of every report page and its API twin: the Biểu tổng hợp (any grouping) with its appendix, and a
unit's Phụ lục chi tiết alone, for the caller's scope (a unit's staff get their own unit only); the buttons
keep the page's period and grouping; a bad grouping or date is refused."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from engine.reports import workbook
from tests.engine.reports.test_workbook import add_q3_tasks, sheet_rows, summary_figures
from tests.web.test_pages import html, login

Q3 = "as_of=2026-09-14&from=2026-06-15"


@pytest.fixture
def client(app, directory, system, clock):
    clock.move_to(datetime(2026, 9, 15, 3, 0, tzinfo=UTC))  # the day after the Q3 2026 cut-off
    add_q3_tasks(system)
    return app.test_client()


def book_of(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == workbook.XLSX
    return load_workbook(io.BytesIO(response.data))


def blocks(book) -> list[str]:
    """The units of the appendix, in order."""
    return [row[1] for row in sheet_rows(book["Phụ lục chi tiết"]) if row[0] in ("I", "II", "III", "IV")]


def test_vp_exports_the_report_with_every_units_appendix_from_the_page_and_the_api(client, auth_headers):
    login(client, "ldvp")
    response = client.get(f"/reports/buckets.xlsx?{Q3}")
    assert response.headers["Content-Disposition"] == 'attachment; filename="bieu-tong-hop-2026-09-14.xlsx"'
    book = book_of(response)
    assert book.sheetnames == ["Biểu tổng hợp", "Phụ lục chi tiết"]
    summary = book["Biểu tổng hợp"]
    assert summary["A2"].value == "VĂN PHÒNG" and summary["H3"].value == "Lào Cai, ngày 15 tháng 9 năm 2026"
    assert summary["A6"].value == "Tình hình thực hiện nhiệm vụ từ ngày 15/06/2026 đến ngày 14/09/2026"
    figures = summary_figures(summary)
    assert list(figures) == ["Sở Nội vụ", "Sở Tài chính", "Sở Xây dựng", "Tổng cộng"]
    assert figures["Tổng cộng"][0] == 10
    assert blocks(book) == ["Sở Nội vụ", "Sở Tài chính", "Sở Xây dựng"]

    api = client.get(f"/api/v1/reports/buckets.xlsx?{Q3}", headers=auth_headers("ldvp"))
    assert api.headers["Content-Disposition"] == response.headers["Content-Disposition"]
    api_book = book_of(api)
    for name in book.sheetnames:
        assert sheet_rows(api_book[name]) == sheet_rows(book[name])
    typed = client.get("/reports/buckets.xlsx?as_of=14/09/2026&from=15/06/2026")  # dd/mm/yyyy, no script
    assert sheet_rows(book_of(typed)["Biểu tổng hợp"]) == sheet_rows(summary)


def test_a_units_staff_get_only_their_unit_under_its_name(client, auth_headers):
    login(client, "sotc")
    page = book_of(client.get(f"/reports/buckets.xlsx?{Q3}"))
    api = book_of(client.get(f"/api/v1/reports/buckets.xlsx?{Q3}", headers=auth_headers("sotc")))
    for book in (page, api):
        assert list(summary_figures(book["Biểu tổng hợp"])) == ["Sở Tài chính", "Tổng cộng"]
        assert blocks(book) == ["Sở Tài chính"]
        rows = sheet_rows(book["Biểu tổng hợp"])
        assert rows[1][0] == "SỞ TÀI CHÍNH"  # the unit issues its own figures
        assert any(row[7] == "THỦ TRƯỞNG ĐƠN VỊ" for row in rows)
    by_sector = book_of(client.get(f"/reports/buckets.xlsx?{Q3}&group=sector"))
    assert summary_figures(by_sector["Biểu tổng hợp"])["Tổng cộng"][0] == 5  # its own 5 tasks
    assert blocks(by_sector) == ["Sở Tài chính"]


@pytest.mark.parametrize(
    ("group", "title", "heading", "file_name"),
    [
        ("sector", "BIỂU TỔNG HỢP THEO LĨNH VỰC", "Lĩnh vực", "bieu-tong-hop-theo-linh-vuc-2026-09-14.xlsx"),
        ("leader", "BIỂU TỔNG HỢP THEO LÃNH ĐẠO GIAO NHIỆM VỤ", "Lãnh đạo giao nhiệm vụ", None),
        ("doc_type", "BIỂU TỔNG HỢP THEO LOẠI VĂN BẢN", "Loại văn bản", None),
    ],
)
def test_every_grouping_exports_with_the_appendix_by_lead_unit(
    client, auth_headers, group, title, heading, file_name
):
    login(client, "cv")
    page = client.get(f"/reports/buckets.xlsx?{Q3}&group={group}")
    api = client.get(f"/api/v1/reports/buckets.xlsx?{Q3}&group={group}", headers=auth_headers("cv"))
    if file_name:
        assert page.headers["Content-Disposition"] == f'attachment; filename="{file_name}"'
    for book in (book_of(page), book_of(api)):
        summary = book["Biểu tổng hợp"]
        assert (summary["A5"].value, summary["B8"].value) == (title, heading)
        assert summary_figures(summary)["Tổng cộng"][0] == 10
        assert blocks(book) == ["Sở Nội vụ", "Sở Tài chính", "Sở Xây dựng"]


def test_a_units_appendix_alone_from_its_page_and_the_api(client, auth_headers):
    login(client, "sotc")
    page = client.get(f"/reports/units/SO_TC.xlsx?{Q3}")
    assert (
        page.headers["Content-Disposition"] == 'attachment; filename="phu-luc-chi-tiet-so_tc-2026-09-14.xlsx"'
    )
    api = client.get(f"/api/v1/reports/units/SO_TC/detail.xlsx?{Q3}", headers=auth_headers("sotc"))
    for book in (book_of(page), book_of(api)):
        assert book.sheetnames == ["Phụ lục chi tiết"]
        assert blocks(book) == ["Sở Tài chính"]
        assert [row[0] for row in sheet_rows(book.active)[9:]] == [1, 2, 3, 4, 5]
    assert client.get(f"/reports/units/SO_XD.xlsx?{Q3}").status_code == 403
    other = client.get(f"/api/v1/reports/units/SO_XD/detail.xlsx?{Q3}", headers=auth_headers("sotc"))
    assert other.status_code == 403
    login(client, "ldvp")
    assert blocks(book_of(client.get(f"/reports/units/SO_XD.xlsx?{Q3}"))) == ["Sở Xây dựng"]
    assert client.get("/reports/units/KHONG_CO.xlsx").status_code == 404
    missing = client.get("/api/v1/reports/units/KHONG_CO/detail.xlsx", headers=auth_headers("ldvp"))
    assert missing.status_code == 404


def test_a_bad_grouping_or_date_is_refused(client, auth_headers):
    headers = auth_headers("ldvp")
    bad_group = client.get(f"/api/v1/reports/buckets.xlsx?{Q3}&group=tinh", headers=headers)
    assert bad_group.status_code == 422 and "group" in bad_group.get_json()["details"]["fields"]
    bad_date = client.get("/api/v1/reports/buckets.xlsx?as_of=31/06/2026", headers=headers)
    assert bad_date.status_code == 422 and "as_of" in bad_date.get_json()["details"]["fields"]
    late_from = client.get(
        "/api/v1/reports/units/SO_TC/detail.xlsx?as_of=2026-09-14&from=2026-09-15", headers=headers
    )
    assert late_from.status_code == 422
    login(client, "ldvp")
    for url in (
        f"/reports/buckets.xlsx?{Q3}&group=tinh",
        "/reports/buckets.xlsx?as_of=31/06/2026",
        "/reports/units/SO_TC.xlsx?as_of=31/06/2026",
    ):
        response = client.get(url)
        assert response.status_code == 422 and response.mimetype == "text/html", url


def test_the_export_buttons_keep_the_pages_period_and_grouping(client):
    login(client, "ldvp")
    page = html(client.get(f"/reports?{Q3}&group=sector"))
    assert (
        'href="/reports/buckets.xlsx?as_of=2026-09-14&amp;from=2026-06-15&amp;group=sector">Xuất Excel'
        in page
    )
    by_unit = html(client.get(f"/reports?{Q3}"))
    assert 'href="/reports/buckets.xlsx?as_of=2026-09-14&amp;from=2026-06-15">Xuất Excel' in by_unit
    detail = html(client.get(f"/reports/units/SO_TC?{Q3}"))
    assert 'href="/reports/units/SO_TC.xlsx?as_of=2026-09-14&amp;from=2026-06-15">Xuất Excel' in detail


def test_the_api_describes_the_exports(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    buckets_xlsx = paths["/api/v1/reports/buckets.xlsx"]["get"]
    group = next(p for p in buckets_xlsx["parameters"] if p["name"] == "group")
    assert group["schema"]["enum"] == ["unit", "leader", "sector", "doc_type"]
    detail = paths["/api/v1/reports/units/{unit_code}/detail.xlsx"]["get"]
    assert workbook.XLSX in detail["responses"]["200"]["content"]
