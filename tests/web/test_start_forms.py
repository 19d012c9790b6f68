"""On-demand processes: who may start one (candidateStarterGroups) and its start form, over HTTP."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from engine.definitions import service as definitions
from engine.instances.models import ProcessInstance

SPIFF = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="t">
  <bpmn:process id="ask_vp" name="Hỏi Văn phòng" isExecutable="true">
    <bpmn:startEvent id="asked">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="formJsonSchemaFilename" value="start.schema.json" />
          <spiffworkflow:property name="candidateStarterGroups" value="unit_staff, unit_leader" />
        </spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:outgoing>f1</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:scriptTask id="note" name="Ghi nhận"><bpmn:incoming>f1</bpmn:incoming>
      <bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>asked_by = starter["unit_code"] + ": " + question
flags = [urgent, unit]</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="done"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="asked" targetRef="note" />
    <bpmn:sequenceFlow id="f2" sourceRef="note" targetRef="done" />
  </bpmn:process>
</bpmn:definitions>
"""
CAMUNDA = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="t">
  <bpmn:process id="ask_vp_camunda" isExecutable="true" camunda:candidateStarterGroups="unit_staff">
    <bpmn:startEvent id="asked" camunda:formKey="embedded:deployment:forms/start.schema.json">
      <bpmn:outgoing>f1</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:endEvent id="done"><bpmn:incoming>f1</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="asked" targetRef="done" />
  </bpmn:process>
</bpmn:definitions>
"""
FORM = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["question"],
    "properties": {
        "question": {"type": "string", "minLength": 1, "title": "Câu hỏi"},
        "urgent": {"type": "boolean", "default": False, "title": "Khẩn"},
        "unit": {"type": ["string", "null"], "title": "Đơn vị liên quan"},
    },
}


@pytest.fixture
def deployed(system, directory):
    with system.db.transaction() as session:
        for name, xml in (("ask_vp.bpmn", SPIFF), ("ask_vp_camunda.bpmn", CAMUNDA)):
            definitions.deploy(
                session=session,
                settings=system.settings,
                data=xml.encode(),
                filename=name,
                actor="analyst",
                forms={"start.schema.json": json.dumps(FORM).encode()},
            )


def count(system) -> int:
    with system.db.reading() as session:
        return session.scalar(select(func.count()).select_from(ProcessInstance))


def test_the_form_and_who_may_start_come_from_the_start_event(client, auth_headers, deployed):
    startable = client.get("/api/v1/process-definitions/startable", headers=auth_headers("sotc")).get_json()
    ours = {f["process_id"]: f for f in startable["items"] if f["process_id"].startswith("ask_vp")}
    assert ours["ask_vp"]["starter_groups"] == ["unit_staff", "unit_leader"]
    assert ours["ask_vp"]["schema"]["required"] == ["question"]
    assert ours["ask_vp_camunda"]["schema"]["required"] == ["question"]  # camunda:formKey, starter groups
    vp = client.get("/api/v1/process-definitions/startable", headers=auth_headers("monitor")).get_json()
    assert not [f for f in vp["items"] if f["process_id"].startswith("ask_vp")]


def test_starting_checks_the_role_and_the_form_then_passes_the_starter(
    client, auth_headers, system, deployed
):
    url = "/api/v1/process-definitions/key/ask_vp/start"
    before = count(system)
    forbidden = client.post(url, json={"question": "?"}, headers=auth_headers("monitor"))
    assert forbidden.status_code == 403 and forbidden.get_json()["details"]["roles"] == [
        "unit_staff",
        "unit_leader",
    ]
    invalid = client.post(url, json={"question": "", "extra": 1}, headers=auth_headers("sotc"))
    assert invalid.status_code == 422
    assert set(invalid.get_json()["details"]["fields"]) == {"question", "extra"}
    assert count(system) == before

    started = client.post(url, json={"question": "Hạn báo cáo quý?"}, headers=auth_headers("sotc"))
    assert started.status_code == 201
    instance = client.get(
        f"/api/v1/process-instances/{started.get_json()['id']}", headers=auth_headers("monitor")
    ).get_json()
    assert instance["status"] == "completed"
    assert instance["data"]["asked_by"] == "SO_TC: Hạn báo cáo quý?"
    assert instance["data"]["starter"]["username"] == "sotc"
    assert instance["data"]["flags"] == [False, None]  # fields left out: their default, else None
