"""Xử lý nhiều việc cùng lúc: choose user tasks of one step, see what will be completed, fill the form once;
the results page lists what was done and what was not, in Vietnamese."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.conftest import complete_task
from tests.engine.notifications.helpers import add_user, overdue_documents, ready_tasks
from tests.web.test_pages import csrf, form_config, html, login

URGING = {"instruction": "Đề nghị phân loại, chuyển theo dõi ngay trong ngày.", "urge_specialist": True}
STEP = {"process_id": "intake", "bpmn_id": "urge_classification"}


@pytest.fixture
def leader(app, system, directory, clock):
    """Trần Văn Chánh (VP's leadership) signed in, with three documents escalated to him after T1."""
    overdue_documents(system, clock, 3)
    client = app.test_client()
    login(client, "ldvp")
    return client


@pytest.mark.postgres
def test_the_leader_completes_several_urgings_with_one_form(leader, system, directory, backend):
    by_number = {t.subject.split(":")[0]: t for t in ready_tasks(system, "urge_classification")}
    first, second, third = (by_number[f"{i}/QĐ-UBND"] for i in (1, 2, 3))
    assert "Xử lý nhiều việc cùng lúc" in html(leader.get("/tasks"))
    steps = html(leader.get("/tasks/xu-ly-nhieu"))
    assert "Đôn đốc phân loại văn bản quá hạn" in steps and "3 việc" in steps

    choose = html(leader.get("/tasks/xu-ly-nhieu?" + urlencode(STEP)))
    assert choose.count('type="checkbox" name="task"') == 3
    assert "1/QĐ-UBND: Về việc thứ 1 năm 2025" in choose
    confirm = html(
        leader.get("/tasks/xu-ly-nhieu?" + urlencode({**STEP, "task": [first.id, third.id]}, doseq=True))
    )
    assert "Sẽ hoàn thành 2 công việc sau" in confirm
    assert "1/QĐ-UBND: Về việc thứ 1 năm 2025" in confirm and "3/QĐ-UBND: Về việc thứ 3 năm 2025" in confirm
    assert "2/QĐ-UBND" not in confirm.split("Sẽ hoàn thành")[1].split("</ol>")[0]
    form = form_config(confirm)
    assert form["schema"]["title"] == "Đôn đốc phân loại văn bản quá hạn" and form["data"] == {}
    assert form["submitLabel"] == "Hoàn thành 2 công việc"

    # One of them is done meanwhile by his colleague: that one fails, the other completes.
    colleague = add_user(system, "ldvp2", "Lê Văn Phó", ["vp_leadership"], "VP_UBND")
    complete_task(system, third.id, colleague, URGING)
    answer = leader.post(form["submitUrl"], json=URGING, headers={"X-CSRF-Token": csrf(leader)})
    assert answer.status_code == 200 and answer.get_json()["ok"] is True
    result = html(leader.get(answer.get_json()["redirect"]))
    assert "Đã hoàn thành 1 công việc; 1 công việc không hoàn thành được." in result
    done, failed = result.split("Không hoàn thành được")
    assert "1/QĐ-UBND" in done and "3/QĐ-UBND" in failed
    assert "Công việc này đã được xử lý." in failed and "đã do Lê Văn Phó hoàn thành" in failed
    assert [t.id for t in ready_tasks(system, "urge_classification")] == [second.id]


def test_bad_data_is_refused_once_and_nothing_is_completed(leader, system):
    ids = [t.id for t in ready_tasks(system, "urge_classification")]
    url = "/tasks/xu-ly-nhieu/hoan-thanh?" + urlencode({"task": ids}, doseq=True)
    refused = leader.post(url, json={"instruction": ""}, headers={"X-CSRF-Token": csrf(leader)})
    assert refused.status_code == 422 and "instruction" in refused.get_json()["details"]["fields"]
    assert leader.post(url, json=URGING).status_code == 400  # no CSRF token
    [classify] = ready_tasks(system, "classify")[:1]
    mixed = "/tasks/xu-ly-nhieu/hoan-thanh?" + urlencode({"task": [ids[0], classify.id]}, doseq=True)
    answer = leader.post(mixed, json=URGING, headers={"X-CSRF-Token": csrf(leader)})
    assert answer.status_code == 422 and "cùng một bước" in answer.get_json()["message"]
    assert len(ready_tasks(system, "urge_classification")) == 3


def test_someone_else_sees_only_his_own_steps(app, leader, system):
    specialist = app.test_client()
    login(specialist, "cv")
    steps = html(specialist.get("/tasks/xu-ly-nhieu"))
    assert "Phân loại nhiệm vụ, chuyển theo dõi" in steps and "Đôn đốc phân loại" not in steps
    choose = html(specialist.get("/tasks/xu-ly-nhieu?" + urlencode(STEP)))
    assert "Không có việc nào của loại này đang chờ bạn xử lý." in choose
    urge = ready_tasks(system, "urge_classification")[0]
    assert specialist.get("/tasks/xu-ly-nhieu?" + urlencode({**STEP, "task": urge.id})).status_code == 403
