"""Đ9.2.c, Đ26.2: a unit's leader gives its part of an assignment to one of its officials with an internal
deadline; the official is reminded on it (a make-up Saturday) and reports; only that unit sees it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from engine.assignments import internal
from engine.assignments.models import InternalTask
from engine.errors import PermissionDeniedError, ValidationError
from engine.instances import service as instances
from engine.notifications.models import Notification
from tests.conftest import complete_task
from tests.processes.test_assignment import classify, sweep, tasks_of

DUE = "2025-04-28"  # the assignment's deadline, a Monday
INTERNAL_DUE = "2025-04-26"  # the make-up working Saturday before it
REMINDER_AT = datetime(2025, 4, 26, 0, 0, 1, tzinfo=UTC)  # 07:00 local on that Saturday


def task() -> dict:
    return {
        "content": "Xây dựng kho dữ liệu dùng chung",
        "lead_unit": "SO_TC",
        "coordinating_units": ["SO_XD"],
        "has_deadline": True,
        "due_date": DUE,
        "deadline_kind": "completion",
        "must_report": False,
    }


def give(system, directory, a_id: int, who: str = "ldsotc", **changes) -> InternalTask:
    payload = {"assignee": "sotc", "due_on": INTERNAL_DUE, "instructions": "Dự thảo kế hoạch", **changes}
    with system.db.transaction() as session:
        row = internal.create(
            session,
            engine=system.engine,
            user=directory[who],
            assignment_id=a_id,
            payload=payload,
            today=date(2025, 1, 24),
            now=datetime(2025, 1, 24, 2, 0, tzinfo=UTC),
        )
        session.expunge(row)
        return row


def notices(system, kind: str) -> list[Notification]:
    with system.db.reading() as session:
        query = select(Notification).where(Notification.kind == kind).order_by(Notification.id)
        return list(session.scalars(query))


def test_the_leader_gives_the_work_to_an_official_who_finds_it_claimed(system, directory):
    [a_id] = classify(system, directory, task())
    row = give(system, directory, a_id)
    assert (row.unit_code, row.assignee, row.status, row.created_by) == ("SO_TC", "sotc", "open", "ldsotc")
    [mine] = tasks_of(system, directory["sotc"], "do_internal_task")
    assert mine.name == "Thực hiện nhiệm vụ được giao trong đơn vị"
    assert (mine.assignee, mine.unit_code) == ("sotc", "SO_TC")
    assert "Hoàng Lãnh Đạo giao bạn xử lý" in mine.instructions and "26/04/2025" in mine.instructions
    [told] = [n for n in notices(system, "user_task_assigned") if n.recipient_user == "sotc"]
    assert "giao cho bạn xử lý" in told.message
    with system.db.reading() as session:
        waiting = {
            t.bpmn_id: t.fire_at for t in instances.timers(session=session, instance_id=row.instance_id)
        }
    assert waiting["internal_due"] == datetime(2025, 4, 26, 0, 0, tzinfo=UTC)


def test_an_internal_deadline_after_the_assignments_is_refused_in_vietnamese(system, directory):
    [a_id] = classify(system, directory, task())
    with pytest.raises(ValidationError) as error:
        give(system, directory, a_id, due_on="2025-04-29")
    assert error.value.fields["due_on"] == (
        "Hạn xử lý trong đơn vị không được sau thời hạn của nhiệm vụ (28/04/2025)"
    )
    with pytest.raises(ValidationError) as error:
        give(system, directory, a_id, assignee="soxd")  # not an official of Sở Tài chính
    assert "assignee" in error.value.fields
    with system.db.reading() as session:
        assert session.scalars(select(InternalTask)).all() == []


def test_only_the_units_leader_gives_work(system, directory):
    [a_id] = classify(system, directory, task())
    with pytest.raises(PermissionDeniedError):
        give(system, directory, a_id, who="sotc")


def test_the_official_and_the_leader_are_reminded_on_the_internal_deadline(system, directory, clock):
    [a_id] = classify(system, directory, task())
    give(system, directory, a_id)
    sweep(system, clock, datetime(2025, 4, 25, 23, 59, tzinfo=UTC))
    assert notices(system, "internal_task_due") == []
    sweep(system, clock, REMINDER_AT)
    due = notices(system, "internal_task_due")
    assert sorted(n.recipient_user for n in due) == ["ldsotc", "sotc"]
    assert "Hôm nay (26/04/2025) là hạn xử lý trong đơn vị" in due[0].message


def test_the_officials_report_reaches_the_leader(system, directory, clock):
    [a_id] = classify(system, directory, task())
    row = give(system, directory, a_id)
    [mine] = tasks_of(system, directory["sotc"], "do_internal_task")
    clock.move_to(datetime(2025, 2, 10, 3, 0, tzinfo=UTC))
    complete_task(system, mine.id, directory["sotc"], {"report": "Đã dự thảo kế hoạch, trình lãnh đạo"})
    with system.db.reading() as session:
        done = session.get(InternalTask, row.id)
        assert (done.status, done.report) == ("done", "Đã dự thảo kế hoạch, trình lãnh đạo")
        assert done.done_at == datetime(2025, 2, 10, 3, 0, tzinfo=UTC)
        assert instances.get_or_raise(session=session, instance_id=row.instance_id).status == "completed"
    [told] = notices(system, "internal_task_reported")
    assert told.recipient_user == "ldsotc" and "Đỗ Tài Chính đã báo cáo" in told.message
    sweep(system, clock, REMINDER_AT)
    assert notices(system, "internal_task_due") == []  # done: no reminder


def test_only_the_unit_sees_its_internal_steps(system, directory, client, auth_headers):
    [a_id] = classify(system, directory, task())
    url = f"/api/v1/assignments/{a_id}/internal-tasks"
    body = {"assignee": "sotc", "due_on": INTERNAL_DUE, "instructions": "Dự thảo kế hoạch"}
    created = client.post(url, json=body, headers=auth_headers("ldsotc"))
    assert created.status_code == 201, created.get_json()
    late = client.post(url, json={**body, "due_on": "2025-05-30"}, headers=auth_headers("ldsotc"))
    assert (
        late.status_code == 422
        and "không được sau thời hạn" in late.get_json()["details"]["fields"]["due_on"]
    )
    assert client.post(url, json=body, headers=auth_headers("sotc")).status_code == 403
    seen = {
        who: client.get(url, headers=auth_headers(who)).get_json() for who in ("ldsotc", "sotc", "cv", "soxd")
    }
    assert [r["instructions"] for r in seen["ldsotc"]] == ["Dự thảo kế hoạch"]
    assert len(seen["sotc"]) == 1
    assert seen["cv"] == [] and seen["soxd"] == []  # VP and the coordinating unit: never the internal steps
    history = client.get(f"/api/v1/assignments/{a_id}/history", headers=auth_headers("cv")).get_json()
    assert "Dự thảo kế hoạch" not in str(history)


def test_the_assignment_page_shows_the_section_to_the_unit_only(system, directory, app):
    from tests.web.test_pages import login

    [a_id] = classify(system, directory, task())
    give(system, directory, a_id)
    pages = {}
    for who in ("ldsotc", "cv", "soxd"):
        client = app.test_client()
        login(client, who)
        pages[who] = client.get(f"/assignments/{a_id}").get_data(as_text=True)
    assert "Giao xử lý trong đơn vị" in pages["ldsotc"] and "Dự thảo kế hoạch" in pages["ldsotc"]
    assert "Giao cán bộ xử lý" in pages["ldsotc"] and "Đỗ Tài Chính" in pages["ldsotc"]
    for outsider in ("cv", "soxd"):
        assert "Giao xử lý trong đơn vị" not in pages[outsider]
        assert "Dự thảo kế hoạch" not in pages[outsider]
