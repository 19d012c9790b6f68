"""Công khai kết quả over HTTP: the page, its open data (CSV and JSON, open to any origin), the embeddable
view (the only one that may be framed), all signed out; corrections by VP's leadership only, through the
API and through the page."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from datetime import UTC, datetime

import pytest
from lxml import html
from sqlalchemy import func, select

from engine import clock as clock_module
from engine.reports import opendata, publication
from engine.reports.models import Publication
from tests.conftest import USERS
from tests.engine.reports.test_publication import LATE_FIX, ROUND, finish_late, publish_q3_round
from tests.web.test_pages import csrf, login

OCTOBER = datetime(2026, 10, 5, 3, 0, tzinfo=UTC)


@pytest.fixture
def first(system, directory, clock) -> int:
    """The id of Q3 2026's publication #1, made by the real process."""
    round_id = publish_q3_round(system, directory, clock)
    with system.db.reading() as session:
        [made] = publication.publications_of(session, round_id)
        return made.id


def number(text: str):
    """A figure as the table prints it (14.068, 98,62, —) back to a value."""
    text = text.strip()
    if text == "—":
        return None
    return float(text.replace(".", "").replace(",", ".")) if "," in text else int(text.replace(".", ""))


def table_rows(page: str) -> list[dict[str, str]]:
    """The report table's body rows: {data-label: text}."""
    tree = html.fromstring(page)
    return [
        {td.get("data-label"): td.text_content().strip() for td in tr.findall("td")}
        for tr in tree.xpath("//table[contains(@class, 'report')]/tbody/tr")
    ]


def test_a_signed_out_visitor_reads_the_page_its_open_data_and_the_embedded_view(client, first):
    page = client.get("/cong-khai")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and client.get(f"/cong-khai/{first}").status_code == 200
    assert ROUND in text and "Sở Tài chính" in text and "Tổng cộng" in text and "Bản số 1" in text
    assert 'role="img"' in text and "Kết quả thực hiện nhiệm vụ theo cơ quan, đơn vị</title>" in text
    assert "Chưa hoàn thành quá hạn" in text  # the legend
    assert publication_sha(client, first) in text
    assert "Đính chính số liệu công khai" not in text and "Đăng xuất" not in text
    for suffix in (".csv", ".json", "/nhung"):
        assert client.get(f"/cong-khai/{first}{suffix}").status_code == 200, suffix
    embedded = client.get(f"/cong-khai/{first}/nhung").get_data(as_text=True)
    assert "Sở Tài chính" in embedded and "<svg" in embedded and 'aria-label="Menu chính"' not in embedded
    assert "Đăng nhập" not in embedded
    assert client.get("/cong-khai/987654").status_code == 404
    assert client.get("/cong-khai/987654.csv").status_code == 404
    assert client.get("/assignments").status_code == 302  # the rest still needs a login


def publication_sha(client, publication_id: int) -> str:
    return client.get(f"/cong-khai/{publication_id}.json").get_json()["sha256"]


def test_the_csv_parses_and_equals_the_json_and_the_table(client, first):
    answer = client.get(f"/cong-khai/{first}.csv")
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert answer.headers["Content-Disposition"] == (
        'attachment; filename="bao-cao-quy-iii-va-9-thang-nam-2026-ban-so-1.csv"'
    )
    raw = answer.get_data()
    assert raw.startswith("\ufeff".encode())  # UTF-8 with BOM: Excel reads the diacritics
    header, *rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert header[:4] == ["Mã đơn vị", "Cơ quan, đơn vị", "Tổng số nhiệm vụ", "Đã hoàn thành: Tổng"]
    assert header == [title for _, title in opendata.COLUMNS] and len(set(header)) == len(header)

    document = client.get(f"/cong-khai/{first}.json").get_json()
    assert [c["title"] for c in document["columns"]] == header
    keys = [c["key"] for c in document["columns"]]
    as_json = [[row.get(key) for key in keys] for row in document["figures"]]
    as_csv = [
        [cell if i < 2 else (None if cell == "" else float(cell)) for i, cell in enumerate(r)] for r in rows
    ]
    assert as_csv == as_json and len(rows) == 2

    table = table_rows(client.get(f"/cong-khai/{first}").get_data(as_text=True))
    assert [row["Cơ quan, đơn vị"] for row in table] == [row[1] for row in rows]
    by_title = dict(zip(header, keys, strict=True))
    for shown, expected in zip(table, document["figures"], strict=True):
        for label, text in shown.items():
            if label in by_title and label != "Cơ quan, đơn vị":
                assert number(text) == expected[by_title[label]], label


def test_the_json_carries_the_metadata_and_its_hash_checks(client, first):
    document = client.get(f"/cong-khai/{first}.json").get_json()
    assert (document["id"], document["number"], document["label"]) == (first, 1, ROUND)
    assert (document["window_from"], document["window_to"], document["as_of"]) == (
        "2026-06-15",
        "2026-09-14",
        "2026-09-14",
    )
    assert document["published_at"] == "2026-09-25T02:00:00+00:00"
    assert (document["corrects"], document["corrected_by"], document["correction_note"]) == (None, None, None)
    canonical = json.dumps(document["figures"], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert hashlib.sha256(canonical.encode()).hexdigest() == document["sha256"]
    assert document["total"]["unit_name"] == "Tổng cộng" and document["total"]["total"] == 5


def test_open_data_may_be_fetched_from_any_origin(client, first):
    for suffix in (".csv", ".json"):
        answer = client.get(f"/cong-khai/{first}{suffix}", headers={"Origin": "https://laocai.gov.vn"})
        assert answer.headers["Access-Control-Allow-Origin"] == "*", suffix
    assert "Access-Control-Allow-Origin" not in client.get(f"/cong-khai/{first}").headers


def test_only_the_embedded_view_may_be_framed(client, first):
    embedded = client.get(f"/cong-khai/{first}/nhung")
    assert "frame-ancestors *" in embedded.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" not in embedded.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in embedded.headers
    assert "script-src 'self'" in embedded.headers["Content-Security-Policy"]  # the rest of the policy stays
    for path in ("/cong-khai", f"/cong-khai/{first}", f"/cong-khai/{first}.csv", "/login"):
        answer = client.get(path)
        assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"], path
        assert answer.headers["X-Frame-Options"] == "DENY", path


@pytest.mark.parametrize(
    "settings_overrides", [{"public_embed_origins": "https://laocai.gov.vn https://*.laocai.gov.vn"}]
)
def test_the_embedding_origins_are_a_setting(client, first):
    policy = client.get(f"/cong-khai/{first}/nhung").headers["Content-Security-Policy"]
    assert "frame-ancestors https://laocai.gov.vn https://*.laocai.gov.vn" in policy


def test_nobody_but_vp_leadership_may_correct(app, client, first, auth_headers, system, clock):
    finish_late(system)
    round_id = client.get(f"/cong-khai/{first}.json").get_json()["round_id"]
    allowed = {"ldvp", "admin"}
    for username, *_ in USERS:
        if username in allowed:
            continue
        headers = auth_headers(username)
        api = client.post(
            f"/api/v1/report-rounds/{round_id}/corrections", json={"reason": LATE_FIX}, headers=headers
        )
        preview = client.get(f"/api/v1/report-rounds/{round_id}/corrections/preview", headers=headers)
        assert (api.status_code, preview.status_code) == (403, 403), username
        browser = app.test_client()
        login(browser, username)
        assert browser.get(f"/cong-khai/{first}/dinh-chinh").status_code == 403, username
        form = {"reason": LATE_FIX, "csrf_token": csrf(browser)}
        assert browser.post(f"/cong-khai/{first}/dinh-chinh", data=form).status_code == 403, username
        assert "Đính chính số liệu công khai" not in browser.get(f"/cong-khai/{first}").get_data(as_text=True)
    assert (
        client.post(f"/api/v1/report-rounds/{round_id}/corrections", json={"reason": LATE_FIX}).status_code
        == 401
    )
    with system.db.reading() as session:
        assert session.scalar(select(func.count(Publication.id))) == 1


def test_vp_leadership_corrects_through_the_api(client, first, auth_headers, system, clock):
    headers = auth_headers("ldvp")
    round_id = client.get(f"/cong-khai/{first}.json").get_json()["round_id"]
    url = f"/api/v1/report-rounds/{round_id}/corrections"
    same = client.post(url, json={"reason": LATE_FIX}, headers=headers)
    assert same.status_code == 422 and same.get_json()["details"]["fields"] == {
        "figures": "Không có khác biệt so với bản đang công khai"
    }
    finish_late(system)
    clock.move_to(OCTOBER)
    preview = client.get(f"{url}/preview", headers=headers).get_json()
    assert preview["base"] == {"id": first, "number": 1}
    [so_tc] = preview["differences"]
    assert so_tc["unit_name"] == "Sở Tài chính"
    assert {c["key"]: (c["old"], c["new"]) for c in so_tc["changes"]}["done_late"] == (0, 1)
    for body in ({}, {"reason": ""}, {"reason": "   "}, {"reason": LATE_FIX, "extra": 1}):
        assert client.post(url, json=body, headers=headers).status_code == 422, body
    stale = client.post(url, json={"reason": LATE_FIX, "sha256": "0" * 64}, headers=headers)
    assert stale.status_code == 409

    made = client.post(url, json={"reason": LATE_FIX, **preview_fingerprint(preview)}, headers=headers)
    assert made.status_code == 201
    second = made.get_json()
    assert (second["number"], second["corrects"], second["correction_note"]) == (
        2,
        {"id": first, "number": 1},
        LATE_FIX,
    )
    assert second["published_at"] == OCTOBER.isoformat()
    assert client.post(url, json={"reason": LATE_FIX}, headers=headers).status_code == 422  # nothing left

    listed = client.get("/api/v1/reports/published").get_json()["items"]
    assert [(p["id"], p["number"]) for p in listed] == [(second["id"], 2), (first, 1)]
    assert listed[1]["corrected_by"] == {"id": second["id"], "number": 2}
    for item in listed:  # what the endpoint gave before publications, still there
        assert {"id", "label", "window_from", "window_to", "published_at", "figures"} <= set(item)
    old_page = client.get(f"/cong-khai/{first}").get_data(as_text=True)
    new_page = client.get(f"/cong-khai/{second['id']}").get_data(as_text=True)
    assert "Đã được đính chính bởi" in old_page and re.search(r"bởi <a [^>]*>bản số 2</a>", old_page)
    assert re.search(r"Đính chính <a [^>]*>bản số 1</a>: " + re.escape(LATE_FIX), new_page)
    current = client.get("/cong-khai").get_data(as_text=True)  # the round's publication in force
    assert "Bản số 2" in current and LATE_FIX in current


def preview_fingerprint(preview: dict) -> dict:
    return {"base_id": preview["base"]["id"], "sha256": preview["sha256"]}


def test_the_correction_page_shows_the_differences_then_publishes(app, first, system, clock):
    leader = app.test_client()
    login(leader, "ldvp")
    page = leader.get(f"/cong-khai/{first}").get_data(as_text=True)
    assert f'href="/cong-khai/{first}/dinh-chinh"' in page  # the button, for VP's leadership
    nothing = leader.get(f"/cong-khai/{first}/dinh-chinh").get_data(as_text=True)
    assert "không khác bản số 1" in nothing and "<textarea" not in nothing

    finish_late(system)
    clock.move_to(OCTOBER)
    login(leader, "ldvp")  # a new day, a new session
    form_page = leader.get(f"/cong-khai/{first}/dinh-chinh")
    text = form_page.get_data(as_text=True)
    assert form_page.status_code == 200 and "Trần Văn Chánh" in text  # who published #1, by name
    rows = [
        {td.get("data-label"): td.text_content().strip() for td in tr.findall("td")}
        for tr in html.fromstring(text).xpath("//table[@class='differences']/tbody/tr")
    ]
    assert rows[0]["Cơ quan, đơn vị"] == "Sở Tài chính"
    assert {(r["Chỉ tiêu"], r["Bản số 1"], r["Số liệu tính lại"]) for r in rows} >= {
        ("Đã hoàn thành: Đúng hạn", "2", "1"),
        ("Đã hoàn thành: Quá hạn", "0", "1"),
        ("Tỷ lệ (%): Tỷ lệ hoàn thành đúng hạn", "100", "50"),
    }
    sha = html.fromstring(text).xpath("//input[@name='sha256']/@value")[0]

    blank = leader.post(
        f"/cong-khai/{first}/dinh-chinh", data={"reason": " ", "sha256": sha, "csrf_token": csrf(leader)}
    )
    assert blank.status_code == 422 and "Vui lòng nhập lý do đính chính" in blank.get_data(as_text=True)
    stale = leader.post(
        f"/cong-khai/{first}/dinh-chinh",
        data={"reason": LATE_FIX, "sha256": "f" * 64, "csrf_token": csrf(leader)},
    )
    assert stale.status_code == 409 and "đã thay đổi kể từ khi xem trước" in stale.get_data(as_text=True)
    with system.db.reading() as session:
        assert session.scalar(select(func.count(Publication.id))) == 1

    done = leader.post(
        f"/cong-khai/{first}/dinh-chinh", data={"reason": LATE_FIX, "sha256": sha, "csrf_token": csrf(leader)}
    )
    with system.db.reading() as session:
        second = session.scalar(select(Publication).where(Publication.number == 2))
    assert done.status_code == 302 and done.location.endswith(f"/cong-khai/{second.id}")
    assert (second.corrects_id, second.correction_note, second.published_by) == (first, LATE_FIX, "ldvp")
    assert second.published_at == clock_module.now()
    shown = leader.get(done.location).get_data(as_text=True)
    assert "Đã công khai bản số 2, đính chính bản số 1." in shown
    # #1 is no longer the one in force: its correction page leads to #2's.
    again = leader.get(f"/cong-khai/{first}/dinh-chinh")
    assert again.status_code == 302 and again.location.endswith(f"/cong-khai/{second.id}/dinh-chinh")
