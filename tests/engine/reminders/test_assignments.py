"""Reminders before an assignment's deadline: to the lead unit and the tracking specialist, on the right
working days, never twice, again after an extension, never after the result is reported."""

from __future__ import annotations

from datetime import date

import pytest

from engine.assignments import service as assignment_service
from engine.assignments.models import Assignment
from engine.documents import service as document_service
from engine.notifications import service as notifications
from engine.usertasks import service as usertasks
from tests.conftest import complete_task, two_task_document
from tests.engine.reminders.conftest import by_time, local, notes, run, run_hourly, sent_keys
from tests.factories import add_assignment, add_document

KIND = "deadline_reminder"
TO_SO_TC_AND_CV = [(None, None, "cv"), ("unit_leader", "SO_TC", None), ("unit_staff", "SO_TC", None)]


def act(system, principal, bpmn_id: str, data: dict) -> None:
    """Complete the one user task `bpmn_id` in the principal's inbox."""
    with system.db.reading() as session:
        [task] = [t for t in usertasks.inbox(session=session, user=principal) if t.bpmn_id == bpmn_id]
    complete_task(system, task.id, principal, data)


def dispatch(system, directory, clock, due: str) -> int:
    """Register a document on Monday 20/01/2025, classify its one task (due `due`, tracked by cv) and let
    Sở Tài chính accept it: the assignment's id."""
    clock.move_to(local(2025, 1, 20, 9))
    payload = two_task_document(
        number="27/QĐ-UBND",
        issued_on="2025-01-17",
        tasks=[{"content": "Xây dựng kho dữ liệu dùng chung", "lead_unit": "SO_TC"}],
    )
    with system.db.transaction() as session:
        document_id = document_service.register_document(
            session=session, engine=system.engine, payload=payload, actor="cv"
        ).id
    task = {
        "content": "Xây dựng kho dữ liệu dùng chung",
        "lead_unit": "SO_TC",
        "coordinating_units": [],
        "has_deadline": True,
        "due_date": due,
        "deadline_kind": "completion",
        "must_report": True,
    }
    act(
        system,
        directory["cv"],
        "classify",
        {"tracking_room": "Phòng Tổng hợp", "tracking_specialist": "cv", "tasks": [task]},
    )
    act(system, directory["sotc"], "review", {"decision": "accept"})
    with system.db.reading() as session:
        [a] = assignment_service.assignments_of(session=session, document_id=document_id)
        return a.id


@pytest.mark.postgres
def test_reminded_3_and_1_working_days_before_again_after_an_extension_never_after_the_result(
    system, directory, clock, backend
):
    a_id = dispatch(system, directory, clock, "2025-02-05")
    # Every hour, twice, from Monday 20/01 to the deadline day: across a weekend, Tết and a weekend.
    run_hourly(system, clock, local(2025, 1, 20, 6), local(2025, 2, 5, 9))
    rows = notes(system, KIND)
    assert by_time(rows) == {local(2025, 1, 24, 7): TO_SO_TC_AND_CV, local(2025, 2, 4, 7): TO_SO_TC_AND_CV}
    assert {n.message for n in rows} == {
        "Nhiệm vụ “Xây dựng kho dữ liệu dùng chung” (văn bản 27/QĐ-UBND, đơn vị chủ trì: Sở Tài chính) "
        f"sắp đến hạn: còn {n} ngày làm việc, thời hạn 05/02/2025."
        for n in (3, 1)
    }
    with system.db.reading() as session:
        instance_id = session.get(Assignment, a_id).instance_id
        seen = {u: notifications.for_user(session=session, user=directory[u]) for u in directory}
    assert {n.instance_id for n in rows} == {instance_id}
    # On the home page: the specialist by name, the unit's leader and staff; nobody else but the admin.
    assert {u for u, found in seen.items() if any(n.kind == KIND for n in found)} == {
        "cv",
        "sotc",
        "ldsotc",
        "admin",
    }

    # 05/02, 10:00: a difficulty; VP advises and the Chairman extends the deadline to Friday 14/02/2025.
    clock.move_to(local(2025, 2, 5, 10))
    act(
        system,
        directory["sotc"],
        "update",
        {
            "kind": "difficulty",
            "difficulties": "Thiếu kinh phí",
            "proposals": "Gia hạn",
            "proposed_due_date": "2025-02-14",
        },
    )
    act(  # VP advises before the Chairman directs (Đ9.1.b)
        system,
        directory["cv"],
        "advise_difficulty",
        {"advice": "Lý do chính đáng", "proposal": "extend", "advised_due_date": "2025-02-14"},
    )
    act(
        system,
        directory["ct"],
        "give_direction",
        {"decision": "extend", "direction": "Đồng ý gia hạn", "new_due_date": "2025-02-14"},
    )
    run_hourly(system, clock, local(2025, 2, 5, 11), local(2025, 2, 12, 9))
    # 12/02, 10:00: the result is reported; the 1-day reminder of Thursday 13/02 is not sent.
    clock.move_to(local(2025, 2, 12, 10))
    act(
        system,
        directory["sotc"],
        "update",
        {"kind": "result", "result": "Đã xây dựng", "completed_on": "2025-02-12", "attachments": []},
    )
    run_hourly(system, clock, local(2025, 2, 12, 11), local(2025, 2, 17, 12))

    rows = notes(system, KIND)
    assert list(by_time(rows)) == [local(2025, 1, 24, 7), local(2025, 2, 4, 7), local(2025, 2, 11, 7)]
    assert rows[-1].message.endswith("sắp đến hạn: còn 3 ngày làm việc, thời hạn 14/02/2025.")
    assert sent_keys(system, "assignment") == [
        (str(a_id), date(2025, 2, 5), 3),
        (str(a_id), date(2025, 2, 5), 1),
        (str(a_id), date(2025, 2, 14), 3),
    ]


def seed(system, *, due: date, created_on: date, content: str = "Rà soát thủ tục", stage: str = "accepted"):
    """An assignment written straight to the tables, created at 09:00 local on `created_on`."""
    with system.db.transaction() as session:
        document = add_document(session, number="5/KH-UBND", created_at=local(2025, 1, 6, 9))
        return add_assignment(
            session,
            document,
            seq=1,
            lead="SO_XD",
            content=content,
            due=due,
            stage=stage,
            created_at=local(created_on.year, created_on.month, created_on.day, 9),
        ).id


def test_after_a_gap_only_the_most_urgent_reminder_goes_out(system, directory, clock):
    a_id = seed(system, due=date(2025, 2, 5), created_on=date(2025, 1, 20))
    assert run(system, clock, local(2025, 1, 21)) == 0
    # Down from 22/01 until the deadline day itself: the 3-day and the 1-day reminders were both missed.
    assert run(system, clock, local(2025, 2, 5, 13)) == 1
    assert sent_keys(system, "assignment") == [(str(a_id), date(2025, 2, 5), 1)]
    [staff] = [n for n in notes(system, KIND) if n.recipient_group == "unit_staff"]
    assert staff.message.endswith("sắp đến hạn: hôm nay là ngày làm việc cuối cùng, thời hạn 05/02/2025.")
    assert run(system, clock, local(2025, 2, 6)) == 0  # passed: nothing


def test_a_missed_3_day_reminder_goes_out_late_then_the_1_day_one(system, directory, clock):
    seed(system, due=date(2025, 2, 5), created_on=date(2025, 1, 20))
    assert run(system, clock, local(2025, 2, 3)) == 1  # Monday after Tết: the 3-day one, two days left
    assert run(system, clock, local(2025, 2, 4)) == 1
    staff = [n.message for n in notes(system, KIND) if n.recipient_group == "unit_staff"]
    assert [m.split("sắp đến hạn: ")[1] for m in staff] == [
        "còn 2 ngày làm việc, thời hạn 05/02/2025.",
        "còn 1 ngày làm việc, thời hạn 05/02/2025.",
    ]


def test_a_deadline_that_passed_during_a_gap_gets_nothing(system, directory, clock):
    seed(system, due=date(2025, 2, 5), created_on=date(2025, 1, 20))
    assert run(system, clock, local(2025, 2, 6)) == 0
    assert notes(system, KIND) == []


def test_no_reminder_for_a_reminder_day_before_the_assignment_existed(system, directory, clock):
    a_id = seed(system, due=date(2025, 2, 5), created_on=date(2025, 1, 24))  # the 3-day day itself
    run_hourly(system, clock, local(2025, 1, 24, 10), local(2025, 2, 6, 8))
    assert sent_keys(system, "assignment") == [(str(a_id), date(2025, 2, 5), 1)]


def test_done_and_returned_assignments(system, directory, clock):
    seed(
        system,
        due=date(2025, 2, 4),
        created_on=date(2025, 1, 20),
        content="Đã báo cáo",
        stage="result_reported",
    )
    seed(system, due=date(2025, 2, 4), created_on=date(2025, 1, 20), content="Đã xong", stage="confirmed")
    seed(system, due=date(2025, 2, 4), created_on=date(2025, 1, 20), content="Bị trả lại", stage="returned")
    assert run(system, clock, local(2025, 2, 3)) == 1
    # Returned to VP (Đ6.2.a): the specialist is reminded, the unit that returned it is not.
    [note] = notes(system, KIND)
    assert "“Bị trả lại”" in note.message and note.recipient_user == "cv" and note.recipient_group is None


@pytest.mark.parametrize("settings_overrides", [{"reminder_days": "2", "reminder_hour": 9}])
def test_the_reminder_days_and_hour_are_settings(system, directory, clock):
    seed(system, due=date(2025, 2, 5), created_on=date(2025, 1, 20))
    assert run(system, clock, local(2025, 1, 24, 10)) == 0  # no 3-day reminder
    assert run(system, clock, local(2025, 2, 3, 8, 59)) == 0  # not before 09:00
    assert run(system, clock, local(2025, 2, 3, 9)) == 1
    assert run_hourly(system, clock, local(2025, 2, 3, 10), local(2025, 2, 6, 12)) == 0  # no 1-day reminder
    [staff] = [n for n in notes(system, KIND) if n.recipient_group == "unit_staff"]
    assert staff.message.endswith("còn 2 ngày làm việc, thời hạn 05/02/2025.")


@pytest.mark.parametrize("settings_overrides", [{"reminder_days": ""}])
def test_no_reminder_days_no_reminders(system, directory, clock):
    seed(system, due=date(2025, 2, 5), created_on=date(2025, 1, 20))
    assert run_hourly(system, clock, local(2025, 1, 20, 10), local(2025, 2, 5, 12)) == 0
