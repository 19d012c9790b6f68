"""The JSON API as a new user tries it: register, inbox, form, complete; errors; OpenAPI conformance."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi

from engine import clock
from tests.conftest import PASSWORD, classification, two_task_document


@pytest.fixture
def api(client, auth_headers, app):
    """A client whose responses are all checked against the operation's declared OpenAPI schema."""
    spec = client.get("/api/v1/openapi.json").get_json()

    class Checked:
        def __init__(self, user):
            self.headers = auth_headers(user) if user else {}  # None: a caller without a token

        def call(self, method, path, template, **kwargs):
            response = client.open(path, method=method, headers=self.headers, **kwargs)
            operation = spec["paths"][template][method.lower()]
            declared = operation["responses"].get(str(response.status_code))
            assert declared is not None, f"{method} {template} answered an undeclared {response.status_code}"
            if response.is_json:
                schema = next(iter(declared["content"].values()))["schema"]
                if "$ref" in schema:
                    schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
                Draft202012Validator(schema).validate(response.get_json())
            return response

    return Checked


def test_healthz(client):
    assert client.get("/healthz").status_code == 200


def test_register_classify_and_complete(api):
    cv = api("cv")
    created = cv.call("POST", "/api/v1/documents", "/api/v1/documents", json=two_task_document())
    assert created.status_code == 201
    instance_id = created.get_json()["intake_instance_id"]

    inbox = cv.call("GET", "/api/v1/user-tasks", "/api/v1/user-tasks").get_json()["items"]
    assert [t["name"] for t in inbox] == ["Phân loại nhiệm vụ, chuyển theo dõi"]
    task_id = inbox[0]["id"]
    task = cv.call("GET", f"/api/v1/user-tasks/{task_id}", "/api/v1/user-tasks/{task_id}").get_json()
    assert task["form_schema"]["title"] == "Phân loại nhiệm vụ, chuyển theo dõi"
    assert task["data"]["document"]["number"] == "12/QĐ-UBND"
    assert task["subject"] == "12/QĐ-UBND: Về việc giao nhiệm vụ chuyển đổi số năm 2025"
    prefilled = task["data"]["tasks"]  # the draft tasks, ready for the specialist to correct
    assert [(t["lead_unit"], t["has_deadline"], t["due_date"]) for t in prefilled] == [
        ("SO_TC", False, None),
        ("SO_XD", True, "2025-04-30"),
    ]

    bad = classification(
        tasks=[{"content": "", "lead_unit": "SO_TC", "has_deadline": True, "must_report": True}]
    )
    refused = cv.call(
        "POST", f"/api/v1/user-tasks/{task_id}/complete", "/api/v1/user-tasks/{task_id}/complete", json=bad
    )
    assert refused.status_code == 422
    assert refused.get_json()["error"] == "validation_error"
    assert set(refused.get_json()["details"]["fields"]) == {
        "tasks/0/content",
        "tasks/0/due_date",
        "tasks/0/deadline_kind",
    }

    done = cv.call(
        "POST",
        f"/api/v1/user-tasks/{task_id}/complete",
        "/api/v1/user-tasks/{task_id}/complete",
        json=classification(),
    )
    assert done.status_code == 200 and done.get_json()["state"] == "completed"
    again = cv.call(
        "POST",
        f"/api/v1/user-tasks/{task_id}/complete",
        "/api/v1/user-tasks/{task_id}/complete",
        json=classification(),
    )
    assert again.status_code == 409

    document = cv.call(
        "GET", f"/api/v1/documents/{created.get_json()['id']}", "/api/v1/documents/{document_id}"
    )
    assert [a["lead_unit"] for a in document.get_json()["assignments"]] == ["SO_TC", "SO_XD"]

    monitor = api("monitor")
    detail = monitor.call(
        "GET", f"/api/v1/process-instances/{instance_id}", "/api/v1/process-instances/{instance_id}"
    )
    body = detail.get_json()
    assert body["status"] == "completed"
    kinds = [e["kind"] for e in body["events"]]
    assert kinds[0] == "instance_started" and kinds[-1] == "instance_completed"
    assert kinds.index("user_task_created") < kinds.index("user_task_completed")
    assert any(e["kind"] == "user_task_completed" and e["actor"] == "cv" for e in body["events"])


def test_secret_document_is_refused_citing_article_5_and_nothing_is_stored(api):
    cv = api("cv")
    refused = cv.call(
        "POST", "/api/v1/documents", "/api/v1/documents", json=two_task_document(secrecy="Tối mật")
    )
    assert refused.status_code == 422
    body = refused.get_json()
    assert body["error"] == "secret_document_refused" and "Điều 5 khoản 2" in body["message"]
    assert cv.call("GET", "/api/v1/documents", "/api/v1/documents").get_json()["items"] == []
    assert cv.call("GET", "/api/v1/user-tasks", "/api/v1/user-tasks").get_json()["items"] == []


def test_a_secret_task_in_an_open_document_is_refused_and_nothing_is_stored(api, system):
    from sqlalchemy import func, select

    from engine.documents.models import Document
    from engine.history import ChangeRecord

    document = two_task_document()
    document["tasks"][1]["secrecy"] = "Mật"
    refused = api("cv").call("POST", "/api/v1/documents", "/api/v1/documents", json=document)
    assert refused.status_code == 422
    assert refused.get_json()["error"] == "secret_document_refused"
    assert "Điều 5 khoản 2" in refused.get_json()["message"]
    with system.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 0
        assert session.scalar(select(func.count()).where(ChangeRecord.entity == "documents")) == 0


def test_a_task_classified_secret_is_refused_citing_article_5_and_no_assignment_is_stored(api, system):
    from sqlalchemy import func, select

    from engine.assignments.models import Assignment

    cv = api("cv")
    cv.call("POST", "/api/v1/documents", "/api/v1/documents", json=two_task_document())
    task_id = cv.call("GET", "/api/v1/user-tasks", "/api/v1/user-tasks").get_json()["items"][0]["id"]
    secret = classification()
    secret["tasks"][0]["secrecy"] = "Tuyệt mật"
    path = f"/api/v1/user-tasks/{task_id}/complete"
    refused = cv.call("POST", path, "/api/v1/user-tasks/{task_id}/complete", json=secret)
    assert refused.status_code == 422
    assert refused.get_json()["error"] == "secret_document_refused"
    assert "Điều 5 khoản 2" in refused.get_json()["message"]
    with system.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Assignment)) == 0
    still_open = cv.call("GET", f"/api/v1/user-tasks/{task_id}", "/api/v1/user-tasks/{task_id}")
    assert still_open.get_json()["state"] == "ready"
    ordinary = classification()
    ordinary["tasks"][0]["secrecy"] = "normal"
    done = cv.call("POST", path, "/api/v1/user-tasks/{task_id}/complete", json=ordinary)
    assert done.status_code == 200


def test_users_outside_the_group_cannot_see_or_complete(api):
    cv = api("cv")
    cv.call("POST", "/api/v1/documents", "/api/v1/documents", json=two_task_document())
    task_id = cv.call("GET", "/api/v1/user-tasks", "/api/v1/user-tasks").get_json()["items"][0]["id"]
    unit = api("sotc")
    assert unit.call("GET", "/api/v1/user-tasks", "/api/v1/user-tasks").get_json()["items"] == []
    forbidden = unit.call(
        "POST",
        f"/api/v1/user-tasks/{task_id}/complete",
        "/api/v1/user-tasks/{task_id}/complete",
        json=classification(),
    )
    assert forbidden.status_code == 403
    assert (
        unit.call("POST", "/api/v1/documents", "/api/v1/documents", json=two_task_document()).status_code
        == 403
    )


def test_claim_hides_the_task_from_colleagues_until_unclaimed(api, system, directory):
    from engine.auth import service as auth

    with system.db.transaction() as session:
        auth.create_user(
            session=session,
            username="cv2",
            password=PASSWORD,
            full_name="Hai",
            roles=["vp_specialist"],
            unit_code="VP_UBND",
            now=clock.now(),
        )
    cv, cv2 = api("cv"), api("cv2")
    cv.call("POST", "/api/v1/documents", "/api/v1/documents", json=two_task_document())
    task_id = cv.call("GET", "/api/v1/user-tasks", "/api/v1/user-tasks").get_json()["items"][0]["id"]
    claimed = cv.call("POST", f"/api/v1/user-tasks/{task_id}/claim", "/api/v1/user-tasks/{task_id}/claim")
    assert claimed.get_json()["assignee"] == "cv"
    assert cv2.call("GET", "/api/v1/user-tasks", "/api/v1/user-tasks").get_json()["items"] == []
    assert (
        cv2.call(
            "POST", f"/api/v1/user-tasks/{task_id}/claim", "/api/v1/user-tasks/{task_id}/claim"
        ).status_code
        == 403
    )
    cv.call("POST", f"/api/v1/user-tasks/{task_id}/unclaim", "/api/v1/user-tasks/{task_id}/unclaim")
    assert len(cv2.call("GET", "/api/v1/user-tasks", "/api/v1/user-tasks").get_json()["items"]) == 1


def test_errors_have_one_shape(client, auth_headers):
    assert client.get("/api/v1/user-tasks").get_json()["error"] == "unauthenticated"
    assert client.get("/api/v1/user-tasks", headers={"Authorization": "Bearer nope"}).status_code == 401
    headers = auth_headers("cv")
    missing = client.get("/api/v1/documents/999", headers=headers)
    assert missing.status_code == 404 and set(missing.get_json()) == {"error", "message", "details"}
    not_json = client.post(
        "/api/v1/documents", data="{", headers={**headers, "Content-Type": "application/json"}
    )
    assert not_json.status_code == 422
    assert client.get("/api/v1/nothing-here", headers=headers).get_json()["error"] == "not_found"


def test_token_from_password(client, directory):
    ok = client.post("/api/v1/tokens", json={"username": "cv", "password": PASSWORD})
    assert ok.status_code == 201
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {ok.get_json()['token']}"}).get_json()
    assert me["username"] == "cv" and me["roles"] == ["vp_specialist"]
    assert client.post("/api/v1/tokens", json={"username": "cv", "password": "wrong"}).status_code == 401


def test_openapi_describes_every_api_route(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    routes = {
        r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1") and "openapi" not in r.rule
    }
    documented = {p.replace("{", "<").replace("}", ">") for p in spec["paths"]}
    normalized = {r.replace("<int:", "<") for r in routes}
    assert normalized == documented


def test_openapi_document_is_valid_openapi_3_1(client):
    validate_openapi(client.get("/api/v1/openapi.json").get_json())


def test_instance_diagram_marks_done_and_waiting_elements(api):
    from lxml import etree

    created = api("cv").call("POST", "/api/v1/documents", "/api/v1/documents", json=two_task_document())
    instance_id = created.get_json()["intake_instance_id"]
    monitor = api("monitor")
    response = monitor.call(
        "GET",
        f"/api/v1/process-instances/{instance_id}/diagram.svg",
        "/api/v1/process-instances/{instance_id}/diagram.svg",
    )
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    svg = etree.fromstring(response.data)
    states = {
        g.get("data-element-id"): g.get("class").split()[-1]
        for g in svg.iter("{http://www.w3.org/2000/svg}g")
        if g.get("data-element-id") and "state-" in (g.get("class") or "")
    }
    assert states == {
        "document_received": "state-completed",
        "compute_t1": "state-completed",
        "classify": "state-active",
        "t1_overdue": "state-waiting",
    }


def test_a_diagram_failing_at_run_time_keeps_the_completion_and_names_the_incident(api, monkeypatch):
    from engine import operators

    def broken(ctx, **params):
        raise RuntimeError("database of units unreachable")

    monkeypatch.setitem(operators.OPERATORS, "create_assignments", broken)
    cv = api("cv")
    cv.call("POST", "/api/v1/documents", "/api/v1/documents", json=two_task_document())
    task_id = cv.call("GET", "/api/v1/user-tasks", "/api/v1/user-tasks").get_json()["items"][0]["id"]
    failed = cv.call(
        "POST",
        f"/api/v1/user-tasks/{task_id}/complete",
        "/api/v1/user-tasks/{task_id}/complete",
        json=classification(),
    )
    # The completion is kept and the instance parked as an incident (engine/instances/incidents.py).
    assert failed.status_code == 200 and failed.get_json()["state"] == "completed"
    [incident] = failed.get_json()["incidents"]
    assert incident["element_id"] == "create_tracking_assignments"
    assert incident["message"].startswith("Quy trình gặp lỗi ở bước")
