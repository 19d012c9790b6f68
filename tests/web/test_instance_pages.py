"""Instance pages and API: the version each instance runs, filters, and the operations of monitors and
analysts (cancel, migrate after a preview, retry); a user whose action runs into a faulty diagram is
told in Vietnamese that their input was kept."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.documents.models import Document
from engine.instances.models import InstanceEvent, ProcessInstance
from engine.notifications.models import Notification
from engine.usertasks.models import UserTaskRow
from tests.conftest import two_task_document
from tests.engine.instances.helpers import deploy_intake, intake_xml
from tests.web.test_pages import csrf, html, login, register


@pytest.fixture
def client(app, directory):
    return app.test_client()


def intake_id(system, document_id: int) -> int:
    with system.db.reading() as session:
        return session.get(Document, document_id).intake_instance_id


def instance(system, instance_id: int) -> ProcessInstance:
    with system.db.reading() as session:
        return session.get(ProcessInstance, instance_id)


def test_registering_through_the_page_with_a_faulty_intake_keeps_the_document_and_says_so(system, client):
    faulty = deploy_intake(system, intake_xml(faulty=True))
    login(client, "cv")
    client.get("/documents/new")
    answer = client.post("/documents/new", json=two_task_document(), headers={"X-CSRF-Token": csrf(client)})
    assert answer.status_code == 200 and answer.get_json()["ok"]
    page = html(client.get(answer.get_json()["redirect"]))
    assert "Quy trình gặp lỗi ở bước “Xác định thời hạn phân loại (T1)”" in page
    assert "dữ liệu của bạn đã được lưu và lỗi đã được báo cho bộ phận quản trị quy trình" in page
    assert "KeyError" not in page and "Traceback" not in page  # no Python for the VP specialist
    with system.db.reading() as session:
        [document] = session.scalars(select(Document)).all()
        parked = session.get(ProcessInstance, document.intake_instance_id)
        assert parked.status == "error" and parked.definition_id == faulty.id
    client.post("/logout", data={"csrf_token": csrf(client)})

    login(client, "monitor")  # the monitor sees it at once: a notification and the incident in the list
    assert "Xác định thời hạn phân loại (T1)" in html(client.get("/"))
    listed = html(client.get("/instances?status=error"))
    assert f"#{parked.id}" in listed and f">v{faulty.version}</a>" in listed


def test_the_api_answers_the_registration_as_done_and_names_the_incident(system, client, auth_headers):
    deploy_intake(system, intake_xml(faulty=True))
    answer = client.post("/api/v1/documents", json=two_task_document(), headers=auth_headers("cv"))
    assert answer.status_code == 201
    body = answer.get_json()
    [incident] = body["incidents"]
    assert incident["instance_id"] == body["intake_instance_id"] and incident["element_id"] == "compute_t1"
    assert incident["message"].startswith("Quy trình gặp lỗi ở bước “Xác định thời hạn phân loại (T1)”")
    deploy_intake(system, intake_xml())  # the fix: the next registration runs through
    healthy = client.post(
        "/api/v1/documents", json=two_task_document(number="13/QĐ-UBND"), headers=auth_headers("cv")
    )
    assert healthy.status_code == 201 and "incidents" not in healthy.get_json()  # only when one was parked


def test_instance_page_shows_its_version_with_a_link_to_the_definition(system, client):
    instance_id = intake_id(system, register(system))
    definition_id = instance(system, instance_id).definition_id
    login(client, "monitor")
    page = html(client.get(f"/instances/{instance_id}"))
    assert f'<a href="/quy-trinh-nghiep-vu/{definition_id}">v1</a>' in page  # pages.definition_version
    assert "Khóa nghiệp vụ" in page and "Dữ liệu hiện tại" in page
    client.post("/logout", data={"csrf_token": csrf(client)})

    login(client, "cv")  # VP staff follow the steps, and neither operate nor read the engine's data
    page = html(client.get(f"/instances/{instance_id}"))
    assert "Diễn biến quy trình" in page and f"#{instance_id}" not in page
    assert "/quy-trinh-nghiep-vu/" not in page and "Khóa nghiệp vụ" not in page
    assert "Dữ liệu hiện tại" not in page
    assert "Tiếp nhận văn bản" in page or "Phân loại" in page  # the named steps stay
    assert "Hủy quy trình</button>" not in page
    assert (
        client.post(
            f"/instances/{instance_id}/cancel", data={"csrf_token": csrf(client), "reason": "x"}
        ).status_code
        == 403
    )
    listed = html(client.get(f"/instances?process_id=intake&definition_id={definition_id}"))
    assert f"#{instance_id}" in listed and ">v1</a>" in listed
    assert f"#{instance_id}" not in html(client.get("/instances?status=cancelled"))


def test_cancel_needs_a_reason_and_is_logged_with_who_and_why(system, client):
    instance_id = intake_id(system, register(system))
    login(client, "monitor")
    page = html(client.get(f"/instances/{instance_id}"))
    assert "Hủy quy trình</button>" in page and 'name="reason"' in page
    assert client.post(f"/instances/{instance_id}/cancel", data={"reason": "x"}).status_code == 400  # no CSRF
    client.post(f"/instances/{instance_id}/cancel", data={"csrf_token": csrf(client), "reason": "  "})
    assert "Cần nêu lý do hủy quy trình" in html(client.get(f"/instances/{instance_id}"))
    assert instance(system, instance_id).status == "running"

    reason = "Văn bản bị thu hồi theo Quyết định 20/QĐ-UBND"
    client.post(f"/instances/{instance_id}/cancel", data={"csrf_token": csrf(client), "reason": reason})
    page = html(client.get(f"/instances/{instance_id}"))
    assert "Đã hủy quy trình." in page and "Đã hủy" in page and reason in page
    assert '<td data-label="Sự kiện">Hủy quy trình</td>' in page
    assert '<td data-label="Người thực hiện">Phạm Giám Sát</td>' in page
    with system.db.reading() as session:
        assert session.scalars(
            select(UserTaskRow.state).where(UserTaskRow.instance_id == instance_id)
        ).all() == ["cancelled"]
    assert f"#{instance_id}" in html(client.get("/instances?status=cancelled"))


def test_migrate_through_the_preview_page(system, client):
    instance_id = intake_id(system, register(system))
    renamed = deploy_intake(system, intake_xml(classify_name="Phân loại văn bản chỉ đạo"))
    login(client, "analyst")
    page = html(client.get(f"/instances/{instance_id}"))
    assert f'<option value="{renamed.id}">v2</option>' in page
    preview = html(client.get(f"/instances/migrate?instance_id={instance_id}&target_id={renamed.id}"))
    assert (
        "v1 → v2" in preview and "Phân loại nhiệm vụ, chuyển theo dõi" in preview and "Có thay đổi" in preview
    )
    assert "Xác nhận chuyển 1 quy trình sang v2" in preview
    client.post(
        "/instances/migrate",
        data={"csrf_token": csrf(client), "instance_id": instance_id, "target_id": renamed.id},
    )
    page = html(client.get(f"/instances/{instance_id}"))
    assert "Đã chuyển 1 quy trình sang phiên bản v2." in page and ">v2</a>" in page
    assert '<td data-label="Sự kiện">Chuyển phiên bản</td>' in page
    with system.db.reading() as session:  # the user-task index follows the new version
        [row] = session.scalars(select(UserTaskRow).where(UserTaskRow.instance_id == instance_id)).all()
        assert row.name == "Phân loại văn bản chỉ đạo" and row.state == "ready"


def test_a_migration_that_cannot_map_an_active_task_is_refused_with_its_reason(system, client, auth_headers):
    instance_id = intake_id(system, register(system))
    before = instance(system, instance_id)
    other = deploy_intake(system, intake_xml(classify_id="classify_document"))
    login(client, "monitor")
    preview = html(client.get(f"/instances/migrate?instance_id={instance_id}&target_id={other.id}"))
    assert "Không chuyển được" in preview and "Xác nhận chuyển" not in preview
    answer = client.post(
        "/api/v1/process-instances/migrate",
        json={"instance_ids": [instance_id], "target_definition_id": other.id},
        headers=auth_headers("monitor"),
    )
    assert answer.status_code == 409 and str(instance_id) in answer.get_json()["details"]["refused"]
    after = instance(system, instance_id)
    assert (after.definition_id, after.state) == (before.definition_id, before.state)


def test_api_roles_cancel_migrate_and_retry(system, client, auth_headers):
    instance_id = intake_id(system, register(system))
    v2 = deploy_intake(system, intake_xml(classify_name="Phân loại văn bản chỉ đạo"))
    for who in ("cv", "sotc"):
        assert (
            client.post(
                f"/api/v1/process-instances/{instance_id}/cancel",
                json={"reason": "x"},
                headers=auth_headers(who),
            ).status_code
            == 403
        )
    body = {"instance_ids": [instance_id], "target_definition_id": v2.id, "dry_run": True}
    assert (
        client.post("/api/v1/process-instances/migrate", json=body, headers=auth_headers("cv")).status_code
        == 403
    )
    dry = client.post("/api/v1/process-instances/migrate", json=body, headers=auth_headers("analyst"))
    assert dry.status_code == 200
    [item] = dry.get_json()["items"]
    assert item["ok"] and item["from_version"] == 1 and dry.get_json()["migrated"] is False
    assert {
        "bpmn_id": "classify",
        "name": "Phân loại nhiệm vụ, chuyển theo dõi",
        "state": "ready",
        "target_id": "classify",
        "changed": True,
    } in item["tasks"]
    assert instance(system, instance_id).definition_id != v2.id  # a dry run changes nothing

    moved = client.post(
        "/api/v1/process-instances/migrate", json={**body, "dry_run": False}, headers=auth_headers("admin")
    )
    assert moved.status_code == 200 and instance(system, instance_id).definition_id == v2.id
    detail = client.get(
        f"/api/v1/process-instances/{instance_id}", headers=auth_headers("monitor")
    ).get_json()
    assert detail["version"] == 2

    empty = client.post(
        f"/api/v1/process-instances/{instance_id}/cancel",
        json={"reason": ""},
        headers=auth_headers("monitor"),
    )
    assert empty.status_code == 422
    done = client.post(
        f"/api/v1/process-instances/{instance_id}/cancel",
        json={"reason": "trùng văn bản"},
        headers=auth_headers("monitor"),
    )
    assert done.status_code == 200 and done.get_json()["status"] == "cancelled"
    again = client.post(
        f"/api/v1/process-instances/{instance_id}/cancel",
        json={"reason": "lần nữa"},
        headers=auth_headers("monitor"),
    )
    assert again.status_code == 409
    retried = client.post(f"/api/v1/process-instances/{instance_id}/retry", headers=auth_headers("monitor"))
    assert retried.status_code == 409
    with system.db.reading() as session:
        cancelled = session.scalar(
            select(InstanceEvent).where(
                InstanceEvent.instance_id == instance_id, InstanceEvent.kind == "instance_cancelled"
            )
        )
        assert cancelled.actor == "monitor" and cancelled.data == {"reason": "trùng văn bản"}
        assert session.scalars(select(Notification)).all() == []  # no incident, no notification
