"""Đ9.2.b: each coordinating unit's own procedure: it sends its contribution to the lead unit, is reminded
before the lead unit's deadline and on it (across Tết and a make-up Saturday), and its process ends with
the assignment's."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from engine.assignments import corrections
from engine.assignments import service as assignment_service
from engine.assignments.coordination import business_key
from engine.assignments.models import COORDINATING, StatusUpdate
from engine.errors import PermissionDeniedError
from engine.instances import service as instances
from engine.instances.models import ProcessInstance
from engine.notifications.models import Notification
from tests.conftest import complete_task
from tests.engine.files import samples
from tests.engine.files.helpers import upload
from tests.processes.test_assignment import act, classify, eod, sweep, tasks_of

# Due Monday 28/04/2025: five working days before it counts the make-up Saturday 26/04, so the reminder
# goes out on Tuesday 22/04 (not Monday 21/04).
DUE = "2025-04-28"
REMINDER_AT = datetime(2025, 4, 22, 0, 0, 1, tzinfo=UTC)  # 07:00 local (timers fire strictly after)
DUE_DAY_AT = datetime(2025, 4, 28, 0, 0, 1, tzinfo=UTC)
# Started Friday 24/01/2025: the first look comes five working days later, after Tết (27-31/01): 07/02.
FIRST_CHECK = datetime(2025, 2, 7, 0, 0, tzinfo=UTC)


def task(due: str | None = DUE, coordinating: list[str] | None = None) -> dict:
    return {
        "content": "Xây dựng kho dữ liệu dùng chung",
        "lead_unit": "SO_TC",
        "coordinating_units": ["SO_XD"] if coordinating is None else coordinating,
        "has_deadline": due is not None,
        "due_date": due,
        "deadline_kind": "completion" if due else None,
        "must_report": False,
    }


def started(system, clock, directory, **kwargs) -> int:
    """Classify the task and let the sweep run the deferred coordination starts; the assignment's id."""
    [a_id] = classify(system, directory, task(**kwargs))
    run_deferred(system, clock)
    return a_id


def run_deferred(system, clock) -> None:
    """The sweep right after the step that started the coordination processes runs their first steps."""
    sweep(system, clock, clock.now() + timedelta(seconds=1))


def coordination(system, a_id: int, unit: str = "SO_XD") -> ProcessInstance | None:
    with system.db.reading() as session:
        key = business_key(a_id, unit)
        return session.scalar(select(ProcessInstance).where(ProcessInstance.business_key == key))


def notices(system, kind: str, unit: str) -> list[Notification]:
    with system.db.reading() as session:
        query = select(Notification).where(Notification.kind == kind, Notification.recipient_unit == unit)
        return list(session.scalars(query.order_by(Notification.id)))


def test_each_coordinating_unit_gets_its_own_task_after_the_assignment_starts(system, directory, clock):
    [a_id] = classify(system, directory, task(coordinating=["SO_XD", "SO_NV"]))
    assert coordination(system, a_id).state == ""  # deferred: it runs after the classification
    run_deferred(system, clock)
    assert {coordination(system, a_id, u).status for u in ("SO_XD", "SO_NV")} == {"running"}
    [mine] = tasks_of(system, directory["soxd"], "send_contribution")
    assert mine.name == "Gửi ý kiến phối hợp cho đơn vị chủ trì" and mine.unit_code == "SO_XD"
    assert mine.candidate_groups == ["unit_staff"]
    assert mine.due_at == eod(date(2025, 4, 28))
    assert "Sở Tài chính" in mine.instructions and "điểm b khoản 2 Điều 9" in mine.instructions
    assert tasks_of(system, directory["sotc"], "send_contribution") == []
    with system.db.reading() as session:
        instance_id = coordination(system, a_id).id
        waiting = {t.bpmn_id: t.fire_at for t in instances.timers(session=session, instance_id=instance_id)}
    assert waiting == {"check_time": FIRST_CHECK}


def test_the_contribution_is_stored_as_a_coordinating_update_and_the_lead_unit_told(system, directory, clock):
    a_id = started(system, clock, directory)
    [mine] = tasks_of(system, directory["soxd"], "send_contribution")
    stored = upload(system, directory["soxd"], samples.pdf(), "y-kien.pdf", task_id=mine.id)
    data = {"situation": "Đã rà soát quy hoạch xây dựng", "attachments": [{"file_id": stored.id}]}
    clock.move_to(datetime(2025, 2, 10, 3, 0, tzinfo=UTC))
    complete_task(system, mine.id, directory["soxd"], data)
    with system.db.reading() as session:
        [update] = assignment_service.related(session, a_id)["status_updates"]
    assert (update.unit_code, update.role, update.reported_by) == ("SO_XD", COORDINATING, "soxd")
    assert update.situation == "Đã rà soát quy hoạch xây dựng"
    assert [f["name"] for f in update.attachments] == ["y-kien.pdf"]
    [told_leader, told_staff] = notices(system, "coordination_contribution", "SO_TC")
    assert {told_leader.recipient_group, told_staff.recipient_group} == {"unit_leader", "unit_staff"}
    assert told_leader.assignment_id == a_id and "Sở Xây dựng đã gửi ý kiến phối hợp" in told_leader.message
    assert tasks_of(system, directory["soxd"], "send_contribution") == []
    # Sent, but the assignment runs on: the process waits for it to end.
    assert coordination(system, a_id).status == "running"
    # Reminders go only to a unit that has not sent anything.
    sweep(system, clock, DUE_DAY_AT)
    assert notices(system, "coordination_reminder", "SO_XD") == []


def test_a_silent_unit_is_reminded_before_the_lead_units_deadline_and_on_it(system, directory, clock):
    a_id = started(system, clock, directory)
    sweep(system, clock, datetime(2025, 4, 21, 23, 59, tzinfo=UTC))
    assert notices(system, "coordination_reminder", "SO_XD") == []
    sweep(system, clock, REMINDER_AT)
    reminders = notices(system, "coordination_reminder", "SO_XD")
    assert len(reminders) == 2  # the unit's leader and its staff
    assert "còn 5 ngày làm việc đến thời hạn (28/04/2025)" in reminders[0].message
    assert reminders[0].assignment_id == a_id
    sweep(system, clock, DUE_DAY_AT)
    latest = notices(system, "coordination_reminder", "SO_XD")[-1]
    assert "hôm nay là thời hạn (28/04/2025)" in latest.message
    assert len(tasks_of(system, directory["soxd"], "send_contribution")) == 1


def test_the_reminder_follows_the_configured_number_of_days(system, directory, clock):
    settings = dataclasses.replace(system.settings, coordination_lead_days=1)
    system = dataclasses.replace(
        system, settings=settings, engine=dataclasses.replace(system.engine, settings=settings)
    )
    started(system, clock, directory)
    sweep(system, clock, REMINDER_AT)
    assert notices(system, "coordination_reminder", "SO_XD") == []
    sweep(system, clock, datetime(2025, 4, 26, 0, 0, 1, tzinfo=UTC))  # the make-up Saturday, 1 day before
    [reminder, _] = notices(system, "coordination_reminder", "SO_XD")
    assert "còn 1 ngày làm việc" in reminder.message


def test_the_coordination_ends_when_the_assignment_is_completed(system, directory, clock):
    a_id = started(system, clock, directory)
    act(system, directory["sotc"], "review", {"decision": "accept"})
    result = {"kind": "result", "result": "Đã xây dựng", "completed_on": "2025-02-10"}
    act(system, directory["sotc"], "update", result, at=datetime(2025, 2, 10, 3, 0, tzinfo=UTC), clock=clock)
    act(system, directory["cv"], "confirm", {"decision": "confirm"})
    assert coordination(system, a_id).status == "running"  # until its next look at the assignment
    sweep(system, clock, datetime(2025, 2, 14, 0, 0, 1, tzinfo=UTC))  # 5 working days after 07/02
    instance = coordination(system, a_id)
    assert instance.status == "completed"
    assert tasks_of(system, directory["soxd"], "send_contribution") == []  # no orphan left in the inbox
    assert notices(system, "coordination_reminder", "SO_XD") == []


def test_a_unit_added_by_vps_correction_gets_its_procedure_and_a_removed_one_ends(system, directory, clock):
    a_id = started(system, clock, directory)
    act(system, directory["sotc"], "review", {"decision": "accept"})
    with system.db.transaction() as session:
        corrections.correct_assignment(
            session=session,
            engine=system.engine,
            assignment_id=a_id,
            changes={"coordinating_units": ["SO_NV"]},
            reason="Văn bản giao Sở Nội vụ phối hợp",
            user=directory["cv"],
        )
    run_deferred(system, clock)
    assert coordination(system, a_id, "SO_NV").status == "running"
    [mine] = tasks_of(system, directory["soxd"], "send_contribution")
    with pytest.raises(PermissionDeniedError):  # no longer coordinating: nothing is stored
        complete_task(system, mine.id, directory["soxd"], {"situation": "Ý kiến"})
    assert assignment_service_updates(system, a_id) == []
    sweep(system, clock, FIRST_CHECK + timedelta(seconds=1))
    assert coordination(system, a_id, "SO_XD").status == "completed"
    assert coordination(system, a_id, "SO_NV").status == "running"


def assignment_service_updates(system, a_id: int) -> list[StatusUpdate]:
    with system.db.reading() as session:
        return assignment_service.related(session, a_id)["status_updates"]


def test_the_contributions_files_are_the_assignments_and_its_history_has_one_entry(system, directory, clock):
    from engine.files import scope as file_scope
    from engine.files.models import StoredFile

    a_id = started(system, clock, directory)
    [mine] = tasks_of(system, directory["soxd"], "send_contribution")
    stored = upload(system, directory["soxd"], samples.pdf(), "y-kien.pdf", task_id=mine.id)
    data = {"situation": "Đã rà soát quy hoạch xây dựng", "attachments": [{"file_id": stored.id}]}
    complete_task(system, mine.id, directory["soxd"], data)
    with system.db.reading() as session:
        [update] = assignment_service.related(session, a_id)["status_updates"]
        row = session.get(StoredFile, stored.id)
        readers = {u: file_scope.can_read(session, directory[u], row) for u in ("ldsotc", "sotc", "xabx")}
        written = [
            r for r in assignment_service.history(session, assignment_id=a_id) if r.entity == "status_updates"
        ]
    assert [f["file_id"] for f in update.attachments] == [stored.id]
    # The lead unit opens the coordinating unit's file; a unit outside the assignment does not.
    assert readers == {"ldsotc": True, "sotc": True, "xabx": False}
    assert [(r.entity_id, r.action) for r in written] == [(str(update.id), "insert")]


def test_a_coordinating_unit_made_lead_by_a_transfer_loses_its_coordination_task(system, directory, clock):
    a_id = started(system, clock, directory)
    assert len(tasks_of(system, directory["soxd"], "send_contribution")) == 1
    act(
        system,
        directory["sotc"],
        "review",
        {"decision": "return", "reason_kind": "not_our_mandate", "reason": "Thuộc lĩnh vực xây dựng"},
    )
    act(
        system,
        directory["cv"],
        "handle_return",
        {"resolution": "transferred", "to_unit": "SO_XD", "note": "Chuyển Sở Xây dựng chủ trì"},
    )
    # Sở Xây dựng now leads: it reviews the assignment, and no contribution task is left it cannot send.
    assert tasks_of(system, directory["soxd"], "send_contribution") == []
    assert len(tasks_of(system, directory["soxd"], "review")) == 1
    instance = coordination(system, a_id)
    assert instance.status == "cancelled"
    with system.db.reading() as session:
        assert instances.timers(session=session, instance_id=instance.id) == []
        [cancelled] = [
            e
            for e in instances.events(session=session, instance_id=instance.id)
            if e.kind == "instance_cancelled"
        ]
    assert (cancelled.actor, cancelled.data["reason"]) == (
        "cv",
        "Đơn vị được giao chủ trì nhiệm vụ, không còn là đơn vị phối hợp",
    )
    sweep(system, clock, FIRST_CHECK + timedelta(seconds=1))  # its loop is gone: nothing runs, nothing fails
    assert coordination(system, a_id).status == "cancelled"
    assert notices(system, "coordination_reminder", "SO_XD") == []
