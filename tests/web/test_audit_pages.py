"""Nhật ký thao tác of one user: the administrator and the monitor read what a user did across the four
audit trails (tracking history, process events, calendar changes, account events), newest first, paged,
in Vietnamese words and people's full names; everyone else is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.audit import service as audit
from engine.auth import events
from tests.web.test_pages import csrf, html, login
from tests.web.test_units_admin import _dispatch


def test_the_administrator_and_the_monitor_read_it_and_no_one_else(client, directory):
    for username in ("cv", "analyst", "sotc", "ct"):
        login(client, username)
        assert client.get("/users/cv/audit").status_code == 403, username
    for username in ("admin", "monitor"):
        login(client, username)
        page = client.get("/users/cv/audit")
        assert page.status_code == 200 and "Nhật ký thao tác: Nguyễn Thị Theo Dõi" in html(page)
        assert client.get("/users/khong-co/audit").status_code == 404


def test_the_users_page_links_to_it(client, directory):
    login(client, "admin")
    assert 'href="/users/cv/audit"' in html(client.get("/users/cv"))


def test_what_a_specialist_did_reads_in_the_words_of_the_history_pages(system, client, directory, clock):
    ids = _dispatch(system, directory)  # cv registers the document, then classifies it
    clock.advance(timedelta(hours=1))
    login(client, "cv")
    client.post(
        "/account/password",
        data={
            "csrf_token": csrf(client),
            "current_password": "mat-khau-thu",
            "new_password": "Mot-mat-khau-moi-2025",
            "confirm_password": "Mot-mat-khau-moi-2025",
        },
    )
    login(client, "monitor")
    text = html(client.get("/users/cv/audit"))
    # account event (newest), then the process events and the tracking history of the classification
    assert text.index("Đổi mật khẩu") < text.index("Hoàn thành công việc") < text.index("Bắt đầu")
    assert "Thêm mới: Nhiệm vụ" in text and "Cập nhật: Nhiệm vụ" not in text  # only linked to its process
    assert "Nội dung nhiệm vụ:</span>\n            Xây dựng kho dữ liệu dùng chung" in text
    assert "Nhiệm vụ 1 của văn bản 12/QĐ-UBND" in text
    assert "Tiếp nhận, phân loại văn bản chỉ đạo và chuyển theo dõi (quy trình số 1)" in text
    assert "Đơn vị chủ trì:</span>\n            Sở Tài chính" in text  # unit names, not codes
    assert "Chuyên viên theo dõi:</span>\n            Nguyễn Thị Theo Dõi" in text  # full names
    assert f'href="/assignments/{ids["SO_TC"]}"' in text  # the monitor sees every assignment
    assert "Tài khoản của Nguyễn Thị Theo Dõi" in text
    assert 'href="/users/cv"' not in text  # the accounts pages are the administrator's


def test_what_the_administrator_did_to_the_calendar_units_and_accounts(client, directory, clock):
    login(client, "admin")
    token = csrf(client)
    client.post("/calendar/overrides", data={"csrf_token": token, "day": "2025-05-05", "action": "off"})
    clock.advance(timedelta(minutes=5))
    client.post(
        "/units",
        data={
            "csrf_token": token,
            "code": "XA_MOI",
            "name": "UBND xã Mới",
            "unit_type": "UBND cấp xã/phường",
        },
    )
    clock.advance(timedelta(minutes=5))
    client.post("/users/sotc/password", data={"csrf_token": token})
    text = html(client.get("/users/admin/audit"))
    assert text.index("Đặt lại mật khẩu") < text.index("Thêm mới: Đơn vị") < text.index("Ngày 05/05/2025")
    assert "Tài khoản của Đỗ Tài Chính" in text and 'href="/users/sotc"' in text
    assert 'href="/units/XA_MOI"' in text and "Tên đơn vị:</span>\n            UBND xã Mới" in text
    assert "theo lịch chung" in text and "→ nghỉ" in text
    assert 'href="/calendar?year=2025&amp;month=5"' in text


@pytest.mark.postgres
def test_the_trails_are_paged_together_newest_first(system, client, directory, clock):
    with system.db.transaction() as session:
        for i in range(55):
            clock.advance(timedelta(minutes=1))
            events.record(
                session=session,
                username="soxd",
                kind="token_created",
                now=clock.now(),
                actor="cv",
                details={"label": f"token {i:02d}"},
            )
    with system.db.reading() as session:
        first = audit.list_(session=session, username="cv", limit=50)
        rest = audit.list_(session=session, username="cv", limit=50, offset=50)
    labels = [e.record.details["label"] for e in first + rest]
    assert labels == [f"token {i:02d}" for i in reversed(range(55))]
    login(client, "admin")
    page = html(client.get("/users/cv/audit"))
    assert "“token 54”" in page and "“token 04”" not in page
    assert 'href="/users/cv/audit?offset=50"' in page
    following = html(client.get("/users/cv/audit?offset=50"))
    assert "“token 04”" in following and "“token 05”" not in following and "Trang sau" not in following
    assert client.get(f"/users/cv/audit?offset={2**64}").status_code == 200  # clamped, never a 500
