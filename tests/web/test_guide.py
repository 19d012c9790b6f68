"""Hướng dẫn sử dụng (Đ24.1): every signed-in user reads it, their own role first, and every link works."""

from __future__ import annotations

import re

import pytest

from tests.web.test_pages import html, login


@pytest.fixture
def client(app, directory):
    return app.test_client()


def section_order(page: str) -> list[str]:
    return re.findall(r'<section class="card" id="([a-z_]+)">', page)


@pytest.mark.parametrize(
    ("username", "first"),
    [("cv", "vp"), ("ldvp", "vp_leadership"), ("ct", "province"), ("sotc", "unit"), ("monitor", "oversight")],
)
def test_the_reader_s_own_section_comes_first_and_is_marked(client, username, first):
    login(client, username)
    page = html(client.get("/huong-dan"))
    order = section_order(page)
    assert order[0] == first and sorted(order) == ["oversight", "province", "unit", "vp", "vp_leadership"]
    assert page.count("Vai trò của đồng chí") == 1


def test_the_deadlines_table_names_each_deadline_and_its_article(client):
    login(client, "sotc")
    page = html(client.get("/huong-dan"))
    for name, article in [
        ("T1", "Khoản 1 Điều 7"),
        ("T2", "Điểm a khoản 2 Điều 7"),
        ("T6", "Khoản 1 Điều 22"),
    ]:
        assert re.search(rf"<td>{name}</td>.*?<td>{article}</td>", page, re.S)
    assert "hệ thống tính là ngày 19 của tháng cuối kỳ (ngày nghỉ thì chuyển" in page  # the default reading


@pytest.mark.parametrize("settings_overrides", [{"report_deadline": "last_working_day_before_20"}])
def test_the_guide_states_t6_as_the_setting_reads_it(client):
    login(client, "sotc")
    assert "hệ thống tính là ngày làm việc cuối cùng trước ngày 20" in html(client.get("/huong-dan"))


def test_every_link_of_the_guide_opens_for_a_vp_specialist(client):
    login(client, "cv")
    page = html(client.get("/huong-dan"))
    links = set(re.findall(r'href="(/[^"#]*)', page))
    assert "/huong-dan" in links  # the header's entry
    for link in links - {"/logout"}:
        with client.get(link) as response:  # closed, for the stylesheet's file
            assert response.status_code == 200, link


def test_the_guide_asks_for_a_login(client):
    assert client.get("/huong-dan").status_code in (302, 303)
