"""The classification form of the intake process (P1): what it accepts and what it refuses, and where."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

FORMS = Path(__file__).resolve().parents[2] / "forms" / "intake"


def _validator(name: str) -> Draft202012Validator:
    schema = json.loads((FORMS / name).read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


CLASSIFY = _validator("classify.schema.json")
URGE = _validator("urge_classification.schema.json")

VALID = {
    "submitting_agency": "Sở Tài chính",
    "tracking_room": "Phòng Tổng hợp",
    "tracking_specialist": "nguyenvana",
    "tasks": [
        {
            "content": "Xây dựng kế hoạch chuyển đổi số năm 2025, trình UBND tỉnh",
            "lead_unit": "STTTT",
            "coordinating_units": ["STC", "SKHDT"],
            "has_deadline": True,
            "due_date": "2025-03-31",
            "deadline_kind": "submission",
            "must_report": True,
        },
        {
            "content": "Thường xuyên kiểm tra, đôn đốc các địa phương",
            "lead_unit": "SNV",
            "coordinating_units": [],
            "has_deadline": False,
            "must_report": False,
        },
    ],
    "note": "Văn bản có hai nhiệm vụ.",
}


def _errors(validator: Draft202012Validator, payload: dict) -> list[tuple[str, str]]:
    return sorted((e.json_path, e.message) for e in validator.iter_errors(payload))


def _with(change) -> dict:
    payload = copy.deepcopy(VALID)
    change(payload)
    return payload


def test_two_task_payload_is_valid():
    assert _errors(CLASSIFY, VALID) == []


def test_minimal_payload_is_valid():
    payload = {
        "tracking_room": "Phòng Tổng hợp",
        "tracking_specialist": "nguyenvana",
        "tasks": [
            {"content": "Báo cáo kết quả", "lead_unit": "SNV", "has_deadline": False, "must_report": True},
        ],
    }
    assert _errors(CLASSIFY, payload) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(
            lambda p: p["tasks"][0].pop("content"),
            ("$.tasks[0]", "'content' is a required property"),
            id="missing-content",
        ),
        pytest.param(
            lambda p: p["tasks"][1].update(content=""),
            ("$.tasks[1].content", "'' should be non-empty"),
            id="empty-content",
        ),
        pytest.param(
            lambda p: p["tasks"][0].pop("due_date"),
            ("$.tasks[0]", "'due_date' is a required property"),
            id="deadline-without-due-date",
        ),
        pytest.param(
            lambda p: p["tasks"][1].update(due_date="2025-03-31"),
            ("$.tasks[1].due_date", "'2025-03-31' is not of type 'null'"),
            id="due-date-without-deadline",
        ),
        pytest.param(
            lambda p: p["tasks"][0].update(due_date="31/03/2025"),
            ("$.tasks[0].due_date", "'31/03/2025' is not a 'date'"),
            id="bad-date-format",
        ),
        pytest.param(
            lambda p: p["tasks"][0].update(due_date="2025-02-30"),
            ("$.tasks[0].due_date", "'2025-02-30' is not a 'date'"),
            id="impossible-date",
        ),
        pytest.param(
            lambda p: p["tasks"][0].update(priority="cao"),
            ("$.tasks[0]", "Additional properties are not allowed ('priority' was unexpected)"),
            id="extra-task-property",
        ),
        pytest.param(
            lambda p: p.update(secret_level="Mật"),
            ("$", "Additional properties are not allowed ('secret_level' was unexpected)"),
            id="extra-top-property",
        ),
        pytest.param(
            lambda p: p["tasks"][0].update(must_report=False),
            ("$.tasks[0].must_report", "True was expected"),
            id="submission-deadline-must-report",
        ),
        pytest.param(
            lambda p: p["tasks"][0].update(coordinating_units=["STC", "STC"]),
            ("$.tasks[0].coordinating_units", "['STC', 'STC'] has non-unique elements"),
            id="duplicate-coordinating-unit",
        ),
        pytest.param(lambda p: p.update(tasks=[]), ("$.tasks", "[] should be non-empty"), id="no-task"),
        pytest.param(
            lambda p: p.pop("tracking_specialist"),
            ("$", "'tracking_specialist' is a required property"),
            id="missing-specialist",
        ),
    ],
)
def test_invalid_payloads_name_the_field(change, expected):
    assert expected in _errors(CLASSIFY, _with(change))


def test_deadline_kind_accepts_only_the_three_kinds():
    payload = _with(lambda p: p["tasks"][0].update(deadline_kind="hoàn thành"))
    assert any(path == "$.tasks[0].deadline_kind" for path, _ in _errors(CLASSIFY, payload))


def test_urge_form():
    assert _errors(URGE, {"instruction": "Đề nghị hoàn thành trong ngày", "urge_specialist": True}) == []
    assert ("$", "'instruction' is a required property") in _errors(URGE, {"urge_specialist": False})
    assert ("$.instruction", "'' should be non-empty") in _errors(URGE, {"instruction": ""})
