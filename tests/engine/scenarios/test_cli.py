"""`theodoi test`: one line per scenario, a summary, exit 1 on any failure."""

from __future__ import annotations

from click.testing import CliRunner

from engine.cli import main
from tests.conftest import ROOT

FILE = """\
process: intake
scenarios:
  - name: Văn bản mới chờ phân loại
    steps:
      - register_document:
          as: cv.theodoi
          data: {number: "1/QĐ-UBND", doc_type: Quyết định, title: Thử, issued_on: "2025-01-24",
                 signer: Chủ tịch UBND tỉnh, tasks: [{content: Một nhiệm vụ, lead_unit: SO_TC}]}
      - expect: {user_tasks: [{task: classify, due: "%s"}]}
"""


def invoke(tmp_path, *files):
    env = {"THEODOI_DATA_DIR": str(tmp_path / "data"), "THEODOI_PROCESSES_DIR": str(ROOT / "processes")}
    return CliRunner().invoke(main, ["test", *map(str, files)], env=env, catch_exceptions=False)


def test_passing_and_failing_scenarios_each_get_a_line_and_the_exit_code_says_so(tmp_path):
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(FILE % "2025-02-05", encoding="utf-8")  # one task for one unit: T1 is 3 working days
    bad.write_text(FILE % "2025-02-04", encoding="utf-8")
    assert invoke(tmp_path, good).output == (
        f"✓ {good}: Văn bản mới chờ phân loại\n1/1 kịch bản đạt, 0 không đạt\n"
    )
    result = invoke(tmp_path, good, bad)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"✓ {good}: Văn bản mới chờ phân loại",
        f"✗ {bad}: Văn bản mới chờ phân loại: bước 2 (expect, dòng 9, lúc 2025-01-24 09:00): "
        "công việc classify (Phân loại nhiệm vụ, chuyển theo dõi): "
        "hạn mong đợi 2025-02-05 00:00, thực tế 2025-02-06 00:00",
        "1/2 kịch bản đạt, 1 không đạt",
    ]


def test_a_broken_file_lists_each_problem_on_its_own_line(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("process: intake\nscenarios:\n  - name: Thử\n    steps: [{wait: 1}, {expect: {}}]\n")
    result = invoke(tmp_path, broken)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"✗ {broken}: (tệp kịch bản): {broken}:4: scenarios/0/steps/0: khóa không được biết 'wait' "
        "(dùng được: register_document, start, start_scheduled, give_internal_task, complete, advance, "
        "deliver, expect)",
        f"    {broken}:4: scenarios/0/steps/1/expect: không được để trống",
        "0/1 kịch bản đạt, 1 không đạt",
    ]
