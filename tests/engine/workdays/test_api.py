"""The calendar through the API: arithmetic for everyone, overrides for administrators only."""

from __future__ import annotations

from datetime import date

import pytest

from tests.processes.test_assignment import assignment, classify, item


def test_working_day_arithmetic(client, auth_headers):
    headers = auth_headers("sotc")
    added = client.get("/api/v1/calendar/add?date=2025-01-24&n=3", headers=headers).get_json()
    assert added == {"date": "2025-01-24", "n": 3, "result": "2025-02-05"}
    assert (
        client.get("/api/v1/calendar/due?date=2025-04-30", headers=headers).get_json()["result"]
        == "2025-05-05"
    )
    bad = client.get("/api/v1/calendar/add?date=24/01/2025&n=3", headers=headers)
    assert bad.status_code == 422 and bad.get_json()["details"]["fields"]["date"]


def test_days_of_a_month_say_why(client, auth_headers):
    days = client.get("/api/v1/calendar/days?year=2026&month=1", headers=auth_headers("sotc")).get_json()[
        "items"
    ]
    by_date = {d["date"]: d for d in days}
    assert len(days) == 31
    assert by_date["2026-01-01"]["working"] is False and by_date["2026-01-01"]["holiday"]
    assert by_date["2026-01-02"] == {
        "date": "2026-01-02",
        "working": False,
        "holiday": None,
        "override": False,
    }
    assert by_date["2026-01-10"]["working"] is True and by_date["2026-01-10"]["override"] is True


def test_only_administrators_change_the_calendar_and_the_change_applies_at_once(client, auth_headers):
    path = "/api/v1/calendar/overrides/2025-03-07"
    assert client.put(path, json={"working": False}, headers=auth_headers("cv")).status_code == 403
    admin = auth_headers("admin")
    changed = client.put(path, json={"working": False, "note": "Nghỉ bù (thử)"}, headers=admin)
    assert changed.status_code == 200 and changed.get_json()["changed_by"] == "admin"
    assert (
        client.get("/api/v1/calendar/add?date=2025-03-06&n=1", headers=admin).get_json()["result"]
        == "2025-03-10"
    )
    listed = client.get("/api/v1/calendar/overrides?year=2025", headers=admin).get_json()["items"]
    assert "2025-03-07" in [o["date"] for o in listed]
    assert client.delete(path, headers=admin).status_code == 200
    assert (
        client.get("/api/v1/calendar/add?date=2025-03-06&n=1", headers=admin).get_json()["result"]
        == "2025-03-07"
    )
    assert client.delete(path, headers=admin).status_code == 404


# ---- corrections that move deadlines, the preview, the years, the history -----------------------------


@pytest.fixture
def dispatched(system, directory) -> int:
    """An assignment of Sở Tài chính due Thursday 11/02/2027 (a working day by the package's estimate)."""
    [assignment_id] = classify(system, directory, item("Lập quy hoạch", "SO_TC", "2027-02-11"))
    return assignment_id


def test_the_preview_lists_what_the_change_then_moves_and_changes_nothing(api, dispatched):
    admin = api("admin")
    body = {"date": "2027-02-11", "working": False, "note": "Nghỉ Tết Đinh Mùi"}
    path, template = "/api/v1/calendar/overrides/preview", "/api/v1/calendar/overrides/preview"
    preview = admin.call("POST", path, template, json=body).get_json()
    assert preview["dry_run"] is True and preview["working"] is False
    assert [
        (m["kind"], m["subject"], m["unit_name"], m["old_date"], m["new_date"]) for m in preview["moves"]
    ] == [
        ("assignment", "Nhiệm vụ 1 của văn bản 12/QĐ-UBND", "Sở Tài chính", "2027-02-11", "2027-02-12"),
        ("assignment_t2", "Nhiệm vụ 1 của văn bản 12/QĐ-UBND", "Sở Tài chính", "2027-02-16", "2027-02-17"),
    ]
    one = f"/api/v1/assignments/{dispatched}"
    assert admin.call("GET", one, "/api/v1/assignments/{assignment_id}").get_json()["effective_due_date"] == (
        "2027-02-11"
    )
    listed = admin.call("GET", "/api/v1/calendar/overrides?year=2027", "/api/v1/calendar/overrides")
    assert listed.get_json()["items"] == []

    changed = admin.call(
        "PUT",
        "/api/v1/calendar/overrides/2027-02-11",
        "/api/v1/calendar/overrides/{day}",
        json={"working": False, "note": "Nghỉ Tết Đinh Mùi"},
    ).get_json()
    assert changed["moves"] == preview["moves"] and changed["changed_by"] == "admin"
    assert admin.call("GET", one, "/api/v1/assignments/{assignment_id}").get_json()["effective_due_date"] == (
        "2027-02-12"
    )
    [change] = admin.call("GET", "/api/v1/calendar/changes?year=2027", "/api/v1/calendar/changes").get_json()[
        "items"
    ]
    assert (change["id"], change["kind"], change["date"], change["actor"]) == (
        changed["change_id"],
        "override",
        "2027-02-11",
        "admin",
    )
    assert (change["old"], change["new"]) == (None, {"working": False, "note": "Nghỉ Tết Đinh Mùi"})
    assert change["moves"] == preview["moves"]

    back = admin.call("POST", path, template, json={"date": "2027-02-11", "remove": True}).get_json()
    removed = admin.call(
        "DELETE", "/api/v1/calendar/overrides/2027-02-11", "/api/v1/calendar/overrides/{day}"
    )
    assert removed.get_json()["moves"] == back["moves"]
    assert [(m["old_date"], m["new_date"]) for m in back["moves"]] == [
        ("2027-02-12", "2027-02-11"),
        ("2027-02-17", "2027-02-16"),
    ]


def test_the_preview_needs_a_clear_request_from_an_administrator(api, dispatched):
    path, template = "/api/v1/calendar/overrides/preview", "/api/v1/calendar/overrides/preview"
    admin = api("admin")
    both = admin.call("POST", path, template, json={"date": "2027-02-11", "working": False, "remove": True})
    neither = admin.call("POST", path, template, json={"date": "2027-02-11"})
    assert (both.status_code, neither.status_code) == (422, 422)
    assert "working" in neither.get_json()["details"]["fields"]
    nothing_there = admin.call("POST", path, template, json={"date": "2027-02-11", "remove": True})
    assert nothing_there.status_code == 404
    assert (
        api("cv").call("POST", path, template, json={"date": "2027-02-11", "working": False}).status_code
        == 403
    )


def test_a_year_is_estimated_until_its_notice_is_entered(api, dispatched):
    admin, cv = api("admin"), api("cv")
    years = cv.call("GET", "/api/v1/calendar/years?from=2026&to=2027", "/api/v1/calendar/years").get_json()
    assert [(y["year"], y["status"], y["status_label"]) for y in years["items"]] == [
        (2026, "official", "chính thức"),  # seeded: 2024-2026's days off and swaps are known
        (2027, "estimated", "dự kiến"),
    ]
    listed = cv.call("GET", "/api/v1/assignments?view=tracking", "/api/v1/assignments").get_json()["items"]
    assert [(a["effective_due_date"], a["effective_due_date_estimated"]) for a in listed] == [
        ("2027-02-11", True)
    ]

    template = "/api/v1/calendar/years/{year}"
    missing = admin.call("PUT", "/api/v1/calendar/years/2027", template, json={"official": True})
    assert missing.status_code == 422 and "notice" in missing.get_json()["details"]["fields"]
    assert (
        cv.call("PUT", "/api/v1/calendar/years/2027", template, json={"official": False}).status_code == 403
    )
    notice = {"official": True, "notice": "Thông báo số 6150/TB-BNV", "notice_date": "2026-11-20"}
    year = admin.call("PUT", "/api/v1/calendar/years/2027", template, json=notice).get_json()
    assert (year["status"], year["notice"], year["notice_date"], year["changed_by"]) == (
        "official",
        "Thông báo số 6150/TB-BNV",
        "2026-11-20",
        "admin",
    )
    listed = cv.call("GET", "/api/v1/assignments?view=tracking", "/api/v1/assignments").get_json()["items"]
    assert [a["effective_due_date_estimated"] for a in listed] == [False]
    one = cv.call(
        "GET", f"/api/v1/assignments/{dispatched}", "/api/v1/assignments/{assignment_id}"
    ).get_json()
    assert one["effective_due_date_estimated"] is False

    back = admin.call("PUT", "/api/v1/calendar/years/2027", template, json={"official": False}).get_json()
    assert (back["status"], back["notice"], back["notice_date"]) == ("estimated", "", None)
    changes = admin.call("GET", "/api/v1/calendar/changes?year=2027", "/api/v1/calendar/changes").get_json()
    assert [(c["kind"], c["year"], (c["new"] or {}).get("official")) for c in changes["items"]] == [
        ("year", 2027, False),
        ("year", 2027, True),
    ]


def test_pages_mark_estimated_deadlines_and_the_calendar_page_shows_the_year_and_its_changes(
    app, system, directory, dispatched, clock
):
    from engine.workdays import corrections
    from engine.workdays import service as workdays
    from tests.web.test_pages import login

    browser = app.test_client()
    login(browser, "cv")
    marker = '<abbr class="muted estimated" title="Năm 2027 chưa có thông báo chính thức'
    assert marker in browser.get("/assignments").get_data(as_text=True)
    assert marker in browser.get(f"/assignments/{dispatched}").get_data(as_text=True)
    document_id = assignment(system, dispatched).document_id
    assert marker in browser.get(f"/documents/{document_id}").get_data(as_text=True)
    login(browser, "sotc")  # its inbox: the review, due three working days from now, in 2025 (official)
    inbox = browser.get("/tasks").get_data(as_text=True)
    assert "Tiếp nhận nhiệm vụ" in inbox and "chưa có thông báo chính thức" not in inbox
    page = browser.get("/calendar?year=2027&month=2").get_data(as_text=True)
    assert "Dự kiến</span> Năm 2027 chưa có thông báo chính thức" in page

    with system.db.transaction() as session:
        corrections.change_override(
            session=session,
            engine=system.engine,
            day=date(2027, 2, 11),
            working=False,
            note="Nghỉ Tết",
            actor="admin",
            now=clock.now(),
        )
        workdays.set_year(
            session=session,
            year=2027,
            official=True,
            notice="Thông báo số 6150/TB-BNV",
            notice_date=date(2026, 11, 20),
            actor="admin",
            now=clock.now(),
        )
    assert marker not in browser.get("/assignments").get_data(as_text=True)
    page = browser.get("/calendar?year=2027&month=2").get_data(as_text=True)
    assert (
        "Chính thức</span> Lịch nghỉ lễ, Tết năm 2027 theo Thông báo số 6150/TB-BNV ngày 20/11/2026" in page
    )
    moved = "Nhiệm vụ 1 của văn bản 12/QĐ-UBND (Sở Tài chính) — Thời hạn thực hiện nhiệm vụ: "
    assert moved + "11/02/2027 → 12/02/2027" in page
