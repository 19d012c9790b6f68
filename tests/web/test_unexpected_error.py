"""An unexpected exception: the Vietnamese error page in the layout for people, JSON for the API and for
fetch(), Camunda's shape under /engine-rest; the traceback goes to the server's log, never to the browser.
The failing endpoints are registered on the test's app only."""

from __future__ import annotations

import base64
import logging

import pytest

from engine.web.errors import UNEXPECTED
from tests.conftest import PASSWORD
from tests.web.test_pages import login

SECRET = "bí mật nội bộ: connection string postgresql://theodoi@db"


def boom():
    raise RuntimeError(SECRET)


@pytest.fixture
def failing_app(app):
    # As a staff page (the pages blueprint's guard runs: the user is signed in, the menu shows) and as
    # addresses outside it.
    app.add_url_rule("/thu-loi", endpoint="pages.failing_page", view_func=boom)
    app.add_url_rule("/loi-ngoai", endpoint="failing_elsewhere", view_func=boom)
    app.add_url_rule("/api/v1/thu-loi", endpoint="failing_api", view_func=boom)
    app.add_url_rule("/engine-rest/thu-loi", endpoint="camunda_rest.failing", view_func=boom)
    return app


def test_a_staff_page_that_fails_shows_the_vietnamese_page_in_the_layout(failing_app, directory, caplog):
    client = failing_app.test_client()
    login(client, "cv")
    with caplog.at_level(logging.ERROR):
        page = client.get("/thu-loi")
    html = page.get_data(as_text=True)
    assert page.status_code == 500 and page.mimetype == "text/html"
    assert "Đã có lỗi xảy ra" in html and UNEXPECTED in html
    assert "Nguyễn Thị Theo Dõi" in html and "Việc cần làm" in html  # the layout, with the user's menu
    assert SECRET not in html and "Traceback" not in html and "RuntimeError" not in html
    assert "Chi tiết kỹ thuật" not in html
    # Logged server-side, with the traceback.
    [record] = [r for r in caplog.records if r.exc_info and r.exc_info[0] is RuntimeError]
    assert SECRET in str(record.exc_info[1]) and "/thu-loi" in record.getMessage()
    assert page.headers["Content-Security-Policy"]  # the security headers as on every answer


def test_an_address_outside_the_pages_also_gets_the_page(failing_app, directory):
    page = failing_app.test_client().get("/loi-ngoai")
    html = page.get_data(as_text=True)
    assert page.status_code == 500 and UNEXPECTED in html and SECRET not in html
    assert "Về trang đăng nhập" in html  # nobody is signed in there


def test_the_api_and_fetch_get_json(failing_app, directory):
    client = failing_app.test_client()
    api = client.get("/api/v1/thu-loi")
    assert api.status_code == 500
    assert api.get_json() == {"error": "internal_server_error", "message": UNEXPECTED, "details": {}}
    login(client, "cv")
    fetched = client.get("/thu-loi", headers={"Content-Type": "application/json"})
    assert fetched.status_code == 500 and fetched.get_json()["message"] == UNEXPECTED


def test_camunda_clients_keep_their_shape(failing_app, directory):
    basic = base64.b64encode(f"analyst:{PASSWORD}".encode()).decode()
    answer = failing_app.test_client().get(
        "/engine-rest/thu-loi", headers={"Authorization": f"Basic {basic}"}
    )
    assert answer.status_code == 500
    assert answer.get_json()["type"] == "RestException" and SECRET not in answer.get_data(as_text=True)
