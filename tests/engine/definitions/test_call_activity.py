"""A process that calls another: the called version is pinned when the caller is deployed."""

from __future__ import annotations

import io

import pytest

from engine.errors import InvalidDiagramError

CHILD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="c" targetNamespace="http://x">
  <bpmn:process id="child" name="Tính điểm" isExecutable="true">
    <bpmn:startEvent id="c_start"><bpmn:outgoing>c1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="score" name="Tính"><bpmn:incoming>c1</bpmn:incoming><bpmn:outgoing>c2</bpmn:outgoing>
      <bpmn:script>score = base * FACTOR</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="c_end"><bpmn:incoming>c2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="c1" sourceRef="c_start" targetRef="score"/>
    <bpmn:sequenceFlow id="c2" sourceRef="score" targetRef="c_end"/>
  </bpmn:process>
</bpmn:definitions>
"""
PARENT = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="p" targetNamespace="http://x">
  <bpmn:process id="parent" name="Quy trình gọi" isExecutable="true">
    <bpmn:startEvent id="p_start">
      <bpmn:extensionElements>
        <spiffworkflow:properties xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core">
          <spiffworkflow:property name="candidateStarterGroups" value="analyst"/>
        </spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:outgoing>p1</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:callActivity id="call" name="Gọi tính điểm" calledElement="child">
      <bpmn:incoming>p1</bpmn:incoming><bpmn:outgoing>p2</bpmn:outgoing></bpmn:callActivity>
    <bpmn:endEvent id="p_end"><bpmn:incoming>p2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="p1" sourceRef="p_start" targetRef="call"/>
    <bpmn:sequenceFlow id="p2" sourceRef="call" targetRef="p_end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def deploy(client, headers, xml: str, name: str):
    return client.post(
        "/api/v1/process-definitions",
        headers=headers,
        data={"file": (io.BytesIO(xml.encode()), name)},
        content_type="multipart/form-data",
    )


def run_parent(client, headers) -> dict:
    started = client.post(
        "/api/v1/process-instances", headers=headers, json={"process_id": "parent", "data": {"base": 2}}
    ).get_json()
    return client.get(f"/api/v1/process-instances/{started['id']}", headers=headers).get_json()


def test_the_called_version_is_the_one_deployed_when_the_caller_was(client, auth_headers):
    analyst = auth_headers("analyst")
    refused = deploy(client, analyst, PARENT, "parent.bpmn")
    assert refused.status_code == 422
    assert "'child'" in refused.get_json()["details"]["problems"][0]["message"]

    assert deploy(client, analyst, CHILD.replace("FACTOR", "10"), "child.bpmn").status_code == 201
    parent_v1 = deploy(client, analyst, PARENT, "parent.bpmn").get_json()["deployed"][0]["definition"]
    assert run_parent(client, analyst)["data"]["score"] == 20

    deploy(client, analyst, CHILD.replace("FACTOR", "100"), "child.bpmn")
    assert run_parent(client, analyst)["data"]["score"] == 20  # parent v1 still calls child v1
    parent_v2 = deploy(client, analyst, PARENT, "parent.bpmn").get_json()["deployed"][0]
    assert parent_v2["created"] and parent_v2["definition"]["version"] == parent_v1["version"] + 1
    assert run_parent(client, analyst)["data"]["score"] == 200


def test_deploying_a_directory_orders_callers_after_what_they_call(system, tmp_path):
    from dataclasses import replace

    from engine.definitions import service as definitions

    (tmp_path / "a_parent.bpmn").write_text(PARENT)
    (tmp_path / "b_child.bpmn").write_text(CHILD.replace("FACTOR", "1"))
    settings = replace(system.settings, processes_dir=tmp_path)
    with system.db.transaction() as session:
        deployed = definitions.deploy_directory(session=session, settings=settings)
    assert [d.definition.process_id for d in deployed] == ["child", "parent"]

    (tmp_path / "c_orphan.bpmn").write_text(PARENT.replace('calledElement="child"', 'calledElement="nobody"'))
    with pytest.raises(InvalidDiagramError, match="nobody"):
        with system.db.transaction() as session:
            definitions.deploy_directory(session=session, settings=settings)
