"""Rounds you can see (P9, Đ19.2, Đ22): the consolidation step shows every unit's report with its files and
the very Biểu tổng hợp the freeze then stores; the publication step shows the frozen figures; the rounds
list and a round's page show the statuses; a unit's people see their own unit's report only; the API gives
the same with the same scope."""

from __future__ import annotations

from datetime import date, timedelta

import lxml.html
import pytest
from sqlalchemy import select

from engine import clock as clock_module
from engine.reports import buckets, layout, publication
from engine.reports.models import ReportRound
from engine.usertasks import service as usertasks
from engine.web.pages.common import PAGE_SIZE
from tests.processes.test_periodic_report import local
from tests.processes.test_periodic_report_context import (
    ASSESSMENT,
    FILE_NAME,
    REPORT_TC,
    SITUATION_XD,
    at_consolidation,
)
from tests.web.test_pages import complete, html, login

LABEL = "Báo cáo quý III và 9 tháng năm 2026"
NUMBER_COLUMNS = [c for c in layout.summary_columns() if c.kind in ("count", "rate")]


def signed_in(app, username: str):
    """A browser of its own for `username`, signed in through the login form."""
    browser = app.test_client()
    login(browser, username)
    return browser


def number(text: str) -> int | float | None:
    """A figure as the page prints it (14.068, 98,62, — for none) back to a number."""
    text = text.strip()
    if text == "—":
        return None
    if "," in text:
        return float(text.replace(".", "").replace(",", "."))
    return int(text.replace(".", ""))


def shown_table(page: str, section_id: str) -> tuple[list[list], list]:
    """The Biểu tổng hợp in the page's section `section_id`: per row the unit's name and its figures, and
    the totals row's figures, read back from the printed text."""
    tree = lxml.html.fromstring(page)
    [table] = tree.xpath(f"//section[@id='{section_id}']//table[contains(@class, 'report')]")
    rows = []
    for tr in table.xpath("./tbody/tr"):
        cells = [td.text_content().strip() for td in tr.xpath("./td")]
        rows.append([cells[1], *(number(c) for c in cells[2 : 2 + len(NUMBER_COLUMNS)])])
    total_cells = [td.text_content().strip() for td in table.xpath("./tfoot/tr/td")]
    return rows, [number(c) for c in total_cells[2 : 2 + len(NUMBER_COLUMNS)]]


def stored_table(figures: list[dict]) -> tuple[list[list], list]:
    """The same, from the rows the round stores."""
    rows = [[r["unit_name"], *(r[c.key] for c in NUMBER_COLUMNS)] for r in figures]
    total = buckets.totals(figures)
    return rows, [total[c.key] for c in NUMBER_COLUMNS]


def the_round(system) -> ReportRound:
    with system.db.reading() as session:
        return session.scalar(select(ReportRound))


def task_of(system, user, bpmn_id: str) -> str:
    with system.db.reading() as session:
        [task] = [t for t in usertasks.inbox(session=session, user=user) if t.bpmn_id == bpmn_id]
        return task.id


def test_the_consolidation_step_shows_each_report_and_the_table_the_freeze_then_stores(
    system, directory, app, clock
):
    at = at_consolidation(system, directory, clock)
    cv = signed_in(app, "cv")
    page = html(cv.get(f"/tasks/{at.consolidate_id}"))
    panel = lxml.html.fromstring(page).xpath("//section[@id='thong-tin-lien-quan']")[0].text_content()
    for text in (*REPORT_TC.values(), SITUATION_XD, "Đỗ Tài Chính", "Vũ Xây Dựng", "Sở Nội vụ"):
        assert text in panel
    assert "Đã gửi đúng hạn: 1 · Đã gửi quá hạn: 1 · Chưa gửi: 1 đơn vị" in " ".join(panel.split())
    states = {
        tr.get("id"): tr.xpath(".//span[contains(@class, 'badge')]")[0].text_content()
        for tr in lxml.html.fromstring(page).xpath("//table[contains(@class, 'submissions')]/tbody/tr")
    }
    assert states == {
        "bao-cao-SO_NV": "Chưa gửi, đã quá hạn",
        "bao-cao-SO_TC": "Đã gửi đúng hạn",
        "bao-cao-SO_XD": "Đã gửi quá hạn",
    }
    assert f'href="/tep-dinh-kem/{at.file_id}" class="file-name">{FILE_NAME}</a>' in page
    assert "Biểu tổng hợp sẽ được chốt khi hoàn thành bước này" in page
    shown = shown_table(page, "thong-tin-lien-quan")
    assert [name for name, *_ in shown[0]] == ["Sở Nội vụ", "Sở Tài chính", "Sở Xây dựng"]

    assert complete(cv, at.consolidate_id, ASSESSMENT).status_code == 200
    stored = the_round(system)
    assert stored.status == "consolidated"
    assert shown == stored_table(stored.figures)
    assert cv.get(f"/tep-dinh-kem/{at.file_id}").status_code == 200  # the link VP follows works

    leader = signed_in(app, "ldvp")
    publish_id = task_of(system, directory["ldvp"], "publish")
    page = html(leader.get(f"/tasks/{publish_id}"))
    assert "Biểu tổng hợp đã chốt" in page and "Số liệu sẽ được công khai" in page
    assert shown_table(page, "thong-tin-lien-quan") == stored_table(stored.figures)
    panel = lxml.html.fromstring(page).xpath("//section[@id='thong-tin-lien-quan']")[0].text_content()
    assert "Đã gửi đúng hạn: 1 · Đã gửi quá hạn: 1 · Chưa gửi: 1 đơn vị" in " ".join(panel.split())
    assert REPORT_TC["situation"] not in page  # the summary only: the leadership publishes figures


def test_the_rounds_list_and_the_round_page_show_its_statuses_and_link_the_publication(
    system, directory, app, clock, auth_headers
):
    at = at_consolidation(system, directory, clock)
    cv = signed_in(app, "cv")
    listing = html(cv.get("/bao-cao/ky-bao-cao"))
    [row] = lxml.html.fromstring(listing).xpath("//table[contains(@class, 'rounds')]/tbody/tr")
    cells = [td.text_content().strip() for td in row.xpath("./td")]
    assert cells == [
        LABEL,
        "15/06/2026 – 14/09/2026",
        "21/09/2026",
        "24/09/2026",
        "Đang nhận báo cáo",
        "1",
        "1",
        "1",
    ]
    assert 'href="/bao-cao/ky-bao-cao"' in html(cv.get("/reports"))  # Báo cáo, thống kê links it

    page = html(cv.get(f"/bao-cao/ky-bao-cao/{at.round_id}"))
    assert "Số liệu chưa chốt" in page and "Chưa công khai" in page
    assert f'href="/instances/{at.instance_id}"' in page
    assert shown_table(page, "bieu-tong-hop")[0]  # the live table, as it stands

    complete(cv, at.consolidate_id, ASSESSMENT)
    clock.move_to(local(25))
    cv, leader = signed_in(app, "cv"), signed_in(app, "ldvp")  # a day later: signed in afresh
    published = complete(leader, task_of(system, directory["ldvp"], "publish"), {"approved": True})
    assert published.status_code == 200, published.get_json()
    stored = the_round(system)
    assert stored.status == "published"
    page = html(cv.get(f"/bao-cao/ky-bao-cao/{at.round_id}"))
    assert "Đã công khai" in page and "Số liệu chưa chốt" not in page
    with system.db.reading() as session:
        [first] = publication.publications_of(session, at.round_id)
    assert f'<a href="/cong-khai/{first.id}">Bản số 1</a>' in page
    one = app.test_client().get(f"/api/v1/report-rounds/{at.round_id}", headers=auth_headers("cv")).get_json()
    assert [(p["id"], p["number"], p["corrects_id"]) for p in one["publications"]] == [(first.id, 1, None)]
    assert one["figures"]["frozen"] and one["figures"]["items"] == stored.figures
    assert shown_table(page, "bieu-tong-hop") == stored_table(stored.figures)
    assert "Đã công khai" in html(cv.get("/bao-cao/ky-bao-cao"))


def test_a_units_staff_sees_its_own_report_only(system, directory, app, clock, auth_headers):
    at = at_consolidation(system, directory, clock)
    staff = signed_in(app, "sotc")
    listing = html(staff.get("/bao-cao/ky-bao-cao"))
    assert LABEL in listing and "Đã gửi đúng hạn" in listing and "Gửi quá hạn" not in listing
    page = html(staff.get(f"/bao-cao/ky-bao-cao/{at.round_id}"))
    assert REPORT_TC["situation"] in page and FILE_NAME in page and "21/09/2026" in page
    for other in (SITUATION_XD, "Sở Xây dựng", "Sở Nội vụ", "Vũ Xây Dựng"):
        assert other not in page
    assert [name for name, *_ in shown_table(page, "bieu-tong-hop")[0]] == ["Sở Tài chính"]
    assert f"/instances/{at.instance_id}" not in page
    assert staff.get(f"/tasks/{at.consolidate_id}").status_code == 403  # nor the step's panel
    assert signed_in(app, "soxd").get(f"/tep-dinh-kem/{at.file_id}").status_code == 403

    answer = app.test_client().get(f"/api/v1/report-rounds/{at.round_id}", headers=auth_headers("sotc"))
    body = answer.get_json()
    assert [s["unit_code"] for s in body["submissions"]] == ["SO_TC"]
    assert [r["unit_code"] for r in body["figures"]["items"]] == ["SO_TC"]
    assert body["units"] == {"on_time": 1, "late": 0, "not_sent": 0}


@pytest.mark.postgres
def test_the_api_gives_every_round_and_one_round_with_its_reports(
    system, directory, app, clock, auth_headers
):
    at = at_consolidation(system, directory, clock)
    client = app.test_client()
    listing = client.get("/api/v1/report-rounds", headers=auth_headers("cv")).get_json()
    assert listing["total"] == 1
    [item] = listing["items"]
    assert (item["label"], item["status"], item["status_label"]) == (LABEL, "open", "Đang nhận báo cáo")
    assert (item["unit_due"], item["consolidation_due"]) == ("2026-09-21", "2026-09-24")
    assert item["units"] == {"on_time": 1, "late": 1, "not_sent": 1}

    one = client.get(f"/api/v1/report-rounds/{at.round_id}", headers=auth_headers("cv")).get_json()
    by_unit = {s["unit_code"]: s for s in one["submissions"]}
    assert (by_unit["SO_TC"]["status_label"], by_unit["SO_TC"]["submitted_by_name"]) == (
        "Đã gửi đúng hạn",
        "Đỗ Tài Chính",
    )
    assert by_unit["SO_TC"]["attachments"][0]["file_id"] == at.file_id
    assert (by_unit["SO_XD"]["status"], by_unit["SO_NV"]["status"]) == ("late", "missing")
    assert (one["figures"]["as_of"], one["figures"]["frozen"]) == ("2026-09-14", False)
    assert client.get("/api/v1/report-rounds/999", headers=auth_headers("cv")).status_code == 404
    assert client.get("/api/v1/report-rounds").status_code == 401


def test_the_rounds_list_pages_the_newest_period_first(system, directory, app):
    with system.db.transaction() as session:
        for n in range(PAGE_SIZE + 5):
            window_to = date(2020, 1, 14) + timedelta(days=7 * n)
            session.add(
                ReportRound(
                    kind="ad_hoc",
                    year=window_to.year,
                    period=n + 1,
                    label=f"Báo cáo đột xuất số {n + 1}",
                    window_from=window_to - timedelta(days=30),
                    window_to=window_to,
                    unit_due=window_to + timedelta(days=5),
                    consolidation_due=window_to + timedelta(days=10),
                    status="published",
                    opened_at=clock_module.now(),
                )
            )
    cv = signed_in(app, "cv")
    first = lxml.html.fromstring(html(cv.get("/bao-cao/ky-bao-cao")))
    labels = [a.text_content() for a in first.xpath("//table[contains(@class, 'rounds')]/tbody/tr/td[1]/a")]
    assert labels[:2] == ["Báo cáo đột xuất số 55", "Báo cáo đột xuất số 54"] and len(labels) == PAGE_SIZE
    assert "Hiển thị 1–50 trong 55 kết quả" in first.text_content()
    second = lxml.html.fromstring(html(cv.get(f"/bao-cao/ky-bao-cao?offset={PAGE_SIZE}")))
    rest = [a.text_content() for a in second.xpath("//table[contains(@class, 'rounds')]/tbody/tr/td[1]/a")]
    assert rest == [f"Báo cáo đột xuất số {n}" for n in range(5, 0, -1)]
