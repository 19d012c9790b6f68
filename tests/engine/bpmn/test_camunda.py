"""Camunda Modeler diagrams (Camunda 7 and 8) run where their attributes map cleanly onto ours."""

from __future__ import annotations

import pytest
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask

from engine.bpmn import camunda
from engine.bpmn.lint import NS
from engine.bpmn.loader import build_specs, check, load_diagram, parse_xml

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
    assert len(check(xml, "d.bpmn").warnings) == 1  # said below


def test_unquoted_timers_and_juel_run_only_in_camunda_diagrams():
    assert check(diagram(CAMUNDA7, PLAIN_TASK), "d.bpmn").status == "valid"
    plain = check(diagram("", PLAIN_TASK), "d.bpmn")
    assert plain.status == "invalid"
    assert {p.element_id for p in plain.problems} == {"late", "f4"}  # the unquoted timer; the JUEL


def test_expressions_that_are_not_python_are_refused_naming_the_expression():
    verdict = check(diagram(CAMUNDA7, PLAIN_TASK, condition="${approved ? 'yes' : 'no'}"), "d.bpmn")
    assert [p.element_id for p in verdict.problems] == ["f4"]
    assert (
        "biểu thức JUEL của Camunda 7 `${approved ? 'yes' : 'no'}` không chuyển được"
        in verdict.problems[0].message
    )


@pytest.mark.parametrize(
    ("expression", "python"),
    [
        ("${approved == true}", "approved == True"),
        ("#{!approved && amount > 5}", "not approved and amount > 5"),
        ("${a || b}", "a or b"),
        ("${note != null}", "note != None"),
        ("${x != 3}", "x != 3"),
        ("${amount gt 5 and kind eq 'A'}", "amount > 5 and kind == 'A'"),
        (
            "${amount le 5 or amount ge 9 or amount lt 1 or amount ne 2}",
            "amount <= 5 or amount >= 9 or amount < 1 or amount != 2",
        ),
        ("${not empty comments}", "not not comments"),
        ("${reason == 'true && !false'}", "reason == 'true && !false'"),  # string literals stay as written
        ("= approved and rejected = false", None),  # FEEL's `=` comparison has no safe mapping
        ("${cond ? 1 : 2}", None),
        ("approved", None),  # not an expression of another language: left to the checks
    ],
)
def test_juel_and_feel_spellings_become_python(expression, python):
    assert camunda._python(expression) == python


def test_a_camunda_7_leave_request_with_juel_conditions_is_valid():
    xml = diagram(CAMUNDA7, PLAIN_TASK, condition="${approved == true &amp;&amp; !cancelled}")
    root, _ = parse_xml(xml, "d.bpmn")
    camunda.adapt(root)
    [condition] = root.iterfind(".//bpmn:conditionExpression", NS)
    assert condition.text == "approved == True and not cancelled"
    assert check(xml, "d.bpmn").status == "valid"


# Constructs Camunda runs that theodoi cannot: each refused with the alternative spelled out.
REFUSED = {
    "dmn": (
        CAMUNDA7,
        '<bpmn:businessRuleTask id="review" camunda:decisionRef="leave_rules">'
        "<bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:businessRuleTask>",
        'camunda:decisionRef "leave_rules" gọi một bảng quyết định DMN, theodoi không chạy DMN: hãy viết',
    ),
    "external": (
        CAMUNDA7,
        '<bpmn:serviceTask id="review" camunda:type="external" camunda:topic="mail">'
        "<bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:serviceTask>",
        'tác vụ ngoài (camunda:type="external", topic "mail") cần một worker bên ngoài mà theodoi không có:'
        " hãy dùng spiffworkflow:serviceTaskOperator",
    ),
    "zeebe_job": (
        ZEEBE,
        '<bpmn:serviceTask id="review"><bpmn:extensionElements><zeebe:taskDefinition type="mail"/>'
        "</bpmn:extensionElements><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>"
        "</bpmn:serviceTask>",
        'zeebe:taskDefinition type "mail" giao việc cho một job worker của Zeebe mà theodoi không có:'
        " hãy dùng spiffworkflow:serviceTaskOperator",
    ),
    "java": (
        CAMUNDA7,
        '<bpmn:serviceTask id="review" camunda:class="org.example.Mail">'
        "<bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:serviceTask>",
        'camunda:class "org.example.Mail" gọi mã Java, theodoi không chạy được: hãy dùng',
    ),
}


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_what_camunda_runs_and_theodoi_cannot_is_refused_with_the_alternative(kind):
    ns, task, message = REFUSED[kind]
    verdict = check(diagram(ns, task), "d.bpmn")
    assert verdict.status == "invalid"
    assert [(p.element_id, p.line) for p in verdict.problems] == [("review", 6)], verdict.problems
    assert message in verdict.problems[0].message  # SpiffWorkflow's "must have an operator" is left out


def test_a_quartz_cron_timer_is_refused_with_an_iso_cycle_to_write_instead():
    xml = diagram(CAMUNDA7, PLAIN_TASK).replace(
        b"<bpmn:timeDuration>P3D</bpmn:timeDuration>", b"<bpmn:timeCycle>0 0 9 * * ?</bpmn:timeCycle>"
    )
    [problem] = check(xml, "d.bpmn").problems
    assert problem.element_id == "late"
    assert problem.message.startswith('timeCycle "0 0 9 * * ?" là biểu thức cron Quartz của Camunda')
    assert '"R/2027-01-04T09:00:00+07:00/P1D"' in problem.message


def test_ignored_camunda_constructs_are_warnings_that_do_not_block():
    task = (
        '<bpmn:userTask id="review" camunda:assignee="demo" camunda:asyncBefore="true" '
        'camunda:formKey="embedded:app:forms/review.html"><bpmn:extensionElements>'
        '<camunda:formData><camunda:formField id="approved" type="boolean"/></camunda:formData>'
        '<camunda:taskListener event="create" class="org.example.Notify"/>'
        '<camunda:inputOutput><camunda:inputParameter name="x">1</camunda:inputParameter>'
        "</camunda:inputOutput>"
        "</bpmn:extensionElements><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>"
    )
    verdict = check(diagram(CAMUNDA7, task), "d.bpmn")
    assert verdict.status == "valid" and verdict.diagram.warnings == verdict.warnings
    assert {p.element_id for p in verdict.warnings} == {"review"}
    messages = sorted(p.message.split(" bị bỏ qua")[0] for p in verdict.warnings)
    assert messages == [
        "camunda:assignee",
        "camunda:asyncBefore",
        "camunda:formData",
        'camunda:formKey "embedded:app:forms/review.html"',
        "camunda:inputOutput",
        "camunda:taskListener",
    ]
    assert all(" bị bỏ qua: " in p.message for p in verdict.warnings)


def test_zeebe_linked_forms_and_external_scripts_are_warnings():
    task = (
        '<bpmn:userTask id="review"><bpmn:extensionElements><zeebe:formDefinition formId="leave-form"/>'
        '<zeebe:ioMapping><zeebe:input source="=x" target="y"/></zeebe:ioMapping>'
        "</bpmn:extensionElements><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>"
    )
    warnings = check(diagram(ZEEBE, task, condition="= approved"), "d.bpmn").warnings
    assert [p.message.split(":", 2)[1].split(" ")[0] for p in warnings] == ["formDefinition", "ioMapping"]
    assert (
        'zeebe:formDefinition "leave-form" bị bỏ qua: theodoi không đọc biểu mẫu của Camunda'
        in warnings[0].message
    )
    script = (
        '<bpmn:scriptTask id="review" scriptFormat="python" camunda:resource="deployment://check.py">'
        "<bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing><bpmn:script>x = 1</bpmn:script>"
        "</bpmn:scriptTask>"
    )
    [warning] = check(diagram(CAMUNDA7, script), "d.bpmn").warnings
    assert warning.message.startswith('script ngoài (camunda:resource "deployment://check.py") bị bỏ qua')


def test_a_camunda_attribute_that_our_property_overrides_is_a_warning():
    xml = diagram(
        CAMUNDA7,
        '<bpmn:userTask id="review" camunda:candidateGroups="someone_else"><bpmn:extensionElements>'
        '<spiffworkflow:properties><spiffworkflow:property name="candidateGroups" value="vp_specialist"/>'
        "</spiffworkflow:properties></bpmn:extensionElements>"
        "<bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>",
    )
    [warning] = check(xml, "d.bpmn").warnings
    assert (warning.element_id, warning.line) == ("review", 6)
    assert warning.message == (
        "giá trị candidateGroups của Camunda ('someone_else') bị bỏ qua: theodoi dùng thuộc tính"
        " spiffworkflow candidateGroups = 'vp_specialist' của phần tử này"
    )
