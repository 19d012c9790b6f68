"""Analysts deploy diagrams: versions by content, refusals that name every problem, instances pinned."""

from __future__ import annotations

import io

import pytest

from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "engine" / "bpmn" / "fixtures"

WAITER = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="http://x">
  <bpmn:message id="go_message" name="go"/>
  <bpmn:process id="waiter" name="Chờ tín hiệu" isExecutable="true">
    <bpmn:startEvent id="start">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="candidateStarterGroups" value="analyst"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:outgoing>f1</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="wait_go" name="Chờ lệnh">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:messageEventDefinition id="md" messageRef="go_message">
        <bpmn:extensionElements><spiffworkflow:messageVariable>order</spiffworkflow:messageVariable></bpmn:extensionElements>
      </bpmn:messageEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:scriptTask id="compute" name="Tính">
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:script>total = order["qty"] * VERSION</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait_go"/>
    <bpmn:sequenceFlow id="f2" sourceRef="wait_go" targetRef="compute"/>
    <bpmn:sequenceFlow id="f3" sourceRef="compute" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def waiter(version: int) -> bytes:
    return WAITER.replace("VERSION", str(version)).encode()


SIGNAL = (
    '<bpmn:signal id="go_signal" name="go"><bpmn:extensionElements>'
    "<spiffworkflow:variableName>order</spiffworkflow:variableName></bpmn:extensionElements></bpmn:signal>"
)


def signal_waiter() -> bytes:
    """The same process catching a signal `go` (payload into `order`) instead of a message."""
    xml = WAITER.replace('<bpmn:message id="go_message" name="go"/>', SIGNAL)
    start, end = xml.index("<bpmn:messageEventDefinition"), xml.index("</bpmn:messageEventDefinition>")
    xml = xml[:start] + '<bpmn:signalEventDefinition id="sd" signalRef="go_signal"/>' + xml[end + 30 :]
    return xml.replace("VERSION", "3").encode()


def upload(client, headers, data: bytes, name: str = "waiter.bpmn"):
    return client.post(
        "/api/v1/process-definitions",
        headers=headers,
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_versions_follow_content_and_instances_stay_on_theirs(client, auth_headers):
    analyst = auth_headers("analyst")
    first = upload(client, analyst, waiter(1))
    assert first.status_code == 201
    v1 = first.get_json()["deployed"][0]["definition"]
    assert (v1["process_id"], v1["version"]) == ("waiter", 1)
    same = upload(client, analyst, waiter(1))
    assert same.status_code == 200 and same.get_json()["deployed"][0]["created"] is False

    old = client.post("/api/v1/process-instances", headers=analyst, json={"process_id": "waiter"}).get_json()
    v2 = upload(client, analyst, waiter(2)).get_json()["deployed"][0]["definition"]
    assert v2["version"] == 2
    new = client.post("/api/v1/process-instances", headers=analyst, json={"process_id": "waiter"}).get_json()
    assert (old["definition_id"], new["definition_id"]) == (v1["id"], v2["id"])

    for instance, expected in ((old, 5), (new, 10)):
        sent = client.post(
            f"/api/v1/process-instances/{instance['id']}/messages",
            headers=analyst,
            json={"name": "go", "payload": {"qty": 5}},
        )
        assert sent.status_code == 200 and sent.get_json()["status"] == "completed"
        detail = client.get(
            f"/api/v1/process-instances/{instance['id']}", headers=auth_headers("monitor")
        ).get_json()
        assert detail["data"]["total"] == expected
        assert "message_received" in [e["kind"] for e in detail["events"]]

    again = client.post(
        f"/api/v1/process-instances/{old['id']}/messages", headers=analyst, json={"name": "go", "payload": {}}
    )
    assert again.status_code == 409

    versions = client.get("/api/v1/process-definitions/key/waiter/versions", headers=analyst).get_json()[
        "items"
    ]
    assert [v["version"] for v in versions] == [2, 1]
    xml = client.get(f"/api/v1/process-definitions/{v1['id']}/xml", headers=analyst)
    assert xml.status_code == 200 and xml.data == waiter(1)


def test_deploying_an_older_version_again_makes_it_the_newest(client, auth_headers):
    """A broken v2 is replaced by uploading v1's file again: a v3 with v1's content, not "unchanged"."""
    analyst = auth_headers("analyst")
    v1 = upload(client, analyst, waiter(1)).get_json()["deployed"][0]["definition"]
    upload(client, analyst, waiter(2))
    again = upload(client, analyst, waiter(1))
    assert again.status_code == 201
    v3 = again.get_json()["deployed"][0]["definition"]
    assert (v3["version"], v3["content_hash"], v3["source_definition_id"]) == (
        3,
        v1["content_hash"],
        v1["id"],
    )
    started = client.post("/api/v1/process-instances", headers=analyst, json={"process_id": "waiter"})
    assert started.get_json()["definition_id"] == v3["id"]
    same = upload(client, analyst, waiter(1))
    assert same.status_code == 200 and same.get_json()["deployed"][0]["definition"]["id"] == v3["id"]


@pytest.mark.parametrize(
    ("fixture", "element", "words"),
    [
        ("doctype_external_entity.bpmn", "-", "DOCTYPE"),
        ("script_import_os.bpmn", None, "import"),
        ("script_open.bpmn", None, "open"),
        ("script_dunder_import.bpmn", None, "_"),
        ("script_class_escape.bpmn", None, "_"),
        ("timer_bad_duration.bpmn", None, "P1Q"),
        ("condition_syntax.bpmn", None, "syntax"),
        ("flow_to_missing.bpmn", "to_nowhere", "nowhere"),
        ("wrong_namespace.bpmn", None, "BPMN"),
    ],
)
def test_a_broken_diagram_is_refused_with_the_element_named(client, auth_headers, fixture, element, words):
    analyst = auth_headers("analyst")
    deployed = client.get("/api/v1/process-definitions?all=true", headers=analyst).get_json()["items"]
    refused = upload(client, analyst, (FIXTURES / fixture).read_bytes(), fixture)
    assert refused.status_code == 422, refused.get_json()
    body = refused.get_json()
    assert body["error"] == "invalid_diagram"
    problems = body["details"]["problems"]
    assert problems and all(p["file"] == fixture for p in problems)
    assert any(words.lower() in p["message"].lower() or words in (p["element_id"] or "") for p in problems), (
        problems
    )
    if element:
        assert any(p["element_id"] == element for p in problems)
    listed = client.get("/api/v1/process-definitions?all=true", headers=analyst).get_json()["items"]
    assert listed == deployed  # nothing of it was deployed


def test_only_analysts_deploy_and_oversize_is_413(client, auth_headers, system):
    assert upload(client, auth_headers("cv"), waiter(1)).status_code == 403
    huge = b"<x>" + b" " * (system.settings.max_diagram_bytes + 2 * 1024 * 1024) + b"</x>"
    too_big = client.post(
        "/api/v1/process-definitions",
        headers=auth_headers("analyst"),
        data=huge,
        content_type="application/xml",
    )
    assert too_big.status_code == 413 and too_big.get_json()["error"] == "request_entity_too_large"


def test_validate_without_deploying(client, auth_headers):
    analyst = auth_headers("analyst")
    ok = client.post(
        "/api/v1/process-definitions/validate",
        headers=analyst,
        data={"file": (io.BytesIO(waiter(1)), "waiter.bpmn")},
        content_type="multipart/form-data",
    )
    assert ok.status_code == 200 and ok.get_json() == {"valid": True, "processes": ["waiter"]}
    assert client.get("/api/v1/process-definitions/key/waiter/versions", headers=analyst).status_code == 404


def test_signals_reach_the_instance_waiting_for_them(client, auth_headers):
    analyst = auth_headers("analyst")
    assert upload(client, analyst, signal_waiter()).status_code == 201
    instance = client.post(
        "/api/v1/process-instances", headers=analyst, json={"process_id": "waiter"}
    ).get_json()
    path = f"/api/v1/process-instances/{instance['id']}"
    wrong = client.post(path + "/messages", headers=analyst, json={"name": "go", "payload": {"qty": 1}})
    assert wrong.status_code == 409  # it waits for a signal, not a message
    sent = client.post(path + "/signals", headers=analyst, json={"name": "go", "payload": {"qty": 2}})
    assert sent.status_code == 200 and sent.get_json()["status"] == "completed"
    detail = client.get(path, headers=auth_headers("monitor")).get_json()
    assert detail["data"]["total"] == 6
    assert "signal_received" in [e["kind"] for e in detail["events"]]


def test_a_message_whose_steps_fail_is_kept_and_the_instance_parked_as_an_incident(client, auth_headers):
    """The message reaches the instance; the script it leads to fails (no `qty`): the delivery is kept,
    the instance is an incident at that script, and the sender is told so instead of getting a 500."""
    analyst = auth_headers("analyst")
    upload(client, analyst, waiter(1))
    instance = client.post("/api/v1/process-instances", headers=analyst, json={"process_id": "waiter"})
    instance_id = instance.get_json()["id"]
    sent = client.post(
        f"/api/v1/process-instances/{instance_id}/messages",
        headers=analyst,
        json={"name": "go", "payload": {}},
    )
    assert sent.status_code == 200
    body = sent.get_json()
    assert body["status"] == "error" and body["error"]["element_id"] == "compute"
    assert [i["element_id"] for i in body["incidents"]] == ["compute"]
    detail = client.get(
        f"/api/v1/process-instances/{instance_id}", headers=auth_headers("monitor")
    ).get_json()
    kinds = [e["kind"] for e in detail["events"]]
    assert "message_sent" in kinds and kinds[-1] == "incident"
