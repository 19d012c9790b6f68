"""validate_upload and deploy: diagram and form problems in one report, warnings beside them, and a
Camunda 7 diagram whose JUEL conditions are converted deploys and runs to its end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.definitions import service as definitions
from engine.errors import InvalidDiagramError
from engine.instances import service as instances
from engine.instances.models import InstanceEvent, ProcessInstance
from engine.usertasks.models import UserTaskRow
from tests.conftest import complete_task

LEAVE = (Path(__file__).parents[1] / "bpmn" / "fixtures" / "leave_request.bpmn").read_bytes()
APPROVE_FORM = json.dumps(
    {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": ["approved"],
        "properties": {"approved": {"type": "boolean"}, "reason": {"type": "string"}},
    }
).encode()
# A UI schema whose fields are named like JSON Schema keywords: fine as a UI schema.
UI_FORM = json.dumps({"ui:order": ["title", "type"], "title": {"ui:autofocus": True}, "type": {}}).encode()


def report(system, data: bytes, forms: dict[str, bytes] | None):
    with system.db.transaction() as session:
        return definitions.validate_upload(
            session=session, settings=system.settings, data=data, filename="leave_request.bpmn", forms=forms
        )


@pytest.mark.parametrize(("approved", "end"), [(True, "approved"), (False, "rejected")])
def test_a_camunda_7_leave_request_deploys_and_runs_to_its_end(system, directory, approved, end):
    with system.db.transaction() as session:
        [deployed] = definitions.deploy(
            session=session,
            settings=system.settings,
            data=LEAVE,
            filename="leave_request.bpmn",
            actor="analyst",
            forms={"approve.schema.json": APPROVE_FORM},
        )
        instance = instances.start(
            session=session, engine=system.engine, process_id="leave_request", data={}, actor="analyst"
        )
        instance_id = instance.id
        [task] = session.scalars(select(UserTaskRow).where(UserTaskRow.instance_id == instance_id))
        assert task.candidate_groups == ["vp_leadership"] and task.form == "approve.schema.json"
    complete_task(system, task.id, directory["ldvp"], {"approved": approved, "reason": "Đủ ngày phép"})
    with system.db.reading() as session:
        instance = session.get(ProcessInstance, instance_id)
        assert instance.status == "completed", instance.error
        reached = set(
            session.scalars(select(InstanceEvent.bpmn_id).where(InstanceEvent.instance_id == instance_id))
        )
    assert end in reached and ({"approved", "rejected"} - {end}).isdisjoint(reached)


def test_the_report_carries_the_warnings_of_a_valid_upload(system, directory):
    checked = report(system, LEAVE, {"approve.schema.json": APPROVE_FORM})
    assert checked.ok and checked.process_ids == ["leave_request"]
    assert [(w.element_id, w.line) for w in checked.warnings] == [("approve", 8)]
    assert "camunda:assignee bị bỏ qua" in checked.warnings[0].message


def test_diagram_and_form_problems_come_in_one_report_and_deploy_refuses_them_all(system, directory):
    # A fault SpiffWorkflow can parse past: the user task's forms can still be named, and checked.
    broken = LEAVE.replace(b"${approved == true}", b"${approved ? 1 : 2}")
    forms = {"approve.schema.json": b'{"type": 12}'}
    checked = report(system, broken, forms)
    assert not checked.ok and checked.process_ids == []
    found = {(p.element_id, p.line): p.message for p in checked.problems}
    assert sorted(found) == [("approve", 8), ("to_approved", 19)], checked.problems
    assert found[("approve", 8)].startswith("biểu mẫu approve.schema.json không phải JSON Schema hợp lệ: ")
    assert "`${approved ? 1 : 2}` không chuyển được sang Python" in found[("to_approved", 19)]
    assert len(checked.warnings) == 1
    with pytest.raises(InvalidDiagramError) as caught:
        with system.db.transaction() as session:
            definitions.deploy(
                session=session,
                settings=system.settings,
                data=broken,
                filename="leave_request.bpmn",
                actor="analyst",
                forms=forms,
            )
    assert caught.value.problems == checked.problems


def test_a_ui_schema_is_checked_as_one_at_deploy(system, directory):
    with_ui = LEAVE.replace(
        b'camunda:formKey="embedded:deployment:approve.schema.json">',
        b'camunda:formKey="embedded:deployment:approve.schema.json"><bpmn:extensionElements>'
        b'<spiffworkflow:properties xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core">'
        b'<spiffworkflow:property name="formUiSchemaFilename" value="approve.uischema.json"/>'
        b"</spiffworkflow:properties></bpmn:extensionElements>",
    )
    forms = {"approve.schema.json": APPROVE_FORM, "approve.uischema.json": UI_FORM}
    assert report(system, with_ui, forms).ok
    checked = report(system, with_ui, {**forms, "approve.uischema.json": '{"title": "Tiêu đề"}'.encode()})
    assert [p.message for p in checked.problems] == [
        "UI schema approve.uischema.json: title phải là một đối tượng JSON (tên trường → tùy chọn ui:*),"
        " không phải một chuỗi"
    ]
