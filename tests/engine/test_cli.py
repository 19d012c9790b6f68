"""The `theodoi` command as an operator uses it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine import clock as clock_module
from engine.cli import main
from engine.config import load_settings
from engine.directory.models import Unit
from engine.documents import service as document_service
from engine.system import build
from tests.conftest import ROOT, UNITS, two_task_document

THEODOI = str(Path(sys.executable).parent / "theodoi")
CORPUS = sorted((ROOT.parent / "shared" / "corpus" / "miwg-reference").glob("*.bpmn"))


@pytest.fixture
def env(tmp_path):
    return {"THEODOI_DATA_DIR": str(tmp_path / "data"), "THEODOI_SECRET_KEY": "test"}


@pytest.fixture
def run(env):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), env=env, catch_exceptions=False)

    return invoke


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["add", "2025-01-24", "3"], "2025-02-05"),
        (["add", "2025-04-24", "3"], "2025-04-28"),
        (["add", "2025-12-31", "1"], "2026-01-05"),  # 2/1/2026 is off by the seeded override
        (["due", "2025-04-30"], "2025-05-05"),
    ],
)
def test_workdays_through_the_installed_command(env, args, expected):
    done = subprocess.run(
        [THEODOI, "workdays", *args], env={**env, "PATH": ""}, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == expected


def test_workdays_overrides_change_the_arithmetic(run):
    assert run("workdays", "add", "2025-03-06", "1").output.strip() == "2025-03-07"
    assert run("workdays", "set", "2025-03-07", "--off", "--note", "Nghỉ bù").exit_code == 0
    assert run("workdays", "add", "2025-03-06", "1").output.strip() == "2025-03-10"
    assert "2025-03-07" in run("workdays", "list", "--year", "2025").output
    assert run("workdays", "unset", "2025-03-07").exit_code == 0
    assert run("workdays", "add", "2025-03-06", "1").output.strip() == "2025-03-07"
    assert run("workdays", "add", "24/01/2025", "1").exit_code == 2


def test_validate_the_miwg_corpus_without_a_traceback(run):
    assert len(CORPUS) == 21, "the MIWG corpus is expected in ../shared/corpus/miwg-reference"
    result = run("validate", *map(str, CORPUS))
    assert "Traceback" not in result.output
    assert result.exit_code == 1  # most reference models are descriptive, not executable
    for path in CORPUS:
        assert str(path) in result.output


def test_validate_our_processes_is_clean(run):
    result = run("validate", *map(str, sorted((ROOT / "processes").glob("*.bpmn"))))
    assert result.exit_code == 0, result.output


def test_validate_prints_warnings_and_exits_0_when_there_are_only_warnings(run, tmp_path):
    leave = ROOT / "tests" / "engine" / "bpmn" / "fixtures" / "leave_request.bpmn"
    result = run("validate", str(leave))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (
        f"warning: {leave}:8: approve: camunda:assignee bị bỏ qua: theodoi giao bước cho nhóm"
        " (candidateGroups); cán bộ trong nhóm tự nhận việc"
    )
    assert lines[-1] == f"{leave}: hợp lệ: quy trình chạy được leave_request, 1 cảnh báo"
    broken = tmp_path / "broken.bpmn"
    broken.write_bytes(leave.read_bytes().replace(b"approved == true", b"approved ? 1 : 2"))
    result = run("validate", str(broken))
    assert result.exit_code == 1
    problem, warning, verdict = result.output.splitlines()
    assert problem.startswith(f"{broken}:19: to_approved: điều kiện: syntax error: invalid syntax (biểu thức")
    assert warning.startswith(f"warning: {broken}:8: approve: camunda:assignee bị bỏ qua")
    assert verdict == f"{broken}: không hợp lệ: 1 lỗi, 1 cảnh báo"


def test_deploy_twice_keeps_the_version_and_starts_the_scheduled_processes_once(run):
    first = run("deploy")
    assert first.exit_code == 0 and "intake v1: new version" in first.output
    # periodic_report, regulation_report (P10), secret_report_reminder
    assert first.output.count("started scheduled instance") == 3
    second = run("deploy").output
    assert "intake v1: unchanged" in second and "started scheduled instance" not in second


def test_tick_fires_the_t1_escalation_once(run, env, monkeypatch):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    run("deploy")
    system = build(load_settings())
    with clock_module.frozen(clock_module.SystemClock().now().replace(year=2025, month=1, day=24, hour=2)):
        with system.db.transaction() as session:
            session.add_all(Unit(code=c, name=n, unit_type=t) for c, n, t in UNITS)
            session.flush()
            document_service.register_document(
                session=session, engine=system.engine, payload=two_task_document(), actor="cv"
            )
    system.db.dispose()
    assert "fired 0 timer step(s)" in run("tick", "--now", "2025-02-07T23:59:00+07:00").output
    assert "fired 1 timer step(s)" in run("tick", "--now", "2025-02-09T00:00:00+07:00").output
    assert "fired 0 timer step(s)" in run("tick", "--now", "2025-02-09T00:00:00+07:00").output
    assert run("tick", "--now", "2025-02-09T00:00:00").exit_code == 2  # no time zone: refused, not guessed


def test_users_add_and_token(run):
    run("migrate-db")
    assert (
        run("users", "add", "x", "--name", "X", "--role", "nobody", "--password", "12345678").exit_code == 1
    )
    assert (
        run("users", "add", "x", "--name", "Xuân", "--role", "monitor", "--password", "12345678").exit_code
        == 1  # too short: the password policy wants 12 characters
    )
    strong = "Sáng-mai-đi-làm"
    added = run("users", "add", "xuan.le", "--name", "Xuân", "--role", "monitor", "--password", strong)
    assert added.exit_code == 0
    token = run("users", "token", "xuan.le").output.strip()
    assert token.startswith("td_")


def test_serve_refuses_to_start_on_a_broken_process_directory(run, env, tmp_path, monkeypatch):
    broken = tmp_path / "processes"
    broken.mkdir()
    (broken / "bad.bpmn").write_text("<definitions>not bpmn</definitions>")
    monkeypatch.setitem(env, "THEODOI_PROCESSES_DIR", str(broken))
    result = CliRunner().invoke(main, ["serve", "--port", "0"], env=env)
    assert result.exit_code == 1
    assert "bad.bpmn:1: -: không phải tệp BPMN 2.0" in result.output and "refusing to start" in result.output
