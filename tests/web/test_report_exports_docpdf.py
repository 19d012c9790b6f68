"""Xuất Word, Xuất PDF and Bản in of the Q3 2026 report, from the pages and the API: the same files for the
same caller, a unit's staff get their own unit only in every format, a unit's Phụ lục chi tiết alone from its
page, and the buttons keep the page's period and grouping."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT

from engine.reports import document
from tests.engine.reports.test_docx_pdf import NOW, Q3_TASKS, add_q3_2026, pdf_pages
from tests.web.test_pages import html, login

PERIOD = "as_of=2026-09-14&from=2026-06-15"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TC_TASKS = {content for content, spec in Q3_TASKS.items() if spec[0] == "SO_TC"}
OTHER_TASKS = {content for content, spec in Q3_TASKS.items() if spec[0] in ("SO_XD", "XA_BX")}


@pytest.fixture
def client(app, directory, system, clock):
    clock.move_to(NOW)
    add_q3_2026(system)
    return app.test_client()


def word(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == DOCX
    return Document(io.BytesIO(response.data))


def pdf_text(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    return re.sub(r"\s+", " ", " ".join(pdf_pages(response.data)))


def table_texts(docx) -> list[list[list[str]]]:
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in docx.tables]


def tasks_in(text: str) -> set[str]:
    return {content for content in Q3_TASKS if content in text}


def test_the_word_file_of_the_page_is_the_apis_for_the_same_caller(client, auth_headers):
    login(client, "ldvp")
    response = client.get(f"/reports/buckets.docx?{PERIOD}")
    disposition = 'attachment; filename="bieu-tong-hop-2026-09-14.docx"'
    assert response.headers["Content-Disposition"] == disposition
    page = word(response)
    api = word(client.get(f"/api/v1/reports/buckets.docx?{PERIOD}", headers=auth_headers("ldvp")))
    assert table_texts(page) == table_texts(api)
    names = [row[1] for row in table_texts(page)[2][2:]]
    assert names == ["Sở Tài chính", "Sở Xây dựng", "UBND xã Bát Xát", "Tổng cộng"]

    by_sector = client.get(f"/reports/buckets.docx?{PERIOD}&group=sector")
    assert (
        by_sector.headers["Content-Disposition"]
        == 'attachment; filename="bieu-tong-hop-theo-linh-vuc-2026-09-14.docx"'
    )
    assert word(by_sector).tables[2].cell(0, 1).text == "Lĩnh vực"


def test_the_pdf_of_the_page_is_the_print_view_of_the_report(client, auth_headers):
    login(client, "cv")
    response = client.get(f"/reports/buckets.pdf?{PERIOD}")
    assert response.headers["Content-Disposition"] == 'attachment; filename="bieu-tong-hop-2026-09-14.pdf"'
    text = pdf_text(response)
    assert "BIỂU TỔNG HỢP" in text and "Tổng cộng 11 4 2 2 7 5 2 5 1 1 66,67 50 66,67 18,18" in text
    assert tasks_in(text) == TC_TASKS | OTHER_TASKS

    printed = html(client.get(f"/reports/print?{PERIOD}"))
    assert all(content in printed for content in TC_TASKS | OTHER_TASKS)
    assert "Menu chính" not in printed  # a document, not a page of the application
    assert 'href="/static/report-print.css"' in printed
    assert f'href="/reports?{PERIOD.replace("&", "&amp;")}">← Báo cáo, thống kê' in printed


def test_a_units_staff_get_only_their_unit_in_every_format(client, auth_headers):
    login(client, "sotc")
    docx = word(client.get(f"/reports/buckets.docx?{PERIOD}"))
    tables = table_texts(docx)
    heading, closing, summary, detail = tables  # signed under the text, the tables after
    assert heading[0][0].split("\n")[:2] == ["UBND TỈNH LÀO CAI", "SỞ TÀI CHÍNH"]  # the unit issues it
    assert [row[1] for row in summary[2:]] == ["Sở Tài chính", "Tổng cộng"]
    assert {row[3] for row in detail[1:]} == TC_TASKS
    assert closing[0][1] == document.UNIT_SIGNER_TITLE
    api = word(
        client.get(f"/api/v1/reports/buckets.docx?{PERIOD}&group=sector", headers=auth_headers("sotc"))
    )
    assert [row[1] for row in table_texts(api)[2][2:]] == ["Tài chính", "Tổng cộng"]

    for text in (
        pdf_text(client.get(f"/reports/buckets.pdf?{PERIOD}")),
        pdf_text(client.get(f"/api/v1/reports/buckets.pdf?{PERIOD}", headers=auth_headers("sotc"))),
        html(client.get(f"/reports/print?{PERIOD}&group=doc_type")),
    ):
        assert tasks_in(text) == TC_TASKS
        assert "UBND xã Bát Xát" not in text and "SỞ TÀI CHÍNH" in text

    for path in (
        f"/reports/units/SO_XD.docx?{PERIOD}",
        f"/reports/units/SO_XD.pdf?{PERIOD}",
        f"/reports/units/SO_XD/print?{PERIOD}",
    ):
        assert client.get(path).status_code == 403, path
    for path in ("/api/v1/reports/units/SO_XD/detail.docx", "/api/v1/reports/units/SO_XD/detail.pdf"):
        assert client.get(f"{path}?{PERIOD}", headers=auth_headers("sotc")).status_code == 403, path


def test_a_units_phu_luc_exports_its_appendix_alone(client, auth_headers):
    login(client, "ldvp")
    response = client.get(f"/reports/units/SO_XD.docx?{PERIOD}")
    disposition = 'attachment; filename="phu-luc-chi-tiet-so_xd-2026-09-14.docx"'
    assert response.headers["Content-Disposition"] == disposition
    docx = word(response)
    assert [section.orientation for section in docx.sections] == [WD_ORIENT.LANDSCAPE]
    paragraphs = [p.text for p in docx.paragraphs]
    assert "PHỤ LỤC CHI TIẾT" in paragraphs and "BÁO CÁO" not in paragraphs and "Cách tính" not in paragraphs
    heading, detail, closing = table_texts(docx)
    assert {row[3] for row in detail[1:]} == {c for c, spec in Q3_TASKS.items() if spec[0] == "SO_XD"}
    assert closing[0][1] == document.SIGNER_TITLE

    api = client.get(f"/api/v1/reports/units/SO_XD/detail.pdf?{PERIOD}", headers=auth_headers("ldvp"))
    text = pdf_text(api)
    assert tasks_in(text) == {c for c, spec in Q3_TASKS.items() if spec[0] == "SO_XD"}
    assert "PHỤ LỤC CHI TIẾT" in text and "Cách tính" not in text and "Kiểm tra chất lượng" in text

    printed = html(client.get(f"/reports/units/SO_XD/print?{PERIOD}"))
    assert "Quy hoạch xây dựng vùng huyện Bát Xát" in printed and "BÁO CÁO" not in printed
    assert f'href="/reports/units/SO_XD?{PERIOD.replace("&", "&amp;")}">← Phụ lục chi tiết' in printed
    assert client.get(f"/reports/units/KHONG_CO.docx?{PERIOD}").status_code == 404


def test_the_buttons_keep_the_pages_period_and_grouping(client):
    login(client, "cv")
    page = html(client.get(f"/reports?{PERIOD}&group=sector"))
    query = PERIOD.replace("&", "&amp;") + "&amp;group=sector"
    for path, label in [
        ("/reports/buckets.xlsx", "Xuất Excel"),
        ("/reports/buckets.docx", "Xuất Word"),
        ("/reports/buckets.pdf", "Xuất PDF"),
        ("/reports/print", "Bản in"),
    ]:
        assert f'<a class="button" href="{path}?{query}">{label}</a>' in page, label
    detail = html(client.get(f"/reports/units/SO_TC?{PERIOD}"))
    for path in ("/reports/units/SO_TC.docx", "/reports/units/SO_TC.pdf", "/reports/units/SO_TC/print"):
        assert f'href="{path}?{PERIOD.replace("&", "&amp;")}"' in detail, path


def test_a_bad_period_or_grouping_is_refused_and_described(client, auth_headers):
    headers = auth_headers("cv")
    for path in ("/api/v1/reports/buckets.docx", "/api/v1/reports/buckets.pdf"):
        response = client.get(f"{path}?group=khac", headers=headers)
        assert response.status_code == 422 and "group" in response.get_json()["details"]["fields"], path
        response = client.get(f"{path}?as_of=2026-13-01", headers=headers)
        assert response.status_code == 422 and "as_of" in response.get_json()["details"]["fields"], path
    login(client, "cv")
    assert client.get(f"/reports/print?{PERIOD}&group=khac").status_code == 422


def test_the_openapi_document_describes_the_word_and_pdf_downloads(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path, media_type in [
        ("/api/v1/reports/buckets.docx", DOCX),
        ("/api/v1/reports/buckets.pdf", "application/pdf"),
        ("/api/v1/reports/units/{unit_code}/detail.docx", DOCX),
        ("/api/v1/reports/units/{unit_code}/detail.pdf", "application/pdf"),
    ]:
        assert media_type in paths[path]["get"]["responses"]["200"]["content"], path
    assert {p["name"] for p in paths["/api/v1/reports/buckets.pdf"]["get"]["parameters"]} >= {
        "as_of",
        "from",
        "group",
    }
