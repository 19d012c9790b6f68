"""Camunda Modeler diagrams (Camunda 7 and 8) run where their attributes map cleanly onto ours."""

from __future__ import annotations

from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask

from engine.bpmn.loader import build_specs, check, load_diagram

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" {ns}
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="http://x">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    {task}
    <bpmn:exclusiveGateway id="gw" default="f3"><bpmn:incoming>f2</bpmn:incoming>
      <bpmn:outgoing>f3</bpmn:outgoing><bpmn:outgoing>f4</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
    <bpmn:boundaryEvent id="late" attachedToRef="review" cancelActivity="false">
      <bpmn:timerEventDefinition><bpmn:timeDuration>P3D</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="gw"/>
    <bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="end"/>
    <bpmn:sequenceFlow id="f4" sourceRef="gw" targetRef="end">
      <bpmn:conditionExpression>{condition}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
  </bpmn:process>
</bpmn:definitions>
"""
PLAIN_TASK = (
    '<bpmn:userTask id="review"><bpmn:incoming>f1</bpmn:incoming>'
    "<bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>"
)
CAMUNDA7 = 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"'
ZEEBE = 'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"'


def diagram(ns: str, task: str, condition: str = "${approved}") -> bytes:
    return HEAD.format(ns=ns, task=task, condition=condition).encode()


def review_properties(xml: bytes) -> dict:
    spec, _ = build_specs([("d.bpmn", xml)], "p")
    [task] = [t for t in spec.task_specs.values() if isinstance(t, UserTask)]
    return task.extensions.get("properties", {})


def test_camunda_7_user_task_attributes_become_our_properties():
    xml = diagram(
        CAMUNDA7,
        '<bpmn:userTask id="review" name="Duyệt" camunda:candidateGroups="vp_specialist,vp_leadership" '
        'camunda:formKey="embedded:deployment:forms/review.json" camunda:dueDate="${review_due}">'
        "<bpmn:documentation>Xem xét</bpmn:documentation>"
        "<bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>",
    )
    assert load_diagram(xml, "d.bpmn").process_ids == ["p"]  # the XSD accepts the added extensionElements
    assert review_properties(xml) == {
        "candidateGroups": "vp_specialist,vp_leadership",
        "formJsonSchemaFilename": "review.json",
        "dueDate": "review_due",
    }


def test_camunda_8_assignment_form_and_schedule():
    xml = diagram(
        ZEEBE,
        '<bpmn:userTask id="review" name="Duyệt"><bpmn:extensionElements>'
        '<zeebe:assignmentDefinition candidateGroups="=[&quot;vp_specialist&quot;]"/>'
        '<zeebe:formDefinition formKey="review.json"/>'
        '<zeebe:taskSchedule dueDate="2026-01-05T08:00:00+07:00"/>'
        "</bpmn:extensionElements><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>",
        condition="= approved",
    )
    assert review_properties(xml) == {
        "candidateGroups": "vp_specialist",
        "formJsonSchemaFilename": "review.json",
        "dueDate": "'2026-01-05T08:00:00+07:00'",
    }


def test_our_own_properties_win_over_camunda_attributes():
    xml = diagram(
        CAMUNDA7,
        '<bpmn:userTask id="review" camunda:candidateGroups="someone_else"><bpmn:extensionElements>'
        '<spiffworkflow:properties><spiffworkflow:property name="candidateGroups" value="vp_specialist"/>'
        "</spiffworkflow:properties></bpmn:extensionElements>"
        "<bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>",
    )
    assert review_properties(xml)["candidateGroups"] == "vp_specialist"


def test_unquoted_timers_and_juel_run_only_in_camunda_diagrams():
    assert check(diagram(CAMUNDA7, PLAIN_TASK), "d.bpmn").status == "valid"
    plain = check(diagram("", PLAIN_TASK), "d.bpmn")
    assert plain.status == "invalid"
    assert {p.element_id for p in plain.problems} == {"late", "f4"}  # 'write "P3D" with quotes'; JUEL


def test_expressions_that_are_not_python_are_left_for_the_checks_to_report():
    verdict = check(diagram(CAMUNDA7, PLAIN_TASK, condition="${!approved &amp;&amp; amount > 5}"), "d.bpmn")
    assert [p.element_id for p in verdict.problems] == ["f4"]
    assert "JUEL" in verdict.problems[0].message
