"""Every shipped diagram has scenarios in processes/tests/, and they all pass against processes/."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.config import load_settings
from engine.scenarios.runner import run_files, scenario_files
from tests.conftest import ROOT

DIAGRAMS = sorted(p.stem for p in (ROOT / "processes").glob("*.bpmn"))


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    settings = load_settings(
        env={}, data_dir=tmp_path_factory.mktemp("data"), processes_dir=ROOT / "processes"
    )
    return run_files(settings=settings, paths=scenario_files(settings))


def test_every_diagram_has_a_scenario_file():
    assert [
        p.stem for p in scenario_files(load_settings(env={}, processes_dir=ROOT / "processes"))
    ] == DIAGRAMS


@pytest.mark.parametrize("process_id", DIAGRAMS)
def test_the_scenarios_of_each_diagram_pass(report, process_id):
    mine = [r for r in report.results if Path(r.file).stem == process_id]
    assert len(mine) >= 2, f"{process_id}: a happy path and a deadline path at least"
    assert [(r.name, r.message) for r in mine if not r.passed] == []
