"""P2 review, P3 updates, P5 urging and P7 difficulties of one assignment, through the service layer,
with the injected clock. Deadlines are checked against DOMAIN.md §6.

Here the units' leaders do not approve their reports (the path of a unit type without `leader_approval`);
tests/processes/test_assignment_escalation.py covers the approval, VP's advice and the escalation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine import history
from engine.assignments import service as assignment_service
from engine.assignments.models import (
    Assignment,
    AssignmentReturn,
    AssignmentTransfer,
    AssignmentUnit,
    DeadlineAdjustment,
    DifficultyReport,
    StatusUpdate,
    Urging,
)
from engine.calendar import WorkCalendar
from engine.directory.models import UnitType
from engine.documents import service as document_service
from engine.errors import PermissionDeniedError, ValidationError
from engine.instances import service as instances
from engine.instances import sweep as timer_sweep
from engine.notifications.models import Notification
from engine.reports import buckets
from engine.usertasks import service as usertasks
from tests.conftest import complete_task, two_task_document
from tests.engine.files import samples
from tests.engine.files.helpers import upload

DUE = "2025-04-24"  # DOMAIN.md: a task due Thursday 24/04/2025 ...
T2 = date(2025, 4, 28)  # ... is updated by Monday 28/04/2025 (Saturday 26/04/2025 is a make-up working day)


def eod(day: date) -> datetime:
    """R3: a deadline on `day` ends at 24:00 Asia/Ho_Chi_Minh, 17:00 UTC."""
    return datetime(day.year, day.month, day.day, 17, 0, tzinfo=UTC)


def after(day: date) -> datetime:
    """The first sweep that sees the deadline on `day` passed (SpiffWorkflow fires strictly after)."""
    return eod(day) + timedelta(seconds=1)


def item(content: str, lead_unit: str, due_date: str | None = None) -> dict:
    """One task of the classify form."""
    return {
        "content": content,
        "lead_unit": lead_unit,
        "coordinating_units": [],
        "has_deadline": due_date is not None,
        "due_date": due_date,
        "deadline_kind": "completion" if due_date else None,
        "must_report": False,
    }


def classify(system, directory, *tasks: dict) -> list[int]:
    """Register a document with `tasks` and classify it (P1): one assignment process per task."""
    payload = two_task_document(tasks=[{"content": t["content"], "lead_unit": t["lead_unit"]} for t in tasks])
    with system.db.transaction() as session:
        document_id = document_service.register_document(
            session=session, engine=system.engine, payload=payload, actor="cv"
        ).id
    [task] = tasks_of(system, directory["cv"], "classify")
    data = {"tracking_room": "Phòng Tổng hợp", "tracking_specialist": "cv", "tasks": list(tasks)}
    complete_task(system, task.id, directory["cv"], data)
    with system.db.reading() as session:
        return [a.id for a in assignment_service.assignments_of(session=session, document_id=document_id)]


def tasks_of(system, principal, bpmn_id: str):
    with system.db.reading() as session:
        return [t for t in usertasks.inbox(session=session, user=principal) if t.bpmn_id == bpmn_id]


def act(system, principal, bpmn_id: str, data: dict, at: datetime | None = None, clock=None) -> None:
    """Complete the one user task `bpmn_id` in the principal's inbox, at `at` if given."""
    if at is not None:
        clock.move_to(at)
    [task] = tasks_of(system, principal, bpmn_id)
    complete_task(system, task.id, principal, data)


def accept(system, directory, unit_user: str = "sotc") -> None:
    act(system, directory[unit_user], "review", {"decision": "accept"})


def sweep(system, clock, at: datetime):
    clock.move_to(at)
    return timer_sweep.fire_due_timers(db=system.db, engine=system.engine, now=at)


def get(system, model, **where):
    with system.db.reading() as session:
        return list(session.scalars(select(model).filter_by(**where)))


def assignment(system, assignment_id: int) -> Assignment:
    with system.db.reading() as session:
        return session.get(Assignment, assignment_id)


def timers(system, assignment_id: int) -> dict[str, datetime]:
    with system.db.reading() as session:
        instance_id = session.get(Assignment, assignment_id).instance_id
        return {t.bpmn_id: t.fire_at for t in instances.timers(session=session, instance_id=instance_id)}


def events(system, assignment_id: int) -> list[tuple[str, str | None, str | None]]:
    with system.db.reading() as session:
        instance_id = session.get(Assignment, assignment_id).instance_id
        return [
            (e.kind, e.bpmn_id, e.actor) for e in instances.events(session=session, instance_id=instance_id)
        ]


def changes(system, assignment_id: int) -> list[tuple[str, dict, str | None]]:
    with system.db.reading() as session:
        return [(r.action, r.changes, r.actor) for r in history.of(session, "assignments", assignment_id)]


def notes_to(system, unit: str) -> list[Notification]:
    with system.db.reading() as session:
        query = select(Notification).where(Notification.recipient_unit == unit).order_by(Notification.id)
        return list(session.scalars(query))


def status(system, assignment_id: int) -> str:
    with system.db.reading() as session:
        instance_id = session.get(Assignment, assignment_id).instance_id
        return instances.get_or_raise(session=session, instance_id=instance_id).status


@pytest.fixture(autouse=True)
def without_leader_approval(system, directory):
    """The sở of these tests send their reports to VP without their leader's approval (Đ8.1.c off)."""
    set_leader_approval(system, "Sở, ban, ngành", False)


def set_leader_approval(system, unit_type: str, on: bool) -> None:
    with system.db.transaction() as session:
        row = session.get(UnitType, unit_type) or UnitType(name=unit_type, sends_reports=True)
        row.local_government, row.leader_approval = bool(row.local_government), on
        session.add(row)


def advise(system, directory, proposal: str = "extend", **fields) -> None:
    """VP's advisory step on a difficulty (Đ9.1.b), before the leadership directs."""
    data = {"advice": "Lý do chính đáng", "proposal": proposal, **fields}
    if proposal == "extend":
        data.setdefault("advised_due_date", "2025-06-30")
    act(system, directory["cv"], "advise_difficulty", data)


# --- P2: review, return, correct, transfer ----------------------------------------------------------------


def test_classification_starts_a_review_for_the_lead_unit_only(system, directory):
    [a_id] = classify(system, directory, item("Xây dựng kho dữ liệu dùng chung", "SO_TC", DUE))
    a = assignment(system, a_id)
    with system.db.reading() as session:
        instance = instances.get_or_raise(session=session, instance_id=a.instance_id)
    assert (instance.process_id, instance.business_key) == ("assignment", f"assignment:{a_id}")
    [review] = tasks_of(system, directory["sotc"], "review")
    assert review.name == "Tiếp nhận nhiệm vụ"
    assert review.unit_code == "SO_TC" and review.candidate_groups == ["unit_staff", "unit_leader"]
    assert review.subject == "12/QĐ-UBND: Xây dựng kho dữ liệu dùng chung"
    assert review.due_at == eod(date(2025, 2, 5))  # "kịp thời": 3 working days from Friday 24/01, across Tết
    assert "24/04/2025" in review.instructions
    assert [t.id for t in tasks_of(system, directory["ldsotc"], "review")] == [review.id]
    assert tasks_of(system, directory["soxd"], "review") == []
    assert timers(system, a_id) == {"due_passed": eod(date(2025, 4, 24))}


def test_accepting_opens_the_standing_update_task(system, directory):
    [a_id] = classify(system, directory, item("Nhiệm vụ", "SO_TC", DUE))
    accept(system, directory)
    a = assignment(system, a_id)
    assert (a.stage, a.progress, a.last_update_at) == ("accepted", "not_started", None)
    assert tasks_of(system, directory["sotc"], "review") == []
    [update] = tasks_of(system, directory["sotc"], "update")
    assert update.name == "Cập nhật tình hình thực hiện" and update.unit_code == "SO_TC"
    assert ("user_task_completed", "review", "sotc") in events(system, a_id)


def test_another_units_staff_can_neither_see_nor_complete_the_task(system, directory):
    classify(system, directory, item("Nhiệm vụ", "SO_TC", DUE))
    [review] = tasks_of(system, directory["sotc"], "review")
    assert tasks_of(system, directory["soxd"], "review") == []
    with system.db.reading() as session:
        row = usertasks.get_or_raise(session=session, task_id=review.id)
        with pytest.raises(PermissionDeniedError):
            usertasks.check_can_see(row, directory["soxd"])
    with pytest.raises(PermissionDeniedError):
        complete_task(system, review.id, directory["soxd"], {"decision": "accept"})
    with pytest.raises(PermissionDeniedError):  # VP staff do not review for a unit either
        complete_task(system, review.id, directory["cv"], {"decision": "accept"})
    assert [t.id for t in tasks_of(system, directory["sotc"], "review")] == [review.id]


def test_a_return_needs_a_reason(system, directory):
    classify(system, directory, item("Nhiệm vụ", "SO_TC", DUE))
    [review] = tasks_of(system, directory["sotc"], "review")
    with pytest.raises(ValidationError) as error:
        complete_task(system, review.id, directory["sotc"], {"decision": "return"})
    assert set(error.value.fields) >= {"reason_kind", "reason"}
    assert get(system, AssignmentReturn) == []


def test_return_then_correct_goes_back_to_the_same_unit_with_the_new_deadline(system, directory, clock):
    [a_id] = classify(system, directory, item("Nội dung sai", "SO_TC", DUE))
    act(
        system,
        directory["sotc"],
        "review",
        {"decision": "return", "reason_kind": "wrong_content", "reason": "Thời hạn không khớp văn bản"},
        at=datetime(2025, 2, 3, 3, 0, tzinfo=UTC),
        clock=clock,
    )
    [returned] = get(system, AssignmentReturn, assignment_id=a_id)
    assert (returned.unit_code, returned.reason_kind, returned.returned_by) == (
        "SO_TC",
        "wrong_content",
        "sotc",
    )
    assert assignment(system, a_id).stage == "returned"
    [handling] = tasks_of(system, directory["cv"], "handle_return")
    assert handling.name == "Xử lý nhiệm vụ bị trả lại"
    assert handling.due_at == eod(date(2025, 2, 6))  # 3 working days from Monday 03/02/2025
    assert "Nội dung chưa đúng" in handling.instructions and "Thời hạn không khớp" in handling.instructions

    act(
        system,
        directory["cv"],
        "handle_return",
        {"resolution": "corrected", "new_content": "Nội dung đúng", "new_due_date": "2025-05-31"},
    )
    a = assignment(system, a_id)
    # Saturday 31/05/2025 is a day off: the deadline ends with Monday 02/06/2025 (R4).
    assert (a.content, a.due_date, a.effective_due_date) == (
        "Nội dung đúng",
        date(2025, 5, 31),
        date(2025, 6, 2),
    )
    assert a.stage == "awaiting_acceptance"
    [returned] = get(system, AssignmentReturn, assignment_id=a_id)
    assert (returned.resolution, returned.resolved_by) == ("corrected", "cv")
    assert timers(system, a_id) == {"due_passed": eod(date(2025, 6, 2))}  # the watch follows
    [review] = tasks_of(system, directory["sotc"], "review")
    assert review.subject == "12/QĐ-UBND: Nội dung đúng"
    accept(system, directory)
    assert assignment(system, a_id).stage == "accepted"


def test_a_deadline_given_when_handling_a_return_leaves_earlier_reports_as_they_were(
    system, directory, clock
):
    """Found by `theodoi simulate`: the correction is a DeadlineAdjustment, so a report as of the day
    before it still counts the task "Không có thời hạn" when recomputed later."""
    [a_id] = classify(system, directory, item("Chưa có thời hạn", "SO_TC"))
    review = {"decision": "return", "reason_kind": "wrong_content", "reason": "Cần ghi thời hạn"}
    act(system, directory["sotc"], "review", review, at=datetime(2025, 2, 3, 3, 0, tzinfo=UTC), clock=clock)
    correction = {"resolution": "corrected", "new_due_date": "2025-05-30", "note": "Bổ sung thời hạn"}
    act(
        system,
        directory["cv"],
        "handle_return",
        correction,
        at=datetime(2025, 2, 5, 3, 0, tzinfo=UTC),
        clock=clock,
    )
    [adjustment] = get(system, DeadlineAdjustment, assignment_id=a_id)
    assert (adjustment.old_effective_due_date, adjustment.new_effective_due_date) == (None, date(2025, 5, 30))
    assert adjustment.decided_by == "cv" and "Bổ sung thời hạn" in adjustment.basis

    def bucket_on(day: date) -> dict:
        with system.db.reading() as session:
            [row] = buckets.per_unit(session, as_of=day, calendar=WorkCalendar(), unit_codes=["SO_TC"])
        return {k: row[k] for k in ("no_deadline", "open_in_time")}

    # Without deadline, then with one: in time either way (a task without deadline is never overdue).
    assert bucket_on(date(2025, 2, 4)) == {"no_deadline": 1, "open_in_time": 1}
    assert bucket_on(date(2025, 2, 5)) == {"no_deadline": 0, "open_in_time": 1}


def test_return_then_transfer_is_accepted_by_the_new_unit(system, directory):
    [a_id] = classify(system, directory, item("Nhiệm vụ xây dựng", "SO_TC", DUE))
    act(
        system,
        directory["sotc"],
        "review",
        {"decision": "return", "reason_kind": "not_our_mandate", "reason": "Thuộc lĩnh vực xây dựng"},
    )
    act(system, directory["cv"], "handle_return", {"resolution": "transferred", "to_unit": "SO_XD"})
    a = assignment(system, a_id)
    assert (a.lead_unit_code, a.stage) == ("SO_XD", "awaiting_acceptance")
    [transfer] = get(system, AssignmentTransfer, assignment_id=a_id)
    assert (transfer.from_unit, transfer.to_unit, transfer.transferred_by) == ("SO_TC", "SO_XD", "cv")
    assert transfer.reason == "Thuộc lĩnh vực xây dựng" and transfer.return_id is not None
    assert [(u.unit_code, u.role) for u in get(system, AssignmentUnit, assignment_id=a_id)] == [
        ("SO_XD", "lead")
    ]
    assert tasks_of(system, directory["sotc"], "review") == []
    accept(system, directory, "soxd")
    assert assignment(system, a_id).stage == "accepted"
    assert [t.unit_code for t in tasks_of(system, directory["soxd"], "update")] == ["SO_XD"]
    assert tasks_of(system, directory["sotc"], "update") == []
    assert ["SO_TC", "SO_XD"] in [c.get("lead_unit_code") for _, c, _ in changes(system, a_id)]


def test_return_and_handling_loop_as_often_as_needed(system, directory):
    [a_id] = classify(system, directory, item("Nhiệm vụ", "SO_TC", DUE))
    returning = {"decision": "return", "reason_kind": "wrong_content", "reason": "Chưa rõ"}
    for attempt in range(2):
        act(system, directory["sotc"], "review", returning)
        act(
            system,
            directory["cv"],
            "handle_return",
            {"resolution": "corrected", "note": f"Lần {attempt + 1}"},
        )
    accept(system, directory)
    assert [r.resolution_note for r in get(system, AssignmentReturn, assignment_id=a_id)] == [
        "Lần 1",
        "Lần 2",
    ]
    assert assignment(system, a_id).stage == "accepted"


# --- P3: progress, result, confirmation -----------------------------------------------------------------


def test_progress_then_result_then_confirmation_ends_the_process(system, directory, clock):
    [a_id] = classify(system, directory, item("Nhiệm vụ", "SO_TC", DUE))
    accept(system, directory)
    at = datetime(2025, 3, 3, 2, 0, tzinfo=UTC)
    act(
        system,
        directory["sotc"],
        "update",
        {"kind": "progress", "situation": "Đã khảo sát"},
        at=at,
        clock=clock,
    )
    a = assignment(system, a_id)
    assert (a.progress, a.last_update_at) == ("in_progress", at)
    act(system, directory["ldsotc"], "update", {"kind": "progress", "situation": "Đã có dự thảo"})
    [update] = tasks_of(system, directory["sotc"], "update")
    plan = upload(system, directory["sotc"], samples.pdf(), "ke-hoach.pdf", task_id=update.id)
    act(
        system,
        directory["sotc"],
        "update",
        {
            "kind": "result",
            "result": "Đã ban hành kế hoạch",
            "completed_on": "2025-04-22",
            "attachments": [{"file_id": plan.id}],
        },
        at=datetime(2025, 4, 23, 2, 0, tzinfo=UTC),
        clock=clock,
    )
    updates = get(system, StatusUpdate, assignment_id=a_id)
    assert [(u.progress, u.role, u.reported_by, u.is_result_report) for u in updates] == [
        ("in_progress", "lead", "sotc", False),
        ("in_progress", "lead", "ldsotc", False),
        ("done", "lead", "sotc", True),
    ]
    assert updates[-1].attachments[0]["name"] == "ke-hoach.pdf"
    assert updates[-1].attachments[0]["sha256"] == plan.sha256
    assert assignment(system, a_id).stage == "result_reported"
    assert tasks_of(system, directory["sotc"], "update") == []  # the result awaits VP
    [confirm] = tasks_of(system, directory["cv"], "confirm")
    assert "22/04/2025" in confirm.instructions

    act(system, directory["cv"], "confirm", {"decision": "confirm"})
    a = assignment(system, a_id)
    assert (a.stage, a.progress, a.completed_on) == ("confirmed", "done", date(2025, 4, 22))
    assert a.confirmed_at == datetime(2025, 4, 23, 2, 0, tzinfo=UTC)
    assert status(system, a_id) == "completed"
    assert timers(system, a_id) == {}  # the terminate end stops the deadline watch too
    with system.db.reading() as session:
        [row] = buckets.detail(session, unit_code="SO_TC", as_of=date(2025, 4, 30), calendar=WorkCalendar())
    assert row["bucket_label"] == "Đã hoàn thành đúng hạn"


def test_vp_can_send_a_result_back_and_the_unit_keeps_updating(system, directory):
    [a_id] = classify(system, directory, item("Nhiệm vụ", "SO_TC", DUE))
    accept(system, directory)
    act(
        system,
        directory["sotc"],
        "update",
        {"kind": "result", "result": "Xong", "completed_on": "2025-01-24"},
    )
    act(system, directory["cv"], "confirm", {"decision": "send_back", "reason": "Chưa có văn bản kèm theo"})
    a = assignment(system, a_id)
    assert (a.stage, a.progress, a.completed_on, a.confirmed_at) == ("accepted", "in_progress", None, None)
    assert any("Chưa có văn bản kèm theo" in n.message for n in notes_to(system, "SO_TC"))
    act(system, directory["sotc"], "update", {"kind": "progress", "situation": "Đang bổ sung"})
    assert len(tasks_of(system, directory["sotc"], "update")) == 1
    assert status(system, a_id) == "running"


def test_a_result_cannot_be_dated_in_the_future(system, directory):
    [a_id] = classify(system, directory, item("Nhiệm vụ", "SO_TC", DUE))
    accept(system, directory)
    [update] = tasks_of(system, directory["sotc"], "update")
    with pytest.raises(ValidationError) as error:
        complete_task(
            system,
            update.id,
            directory["sotc"],
            {"kind": "result", "result": "Xong", "completed_on": "2025-12-31"},
        )
    assert "completed_on" in error.value.fields
    assert assignment(system, a_id).stage == "accepted"
    assert get(system, StatusUpdate) == []


# --- P5: the due date, T2, urging -------------------------------------------------------------------------


def test_missed_due_date_reminds_at_its_end_then_urges_after_t2(system, directory, clock):
    [a_id] = classify(system, directory, item("Nhiệm vụ", "SO_TC", DUE))
    accept(system, directory)
    act(
        system,
        directory["sotc"],
        "update",
        {"kind": "progress", "situation": "Đang triển khai"},
        at=datetime(2025, 4, 10, 2, 0, tzinfo=UTC),
        clock=clock,
    )
    assert sweep(system, clock, eod(date(2025, 4, 24)) - timedelta(seconds=1)).advanced == []
    assert get(system, Urging) == []

    sweep(system, clock, after(date(2025, 4, 24)))
    [reminder] = get(system, Urging, assignment_id=a_id)
    assert (reminder.kind, reminder.unit_code, reminder.issued_by) == ("update_reminder", "SO_TC", None)
    assert "28/04/2025" in reminder.content
    assert {(n.recipient_group, n.kind) for n in notes_to(system, "SO_TC")} == {
        ("unit_staff", "update_reminder"),
        ("unit_leader", "update_reminder"),
    }
    assert timers(system, a_id) == {"t2_passed": eod(T2)}
    assert len(tasks_of(system, directory["sotc"], "update")) == 1  # the unit can still report

    assert sweep(system, clock, eod(T2) - timedelta(seconds=1)).advanced == []
    sweep(system, clock, after(T2))
    [urging] = tasks_of(system, directory["cv"], "send_urging")
    assert urging.name == "Gửi văn bản đôn đốc" and "28/04/2025" in urging.instructions
    act(
        system,
        directory["cv"],
        "send_urging",
        {"number": "125/VP-TH", "content": "Đề nghị Sở Tài chính cập nhật"},
    )
    letter = get(system, Urging, assignment_id=a_id, kind="urging_letter")
    assert [(u.number, u.content, u.issued_by) for u in letter] == [
        ("125/VP-TH", "Đề nghị Sở Tài chính cập nhật", "cv")
    ]
    assert any("125/VP-TH" in n.message for n in notes_to(system, "SO_TC") if n.kind == "urging_letter")
    # Đ19.3: 5 working days from Tuesday 29/04/2025, past 30/04-02/05 (off), for the unit to answer.
    assert timers(system, a_id) == {"escalation_wait": eod(date(2025, 5, 9))}

    act(
        system,
        directory["sotc"],
        "update",
        {"kind": "result", "result": "Đã hoàn thành", "completed_on": "2025-05-06"},
        at=datetime(2025, 5, 7, 2, 0, tzinfo=UTC),
        clock=clock,
    )
    act(system, directory["cv"], "confirm", {"decision": "confirm"})
    with system.db.reading() as session:
        [row] = buckets.detail(session, unit_code="SO_TC", as_of=date(2025, 5, 8), calendar=WorkCalendar())
    assert row["bucket_label"] == "Đã hoàn thành quá hạn"
    fired = [bpmn_id for kind, bpmn_id, _ in events(system, a_id) if kind == "timer_fired"]
    assert fired == ["due_passed", "t2_passed"]


def test_an_update_within_t2_means_no_urging(system, directory, clock):
    [a_id] = classify(system, directory, item("Nhiệm vụ", "SO_TC", DUE))
    accept(system, directory)
    sweep(system, clock, after(date(2025, 4, 24)))
    act(
        system,
        directory["sotc"],
        "update",
        {"kind": "progress", "situation": "Đang hoàn thiện"},
        at=datetime(2025, 4, 26, 2, 0, tzinfo=UTC),
        clock=clock,
    )
    sweep(system, clock, after(T2))
    assert tasks_of(system, directory["cv"], "send_urging") == []
    assert [u.kind for u in get(system, Urging, assignment_id=a_id)] == ["update_reminder"]
    assert ("step_completed", "watch_done", None) in events(system, a_id)


def test_a_deadline_during_tet_runs_from_the_next_working_day(system, directory, clock):
    # 28/01/2025 falls in Tết (27-31/01 off): the deadline ends with Monday 03/02/2025 (R4), and T2 is
    # Thursday 06/02/2025 (R5: normalise first, then add 3 working days).
    [a_id] = classify(system, directory, item("Nhiệm vụ trước Tết", "SO_TC", "2025-01-28"))
    assert assignment(system, a_id).effective_due_date == date(2025, 2, 3)
    assert timers(system, a_id) == {"due_passed": eod(date(2025, 2, 3))}
    assert sweep(system, clock, after(date(2025, 1, 28))).advanced == []
    sweep(system, clock, after(date(2025, 2, 3)))
    assert timers(system, a_id) == {"t2_passed": eod(date(2025, 2, 6))}
    [reminder] = get(system, Urging, assignment_id=a_id)
    assert "06/02/2025" in reminder.content


def test_a_task_without_deadline_is_reminded_at_quarter_dates_without_update(system, directory, clock):
    [_, a_id] = classify(system, directory, item("Có hạn", "SO_XD", DUE), item("Không có thời hạn", "SO_TC"))
    accept(system, directory)
    assert timers(system, a_id) == {"period_due": eod(date(2025, 3, 19))}  # R7: the 19th, a Wednesday

    sweep(system, clock, after(date(2025, 3, 19)))
    [first] = get(system, Urging, assignment_id=a_id)
    assert first.kind == "update_reminder" and "19/03/2025" in first.content
    assert timers(system, a_id) == {"period_due": eod(date(2025, 6, 19))}

    act(
        system,
        directory["sotc"],
        "update",
        {"kind": "progress", "situation": "Quý II"},
        at=datetime(2025, 5, 5, 2, 0, tzinfo=UTC),
        clock=clock,
    )
    sweep(system, clock, after(date(2025, 6, 19)))
    assert len(get(system, Urging, assignment_id=a_id)) == 1  # updated since 19/03: no reminder
    assert timers(system, a_id) == {"period_due": eod(date(2025, 9, 19))}

    sweep(system, clock, after(date(2025, 9, 19)))
    assert len(get(system, Urging, assignment_id=a_id)) == 2  # nothing since 19/06
    assert assignment(system, a_id).effective_due_date is None


def test_a_quarter_date_on_a_day_off_moves_to_the_next_working_day(system, directory, clock):
    clock.move_to(datetime(2026, 7, 1, 2, 0, tzinfo=UTC))
    [_, a_id] = classify(system, directory, item("Có hạn", "SO_XD", "2026-12-31"), item("Không hạn", "SO_TC"))
    assert timers(system, a_id) == {"period_due": eod(date(2026, 9, 21))}  # 19/09/2026 is a Saturday (R4)


# --- P7: difficulties and direction -----------------------------------------------------------------------


def report_difficulty(system, directory, clock, proposed="2025-05-30"):
    act(
        system,
        directory["sotc"],
        "update",
        {
            "kind": "difficulty",
            "difficulties": "Thiếu kinh phí",
            "proposals": "Đề nghị gia hạn",
            "proposed_due_date": proposed,
        },
        at=datetime(2025, 4, 15, 2, 0, tzinfo=UTC),
        clock=clock,
    )


def test_an_extension_moves_the_deadline_timers(system, directory, clock):
    [a_id] = classify(system, directory, item("Nhiệm vụ", "SO_TC", DUE))
    accept(system, directory)
    report_difficulty(system, directory, clock)
    [report] = get(system, DifficultyReport, assignment_id=a_id)
    assert (report.unit_code, report.proposed_due_date, report.decision) == ("SO_TC", date(2025, 5, 30), None)
    [update] = get(system, StatusUpdate, assignment_id=a_id)
    assert update.difficulties == "Thiếu kinh phí"
    assert len(tasks_of(system, directory["sotc"], "update")) == 1  # the unit is not blocked meanwhile
    assert tasks_of(system, directory["ct"], "give_direction") == []  # VP advises first (Đ9.1.b)
    advise(system, directory, advised_due_date="2026-02-17")
    [direction] = tasks_of(system, directory["ct"], "give_direction")
    assert direction.name == "Cho ý kiến chỉ đạo" and "Thiếu kinh phí" in direction.instructions
    assert tasks_of(system, directory["cv"], "give_direction") == []

    act(
        system,
        directory["ct"],
        "give_direction",
        {"decision": "extend", "direction": "Đồng ý gia hạn", "new_due_date": "2026-02-17"},
        at=datetime(2025, 4, 18, 2, 0, tzinfo=UTC),
        clock=clock,
    )
    # 17/02/2026 falls in Tết (16-20/02 off): the deadline ends with Monday 23/02/2026 (R4).
    a = assignment(system, a_id)
    assert (a.due_date, a.effective_due_date) == (date(2026, 2, 17), date(2026, 2, 23))
    [adjustment] = get(system, DeadlineAdjustment, assignment_id=a_id)
    assert (adjustment.old_due_date, adjustment.old_effective_due_date) == (
        date(2025, 4, 24),
        date(2025, 4, 24),
    )
    assert (adjustment.new_due_date, adjustment.new_effective_due_date) == (
        date(2026, 2, 17),
        date(2026, 2, 23),
    )
    assert (adjustment.basis, adjustment.decided_by, adjustment.difficulty_report_id) == (
        "Đồng ý gia hạn",
        "ct",
        report.id,
    )
    [report] = get(system, DifficultyReport, assignment_id=a_id)
    assert (report.decision, report.direction, report.decided_by) == ("extend", "Đồng ý gia hạn", "ct")
    assert any("23/02/2026" in n.message or "17/02/2026" in n.message for n in notes_to(system, "SO_TC"))
    assert timers(system, a_id) == {"due_passed": eod(date(2026, 2, 23))}

    assert sweep(system, clock, eod(date(2025, 4, 24)) + timedelta(days=10)).advanced == []
    assert get(system, Urging) == []
    sweep(system, clock, after(date(2026, 2, 23)))
    assert timers(system, a_id) == {"t2_passed": eod(date(2026, 2, 26))}
    assert [u.kind for u in get(system, Urging, assignment_id=a_id)] == ["update_reminder"]
    assert ["2025-04-24", "2026-02-17"] in [c.get("due_date") for _, c, _ in changes(system, a_id)]


def test_an_extension_after_the_urging_restarts_the_watch(system, directory, clock):
    [a_id] = classify(system, directory, item("Nhiệm vụ", "SO_TC", DUE))
    accept(system, directory)
    sweep(system, clock, after(date(2025, 4, 24)))
    sweep(system, clock, after(T2))
    act(system, directory["cv"], "send_urging", {"number": "130/VP-TH", "content": "Đôn đốc"})
    assert set(timers(system, a_id)) == {"escalation_wait"}
    report_difficulty(system, directory, clock, proposed=None)
    advise(system, directory)
    act(
        system,
        directory["ct"],
        "give_direction",
        {"decision": "extend", "direction": "Gia hạn", "new_due_date": "2025-06-30"},
    )
    assert timers(system, a_id) == {"due_passed": eod(date(2025, 6, 30))}


def test_keeping_the_deadline_changes_no_timer(system, directory, clock):
    [a_id] = classify(system, directory, item("Nhiệm vụ", "SO_TC", DUE))
    accept(system, directory)
    report_difficulty(system, directory, clock)
    advise(system, directory, "keep")
    act(
        system,
        directory["ct"],
        "give_direction",
        {"decision": "keep", "direction": "Giữ nguyên thời hạn, khẩn trương"},
    )
    assert get(system, DeadlineAdjustment) == []
    a = assignment(system, a_id)
    assert (a.due_date, a.effective_due_date) == (date(2025, 4, 24), date(2025, 4, 24))
    assert timers(system, a_id) == {"due_passed": eod(date(2025, 4, 24))}
    [report] = get(system, DifficultyReport, assignment_id=a_id)
    assert report.decision == "keep"
    assert any("khẩn trương" in n.message for n in notes_to(system, "SO_TC"))
    sweep(system, clock, after(date(2025, 4, 24)))
    assert [u.kind for u in get(system, Urging, assignment_id=a_id)] == ["update_reminder"]


def test_an_adjustment_changes_the_content(system, directory, clock):
    [a_id] = classify(system, directory, item("Nhiệm vụ cũ", "SO_TC", DUE))
    accept(system, directory)
    report_difficulty(system, directory, clock)
    advise(system, directory, "adjust")
    act(
        system,
        directory["ct"],
        "give_direction",
        {"decision": "adjust", "direction": "Thu hẹp phạm vi", "new_content": "Nhiệm vụ mới"},
    )
    assert assignment(system, a_id).content == "Nhiệm vụ mới"
    assert ["Nhiệm vụ cũ", "Nhiệm vụ mới"] in [c.get("content") for _, c, _ in changes(system, a_id)]


def test_every_step_is_in_the_event_log_and_the_change_history(system, directory, clock):
    [a_id] = classify(system, directory, item("Nhiệm vụ", "SO_TC", DUE))
    accept(system, directory)
    act(
        system,
        directory["sotc"],
        "update",
        {"kind": "result", "result": "Xong", "completed_on": "2025-01-24"},
    )
    act(system, directory["cv"], "confirm", {"decision": "confirm"})
    completed = [
        (bpmn_id, actor) for kind, bpmn_id, actor in events(system, a_id) if kind == "user_task_completed"
    ]
    assert completed == [("review", "sotc"), ("update", "sotc"), ("confirm", "cv")]
    history_rows = changes(system, a_id)
    assert history_rows[0][0] == "insert"
    stages = [
        (c["stage"][1], actor) for action, c, actor in history_rows if "stage" in c and action == "update"
    ]
    assert stages == [("accepted", "sotc"), ("result_reported", "sotc"), ("confirmed", "cv")]
    with system.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Urging)) == 0
