"""Camunda Modeler's Deploy button against theodoi: the requests are the ones the Modeler sends
(camunda-modeler client/src/plugins/camunda-plugin/shared/CamundaAPI.js), the answers Camunda 7's shapes."""

from __future__ import annotations

import base64
import io
import re
from datetime import timedelta

import pytest

from tests.conftest import PASSWORD

DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="http://x">
  <bpmn:process id="PROCESS" name="Xin ý kiến" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="give_opinion" name="Cho ý kiến">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="formJsonSchemaFilename" value="opinion.schema.json" />
          <spiffworkflow:property name="candidateGroups" value="vp_specialist" />
        </spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:scriptTask id="count" name="Đếm">
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:script>total = VERSION</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="give_opinion"/>
    <bpmn:sequenceFlow id="f2" sourceRef="give_opinion" targetRef="count"/>
    <bpmn:sequenceFlow id="f3" sourceRef="count" targetRef="TARGET"/>
  </bpmn:process>
</bpmn:definitions>
"""
FORM = (
    b'{"type": "object", "properties": {"opinion": {"type": "string", "title": "\xc3\x9d ki\xe1\xba\xbfn"}}}'
)


def diagram(
    process_id: str = "opinion", version: int = 1, *, script: str | None = None, target="end"
) -> bytes:
    xml = DIAGRAM.replace("PROCESS", process_id).replace("TARGET", target)
    return xml.replace("total = VERSION", script or f"total = {version}").encode()


def basic(username: str, password: str = PASSWORD) -> dict[str, str]:
    """The header the Modeler sends for "HTTP Basic" authentication."""
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


def deploy(client, headers, files: dict[str, bytes], **fields):
    """POST /deployment/create as the Modeler builds it: its fields, then each file under its own name."""
    data = {
        "deployment-name": "opinion",
        "deployment-source": "Camunda Modeler",
        "enable-duplicate-filtering": "true",
        **fields,
    }
    for name, content in files.items():
        data[name] = (io.BytesIO(content), name)
    return client.post(
        "/engine-rest/deployment/create",
        headers={**headers, "Accept": "application/json"},
        data=data,
        content_type="multipart/form-data",
    )


def versions(client, auth_headers, process_id: str) -> list[dict]:
    answer = client.get(
        f"/api/v1/process-definitions/key/{process_id}/versions", headers=auth_headers("analyst")
    )
    return answer.get_json()["items"] if answer.status_code == 200 else []


def test_connection_check_and_version(client, directory):
    analyst = basic("analyst")

    check = client.get("/engine-rest/deployment?maxResults=0", headers=analyst)
    assert check.status_code == 200 and check.get_json() == []
    assert client.get("/engine-rest/version", headers=analyst).get_json() == {"version": "7.21.0"}

    listed = client.get("/engine-rest/deployment?maxResults=2", headers=analyst).get_json()
    assert len(listed) == 2
    assert set(listed[0]) >= {"id", "name", "deploymentTime", "tenantId", "source"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}", listed[0]["deploymentTime"])

    refused = client.get("/engine-rest/deployment?maxResults=-1", headers=analyst)
    assert refused.status_code == 400 and refused.get_json()["type"] == "InvalidRequestException"


def test_modeler_deploys_a_diagram_and_its_form_with_a_password(client, directory, auth_headers):
    answer = deploy(client, basic("analyst"), {"opinion.bpmn": diagram(), "opinion.schema.json": FORM})

    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["name"], body["source"], body["tenantId"]) == ("opinion", "Camunda Modeler", None)
    stored = versions(client, auth_headers, "opinion")
    assert [(v["version"], v["deployed_by"], v["forms"]) for v in stored] == [
        (1, "analyst", ["opinion.schema.json"])
    ]
    definition_id = f"opinion:1:{stored[0]['id']}"
    assert body["id"] == str(stored[0]["id"])
    expected = {
        "id": definition_id,
        "key": "opinion",
        "name": "Xin ý kiến",
        "version": 1,
        "resource": "opinion.bpmn",
        "deploymentId": body["id"],
    }
    assert expected.items() <= body["deployedProcessDefinitions"][definition_id].items()


def test_same_content_is_no_new_version_and_new_content_is(client, directory, auth_headers):
    token = auth_headers("analyst")  # the Modeler's "Bearer token" option takes a theodoi API token
    files = {"opinion.bpmn": diagram(version=1), "opinion.schema.json": FORM}

    first, again = deploy(client, token, files), deploy(client, token, files)
    changed = deploy(client, token, {**files, "opinion.bpmn": diagram(version=2)})

    assert [r.status_code for r in (first, again, changed)] == [200, 200, 200]
    assert first.get_json()["id"] == again.get_json()["id"] != changed.get_json()["id"]
    assert [v["version"] for v in versions(client, auth_headers, "opinion")] == [2, 1]


@pytest.mark.postgres
def test_faulty_diagram_is_refused_with_every_problem_and_nothing_deployed(client, directory, auth_headers):
    broken = diagram("faulty", script="total = (", target="nowhere")
    good = diagram("opinion")

    answer = deploy(
        client, basic("analyst"), {"opinion.bpmn": good, "faulty.bpmn": broken, "opinion.schema.json": FORM}
    )

    assert answer.status_code == 400
    body = answer.get_json()
    assert body["type"] == "ParseException"
    lines = body["message"].splitlines()
    assert "2 lỗi" in lines[0]
    assert any(re.match(r"faulty\.bpmn:\d+: count: .*", line) for line in lines[1:])
    assert any(re.match(r"faulty\.bpmn:\d+: f3: .*nowhere", line) for line in lines[1:])
    errors = body["details"]["faulty.bpmn"]["errors"]
    assert sorted(e["mainElementId"] for e in errors) == ["count", "f3"]
    assert all(e["line"] > 0 for e in errors)
    # All or nothing: the good diagram of the same upload is not deployed either.
    assert versions(client, auth_headers, "opinion") == []
    assert versions(client, auth_headers, "faulty") == []


def test_wrong_password_is_refused(client, directory, auth_headers):
    answer = deploy(client, basic("analyst", "not-the-password"), {"opinion.bpmn": diagram()})

    assert answer.status_code == 401
    assert answer.get_json()["type"] == "AuthenticationException"
    assert answer.headers["WWW-Authenticate"].startswith("Basic")
    assert versions(client, auth_headers, "opinion") == []


def test_basic_passwords_are_throttled_like_the_login_page(client, directory, clock):
    """A Basic header is a password guess: after repeated failures the account is locked here too."""
    for _ in range(12):
        deploy(client, basic("analyst", "not-the-password"), {"opinion.bpmn": diagram()})
    locked = deploy(client, basic("analyst"), {"opinion.bpmn": diagram()})
    assert locked.status_code == 429 and "Retry-After" in locked.headers
    clock.advance(timedelta(hours=1))
    files = {"opinion.bpmn": diagram(), "opinion.schema.json": FORM}
    assert deploy(client, basic("analyst"), files).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Basic !!!"}, {"Authorization": "Bearer td_not_a_token"}],
    ids=["none", "garbled-basic", "unknown-token"],
)
def test_missing_or_unreadable_credentials_are_refused(client, directory, headers):
    answer = client.get("/engine-rest/deployment?maxResults=0", headers=headers)

    assert answer.status_code == 401
    assert answer.get_json()["type"] == "AuthenticationException"


def test_a_role_without_deploy_rights_is_refused(client, directory, auth_headers):
    for headers in (basic("monitor"), auth_headers("cv")):
        check = client.get("/engine-rest/deployment?maxResults=0", headers=headers)
        posted = deploy(client, headers, {"opinion.bpmn": diagram(), "opinion.schema.json": FORM})
        assert (check.status_code, posted.status_code) == (403, 403)
        assert posted.get_json()["type"] == "AuthorizationException"
        assert "không có quyền triển khai" in posted.get_json()["message"]
    assert (
        deploy(client, basic("admin"), {"opinion.bpmn": diagram(), "opinion.schema.json": FORM}).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("files", "fields", "named"),
    [
        ({"opinion.bpmn": diagram(), "opinion.form": b"{}"}, {}, "opinion.form"),
        ({"opinion.schema.json": FORM}, {}, ".bpmn"),
        ({"opinion.bpmn": diagram(), "opinion.schema.json": FORM}, {"tenant-id": "tinh"}, "Tenant ID"),
    ],
    ids=["camunda-form", "no-diagram", "tenant"],
)
def test_what_theodoi_cannot_deploy_is_refused_by_name(client, directory, auth_headers, files, fields, named):
    answer = deploy(client, basic("analyst"), files, **fields)

    assert answer.status_code == 400
    assert answer.get_json()["type"] == "InvalidRequestException"
    assert named in answer.get_json()["message"]
    assert versions(client, auth_headers, "opinion") == []
