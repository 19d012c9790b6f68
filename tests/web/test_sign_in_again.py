"""Signing in again after the session ended, over HTTP: /login answers JSON to the pages' sign-in dialog
(same throttle, same CSRF rule), a fetch() learns that its session is gone (401) or its token stale
(400 csrf_refused), and a plain form posted too late leads back to its page, not to a dead end."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import clock
from engine.auth import sessions
from engine.auth.models import User
from engine.documents import service as document_service
from engine.usertasks import service as usertasks
from tests.conftest import PASSWORD, two_task_document

JSON = {"Accept": "application/json"}


def token_of(client) -> str:
    with client.session_transaction() as cookie:
        return cookie["csrf"]


def sign_in_json(client, username: str, password: str = PASSWORD, token: str | None = None):
    token = token if token is not None else client.get("/login", headers=JSON).get_json()["csrf_token"]
    return client.post(
        "/login",
        json={"username": username, "password": password},
        headers={**JSON, "X-CSRF-Token": token},
    )


def test_the_dialog_learns_who_is_signed_in_and_signs_in_with_json(client, directory):
    anonymous = client.get("/login", headers=JSON)
    assert anonymous.status_code == 200 and anonymous.mimetype == "application/json"
    body = anonymous.get_json()
    assert body["signed_in"] is False and body["csrf_token"] == token_of(client)

    answer = sign_in_json(client, "cv")
    assert answer.status_code == 200
    signed = answer.get_json()
    assert signed == {
        "ok": True,
        "csrf_token": token_of(client),
        "user": "cv",
        "full_name": "Nguyễn Thị Theo Dõi",
    }
    assert signed["csrf_token"] != body["csrf_token"]  # a new session gets a new token (no fixation)
    now = client.get("/login", headers=JSON).get_json()
    assert now == {
        "signed_in": True,
        "csrf_token": signed["csrf_token"],
        "user": "cv",
        "full_name": "Nguyễn Thị Theo Dõi",
    }
    assert client.get("/tasks").status_code == 200


def test_a_wrong_password_gets_a_vietnamese_401_and_no_session(client, directory):
    answer = sign_in_json(client, "cv", "sai-mat-khau")
    assert answer.status_code == 401
    body = answer.get_json()
    assert body["error"] and "mật khẩu" in body["message"].lower()
    assert client.get("/login", headers=JSON).get_json()["signed_in"] is False


@pytest.mark.postgres
def test_the_json_login_keeps_the_throttle(client, directory, system):
    """The same api.sign_in_attempt as the form: failures near the limit make the next try wait."""
    answers = [sign_in_json(client, "cv", "sai-mat-khau").status_code for _ in range(3)]
    assert answers == [401, 401, 429]  # login_max_failures 5: from the 3rd failure on, the next try waits
    locked = sign_in_json(client, "cv")  # even the right password, while the wait holds
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert "vui lòng thử lại sau" in locked.get_json()["message"]


def test_the_json_login_needs_the_csrf_token(client, directory):
    client.get("/login", headers=JSON)
    refused = sign_in_json(client, "cv", token="gia-mao")
    assert refused.status_code == 400 and refused.get_json()["error"] == "csrf_refused"
    assert client.get("/login", headers=JSON).get_json()["signed_in"] is False


def _complete_url(client, system, directory) -> str:
    with system.db.transaction() as session:
        document_service.register_document(
            session=session, engine=system.engine, payload=two_task_document(), actor="cv"
        )
    with system.db.reading() as session:
        [task] = [
            t for t in usertasks.inbox(session=session, user=directory["cv"]) if t.bpmn_id == "classify"
        ]
    return f"/tasks/{task.id}/complete"


@pytest.mark.postgres
def test_a_fetch_after_the_session_ended_gets_401_and_after_a_new_one_the_csrf_refusal(
    client, directory, system
):
    url = _complete_url(client, system, directory)
    assert sign_in_json(client, "cv").status_code == 200
    stale = token_of(client)
    with system.db.transaction() as session:  # the session ends server-side (expired, logged out elsewhere)
        user_id = session.scalar(select(User.id).where(User.username == "cv"))
        sessions.end_all(session=session, user_id=user_id, now=clock.now(), reason="logout")
    gone = client.post(url, json={}, headers={**JSON, "X-CSRF-Token": stale})
    assert gone.status_code == 401 and gone.get_json()["error"]

    assert sign_in_json(client, "cv").status_code == 200  # as in another tab: a new session, a new token
    refused = client.post(url, json={}, headers={**JSON, "X-CSRF-Token": stale})
    assert refused.status_code == 400
    assert refused.get_json()["error"] == "csrf_refused"  # what session-recovery.js looks for
    fresh = client.get("/login", headers=JSON).get_json()["csrf_token"]
    invalid = client.post(url, json={}, headers={**JSON, "X-CSRF-Token": fresh})
    assert invalid.status_code == 422  # the token works again: the form's own checks answer


def test_a_plain_form_with_a_stale_token_offers_to_load_its_page_again(client, directory, system):
    url = _complete_url(client, system, directory).replace("/complete", "/claim")
    task_page = url.replace("/claim", "")
    assert sign_in_json(client, "cv").status_code == 200
    page = client.post(
        url,
        data={"csrf_token": "cu", "next": task_page},
        headers={"Referer": f"http://localhost{task_page}"},
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "vui lòng tải lại trang" in html
    assert f'<a class="button primary" href="{task_page}">Tải lại trang</a>' in html


def test_a_stale_token_from_elsewhere_offers_home_not_the_other_site(client, directory, system):
    url = _complete_url(client, system, directory).replace("/complete", "/claim")
    assert sign_in_json(client, "cv").status_code == 200
    page = client.post(url, data={"csrf_token": "cu"}, headers={"Referer": "https://evil.example/tasks"})
    assert page.status_code == 400
    assert '<a class="button primary" href="/">Tải lại trang</a>' in page.get_data(as_text=True)


def test_a_button_pressed_after_the_session_ended_leads_back_to_its_page(client, directory, system):
    url = _complete_url(client, system, directory).replace("/complete", "/claim")
    task_page = url.replace("/claim", "")
    answer = client.post(url, data={"csrf_token": "x"}, headers={"Referer": f"http://localhost{task_page}"})
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"/login?next={task_page}")  # the page, not the POST address
    login = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Phiên đăng nhập đã hết hạn; vui lòng đăng nhập lại rồi thực hiện lại thao tác." in login
