"""The calendar through the API: arithmetic for everyone, overrides for administrators only."""

from __future__ import annotations


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
