"""Lịch làm việc for the administrator: a day off is declared only after the page has shown which
deadlines it moves; the change then moves exactly those, with who did it; others cannot change it."""

from __future__ import annotations

from sqlalchemy import select

from engine.assignments.models import Assignment
from engine.workdays.models import CalendarChange
from tests.web.test_pages import csrf, login
from tests.web.test_units_admin import _dispatch


def test_a_day_off_is_previewed_then_confirmed(system, client, directory):
    ids = _dispatch(system, directory)  # SO_XD's task is due Wednesday 30/04/2025, a holiday: R4 → 05/05
    login(client, "admin")
    form = {"csrf_token": csrf(client), "day": "2025-05-05", "action": "off", "note": "Nghỉ bù"}
    preview = client.post("/calendar/preview", data=form)
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Xem trước: ngày 05/05/2025 là ngày nghỉ" in text and "Thời hạn thực hiện nhiệm vụ" in text
    assert "Xác nhận thay đổi" in text
    with system.db.reading() as session:
        assert session.scalar(select(CalendarChange.id)) is None  # nothing written by the preview
        before = session.get(Assignment, ids["SO_TC"]).effective_due_date
    done = client.post("/calendar/overrides", data=form, follow_redirects=True)
    assert "Ngày 05/05/2025: ngày nghỉ;" in done.get_data(as_text=True)
    with system.db.reading() as session:
        change = session.scalar(select(CalendarChange))
        assert (change.actor, change.new["working"]) == ("admin", False)
        after = session.get(Assignment, ids["SO_TC"]).effective_due_date
    assert after > before


def test_the_year_is_marked_official_and_others_cannot(client, directory):
    login(client, "cv")
    data = {"csrf_token": csrf(client), "official": "1", "notice": "123/TB-VPCP", "notice_date": "2024-11-20"}
    assert client.post("/calendar/years/2025", data=data).status_code == 403
    assert (
        client.post("/calendar/preview", data={**data, "day": "2025-05-05", "action": "off"}).status_code
        == 403
    )
    assert "Khai báo ngày nghỉ" not in client.get("/calendar").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf(client)})
    login(client, "admin")
    data["csrf_token"] = csrf(client)
    page = client.post("/calendar/years/2025", data=data, follow_redirects=True).get_data(as_text=True)
    assert "Lịch năm 2025: chính thức." in page and "123/TB-VPCP" in page
    bad = client.post(
        "/calendar/preview", data={"csrf_token": data["csrf_token"], "day": "0000-01-01", "action": "off"}
    )
    assert bad.status_code == 422
