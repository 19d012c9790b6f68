"""run_for_upload: the scenarios of the uploaded processes run against the upload, in a scratch database
of a child process; the real database is never touched."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from engine.definitions.models import ProcessDefinition
from engine.scenarios.runner import run_for_upload
from tests.conftest import ROOT

INTAKE = (ROOT / "processes" / "intake.bpmn").read_bytes()


def test_the_shipped_intake_passes_its_scenarios_and_only_those_run(system):
    report = run_for_upload(settings=system.settings, data=INTAKE, filename="intake.bpmn")
    assert report.ok and len(report.results) >= 2
    assert {Path(r.file).name for r in report.results} == {"intake.yaml"}
    with system.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(ProcessDefinition)) == 0


def test_an_upload_with_a_renamed_group_fails_where_the_scenario_expects_the_old_one(system):
    changed = INTAKE.replace(b'value="vp_specialist"', b'value="vp_tonghop"')
    report = run_for_upload(settings=system.settings, data=changed, filename="intake.bpmn")
    assert not report.ok
    assert "nhóm mong đợi ['vp_specialist'], thực tế ['vp_tonghop']" in report.results[0].message


def test_an_upload_that_cannot_deploy_fails_every_scenario_of_its_process_saying_why(system):
    broken = INTAKE.replace(b'<bpmn:userTask id="classify"', b'<bpmn:userTask id="classify" bad="1"', 1)
    report = run_for_upload(settings=system.settings, data=broken + b"<", filename="intake.bpmn")
    assert not report.ok
    assert all(r.message.startswith("sơ đồ không triển khai được: intake.bpmn:") for r in report.results)
