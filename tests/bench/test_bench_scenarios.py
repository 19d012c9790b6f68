"""run_for_upload for intake: the wait an analyst has before a new intake version is deployed.

Most of it is building the scratch system (migrations, the seven diagrams, the directory's users with
their password hashes); the scenarios themselves are a small part. Prints; asserts only correctness."""

from __future__ import annotations

import time

from engine.scenarios.runner import run_for_upload
from tests.bench.conftest import report
from tests.conftest import ROOT


def test_bench_run_for_upload_of_intake(system):
    data = (ROOT / "processes" / "intake.bpmn").read_bytes()
    started = time.perf_counter()
    result = run_for_upload(settings=system.settings, data=data, filename="intake.bpmn")
    elapsed = time.perf_counter() - started
    assert result.ok and result.results
    report(
        "run_for_upload(intake.bpmn)",
        [("scenarios", str(len(result.results))), ("wall time", f"{elapsed:.1f} s (child process included)")],
    )
