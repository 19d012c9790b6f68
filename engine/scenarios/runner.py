"""Run scenario files: on processes/ as it is on disk (`theodoi test`), or against an upload before it is
deployed (the analyst pages), each time in a scratch database that is thrown away afterwards."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from engine import clock
from engine.config import Settings
from engine.errors import EngineError, InvalidDiagramError
from engine.scenarios import expectations, scratch
from engine.scenarios.files import Scenario, ScenarioFileError, load_file
from engine.scenarios.steps import Run, StepFailed, engine_failure, perform

# The name a result carries when its whole file could not be read.
FILE_PROBLEM = "(tệp kịch bản)"


@dataclass(frozen=True)
class ScenarioResult:
    file: str  # e.g. "processes/tests/intake.yaml"
    name: str  # the scenario's name, as the analyst wrote it
    passed: bool
    message: str  # empty when passed; else what was expected, what happened, at which step (Vietnamese)


@dataclass(frozen=True)
class ScenarioReport:
    results: list[ScenarioResult]

    @property
    def ok(self) -> bool:
        """Every scenario passed (also when there was none)."""
        return all(r.passed for r in self.results)


def run_for_upload(
    *, settings: Settings, data: bytes, filename: str, forms: dict[str, bytes] | None = None
) -> ScenarioReport:
    """Run the scenarios of the processes this upload defines against the upload (not the deployed version),
    in a scratch database, without touching the real one.

    The scenarios move the process-wide clock, so they run in a child process of their own: a web server
    calling this keeps its own time for its other requests."""
    from engine.scenarios import isolated

    return isolated.run(settings=settings, upload=scratch.Upload(data, filename, forms))


def run_files(*, settings: Settings, paths: list[Path]) -> ScenarioReport:
    """Run scenario files against processes/ as it is on disk (what `theodoi test` does)."""
    return run_in_process(settings=settings, paths=paths, upload=None)


def scenario_files(settings: Settings) -> list[Path]:
    """The scenario files kept beside the diagrams: processes/tests/*.yaml."""
    return sorted((Path(settings.processes_dir) / "tests").glob("*.yaml"))


def run_in_process(*, settings: Settings, paths: list[Path], upload: scratch.Upload | None) -> ScenarioReport:
    """Read `paths`, then run their scenarios (with an upload: those of the processes it defines) here."""
    results: list[ScenarioResult] = []
    scenarios: list[Scenario] = []
    for path in paths:
        try:
            scenarios += load_file(path, display=_display(path), timezone=settings.timezone)
        except ScenarioFileError as exc:
            results.append(ScenarioResult(exc.file, FILE_PROBLEM, False, "\n".join(exc.problems)))
    groups: dict[str, list[Scenario]] = {}
    for scenario in scenarios:
        groups.setdefault(json.dumps(scenario.directory, sort_keys=True), []).append(scenario)
    for group in groups.values():
        results += _run_group(settings, group, upload)
    order = {str(_display(p)): n for n, p in enumerate(paths)}
    return ScenarioReport(sorted(results, key=lambda r: order.get(r.file, len(order))))


def _run_group(
    settings: Settings, group: list[Scenario], upload: scratch.Upload | None
) -> list[ScenarioResult]:
    earliest = min(s.clock for s in group)
    try:
        with (
            clock.frozen(earliest),
            scratch.template(
                settings, directory=group[0].directory, today=earliest.date(), upload=upload
            ) as base,
        ):
            if upload is not None:
                group = [s for s in group if s.process in base.process_ids]
            return [_run_one(base, scenario, n) for n, scenario in enumerate(group)]
    except InvalidDiagramError as exc:
        why = "sơ đồ không triển khai được: " + "; ".join(str(p) for p in exc.problems)
        return [ScenarioResult(s.file, s.name, False, why) for s in group]
    except EngineError as exc:  # a directory the scratch database refuses
        return [
            ScenarioResult(s.file, s.name, False, f"danh mục không nạp được: {exc.message}") for s in group
        ]


def _run_one(base: scratch.Template, scenario: Scenario, n: int) -> ScenarioResult:
    with clock.frozen(scenario.clock) as frozen, base.copy(f"scenario-{n}") as system:
        run = Run(system=system, scenario=scenario, clock=frozen, known_tasks=base.user_tasks)
        for step in scenario.steps:
            try:
                if step.kind == "expect":
                    expectations.check(run, step.args)
                else:
                    perform(run, step)
            except StepFailed as exc:
                why = str(exc)
            except EngineError as exc:
                why = engine_failure(exc)
            except Exception as exc:  # noqa: BLE001 - one scenario's crash is its own failure, not the run's
                why = f"lỗi không lường trước: {type(exc).__name__}: {exc}"
            else:
                continue
            where = f"bước {step.number} ({step.kind}, dòng {step.line}, lúc {run.shown(frozen.now())})"
            return ScenarioResult(scenario.file, scenario.name, False, f"{where}: {why}")
    return ScenarioResult(scenario.file, scenario.name, True, "")


def _display(path: Path) -> str:
    """The file as the analyst names it: relative to the working directory when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
