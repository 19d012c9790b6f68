"""Accounts: server-side sessions, lockout, API tokens, password changes and resets, user administration,
the Secure cookie flag and the security headers; and least privilege on starts, signals and draft tasks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.auth.models import AccountEvent, User
from tests.conftest import PASSWORD, two_task_document
from tests.web.test_pages import csrf, login

NEW_PASSWORD = "Chiều-nay-họp-lúc-3h"


@pytest.fixture
def client(app, directory):
    return app.test_client()


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def test_a_cookie_copied_before_logout_is_refused_after_it(app, client):
    assert login(client, "cv").status_code == 302
    copied = session_cookie(client)
    assert client.get("/tasks").status_code == 200
    client.post("/logout", data={"csrf_token": csrf(client)})
    thief = app.test_client()
    thief.set_cookie("session", copied)
    refused = thief.get("/tasks")
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/login")


def test_a_session_ends_when_idle_and_at_its_absolute_lifetime(client, clock):
    login(client, "cv")
    clock.advance(timedelta(minutes=29))
    assert client.get("/tasks").status_code == 200  # each request restarts the idle time
    clock.advance(timedelta(minutes=30))
    assert client.get("/tasks").status_code == 302
    login(client, "cv")
    for _ in range(26):  # busy all along, never idle for half an hour, for 13 hours
        clock.advance(timedelta(minutes=29, seconds=59))
        if client.get("/tasks").status_code != 200:
            break
    assert client.get("/tasks").status_code == 302  # ended 12 hours after sign-in, busy or not


def test_twelve_wrong_passwords_lock_the_account_until_the_lock_ends(client, clock, system):
    statuses = []
    for _ in range(12):
        statuses.append(login(client, "cv", password="sai-mat-khau-roi").status_code)
        clock.advance(timedelta(minutes=1))
    # the 3rd and 4th failures make the next try wait (10 s, 30 s: over by the next minute), the 5th locks
    assert statuses[:2] == [401, 401] and set(statuses[2:]) == {429}
    during = login(client, "cv")
    assert during.status_code == 429
    page = during.get_data(as_text=True)
    assert "thử lại sau" in page and "Đăng nhập sai nhiều lần" in page
    with system.db.reading() as session:
        locks = session.scalars(select(AccountEvent).where(AccountEvent.kind == "login_locked")).all()
    assert [e.username for e in locks] == ["cv"]
    clock.advance(timedelta(minutes=15))
    assert login(client, "cv").status_code == 302
    assert client.get("/tasks").status_code == 200


def test_a_quick_third_failure_slows_down_and_the_api_says_when_to_retry(client, clock):
    body = {"username": "cv", "password": "sai-mat-khau-roi"}
    codes = [client.post("/api/v1/tokens", json=body).status_code for _ in range(3)]
    assert codes == [401, 401, 429]
    slowed = client.post("/api/v1/tokens", json={"username": "cv", "password": PASSWORD})
    assert slowed.status_code == 429 and slowed.headers["Retry-After"] == "10"
    assert slowed.get_json()["error"] == "too_many_attempts" and "thử lại sau" in slowed.get_json()["message"]
    clock.advance(timedelta(seconds=10))
    assert client.post("/api/v1/tokens", json={"username": "cv", "password": PASSWORD}).status_code == 201
    # a success clears the count: two more failures before the next wait
    assert [client.post("/api/v1/tokens", json=body).status_code for _ in range(3)] == [401, 401, 429]


def test_tokens_expire_can_be_revoked_by_their_owner_or_an_admin_and_are_bounded(client, clock):
    made = client.post(
        "/api/v1/tokens", json={"username": "cv", "password": PASSWORD, "label": "kịch bản", "days": 2}
    )
    token = made.get_json()
    assert made.status_code == 201 and token["label"] == "kịch bản"
    headers = {"Authorization": f"Bearer {token['token']}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    listed = client.get("/api/v1/tokens", headers=headers).get_json()["items"]
    assert listed[0]["last_used_at"] is not None
    clock.advance(timedelta(days=2))
    assert client.get("/api/v1/me", headers=headers).status_code == 401  # expired

    long = client.post("/api/v1/tokens", json={"username": "cv", "password": PASSWORD, "days": 400})
    assert long.status_code == 422

    tokens = [
        client.post("/api/v1/tokens", json={"username": "cv", "password": PASSWORD}).get_json()
        for _ in range(10)
    ]
    eleventh = client.post("/api/v1/tokens", json={"username": "cv", "password": PASSWORD})
    assert eleventh.status_code == 409 and eleventh.get_json()["details"] == {"limit": 10}

    mine = {"Authorization": f"Bearer {tokens[0]['token']}"}
    other = client.post("/api/v1/tokens", json={"username": "sotc", "password": PASSWORD}).get_json()
    assert client.delete(f"/api/v1/tokens/{other['id']}", headers=mine).status_code == 404
    assert client.delete(f"/api/v1/tokens/{tokens[1]['id']}", headers=mine).get_json()["revoked_at"]
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {tokens[1]['token']}"}).status_code == 401
    )
    admin = client.post("/api/v1/tokens", json={"username": "admin", "password": PASSWORD}).get_json()
    by_admin = client.delete(
        f"/api/v1/tokens/{other['id']}", headers={"Authorization": f"Bearer {admin['token']}"}
    )
    assert by_admin.status_code == 200
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {other['token']}"}).status_code == 401
    # a revoked token frees its place
    assert client.post("/api/v1/tokens", json={"username": "cv", "password": PASSWORD}).status_code == 201


def test_deactivation_ends_the_users_sessions_and_tokens_at_once(app, client, auth_headers):
    login(client, "sotc")
    token = auth_headers("sotc")
    admin = auth_headers("admin")
    locked = app.test_client().patch("/api/v1/users/sotc", json={"active": False}, headers=admin)
    assert locked.status_code == 200 and locked.get_json()["active"] is False
    assert client.get("/tasks").status_code == 302
    assert client.get("/api/v1/me", headers=token).status_code == 401
    detail = app.test_client().get("/api/v1/users/sotc", headers=admin).get_json()
    assert [e["kind"] for e in detail["events"]][:2] == ["deactivated", "token_created"]
    assert all(t["revoked_at"] for t in detail["tokens"])


def test_a_password_change_keeps_this_session_and_ends_the_others(app, client):
    login(client, "cv")
    other = app.test_client()
    login(other, "cv")
    weak = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "ngan",
            "confirm_password": "ngan",
            "csrf_token": csrf(client),
        },
    )
    assert weak.status_code == 422 and "ít nhất 12 ký tự" in weak.get_data(as_text=True)
    changed = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
            "csrf_token": csrf(client),
        },
    )
    assert changed.status_code == 302
    assert client.get("/tasks").status_code == 200
    assert other.get("/tasks").status_code == 302
    assert login(app.test_client(), "cv", password=NEW_PASSWORD).status_code == 302


def test_an_admin_adds_a_user_shown_the_password_once_who_must_change_it(app, client, system):
    login(client, "admin")
    page = client.post(
        "/users/new",
        data={
            "username": "nguyenvan.an",
            "full_name": "Nguyễn Văn An",
            "roles": ["unit_staff"],
            "unit_code": "SO_TC",
            "csrf_token": csrf(client),
        },
    )
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Mật khẩu chỉ hiển thị một lần" in text
    password = text.split('id="new-password">')[1].split("<")[0]
    newcomer = app.test_client()
    login(newcomer, "nguyenvan.an", password=password)
    forced = newcomer.get("/tasks")
    assert forced.status_code == 302 and forced.headers["Location"] == "/account"
    listed = client.get("/users").get_data(as_text=True)
    assert "Nguyễn Văn An" in listed and "Cán bộ đầu mối của đơn vị" in listed and "Sở Tài chính" in listed
    with system.db.reading() as session:
        created = session.scalars(select(AccountEvent).where(AccountEvent.username == "nguyenvan.an")).one()
        assert (created.kind, created.actor) == ("created", "admin")
        assert session.scalar(select(User.must_change_password).where(User.username == "nguyenvan.an"))


def test_an_admin_reset_ends_the_users_sessions_and_forces_a_change(app, client):
    user = app.test_client()
    login(user, "sotc")
    login(client, "admin")
    reset = client.post("/users/sotc/password", data={"password": "", "csrf_token": csrf(client)})
    password = reset.get_data(as_text=True).split('id="new-password">')[1].split("<")[0]
    assert user.get("/tasks").status_code == 302
    assert login(user, "sotc").status_code == 401  # the old password is gone
    login(user, "sotc", password=password)
    assert user.get("/tasks").headers["Location"] == "/account"
    history = client.get("/users/sotc").get_data(as_text=True)
    assert "Đặt lại mật khẩu" in history and "Quản Trị" in history


def test_only_an_admin_administers_users(client, auth_headers):
    login(client, "cv")
    assert client.get("/users").status_code == 403
    assert client.get("/api/v1/users", headers=auth_headers("cv")).status_code == 403
    weak = client.post(
        "/api/v1/users",
        json={"username": "x1", "full_name": "X", "roles": ["monitor"], "password": "aaaaaaaa"},
        headers=auth_headers("admin"),
    )
    assert weak.status_code == 422 and "12 ký tự" in weak.get_json()["details"]["fields"]["password"]


@pytest.mark.parametrize(("base_url", "secure"), [("http://localhost", False), ("https://localhost", True)])
def test_the_session_cookie_is_secure_when_served_over_https(app, directory, base_url, secure):
    client = app.test_client()
    client.get("/login", base_url=base_url)
    form = {"username": "cv", "password": PASSWORD, "csrf_token": csrf(client)}
    response = client.post("/login", data=form, base_url=base_url)
    assert ("Secure" in response.headers["Set-Cookie"]) is secure


@pytest.mark.parametrize(
    "path", ["/login", "/api/v1/openapi.json", "/static/theodoi.css", "/no-such-page", "/healthz"]
)
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    response.close()  # a static file is streamed from an open file
    headers = response.headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_starting_a_process_follows_its_start_event_for_everyone(client, auth_headers):
    analyst = auth_headers("analyst")
    tried = client.post("/api/v1/process-instances", json={"process_id": "assignment"}, headers=analyst)
    assert tried.status_code == 403  # no "try" path writing real business records
    feedback = {"process_id": "local_feedback", "data": {}}
    assert client.post("/api/v1/process-instances", json=feedback, headers=analyst).status_code == 403
    invalid = client.post("/api/v1/process-instances", json=feedback, headers=auth_headers("xabx"))
    assert invalid.status_code == 422  # a starter still has to fill the start form


def test_a_monitor_watches_and_does_not_signal(client, auth_headers, system):
    from engine.documents import service as document_service

    with system.db.transaction() as session:
        document = document_service.register_document(
            session=session, engine=system.engine, payload=two_task_document(), actor="cv"
        )
    url = f"/api/v1/process-instances/{document.intake_instance_id}"
    monitor = auth_headers("monitor")
    assert client.get(url, headers=monitor).status_code == 200
    assert client.post(url + "/signals", json={"name": "x"}, headers=monitor).status_code == 403
    assert client.post(url + "/messages", json={"name": "x"}, headers=monitor).status_code == 403
