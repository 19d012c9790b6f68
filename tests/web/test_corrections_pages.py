"""Điều chỉnh thông tin (VP corrects a dispatched assignment's a–e) through the page and the API; the
duplicate check of Tiếp nhận văn bản; the assignment picker's lists (page twin and API)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from engine.assignments.models import AssignmentCorrection, DeadlineAdjustment
from engine.documents import service as document_service
from engine.documents.models import Document
from engine.feedback.models import LocalFeedback
from tests.conftest import two_task_document
from tests.processes.test_assignment import DUE, accept, act, assignment, classify, eod, get, item, timers
from tests.web.test_api import api  # noqa: F401 - a fixture, shared by import
from tests.web.test_pages import csrf, html, login

REASON = "Văn bản đính chính thời hạn"


@pytest.fixture
def client(app, directory):
    return app.test_client()


@pytest.fixture
def a_id(system, directory) -> int:
    [found] = classify(
        system,
        directory,
        {**item("Xây dựng kho dữ liệu dùng chung", "SO_TC", DUE), "coordinating_units": ["SO_NV"]},
    )
    return found


def form_of(page: str) -> dict:
    """The correction form's fields as the page fills them (selects: the selected option)."""
    fields = {}
    for name, value in re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', page):
        fields.setdefault(name, value)
    fields["content"] = re.search(r'<textarea[^>]*name="content"[^>]*>(.*?)</textarea>', page, re.S)[1]
    for name in ("lead_unit", "deadline_kind", "tracking_room", "tracking_specialist"):
        select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)[1]
        fields[name] = re.search(r'<option value="([^"]*)" selected>', select)[1]
    fields["coordinating_units"] = re.findall(r'name="coordinating_units" value="(\w+)" checked', page)
    fields["has_deadline"] = "1" if 'name="has_deadline" value="1" checked' in page else ""
    return fields


def test_vp_corrects_a_deadline_through_the_page_with_a_preview(client, system, a_id):
    login(client, "cv")
    page = html(client.get(f"/assignments/{a_id}"))
    assert f'href="/assignments/{a_id}/correct"' in page and "Điều chỉnh thông tin" in page

    page = html(client.get(f"/assignments/{a_id}/correct"))
    form = form_of(page)
    assert (form["content"], form["lead_unit"], form["due_date"]) == (
        "Xây dựng kho dữ liệu dùng chung",
        "SO_TC",
        "24/04/2025",
    )
    assert (form["coordinating_units"], form["has_deadline"], form["deadline_kind"]) == (
        ["SO_NV"],
        "1",
        "completion",
    )
    assert form["tracking_specialist"] == "cv" and ">Nguyễn Thị Theo Dõi<" in page  # a name, not a username

    form.update(due_date="30/05/2025", reason=REASON, action="preview")
    previewed = client.post(f"/assignments/{a_id}/correct", data={**form, "csrf_token": csrf(client)})
    page = html(previewed)
    assert previewed.status_code == 200 and "Các thay đổi sẽ được lưu" in page
    assert re.search(r"Thời hạn</td>\s*<td[^>]*>24/04/2025</td>\s*<td[^>]*><strong>30/05/2025</strong>", page)
    assert "Xác nhận điều chỉnh" in page
    assert assignment(system, a_id).due_date == date(2025, 4, 24)  # nothing saved by the preview
    previewed_summary = re.search(r'name="previewed" value="([^"]*)"', page)[1]
    assert previewed_summary == "Thời hạn: 24/04/2025 → 30/05/2025"

    done = client.post(
        f"/assignments/{a_id}/correct",
        data={**form, "action": "apply", "previewed": previewed_summary, "csrf_token": csrf(client)},
    )
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/assignments/{a_id}")
    assert assignment(system, a_id).due_date == date(2025, 5, 30)
    assert timers(system, a_id) == {"due_passed": eod(date(2025, 5, 30))}
    page = html(client.get(f"/assignments/{a_id}"))
    assert "Đã điều chỉnh thông tin nhiệm vụ: Thời hạn: 24/04/2025 → 30/05/2025." in page
    assert "Văn phòng điều chỉnh thông tin nhiệm vụ" in page  # Lịch sử xử lý names the correction
    assert REASON in page and "Nguyễn Thị Theo Dõi" in page
    assert f"Văn phòng điều chỉnh thông tin: {REASON}" in page  # the deadline adjustment's basis


def test_fields_changed_after_the_preview_are_previewed_again_not_applied(client, system, a_id):
    login(client, "cv")
    form = form_of(html(client.get(f"/assignments/{a_id}/correct")))
    form.update(due_date="30/05/2025", reason=REASON)
    stale = "Thời hạn: 24/04/2025 → 30/05/2025"
    answer = client.post(
        f"/assignments/{a_id}/correct",
        data={
            **form,
            "due_date": "15/06/2025",
            "action": "apply",
            "previewed": stale,
            "csrf_token": csrf(client),
        },
    )
    assert answer.status_code == 200 and "Thời hạn: 24/04/2025 → 15/06/2025" in html(answer)
    assert assignment(system, a_id).due_date == date(2025, 4, 24) and get(system, AssignmentCorrection) == []


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({"due_date": "20/01/2025"}, "thời hạn không được trước ngày ban hành văn bản (24/01/2025)"),
        ({"due_date": "31/02/2025"}, "Ngày không hợp lệ"),
        ({"reason": " "}, "nêu lý do điều chỉnh"),
        ({"coordinating_units": ["SO_TC", "SO_NV"]}, "đơn vị chủ trì không đồng thời là đơn vị phối hợp"),
    ],
)
def test_a_refused_correction_shows_the_form_again_with_the_problem_and_saves_nothing(
    client, system, a_id, typed, message
):
    login(client, "cv")
    form = form_of(html(client.get(f"/assignments/{a_id}/correct")))
    form.update({"reason": REASON, "action": "preview", **typed})
    answer = client.post(f"/assignments/{a_id}/correct", data={**form, "csrf_token": csrf(client)})
    page = html(answer)
    assert answer.status_code == 422 and message in page
    assert "Các thay đổi sẽ được lưu" not in page
    for value in typed.values():  # what was typed stays in the form
        if isinstance(value, str) and value.strip():
            assert value in page
    assert get(system, AssignmentCorrection) == [] and get(system, DeadlineAdjustment) == []


def test_a_unit_neither_sees_the_action_nor_opens_the_form(client, a_id):
    login(client, "sotc")
    assert "Điều chỉnh thông tin" not in html(client.get(f"/assignments/{a_id}"))
    assert client.get(f"/assignments/{a_id}/correct").status_code == 403
    answer = client.post(
        f"/assignments/{a_id}/correct", data={"reason": REASON, "action": "apply", "csrf_token": csrf(client)}
    )
    assert answer.status_code == 403


def test_a_confirmed_assignment_offers_no_correction(client, system, directory, a_id):
    accept(system, directory)
    act(
        system,
        directory["sotc"],
        "update",
        {"kind": "result", "result": "Xong", "completed_on": "2025-01-24"},
    )
    act(system, directory["cv"], "confirm", {"decision": "confirm"})
    login(client, "cv")
    assert "Điều chỉnh thông tin" not in html(client.get(f"/assignments/{a_id}"))


# ---- the API ------------------------------------------------------------------------------------------


def test_the_api_previews_then_corrects_and_answers_per_field(api, system, a_id):  # noqa: F811
    cv = api("cv")
    path, template = (
        f"/api/v1/assignments/{a_id}/corrections",
        "/api/v1/assignments/{assignment_id}/corrections",
    )
    body = {"due_date": "2025-05-30", "lead_unit": "SO_XD", "reason": REASON}
    preview = cv.call("POST", path + "/preview", template + "/preview", json=body)
    assert preview.status_code == 200
    assert preview.get_json()["dry_run"] is True and get(system, AssignmentCorrection) == []
    done = cv.call("POST", path, template, json=body)
    assert done.status_code == 201
    answer = done.get_json()
    assert [c["field"] for c in answer["changes"]] == ["lead_unit", "due_date"]
    assert answer["changes"] == preview.get_json()["changes"]
    assert answer["assignment"]["lead_unit"] == "SO_XD" and answer["assignment"]["due_date"] == "2025-05-30"
    assert (
        answer["summary"] == "Đơn vị chủ trì: Sở Tài chính → Sở Xây dựng; Thời hạn: 24/04/2025 → 30/05/2025"
    )

    refused = cv.call("POST", path, template, json={"due_date": "2025-01-01", "reason": REASON})
    assert refused.status_code == 422 and set(refused.get_json()["details"]["fields"]) == {"due_date"}
    assert api("sotc").call("POST", path, template, json=body).status_code == 403
    unknown = cv.call("POST", "/api/v1/assignments/999999/corrections", template, json=body)
    assert unknown.status_code == 404


# ---- duplicate documents ---------------------------------------------------------------------------------


def test_the_same_document_twice_is_refused_with_409_until_confirmed(api, system):  # noqa: F811
    cv = api("cv")
    first = cv.call("POST", "/api/v1/documents", "/api/v1/documents", json=two_task_document())
    assert first.status_code == 201
    again = two_task_document(number="12/qđ-ubnd ", title="Tiêu đề khác")  # spacing and case aside
    refused = cv.call("POST", "/api/v1/documents", "/api/v1/documents", json=again)
    assert refused.status_code == 409
    body = refused.get_json()
    assert body["error"] == "duplicate_document"
    assert body["message"].startswith("Văn bản Quyết định số 12/QĐ-UBND ngày 24/01/2025 đã được tiếp nhận")
    assert "Về việc giao nhiệm vụ chuyển đổi số năm 2025" in body["message"]
    assert body["details"]["document_id"] == first.get_json()["id"]
    assert len(get(system, Document)) == 1
    # Another type or another date is another document; a confirmed duplicate is registered.
    other = two_task_document(doc_type="Kế hoạch")
    assert cv.call("POST", "/api/v1/documents", "/api/v1/documents", json=other).status_code == 201
    confirmed = cv.call(
        "POST", "/api/v1/documents", "/api/v1/documents", json={**again, "confirm_duplicate": True}
    )
    assert confirmed.status_code == 201 and len(get(system, Document)) == 3


def test_the_external_id_still_makes_a_sender_retry_idempotent(api, system):  # noqa: F811
    cv = api("cv")
    sent = two_task_document(external_id="VBDH-2025-0012")
    assert cv.call("POST", "/api/v1/documents", "/api/v1/documents", json=sent).status_code == 201
    retried = cv.call(
        "POST", "/api/v1/documents", "/api/v1/documents", json={**sent, "confirm_duplicate": True}
    )
    assert retried.status_code == 409 and retried.get_json()["error"] == "conflict"
    assert len(get(system, Document)) == 1


def test_the_page_shows_the_duplicate_with_a_link_and_registers_it_once_confirmed(client, system):
    with system.db.transaction() as session:
        existing = document_service.register_document(
            session=session, engine=system.engine, payload=two_task_document(), actor="cv"
        ).id
    login(client, "cv")
    headers = {"X-CSRF-Token": csrf(client)}
    answer = client.post("/documents/new", json=two_task_document(), headers=headers)
    assert answer.status_code == 422
    fields = answer.get_json()["details"]["fields"]
    assert fields["confirm_duplicate"].startswith("Văn bản Quyết định số 12/QĐ-UBND ngày 24/01/2025")
    assert fields["confirm_duplicate/document"] == f"/documents/{existing}"
    assert len(get(system, Document)) == 1
    confirmed = client.post(
        "/documents/new", json={**two_task_document(), "confirm_duplicate": True}, headers=headers
    )
    assert confirmed.status_code == 200 and len(get(system, Document)) == 2


# ---- the assignment picker ------------------------------------------------------------------------------


def test_the_picker_lists_labels_and_finds_by_words_without_accents(client, system, a_id):
    login(client, "cv")
    found = client.get("/assignment-choices?purpose=data_correction&q=kho du lieu").get_json()
    assert found["items"] == [
        {
            "id": a_id,
            "label": "12/QĐ-UBND – nhiệm vụ 1: Xây dựng kho dữ liệu dùng chung (Sở Tài chính)",
            "document_number": "12/QĐ-UBND",
            "seq": 1,
            "content": "Xây dựng kho dữ liệu dùng chung",
            "lead_unit_name": "Sở Tài chính",
        }
    ]
    assert client.get("/assignment-choices?purpose=data_correction&q=khong co").get_json()["items"] == []
    one = client.get(f"/assignment-choices?purpose=data_correction&id={a_id}").get_json()["items"]
    assert [c["id"] for c in one] == [a_id]
    assert client.get("/assignment-choices?purpose=whatever").status_code == 422


def test_a_commune_picks_a_departments_open_task_and_learns_only_its_label(client, api, system, a_id):  # noqa: F811
    login(client, "xabx")  # UBND xã Bát Xát: a local government
    found = client.get("/assignment-choices?purpose=local_feedback").get_json()
    assert [c["id"] for c in found["items"]] == [a_id] and found["note"] is None
    assert set(found["items"][0]) == {"id", "label", "document_number", "seq", "content", "lead_unit_name"}
    assert client.get(f"/assignments/{a_id}").status_code == 403  # the task itself stays the sở's
    # Through the API alike; a sở is no local government, so it is offered nothing, and told why.
    xa = api("xabx").call(
        "GET", "/api/v1/assignment-choices?purpose=local_feedback", "/api/v1/assignment-choices"
    )
    assert [c["id"] for c in xa.get_json()["items"]] == [a_id]
    so = api("soxd").call(
        "GET", "/api/v1/assignment-choices?purpose=local_feedback", "/api/v1/assignment-choices"
    )
    assert so.get_json()["items"] == [] and "khoản 3 Điều 21" in so.get_json()["note"]
    # For its own purpose a unit sees only its own tasks, as everywhere.
    mine = api("soxd").call(
        "GET", "/api/v1/assignment-choices?purpose=data_correction", "/api/v1/assignment-choices"
    )
    assert mine.get_json()["items"] == []


def test_a_feedback_names_the_unit_of_the_task_it_picked(client, system, a_id):
    login(client, "xabx")
    headers = {"X-CSRF-Token": csrf(client)}
    wrong = {"about_unit": "SO_XD", "assignment_id": a_id, "content": "Sở chậm triển khai"}
    answer = client.post("/start/local_feedback", json=wrong, headers=headers)
    assert answer.status_code == 422
    assert answer.get_json()["details"]["fields"] == {
        "assignment_id": "nhiệm vụ đã chọn không do Sở Xây dựng chủ trì hoặc phối hợp thực hiện"
    }
    assert get(system, LocalFeedback) == []
    right = {**wrong, "about_unit": "SO_TC"}
    assert client.post("/start/local_feedback", json=right, headers=headers).status_code == 200
    assert [f.assignment_id for f in get(system, LocalFeedback)] == [a_id]


def test_the_administrator_decides_which_unit_types_are_local_governments(client, a_id):
    login(client, "admin")
    page = html(client.get("/units"))
    assert "Chính quyền địa phương" in page and "Không phải chính quyền địa phương" in page
    form = {"unit_type": "UBND cấp xã/phường", "local_government": "0", "csrf_token": csrf(client)}
    assert client.post("/units/types/local", data=form).status_code == 302
    login(client, "xabx")
    found = client.get("/assignment-choices?purpose=local_feedback").get_json()
    assert found["items"] == [] and "khoản 3 Điều 21" in found["note"]


@pytest.mark.parametrize("bad", ["abc", "0", "-1", "99999999999", "1" * 5000])
def test_a_malformed_picker_id_is_refused(client, bad):
    login(client, "cv")
    assert client.get(f"/assignment-choices?purpose=data_correction&id={bad}").status_code == 422
