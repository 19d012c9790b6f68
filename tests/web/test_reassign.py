"""Giao cho người khác through the API (POST /api/v1/user-tasks/<id>/assign, checked against the OpenAPI
document) and the task page (a select of people by full name)."""

from __future__ import annotations

import pytest

from engine.auth import service as auth
from engine.usertasks import service as usertasks
from tests.conftest import complete_task
from tests.engine.notifications.helpers import add_user, correction_request, ready_tasks
from tests.web.test_api import api  # noqa: F401  (the fixture)
from tests.web.test_pages import csrf, html, login

PATH = "/api/v1/user-tasks/{task_id}/assign"


@pytest.fixture
def task_id(system, directory) -> str:
    """Sở Tài chính's "correct_data" user task, claimed by its staff member Đỗ Tài Chính."""
    add_user(system, "sotc2", "Trịnh Văn Đầu Mối", ["unit_staff"], "SO_TC")
    add_user(system, "ldsoxd", "Phùng Văn Xây", ["unit_leader"], "SO_XD")
    correction_request(system, directory["cv"])
    [task] = ready_tasks(system, "correct_data")
    with system.db.transaction() as session:
        usertasks.claim(session=session, task_id=task.id, user=directory["sotc"])
    return task.id


@pytest.mark.postgres
def test_the_api_reassigns_for_the_unit_leader_only(api, system, directory, task_id, backend):  # noqa: F811
    path = PATH.format(task_id=task_id)
    assert api("sotc").call("POST", path, PATH, json={"user": "sotc2"}).status_code == 403  # staff
    assert api("ldsoxd").call("POST", path, PATH, json={"user": "sotc2"}).status_code == 403  # other unit
    refused = api("ldsotc").call("POST", path, PATH, json={"user": "cv"})  # not of the unit's groups
    assert refused.status_code == 422 and set(refused.get_json()["details"]["fields"]) == {"user"}
    assert api("ldsotc").call("POST", path, PATH, json={}).status_code == 422
    assert api("ldsotc").call("GET", "/api/v1/user-tasks", "/api/v1/user-tasks").get_json()["items"] == []

    done = api("ldsotc").call("POST", path, PATH, json={"user": "sotc2"})
    assert done.status_code == 200 and done.get_json()["assignee"] == "sotc2"
    told = api("sotc2").call("GET", "/api/v1/notifications", "/api/v1/notifications").get_json()["items"]
    assert [(n["kind"], n["task_id"]) for n in told] == [
        ("user_task_assigned", task_id),
        ("data_correction_request", None),  # to the unit's staff, of whom they are one
    ]

    complete_task(system, task_id, _principal(system, "sotc2"), {"correction": "Đã sửa số hồ sơ."})
    assert api("ldsotc").call("POST", path, PATH, json={"user": "sotc"}).status_code == 409


def _principal(system, username):
    with system.db.reading() as session:
        return auth.principal(auth.get_user_or_raise(session=session, username=username))


def test_the_leader_gives_the_task_from_its_page(app, system, directory, task_id):
    leader = app.test_client()
    login(leader, "ldsotc")
    page = html(leader.get(f"/tasks/{task_id}"))
    assert "Giao cho người khác" in page
    # People by full name; the one who holds it now is not offered.
    choices = page.split('id="assign-user"')[1].split("</select>")[0]
    assert '<option value="sotc2">Trịnh Văn Đầu Mối</option>' in choices and "Đỗ Tài Chính" not in choices

    refused = leader.post(f"/tasks/{task_id}/assign", data={"user": "sotc2"})
    assert refused.status_code == 400  # no CSRF token
    given = leader.post(f"/tasks/{task_id}/assign", data={"user": "sotc2", "csrf_token": csrf(leader)})
    assert given.status_code == 302 and given.headers["Location"] == f"/tasks/{task_id}"
    page = html(leader.get(given.headers["Location"]))
    assert "Đã giao công việc “Điều chỉnh, bổ sung thông tin” cho Trịnh Văn Đầu Mối xử lý" in page
    wrong = leader.post(f"/tasks/{task_id}/assign", data={"user": "soxd", "csrf_token": csrf(leader)})
    assert "Người được giao phải là người đang hoạt động của đơn vị" in html(
        leader.get(wrong.headers["Location"])
    )

    staff = app.test_client()
    login(staff, "sotc2")
    page = html(staff.get(f"/tasks/{task_id}"))
    assert "Giao cho người khác" not in page and "Bỏ nhận xử lý" in page


@pytest.mark.postgres
def test_the_leader_finds_what_his_people_claimed_in_a_tab_of_his_own(app, system, directory, task_id):
    leader = app.test_client()
    login(leader, "ldsotc")
    inbox = html(leader.get("/tasks"))
    assert "Cán bộ đã nhận xử lý" in inbox and f'data-task-id="{task_id}"' not in inbox  # not his own work
    tab = html(leader.get("/tasks?view=unit"))
    assert f'data-task-id="{task_id}"' in tab and "Đỗ Tài Chính" in tab  # who holds it, by name

    other_leader = app.test_client()
    login(other_leader, "ldsoxd")
    assert f'data-task-id="{task_id}"' not in html(other_leader.get("/tasks?view=unit"))
    staff = app.test_client()
    login(staff, "sotc2")
    page = html(staff.get("/tasks?view=unit"))
    assert "Cán bộ đã nhận xử lý" not in page and f'data-task-id="{task_id}"' not in page
