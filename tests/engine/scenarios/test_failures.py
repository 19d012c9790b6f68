"""What an analyst sees when a scenario fails or a scenario file is wrong: the step, the line, what was
expected and what happened, in Vietnamese."""

from __future__ import annotations

import shutil

import pytest

from engine.config import load_settings
from engine.scenarios.runner import FILE_PROBLEM, run_files
from tests.conftest import ROOT

REGISTER = """\
      - register_document:
          as: cv.theodoi
          data:
            number: "12/QĐ-UBND"
            doc_type: Quyết định
            title: Về việc giao nhiệm vụ
            issued_on: "2025-01-24"
            signer: Chủ tịch UBND tỉnh
            tasks: [{content: Một nhiệm vụ, lead_unit: SO_TC}]
"""


@pytest.fixture
def settings(tmp_path):
    return load_settings(env={}, data_dir=tmp_path / "data", processes_dir=ROOT / "processes")


def run(settings, tmp_path, text: str):
    path = tmp_path / "intake.yaml"
    path.write_text(text, encoding="utf-8")
    return run_files(settings=settings, paths=[path]).results


def scenario(*steps: str) -> str:
    return "process: intake\nscenarios:\n  - name: Thử\n    steps:\n" + "".join(steps)


def test_a_renamed_candidate_group_fails_the_scenario_naming_step_line_and_both_groups(tmp_path):
    processes = tmp_path / "processes"
    shutil.copytree(ROOT / "processes", processes)
    intake = processes / "intake.bpmn"
    text = intake.read_text(encoding="utf-8")
    assert text.count('value="vp_specialist"') == 1
    intake.write_text(text.replace('value="vp_specialist"', 'value="vp_tonghop"'), encoding="utf-8")
    settings = load_settings(env={}, data_dir=tmp_path / "data", processes_dir=processes)

    [first, second] = run_files(settings=settings, paths=[processes / "tests" / "intake.yaml"]).results
    assert not first.passed and first.name.startswith("Phân loại trong hạn T1")
    assert first.message.startswith("bước 2 (expect, dòng 20, lúc 2025-01-24 09:00): ")
    assert "classify (Phân loại nhiệm vụ, chuyển theo dõi): nhóm mong đợi ['vp_specialist']" in first.message
    assert "thực tế ['vp_tonghop']" in first.message
    # The new-document notice goes to the task's group too: the escalation scenario sees it there.
    assert "notifications dòng 1: group mong đợi 'vp_specialist', thực tế 'vp_tonghop'" in second.message


def test_a_wrong_due_date_names_both_dates(settings, tmp_path):
    [result] = run(
        settings,
        tmp_path,
        scenario(REGISTER, "      - expect:\n          user_tasks: [{task: classify, due: '2025-02-06'}]\n"),
    )
    assert result.message == (
        "bước 2 (expect, dòng 14, lúc 2025-01-24 09:00): "
        "công việc classify (Phân loại nhiệm vụ, chuyển theo dõi): "
        "hạn mong đợi 2025-02-07 00:00, thực tế 2025-02-06 00:00"
    )


def test_a_user_task_not_in_the_users_inbox_lists_what_is(settings, tmp_path):
    [result] = run(
        settings, tmp_path, scenario(REGISTER, "      - complete: {task: classify, as: sotc.daumoi}\n")
    )
    assert result.message == (
        "bước 2 (complete, dòng 14, lúc 2025-01-24 09:00): "
        "'classify' không có trong hộp việc của sotc.daumoi "
        "(Đỗ Thị Tài Chính); hộp việc có: không có việc nào"
    )


def test_an_unknown_user_task_and_an_unknown_user_are_named(settings, tmp_path):
    [task] = run(
        settings, tmp_path, scenario(REGISTER, "      - complete: {task: phan_loai, as: cv.theodoi}\n")
    )
    assert task.message.endswith(
        "không có công việc người dùng nào mã hoặc tên 'phan_loai' trong các sơ đồ đã triển khai"
    )
    assert "dòng 14" in task.message
    [user] = run(settings, tmp_path, scenario(REGISTER, "      - complete: {task: classify, as: khong_co}\n"))
    assert user.message.endswith("không có người dùng 'khong_co' trong danh mục của kịch bản")


def test_bad_form_data_is_the_engines_own_message_with_the_fields(settings, tmp_path):
    step = "      - complete: {task: classify, as: cv.theodoi, data: {tasks: []}}\n"
    [result] = run(settings, tmp_path, scenario(REGISTER, step))
    assert result.message.startswith(
        "bước 2 (complete, dòng 14, lúc 2025-01-24 09:00): Dữ liệu biểu mẫu không hợp lệ"
    )
    assert "tracking_room" in result.message and "tasks" in result.message


def test_unknown_keys_and_bad_values_are_all_reported_with_their_lines(settings, tmp_path):
    text = scenario(
        "      - complete: {task: classify, as: cv.theodoi, dữ_liệu: {}}\n",
        "      - advance: {to: ngày mai}\n",
        "      - expect: {status: xong}\n",
        "      - wait: 3\n",
    )
    [result] = run(settings, tmp_path, text)
    assert (result.name, result.passed) == (FILE_PROBLEM, False)
    lines = result.message.splitlines()
    assert lines[0].startswith(
        f"{tmp_path / 'intake.yaml'}:5: scenarios/0/steps/0/complete: khóa không được biết 'dữ_liệu'"
    )
    assert lines[1].endswith(
        ":6: scenarios/0/steps/1/advance/to: 'ngày mai' không phải ngày (YYYY-MM-DD) "
        "hay ngày giờ (YYYY-MM-DD HH:MM) hợp lệ"
    )
    assert lines[2].endswith(
        ":7: scenarios/0/steps/2/expect/status: 'xong' không thuộc: running, completed, error, cancelled"
    )
    assert ":8: scenarios/0/steps/3: khóa không được biết 'wait'" in lines[3]
    assert len(lines) == 4


def test_yaml_that_does_not_parse_names_its_line(settings, tmp_path):
    [result] = run(settings, tmp_path, "process: intake\nscenarios:\n  - name: [Thử\n")
    assert result.name == FILE_PROBLEM
    assert result.message.startswith(f"{tmp_path / 'intake.yaml'}:4: không đọc được YAML: ")


def test_yes_and_no_stay_words_and_dates_stay_text(settings, tmp_path):
    # YAML 1.1 would read `no` as false and an unquoted date as a date; the scenario gets what was written.
    text = scenario(
        REGISTER.replace('"2025-01-24"', "2025-01-24"),
        "      - expect: {variables: {document: {number: no}}}\n",
    )
    [result] = run(settings, tmp_path, text)
    assert "biến document: mong đợi {'number': 'no'}" in result.message
