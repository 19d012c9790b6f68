"""Bảng điều hành (/dieu-hanh) as its readers get it: who lands on it, who may open it, its big numbers,
its server-drawn SVG charts (well-formed, accessible, linking to the filtered Nhiệm vụ list), the full
table of units, a unit leader's own view, and the page on any day of the year (hypothesis)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree
from sqlalchemy import select

from engine.assignments.models import Assignment
from engine.dashboard import figures
from engine.directory import leaders
from engine.documents.models import Document
from engine.workdays import service as workdays
from tests.engine.test_dashboard_figures import CHAIRMAN, CONTENT, VICE, build_known_set
from tests.web.test_pages import html, login

SVG = "{http://www.w3.org/2000/svg}"
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def client(app, directory):
    return app.test_client()


# The leaders who gave the known set's tasks: each document's signer (a document without one: none).
LEADERS = {CHAIRMAN: ("CT", "chairman"), VICE: ("PCT", "vice_chairman")}


@pytest.fixture
def known(system, directory, clock):
    built = build_known_set(system, directory, clock)
    with system.db.transaction() as session:
        for name, (code, kind) in LEADERS.items():
            leaders.create_leader(
                session=session, values={"code": code, "kind": kind, "person_name": name}, actor=None
            )
        for assignment in session.scalars(select(Assignment)):
            signer = session.get(Document, assignment.document_id).signer
            assignment.leader_code = LEADERS[signer][0] if signer else None
    return built


def leader_label(name: str) -> str:
    code, kind = LEADERS[name]
    return f"{'Chủ tịch' if code == 'CT' else 'Phó Chủ tịch'} UBND tỉnh {name}"


def charts(page: str) -> list[etree._Element]:
    """The page's chart SVGs (not the legends' swatches), each parsed as XML: lxml refuses one that is
    not well-formed."""
    found = [etree.fromstring(chunk) for chunk in re.findall(r"<svg\b.*?</svg>", page, re.S)]
    return [svg for svg in found if svg.get("class") == "chart"]


def segment_links(svg: etree._Element) -> dict[str, int]:
    """href -> the count its tooltip names, for every linked segment of a chart."""
    links = {}
    for anchor in svg.iter(f"{SVG}a"):
        title = anchor.find(f".//{SVG}title").text
        links[anchor.get("href")] = int(re.search(r": ([\d.]+) nhiệm vụ$", title)[1].replace(".", ""))
    return links


def listed(client, href: str) -> int:
    """How many rows the Nhiệm vụ list shows at `href` (one page is enough here)."""
    page = html(client.get(href))
    return len(re.findall(r'<td data-label="Nội dung nhiệm vụ"', page))


@pytest.mark.parametrize(
    ("username", "lands"),
    [("ct", True), ("ldvp", True), ("cv", False), ("monitor", False), ("sotc", False), ("admin", False)],
)
def test_the_leadership_land_on_the_dashboard(client, username, lands):
    login(client, username)
    response = client.get("/")
    if lands:
        assert response.status_code == 302 and response.location.endswith("/dieu-hanh")
        personal = client.get("/?view=personal")  # Tổng quan cá nhân stays reachable
        assert personal.status_code == 200 and "<h1>Tổng quan</h1>" in html(personal)
    else:
        assert response.status_code == 200 and "<h1>Tổng quan</h1>" in html(response)


def test_signing_in_takes_the_chairman_to_the_dashboard(client):
    response = login(client, "ct")
    assert client.get(response.location, follow_redirects=True).request.path == "/dieu-hanh"


@pytest.mark.parametrize(
    ("username", "allowed"),
    [
        ("ct", True),
        ("ldvp", True),
        ("monitor", True),
        ("cv", True),
        ("ldsotc", True),
        ("admin", True),
        ("sotc", False),
        ("analyst", False),
    ],
)
def test_who_may_open_it_and_sees_the_menu_entry(client, username, allowed):
    login(client, username)
    for path in ("/dieu-hanh", "/dieu-hanh/don-vi"):
        assert client.get(path).status_code == (200 if allowed else 403)
    menu = html(client.get("/tasks"))
    assert ('href="/dieu-hanh"' in menu) is allowed


def test_big_numbers_rate_and_personal_tasks(client, known):
    login(client, "ct")
    page = html(client.get("/dieu-hanh"))
    assert "Số liệu đến hết ngày 16/06/2025" in page
    found = re.findall(r'<span class="value">([^<]+)</span>\s*<span class="label">([^<]+)</span>', page)
    assert {label: value for value, label in found} == {
        "Tổng số nhiệm vụ": "8",
        "Đã hoàn thành đúng hạn": "1",
        "Đã hoàn thành quá hạn": "1",
        "Chưa hoàn thành trong hạn": "2",
        "Chưa hoàn thành quá hạn": "3",
        "Chưa hoàn thành, không có thời hạn": "1",
        "Sắp đến hạn": "1",
        "Tỷ lệ hoàn thành đúng hạn": "50%",
        "Việc cần làm của tôi": "0",
    }
    assert figures.RATE_DEFINITION in page
    assert 'href="/assignments?bucket=open_late"' in page
    assert 'href="/?view=personal"' in page
    assert "<style" not in page and "<script>" not in page  # the CSP allows neither


def test_the_charts_are_accessible_svg_linking_to_exactly_the_listed_tasks(client, known):
    login(client, "ct")
    page = html(client.get("/dieu-hanh"))
    units, signers, months = charts(page)
    for svg in (units, signers, months):
        assert svg.get("role") == "img" and svg.get("aria-label")
        assert svg.get("width") == "100%" and svg.get("viewBox").startswith("0 0 440 ")
        assert svg.find(f".//{SVG}title") is not None
    assert "Sở Tài chính: 3 nhiệm vụ, 1 quá hạn" in units.get("aria-label")
    unit_links = segment_links(units)
    assert unit_links["/assignments?unit=SO_TC&bucket=open_late"] == 1
    assert unit_links["/assignments?unit=SO_XD&bucket=no_deadline"] == 1
    assert sum(unit_links.values()) == 8  # every task is in one segment
    for href, count in unit_links.items():
        assert listed(client, href) == count, href
    names = [t.text for t in units.iter(f"{SVG}text") if not t.text[0].isdigit()]
    assert names == ["Sở Tài chính", "Sở Xây dựng", "Sở Nội vụ"]  # most overdue first, then the busiest

    leader_links = segment_links(signers)  # the chart by leader who gave the tasks
    queries = [parse_qs(urlsplit(href).query) for href in leader_links]
    expected = [
        {"leader": [LEADERS[s][0]], "bucket": ["open_late"]} for s in (VICE, CHAIRMAN)
    ]  # most open first
    assert queries == expected
    for href, count in leader_links.items():
        assert listed(client, href) == count == 1
    assert leader_label(VICE) in signers.get("aria-label")
    assert "Chưa ghi lãnh đạo giao" in page  # the task without a leader is shown, not linked

    assert [t.text for t in months.iter(f"{SVG}text") if t.text.startswith("T")][-3:] == ["T4", "T5", "T6"]
    tooltips = [t.text for t in months.iter(f"{SVG}title")]
    assert "Tháng 3/2025 — Phát sinh quá hạn: 1 nhiệm vụ" in tooltips
    assert "Tháng 6/2025 (đến hôm nay) — Phát sinh quá hạn: 1 nhiệm vụ" in tooltips


def test_the_full_table_lists_every_unit_with_totals(client, known):
    login(client, "ct")
    page = html(client.get("/dieu-hanh/don-vi"))
    rows = re.findall(r'<td data-label="Cơ quan, đơn vị">([^<]+)</td>', page)
    assert rows == ["Sở Tài chính", "Sở Xây dựng", "Sở Nội vụ", "Tổng cộng"]
    assert 'href="/assignments?unit=SO_NV&amp;bucket=open_late"' in page
    assert 'href="/assignments?bucket=open_late">3</a>' in page  # the totals row links to every unit's
    rates = re.findall(r'<td data-label="Tỷ lệ hoàn thành đúng hạn \(%\)" class="num">([^<]+)</td>', page)
    assert rates == ["50", "—", "—", "50"]  # Sở Tài chính: 1 of its 2 done on time; the others none done
    assert figures.RATE_DEFINITION in page


def test_a_unit_leader_sees_his_unit_and_drills_into_its_chu_tri_list(client, known):
    login(client, "ldsotc")
    assert client.get("/").status_code == 200  # a unit leader keeps his Tổng quan
    page = html(client.get("/dieu-hanh"))
    assert "Tình hình thực hiện nhiệm vụ: Sở Tài chính" in page
    assert "Theo đơn vị chủ trì" not in page  # one unit: no per-unit chart
    assert re.search(r'<span class="value">3</span>\s*<span class="label">Tổng số nhiệm vụ', page)
    signers, months = charts(page)
    [(href, count)] = segment_links(signers).items()
    assert parse_qs(urlsplit(href).query) == {"leader": ["CT"], "bucket": ["open_late"], "tab": ["lead"]}
    assert listed(client, href) == count == 1
    assert listed(client, "/assignments?tab=lead&bucket=done_late") == 1


def test_the_signer_filter_of_the_list_keeps_a_units_scope(client, known):
    login(client, "soxd")
    href = f"/assignments?signer={VICE}&bucket=open_late"
    page = html(client.get(href))
    assert CONTENT["b3_overdue"] in page and CONTENT["c1_overdue_no_signer"] not in page
    assert f"Văn bản do <strong>{VICE}</strong> ký" in page
    login(client, "sotc")
    assert listed(client, href) == 0  # Sở Tài chính neither leads nor coordinates the Vice-Chairman's tasks


# Year ends, Tết 2025 (29/01) and 2026 (17/02), the day the set's first overdue task turns overdue, the
# month it was built in, and a day before anything existed.
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(local=st.datetimes(min_value=datetime(2024, 6, 1), max_value=datetime(2027, 12, 31, 23, 59, 59)))
@example(local=datetime(2024, 12, 31, 23, 59, 59))
@example(local=datetime(2025, 1, 1, 0, 0))
@example(local=datetime(2025, 1, 29, 7, 0))
@example(local=datetime(2025, 12, 31, 23, 30))
@example(local=datetime(2026, 2, 17, 0, 1))
@example(local=datetime(2025, 3, 15, 0, 0))
@example(local=datetime(2024, 7, 1, 12, 0))
def test_the_page_renders_and_agrees_with_itself_on_any_day(system, client, known, clock, local):
    at = local.replace(tzinfo=LOCAL).astimezone(UTC)
    clock.move_to(at)
    login(client, "ct")
    response = client.get("/dieu-hanh")
    assert response.status_code == 200
    page = html(response)
    assert f"Số liệu đến hết ngày {local:%d/%m/%Y}" in page
    assert len(charts(page)) >= 1  # all parse; the trend is always drawn
    login(client, "ldsotc")  # and a unit leader's own page
    mine = client.get("/dieu-hanh")
    assert mine.status_code == 200 and len(charts(html(mine))) >= 1
    with system.db.reading() as session:
        today = {
            "calendar": workdays.calendar(session=session, settings=system.settings),
            "today": local.date(),
            "soon_days": system.settings.due_soon_days,
        }
        overall = figures.overview(session, period=figures.today_period(**today))
        units = figures.by_unit(session, **today)
        signers = figures.overdue_by_signer(session, period=figures.today_period(**today))
        months = figures.by_month(session, **today)
    assert sum((u.counts for u in units), figures.Counts()) == overall
    assert overall.total == overall.done + overall.open_in_time + overall.open_late + overall.no_deadline
    assert overall.due_soon <= overall.open_in_time
    assert sum(s.open_late for s in signers) == overall.open_late
    assert [m.first for m in months] == sorted({m.first for m in months}) and len(months) == 12
    assert months[-1].as_of == local.date() and months[-1].first == local.date().replace(day=1)
    window_start = months[0].first
    # Tasks given within the twelve months are counted once each, and never more than exist.
    assert sum(m.assigned for m in months) <= overall.total
    if window_start <= date(2025, 1, 24) and local.date() >= date(2025, 5, 5):
        assert sum(m.assigned for m in months) == overall.total == 8
    if local.date() < date(2025, 1, 24):  # before the first document was classified
        assert overall.total == 0 and "Theo đơn vị chủ trì" not in page
