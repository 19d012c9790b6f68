"""Validation that means "it will run": every problem in one run, operators against the registry,
warnings for what the engine ignores, form files checked for what they are."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import operators
from engine.bpmn.form_check import form_problems
from engine.bpmn.loader import check

FIXTURES = Path(__file__).parent / "fixtures"

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="http://x">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
{body}
  </bpmn:process>
</bpmn:definitions>
"""


def test_six_different_faults_are_listed_at_once():
    verdict = check((FIXTURES / "five_faults.bpmn").read_bytes(), "five_faults.bpmn")
    found = {p.element_id: (p.line, p.message) for p in verdict.problems}
    assert sorted(found) == ["compute", "f6", "f7", "fetch", "late", "split"], verdict.problems
    assert found["compute"] == (8, "script: syntax error: invalid syntax")  # the script's own line
    assert found["f7"][1] == "sequenceFlow f7: targetRef 'archive' không trỏ tới phần tử nào của tệp này"
    assert found["late"][1].startswith('timeDuration "P1Q" không phải một khoảng thời gian ISO 8601')
    assert found["fetch"] == (12, "thao tác 'http/GetRequestV2' chưa được đăng ký trong theodoi")
    assert "`${approved ? 'yes' : 'no'}` không chuyển được sang Python" in found["f6"][1]
    assert found["split"] == (
        22,
        "SpiffWorkflow không đọc được sơ đồ: Multiple outgoing flows are not supported for tasks of type.",
    )
    assert verdict.status == "invalid" and len(verdict.problems) == 6


def two_way_task(task_id: str, incoming: str, a: str, b: str) -> str:
    return (
        f'<bpmn:task id="{task_id}"><bpmn:incoming>{incoming}</bpmn:incoming>'
        f"<bpmn:outgoing>{a}</bpmn:outgoing><bpmn:outgoing>{b}</bpmn:outgoing></bpmn:task>"
    )


def flow(flow_id: str, source: str, target: str) -> str:
    return f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}"/>'


def test_spiffworkflow_problems_come_per_element_not_one_per_run():
    body = "".join(
        [
            two_way_task("first", "f1", "f2", "f3"),
            two_way_task("second", "f2", "f4", "f5"),
            '<bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming><bpmn:incoming>f4</bpmn:incoming>'
            "<bpmn:incoming>f5</bpmn:incoming></bpmn:endEvent>",
            flow("f1", "start", "first"),
            flow("f2", "first", "second"),
            flow("f3", "first", "end"),
            flow("f4", "second", "end"),
            flow("f5", "second", "end"),
        ]
    )
    verdict = check(HEAD.format(body=body).encode(), "d.bpmn")
    assert [p.element_id for p in verdict.problems] == ["first", "second"]
    assert all("Multiple outgoing flows" in p.message for p in verdict.problems)


def service(parameters: dict[str, str], operator: str = "notify") -> bytes:
    params = "".join(
        f'<spiffworkflow:parameter id="{name}" type="any" value="{value}"/>'
        for name, value in parameters.items()
    )
    body = (
        '<bpmn:serviceTask id="call"><bpmn:extensionElements>'
        f'<spiffworkflow:serviceTaskOperator id="{operator}" resultVariable="r">'
        f"<spiffworkflow:parameters>{params}</spiffworkflow:parameters></spiffworkflow:serviceTaskOperator>"
        "</bpmn:extensionElements><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>"
        '</bpmn:serviceTask><bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>'
        + flow("f1", "start", "call")
        + flow("f2", "call", "end")
    )
    return HEAD.format(body=body).encode()


def messages(xml: bytes) -> list[str]:
    return [p.message for p in check(xml, "d.bpmn").problems]


# Messages name an operator as the analyst knows it: its name in the diagram, then what it does.
NOTIFY = "'notify' (Gửi thông báo cho một nhóm người dùng)"
NOTIFY_UNIT = "'notify_unit' (Gửi thông báo cho lãnh đạo và cán bộ đầu mối của đơn vị)"


def test_service_task_operators_and_their_parameters_are_checked_against_the_registry():
    # notify(ctx, *, group, kind, message, unit=None), registered by engine.notifications.
    assert messages(service({"group": "'vp'", "kind": "'x'", "message": "'m'", "unit": "'SO_TC'"})) == []
    assert messages(service({"group": "'vp'", "kind": "'x'", "message": "'m'", "urgent": "True"})) == [
        f"thao tác {NOTIFY} không nhận tham số 'urgent' (thao tác nhận: group, kind, message, unit)"
    ]
    assert messages(service({"group": "'vp'"})) == [
        f"thao tác {NOTIFY} thiếu tham số bắt buộc: kind, message"
    ]
    assert messages(service({}, operator="notfy")) == [
        f"thao tác 'notfy' chưa được đăng ký trong theodoi; có phải là {NOTIFY}, {NOTIFY_UNIT}?"
    ]


def test_an_operator_taking_any_parameter_accepts_every_name(monkeypatch):
    def flexible(ctx, **params):
        return params

    monkeypatch.setitem(operators.OPERATORS, "test_flexible", flexible)
    assert messages(service({"anything": "1"}, operator="test_flexible")) == []


LOOP = (
    """<bpmn:userTask id="report"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
  <bpmn:multiInstanceLoopCharacteristics>
    <bpmn:loopDataInputRef>reporting_units</bpmn:loopDataInputRef>
    <bpmn:inputDataItem id="unit" />
  </bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>
<bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
"""
    + flow("f1", "start", "report")
    + flow("f2", "report", "end")
)


def test_a_loop_collection_that_names_no_element_is_explained_as_a_warning():
    verdict = check(HEAD.format(body=LOOP).encode(), "d.bpmn")
    assert verdict.status == "valid"
    [warning] = verdict.warnings
    assert (warning.element_id, warning.line) == ("report", 8)
    assert warning.message == (
        "loopDataInputRef 'reporting_units' không trỏ tới phần tử nào của sơ đồ: theodoi đọc nó là biến"
        " 'reporting_units' trong dữ liệu của bước, nhưng bpmn.io và Camunda Modeler sẽ xóa tham chiếu này"
        " khi lưu sơ đồ; khai báo một bpmn:dataObject có id 'reporting_units' trong quy trình để giữ nó"
    )
    declared = LOOP + '<bpmn:dataObject id="reporting_units" />'
    assert check(HEAD.format(body=declared).encode(), "d.bpmn").warnings == []


def test_a_ui_schema_is_checked_as_a_ui_schema():
    ui = (
        '{"ui:order": ["title", "type"], "title": {"ui:autofocus": true}, "type": {"ui:widget": "radio"},'
        ' "required": {"ui:help": "Bắt buộc"}, "items": {"name": {"ui:widget": "textarea"}}}'.encode()
    )
    assert form_problems("review.uischema.json", ui, ui=True)[1] == []
    # Read as a JSON Schema, its `title` and `type` fields are keywords with wrong values.
    assert form_problems("review.uischema.json", ui, ui=False)[1]
    assert form_problems("x.uischema.json", b"[]", ui=True)[1] == [
        "UI schema x.uischema.json: gốc phải là một đối tượng JSON (tên trường → tùy chọn ui:*), không phải"
        " một danh sách"
    ]
    assert form_problems("x.uischema.json", b'{"ui:order": "a", "note": "textarea"}', ui=True)[1] == [
        "UI schema x.uischema.json: ui:order phải là một danh sách tên trường",
        "UI schema x.uischema.json: note phải là một đối tượng JSON (tên trường → tùy chọn ui:*), không phải"
        " một chuỗi",
    ]


@pytest.mark.parametrize("ui", [True, False])
def test_a_form_that_is_not_json_is_refused_either_way(ui):
    _, problems = form_problems("x.json", b"{nope", ui=ui)
    assert problems and problems[0].startswith("biểu mẫu x.json không phải JSON hợp lệ: ")


def test_a_json_schema_is_checked_as_a_json_schema():
    assert form_problems("x.schema.json", b'{"type": "object"}', ui=False) == ({"type": "object"}, [])
    _, problems = form_problems("x.schema.json", b'{"type": 12}', ui=False)
    assert problems[0].startswith("biểu mẫu x.schema.json không phải JSON Schema hợp lệ: ")
