"""VP corrects a dispatched assignment's a–e (engine.assignments.corrections): the deadline moves the running
instance's timers, the lead unit moves its user tasks, the unit is told, the history keeps who, when, why;
bad input changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from engine.assignments import corrections
from engine.assignments import service as tracked
from engine.assignments.models import (
    AssignmentCorrection,
    AssignmentTransfer,
    AssignmentUnit,
    DeadlineAdjustment,
    Urging,
)
from engine.errors import ConflictError, PermissionDeniedError, ValidationError
from engine.notifications.models import Notification
from engine.usertasks import service as usertasks
from tests.processes.test_assignment import (
    DUE,
    accept,
    act,
    after,
    assignment,
    changes,
    classify,
    eod,
    get,
    item,
    notes_to,
    sweep,
    tasks_of,
    timers,
)

REASON = "Nhập nhầm thời hạn so với văn bản giao nhiệm vụ"


def correct(system, user, a_id: int, *, reason: str = REASON, dry_run: bool = False, **changes) -> dict:
    """The correction as the API makes it, in a unit of work of its own; what it did, as the API says."""
    unit_of_work = system.db.reading if dry_run else system.db.transaction
    with unit_of_work() as session:
        done = corrections.correct_assignment(
            session=session,
            engine=system.engine,
            assignment_id=a_id,
            changes=changes,
            reason=reason,
            user=user,
            dry_run=dry_run,
        )
        return done.as_dict()


def corrected_notes(system, unit: str) -> list[Notification]:
    return [n for n in notes_to(system, unit) if n.kind == corrections.NOTICE_KIND]


@pytest.mark.postgres
def test_a_deadline_correction_moves_the_timers_so_reminder_and_urging_follow_the_new_deadline(
    system, directory, clock, backend
):
    [a_id] = classify(system, directory, item("Lập quy hoạch", "SO_TC", DUE))
    assert timers(system, a_id) == {"due_passed": eod(date(2025, 4, 24))}

    done = correct(system, directory["cv"], a_id, due_date="2025-05-30")

    assert done["summary"] == "Thời hạn: 24/04/2025 → 30/05/2025"
    a = assignment(system, a_id)
    assert (a.due_date, a.effective_due_date) == (date(2025, 5, 30), date(2025, 5, 30))
    assert timers(system, a_id) == {"due_passed": eod(date(2025, 5, 30))}
    [review] = tasks_of(system, directory["sotc"], "review")  # the texts quote the new deadline
    assert "Thời hạn: **30/05/2025**" in review.instructions
    # Recorded as VP's correction, told apart from a Chairman's extension, with who and when.
    [adjustment] = get(system, DeadlineAdjustment, assignment_id=a_id)
    assert adjustment.basis == f"Văn phòng điều chỉnh thông tin: {REASON}"
    assert (adjustment.decided_by, adjustment.difficulty_report_id) == ("cv", None)
    assert (adjustment.old_due_date, adjustment.new_due_date) == (date(2025, 4, 24), date(2025, 5, 30))
    [row] = get(system, AssignmentCorrection, assignment_id=a_id)
    assert (row.reason, row.corrected_by, row.changes) == (
        REASON,
        "cv",
        {"due_date": ["2025-04-24", "2025-05-30"]},
    )
    history = changes(system, a_id)
    assert (
        "update",
        {"due_date": ["2025-04-24", "2025-05-30"], "effective_due_date": ["2025-04-24", "2025-05-30"]},
        "cv",
    ) in history
    with system.db.reading() as session:
        shown = {c.entity for c in tracked.history(session, assignment_id=a_id) if c.actor == "cv"}
    assert {"assignments", "assignment_corrections", "deadline_adjustments"} <= shown
    # The lead unit's leader and staff are told, with the instance the notice is about.
    notes = corrected_notes(system, "SO_TC")
    assert {n.recipient_group for n in notes} == {"unit_leader", "unit_staff"}
    assert all("30/05/2025" in n.message and REASON in n.message for n in notes)
    assert {(n.instance_id, n.assignment_id, n.document_id) for n in notes} == {
        (a.instance_id, a_id, a.document_id)
    }

    # The old deadline passes: nothing happens; the new one passes: the reminder, then after T2 the urging.
    accept(system, directory)
    sweep(system, clock, after(date(2025, 4, 24)) + timedelta(days=7))
    assert get(system, Urging) == []
    assert timers(system, a_id) == {"due_passed": eod(date(2025, 5, 30))}
    sweep(system, clock, after(date(2025, 5, 30)))
    assert [u.kind for u in get(system, Urging, assignment_id=a_id)] == ["update_reminder"]
    t2 = date(2025, 6, 4)  # 3 working days after Friday 30/05/2025
    assert timers(system, a_id) == {"t2_passed": eod(t2)}
    sweep(system, clock, after(t2))
    [urging] = tasks_of(system, directory["cv"], "send_urging")
    assert "30/05/2025" in urging.instructions and "04/06/2025" in urging.instructions


def test_a_correction_after_the_urging_restarts_the_watch_on_the_new_deadline(system, directory, clock):
    [a_id] = classify(system, directory, item("Lập quy hoạch", "SO_TC", DUE))
    accept(system, directory)
    sweep(system, clock, after(date(2025, 4, 24)))
    sweep(system, clock, after(date(2025, 4, 28)))
    act(system, directory["cv"], "send_urging", {"number": "130/VP-TH", "content": "Đôn đốc"})
    # Đ19.3: the watch now waits 5 working days for the unit's answer to the urging letter.
    assert timers(system, a_id) == {"escalation_wait": eod(date(2025, 5, 9))}
    correct(system, directory["ldvp"], a_id, due_date="2025-06-30", reason="Văn bản đính chính thời hạn")
    assert timers(system, a_id) == {"due_passed": eod(date(2025, 6, 30))}


def test_a_task_rid_of_its_deadline_waits_for_the_periodic_update_instead(system, directory, clock):
    [a_id] = classify(system, directory, item("Lập quy hoạch", "SO_TC", DUE))
    done = correct(system, directory["cv"], a_id, has_deadline=False, reason="Văn bản không giao thời hạn")
    assert [c["field"] for c in done["changes"]] == ["has_deadline", "deadline_kind", "due_date"]
    a = assignment(system, a_id)
    assert (a.has_deadline, a.due_date, a.effective_due_date, a.deadline_kind) == (False, None, None, None)
    [adjustment] = get(system, DeadlineAdjustment, assignment_id=a_id)
    assert (adjustment.old_due_date, adjustment.new_due_date) == (date(2025, 4, 24), None)
    assert timers(system, a_id) == {"period_due": eod(date(2025, 3, 19))}  # R7: the 19th of March


def test_a_new_lead_unit_takes_the_open_user_task_and_both_units_are_told(system, directory):
    tasks = [{**item("Lập quy hoạch", "SO_TC", DUE), "coordinating_units": ["SO_NV"]}]
    [a_id] = classify(system, directory, *tasks)
    [review] = tasks_of(system, directory["sotc"], "review")
    with system.db.transaction() as session:  # someone of the old unit has it in hand
        usertasks.claim(session=session, task_id=review.id, user=directory["sotc"])

    done = correct(
        system,
        directory["cv"],
        a_id,
        lead_unit="SO_XD",
        coordinating_units=["SO_TC"],
        reason="Giao nhầm đơn vị chủ trì",
    )

    assert done["summary"] == (
        "Đơn vị chủ trì: Sở Tài chính → Sở Xây dựng; Đơn vị phối hợp: Sở Nội vụ → Sở Tài chính"
    )
    assert tasks_of(system, directory["sotc"], "review") == []
    [moved] = tasks_of(system, directory["soxd"], "review")
    assert (moved.id, moved.unit_code, moved.assignee) == (review.id, "SO_XD", None)
    assert "Sở Xây dựng" in moved.instructions
    [transfer] = get(system, AssignmentTransfer, assignment_id=a_id)
    assert (transfer.from_unit, transfer.to_unit, transfer.transferred_by) == ("SO_TC", "SO_XD", "cv")
    assert transfer.reason == "Văn phòng điều chỉnh thông tin: Giao nhầm đơn vị chủ trì"
    units = {(u.unit_code, u.role) for u in get(system, AssignmentUnit, assignment_id=a_id)}
    assert units == {("SO_XD", "lead"), ("SO_TC", "coordinating")}
    assert all("Sở Xây dựng" in n.message for n in corrected_notes(system, "SO_XD"))
    [left] = {n.message for n in corrected_notes(system, "SO_TC")}
    assert "không còn chủ trì" in left and "Giao nhầm đơn vị chủ trì" in left
    assert corrected_notes(system, "SO_NV") == []


def test_the_dry_run_lists_exactly_what_the_correction_then_changes_and_writes_nothing(system, directory):
    [a_id] = classify(system, directory, item("Lập quy hoạch", "SO_TC", DUE))
    wanted = {
        "content": "Lập quy hoạch tỉnh thời kỳ 2021-2030",
        "deadline_kind": "report",
        "tracking_specialist": "cv",  # unchanged: not listed
        "due_date": DUE,  # unchanged too
    }
    preview = correct(system, directory["cv"], a_id, dry_run=True, **wanted)
    assert preview["dry_run"] is True and preview["correction_id"] is None
    assert [(c["label"], c["old_text"], c["new_text"]) for c in preview["changes"]] == [
        ("Nội dung nhiệm vụ", "Lập quy hoạch", "Lập quy hoạch tỉnh thời kỳ 2021-2030"),
        ("Loại thời hạn", "Hạn hoàn thành", "Hạn báo cáo"),
    ]
    assert assignment(system, a_id).content == "Lập quy hoạch"
    assert get(system, AssignmentCorrection) == [] and corrected_notes(system, "SO_TC") == []

    done = correct(system, directory["cv"], a_id, **wanted)
    assert done["changes"] == preview["changes"] and done["correction_id"] is not None
    a = assignment(system, a_id)
    assert (a.content, a.deadline_kind, a.must_report) == (wanted["content"], "report", True)
    assert get(system, DeadlineAdjustment) == []  # the date did not change
    assert timers(system, a_id) == {"due_passed": eod(date(2025, 4, 24))}


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"due_date": "2025-01-20"}, {"due_date"}),  # before the document's issue date, 24/01/2025
        ({"has_deadline": True, "due_date": None}, {"due_date"}),
        ({"lead_unit": "SO_KHONG_CO"}, {"lead_unit"}),
        ({"coordinating_units": ["SO_TC"]}, {"coordinating_units"}),  # the lead unit itself
        ({"tracking_room": "Phòng Không Có"}, {"tracking_room"}),
        ({"tracking_specialist": "sotc"}, {"tracking_specialist"}),
        ({"content": "   "}, {"content"}),
    ],
)
def test_a_bad_correction_names_the_field_and_changes_nothing(system, directory, changes, fields):
    [a_id] = classify(system, directory, item("Lập quy hoạch", "SO_TC", DUE))
    units = {(u.unit_code, u.role) for u in get(system, AssignmentUnit, assignment_id=a_id)}
    with pytest.raises(ValidationError) as error:
        correct(system, directory["cv"], a_id, **changes)
    assert set(error.value.fields) == fields
    a = assignment(system, a_id)
    assert (a.content, a.due_date, a.lead_unit_code) == ("Lập quy hoạch", date(2025, 4, 24), "SO_TC")
    assert {(u.unit_code, u.role) for u in get(system, AssignmentUnit, assignment_id=a_id)} == units
    assert get(system, AssignmentCorrection) == [] and get(system, DeadlineAdjustment) == []
    assert corrected_notes(system, "SO_TC") == []
    assert timers(system, a_id) == {"due_passed": eod(date(2025, 4, 24))}


def test_a_deadline_before_the_issue_date_is_refused_in_words(system, directory):
    [a_id] = classify(system, directory, item("Lập quy hoạch", "SO_TC", DUE))
    with pytest.raises(ValidationError) as error:
        correct(system, directory["cv"], a_id, due_date="2025-01-23")
    assert error.value.fields == {"due_date": "thời hạn không được trước ngày ban hành văn bản (24/01/2025)"}
    correct(system, directory["cv"], a_id, due_date="2025-01-24")  # the issue date itself is a deadline


def test_a_correction_needs_a_reason_and_a_change(system, directory):
    [a_id] = classify(system, directory, item("Lập quy hoạch", "SO_TC", DUE))
    with pytest.raises(ValidationError) as error:
        correct(system, directory["cv"], a_id, reason="  ", due_date="2025-05-30")
    assert set(error.value.fields) == {"reason"}
    with pytest.raises(ValidationError, match="Không có thông tin nào thay đổi"):
        correct(system, directory["cv"], a_id, due_date=DUE, lead_unit="SO_TC")
    assert get(system, AssignmentCorrection) == []


def test_only_vp_corrects_and_only_an_open_assignment(system, directory, clock):
    [a_id] = classify(system, directory, item("Lập quy hoạch", "SO_TC", DUE))
    for username in ("sotc", "ldsotc", "ct", "monitor"):
        with pytest.raises(PermissionDeniedError):
            correct(system, directory[username], a_id, due_date="2025-05-30")
    accept(system, directory)
    act(
        system,
        directory["sotc"],
        "update",
        {"kind": "result", "result": "Xong", "completed_on": "2025-01-24"},
    )
    act(system, directory["cv"], "confirm", {"decision": "confirm"})
    with pytest.raises(ConflictError):
        correct(system, directory["cv"], a_id, due_date="2025-05-30")
    assert get(system, AssignmentCorrection) == []


def test_a_returned_assignment_changes_lead_through_its_return_only(system, directory):
    [a_id] = classify(system, directory, item("Lập quy hoạch", "SO_TC", DUE))
    act(
        system,
        directory["sotc"],
        "review",
        {"decision": "return", "reason_kind": "not_our_mandate", "reason": "Không thuộc chức năng"},
    )
    with pytest.raises(ValidationError) as error:
        correct(system, directory["cv"], a_id, lead_unit="SO_XD")
    assert "trả lại" in error.value.fields["lead_unit"]
    correct(system, directory["cv"], a_id, due_date="2025-05-30")  # its other data may be corrected
    assert assignment(system, a_id).due_date == date(2025, 5, 30)


def test_the_history_names_the_correction_with_its_reason(system, directory):
    [a_id] = classify(system, directory, item("Lập quy hoạch", "SO_TC", DUE))
    correct(system, directory["cv"], a_id, due_date="2025-05-30")
    with system.db.reading() as session:
        [record] = [
            c for c in tracked.history(session, assignment_id=a_id) if c.entity == "assignment_corrections"
        ]
        row = session.scalar(select(AssignmentCorrection))
    assert record.action == "insert" and record.actor == "cv"
    assert record.changes["reason"] == [None, REASON]
    assert record.changes["summary"] == [None, "Thời hạn: 24/04/2025 → 30/05/2025"]
    assert row.summary == "Thời hạn: 24/04/2025 → 30/05/2025"


def test_a_new_lead_unit_takes_over_the_update_of_an_accepted_assignment(system, directory):
    [a_id] = classify(system, directory, item("Lập quy hoạch", "SO_TC", DUE))
    accept(system, directory)
    [update] = tasks_of(system, directory["sotc"], "update")
    correct(system, directory["cv"], a_id, lead_unit="SO_XD", reason="Giao nhầm đơn vị chủ trì")
    assert tasks_of(system, directory["sotc"], "update") == []
    [moved] = tasks_of(system, directory["soxd"], "update")
    assert (moved.id, moved.unit_code) == (update.id, "SO_XD")
    act(system, directory["soxd"], "update", {"kind": "progress", "situation": "Sở Xây dựng đã triển khai"})
    assert assignment(system, a_id).progress == "in_progress"
