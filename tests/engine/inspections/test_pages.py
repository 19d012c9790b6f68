"""Kiểm tra pages and API: who sees which inspection (engine.inspections.scope), one inspection's page, and
the yearly plans from the form to "Tiến hành kiểm tra"."""

from __future__ import annotations

import re

from tests.conftest import complete_task
from tests.processes import test_inspection as p8
from tests.web.test_pages import csrf, login

people = p8.people  # the directory of tests/conftest.py and the people of the inspection tests


def vp_and_department_inspections(system, people, clock) -> tuple[int, int]:
    """VP inspects Sở Tài chính; Sở Tài chính inspects the commune with Mai Nội Vụ invited (decided)."""
    clock.move_to(p8.PLANNED_AT)
    vp = p8.start_plan(system, people["cv"], p8.plan_form(title="Kiểm tra Sở Tài chính"))
    sotc = p8.start_plan(
        system, people["sotc"], p8.plan_form(title="Kiểm tra xã Bát Xát", inspected_unit="XA_BX")
    )
    clock.move_to(p8.DECIDED_AT)
    decide = p8.only_task(system, people["ldsotc"], "decide_unit")
    decided = p8.decision_form(
        team_leader="sotc", team_members=[{"person": "sotc2"}], invited_members=[{"person": "sonv"}]
    )
    complete_task(system, decide.id, people["ldsotc"], decided)
    return p8.inspection_of(system, vp).id, p8.inspection_of(system, sotc).id


def listed(client, query: str = "") -> list[str]:
    page = client.get("/kiem-tra" + query).get_data(as_text=True)
    return sorted(set(re.findall(r'<a href="/kiem-tra/\d+">([^<]+)</a>', page)))


def test_each_user_lists_the_inspections_he_may_see(system, people, clock, client, auth_headers):
    vp, commune = vp_and_department_inspections(system, people, clock)
    expected = {
        "cv": ["Kiểm tra Sở Tài chính", "Kiểm tra xã Bát Xát"],
        "ct": ["Kiểm tra Sở Tài chính", "Kiểm tra xã Bát Xát"],
        "ldsotc": ["Kiểm tra Sở Tài chính", "Kiểm tra xã Bát Xát"],  # it undergoes one, runs the other
        "xabx": ["Kiểm tra xã Bát Xát"],
        "sonv": ["Kiểm tra xã Bát Xát"],  # invited (Đ16.2)
        "soxd": [],
    }
    for username, titles in expected.items():
        client.get("/logout")
        login(client, username)
        assert listed(client) == titles, username
    client.get("/logout")
    login(client, "cv")
    assert listed(client, "?inspected_unit=XA_BX") == ["Kiểm tra xã Bát Xát"]
    assert listed(client, "?status=planned") == ["Kiểm tra Sở Tài chính"]
    assert listed(client, "?inspecting_unit=SO_TC&year=2026") == ["Kiểm tra xã Bát Xát"]
    assert listed(client, "?year=2025") == []

    # The invited member opens his inspection and is refused the other, on the page and in the API.
    client.get("/logout")
    login(client, "sonv")
    assert client.get(f"/kiem-tra/{commune}").status_code == 200
    assert client.get(f"/kiem-tra/{vp}").status_code == 403
    invited = auth_headers("sonv")
    found = client.get("/api/v1/inspections", headers=invited).get_json()
    assert (found["total"], [i["id"] for i in found["items"]]) == (1, [commune])
    assert client.get(f"/api/v1/inspections/{vp}", headers=invited).status_code == 403
    assert client.get("/api/v1/inspections/99999", headers=invited).status_code == 404
    assert client.get("/api/v1/inspections?status=nonsense", headers=invited).status_code == 422
    # A year no calendar holds is the caller's error, for the list and for the plans alike.
    bad_years = ("/api/v1/inspections?year=309154", "/api/v1/inspection-plans?year=0", "/kiem-tra?year=9999")
    for query in bad_years:
        assert client.get(query, headers=invited).status_code == 422
    one = client.get(f"/api/v1/inspections/{commune}", headers=auth_headers("cv")).get_json()
    assert (one["team_leader_name"], one["inspected_unit_name"], one["status"]) == (
        "Đỗ Tài Chính",
        "UBND xã Bát Xát",
        "in_progress",
    )
    assert {(m["full_name"], m["role"]) for m in one["members"]} == {
        ("Cao Thành Viên", "member"),
        ("Mai Nội Vụ", "invited"),
    }


def test_the_page_names_the_team_shows_the_files_and_links_the_users_task(system, people, clock, client):
    _, commune = vp_and_department_inspections(system, people, clock)
    task = p8.only_task(system, people["xabx"], "inspected_report")
    login(client, "xabx")
    page = client.get(f"/kiem-tra/{commune}").get_data(as_text=True)
    assert f'href="/tasks/{task.id}"' in page and "Việc của bạn" in page
    for words in ("Số 15/QĐ-UBND", "Đỗ Tài Chính", "Cao Thành Viên", "Mai Nội Vụ", "Hoàng Lãnh Đạo"):
        assert words in page, words
    assert "sotc" not in re.sub(r"<[^>]+>", "", page)  # names, never usernames

    evidence = p8.upload(system, people["xabx"], task.id, "bao-cao-xa.pdf")
    report = {"situation": "Đã triển khai 10/12 nhiệm vụ.", "inspected_files": [evidence]}
    complete_task(system, task.id, people["xabx"], report)
    client.get("/logout")
    login(client, "sonv")
    page = client.get(f"/kiem-tra/{commune}").get_data(as_text=True)
    assert "Đã triển khai 10/12 nhiệm vụ." in page and "bao-cao-xa.pdf" in page
    assert 'href="/tasks/' not in page  # the invited member has no task of his own
    link = f"/tep-dinh-kem/{evidence['file_id']}"
    assert link in page and client.get(link).status_code == 200


def test_a_plan_is_written_approved_and_its_item_started_from_the_pages(system, people, clock, client):
    clock.move_to(p8.PLANNED_AT)
    login(client, "sotc")
    form = {
        "csrf_token": csrf(client),
        "year": "2026",
        "title": "Kế hoạch kiểm tra năm 2026",
        "item_unit": ["XA_BX", "SO_XD", ""],
        "item_month": ["3", "4", "1"],
        "item_contents": ["Thu ngân sách.", "Đầu tư công.", ""],
    }
    refused = client.post(
        "/kiem-tra/ke-hoach", data={**form, "item_unit": ["", ""], "item_contents": ["", ""]}
    )
    assert refused.status_code == 422 and "ít nhất một cuộc kiểm tra" in refused.get_data(as_text=True)
    assert client.post("/kiem-tra/ke-hoach", data=form).status_code == 302
    page = client.get("/kiem-tra/ke-hoach").get_data(as_text=True)
    assert "Chờ phê duyệt" in page and "Tiến hành kiểm tra" not in page

    client.get("/logout")
    login(client, "ldsotc")
    [plan_id] = re.findall(
        r"/kiem-tra/ke-hoach/(\d+)/phe-duyet", client.get("/kiem-tra/ke-hoach").get_data(as_text=True)
    )
    approved = client.post(f"/kiem-tra/ke-hoach/{plan_id}/phe-duyet", data={"csrf_token": csrf(client)})
    assert approved.status_code == 302
    assert "Hoàng Lãnh Đạo, ngày 20/01/2026" in client.get("/kiem-tra/ke-hoach").get_data(as_text=True)

    client.get("/logout")
    login(client, "sotc")
    page = client.get("/kiem-tra/ke-hoach").get_data(as_text=True)
    items = re.findall(r"/kiem-tra/ke-hoach/muc/(\d+)", page)
    assert len(items) == 2
    start = client.get(f"/kiem-tra/ke-hoach/muc/{items[0]}")
    assert start.status_code == 200 and "Thu ngân sách." in start.get_data(as_text=True)
    with system.db.transaction() as session:
        data = p8.inspection_service.start_form_data(
            session, session.get(p8.InspectionPlanItem, int(items[0]))
        )
    data.pop("plan_item_id")
    answer = client.post(
        f"/kiem-tra/ke-hoach/muc/{items[0]}",
        json={**data, "purpose": "Theo kế hoạch."},
        headers={"X-CSRF-Token": csrf(client)},
    ).get_json()
    inspection_id = int(answer["redirect"].rsplit("/", 1)[1])
    page = client.get("/kiem-tra/ke-hoach").get_data(as_text=True)
    assert f'href="/kiem-tra/{inspection_id}">Chờ quyết định kiểm tra</a>' in page
    assert page.count("Tiến hành kiểm tra") == 1  # only the second item is left to start
    assert "Kế hoạch kiểm tra năm 2026" in client.get(f"/kiem-tra/{inspection_id}").get_data(as_text=True)


def test_plans_through_the_api(system, people, clock, client, auth_headers):
    clock.move_to(p8.PLANNED_AT)
    body = {
        "year": 2026,
        "title": "Kế hoạch kiểm tra năm 2026",
        "items": [{"inspected_unit": "XA_BX", "planned_month": 3, "contents": "Thu ngân sách."}],
    }
    assert (
        client.post("/api/v1/inspection-plans", json=body, headers=auth_headers("ldsotc")).status_code == 403
    )
    wrong = {**body, "items": [{**body["items"][0], "inspected_unit": "SO_TC"}]}
    answer = client.post("/api/v1/inspection-plans", json=wrong, headers=auth_headers("sotc"))
    assert answer.status_code == 422 and "items/0/inspected_unit" in answer.get_json()["details"]["fields"]
    created = client.post("/api/v1/inspection-plans", json=body, headers=auth_headers("sotc"))
    assert created.status_code == 201
    plan_id = created.get_json()["id"]
    assert (
        client.post(f"/api/v1/inspection-plans/{plan_id}/approve", headers=auth_headers("sotc")).status_code
        == 403
    )
    approved = client.post(
        f"/api/v1/inspection-plans/{plan_id}/approve", headers=auth_headers("ldsotc")
    ).get_json()
    assert (approved["approved_by"], approved["approved_on"]) == ("ldsotc", "2026-01-20")
    assert client.get("/api/v1/inspection-plans", headers=auth_headers("soxd")).get_json()["items"] == []
    [seen] = client.get("/api/v1/inspection-plans?year=2026", headers=auth_headers("cv")).get_json()["items"]
    assert seen["items"][0]["inspection_id"] is None
