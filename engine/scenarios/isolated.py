"""Scenarios in a child process: they freeze and move the process-wide clock (and SpiffWorkflow's timer
seam with it), which must never happen inside a web server that is serving other requests meanwhile.

The parent sends (settings, upload) pickled on stdin; the child writes the report as JSON to the file
named on its command line."""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

from engine.config import Settings
from engine.scenarios import scratch
from engine.scenarios.runner import ScenarioReport, ScenarioResult, run_in_process, scenario_files

_ROOT = Path(__file__).resolve().parents[2]
# The name of the one result reported when the child itself could not run.
CHILD_FAILED = "(chạy kịch bản)"


def run(*, settings: Settings, upload: scratch.Upload) -> ScenarioReport:
    """The scenarios of the upload's processes, run against it in a child process."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(_ROOT), os.environ.get("PYTHONPATH")])),
    }
    with tempfile.TemporaryDirectory(prefix="theodoi-scenarios-") as folder:
        out = Path(folder) / "report.json"
        child = subprocess.run(
            [sys.executable, "-m", "engine.scenarios.isolated", str(out)],
            input=pickle.dumps((settings, upload)),
            capture_output=True,
            env=env,
            check=False,
        )
        if child.returncode != 0 or not out.exists():
            tail = child.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            why = "không chạy được các kịch bản kiểm thử: " + (
                " / ".join(tail) or f"mã thoát {child.returncode}"
            )
            return ScenarioReport([ScenarioResult("", CHILD_FAILED, False, why)])
        return ScenarioReport([ScenarioResult(**r) for r in json.loads(out.read_text(encoding="utf-8"))])


def main(out: str) -> None:
    settings, upload = pickle.load(sys.stdin.buffer)
    report = run_in_process(settings=settings, paths=scenario_files(settings), upload=upload)
    Path(out).write_text(json.dumps([dataclasses.asdict(r) for r in report.results], ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
