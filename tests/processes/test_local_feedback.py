"""P6 local feedback (Đ21.3, Đ19.5): VP answers within T5 by an urging letter or a request for direction."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine.assignments.models import Urging
from engine.errors import PermissionDeniedError, ValidationError
from engine.feedback.models import LocalFeedback
from engine.instances import service as instances
from engine.instances import starting
from engine.instances import sweep as timer_sweep
from engine.instances.models import ProcessInstance
from engine.notifications import service as notifications
from engine.notifications.models import Notification
from engine.usertasks import service as usertasks
from tests.conftest import complete_task
from tests.factories import add_assignment, add_document

# Friday 13/02/2026, 10:00 local; Tết 16-20/02/2026 is off, so T5 ends with Friday 27/02/2026
# (23, 24, 25, 26, 27/02 are the five working days).
RECEIVED_BEFORE_TET = datetime(2026, 2, 13, 3, 0, tzinfo=UTC)
END_OF_T5_AFTER_TET = datetime(2026, 2, 27, 17, 0, tzinfo=UTC)  # 24:00 local on 27/02/2026 (R3)


@pytest.fixture
def assignment_id(system, directory) -> int:
    """An assignment led by Sở Tài chính, written directly: P6 only needs it to exist."""
    created = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)
    with system.db.transaction() as session:
        document = add_document(session, issued_on=date(2026, 1, 5), created_at=created)
        return add_assignment(
            session,
            document,
            seq=1,
            lead="SO_TC",
            content="Giải ngân vốn hỗ trợ làm đường giao thông nông thôn",
            due=date(2026, 1, 30),
            created_at=created,
        ).id


def send_feedback(system, principal, **form) -> int:
    """Start the process as the start form would: form data plus the starter."""
    data = {
        "about_unit": "SO_TC",
        "assignment_id": None,
        "content": "Sở Tài chính chưa giải ngân vốn hỗ trợ cho xã.",
        "from_unit": None,
        "channel": None,
        "received_on": None,
        "letter_number": None,
        "attachments": [],
        **form,
        "starter": {
            "username": principal.username,
            "full_name": principal.full_name,
            "unit_code": principal.unit_code,
        },
    }
    with system.db.transaction() as session:
        instance = instances.start(
            session=session,
            engine=system.engine,
            process_id="local_feedback",
            data=data,
            actor=principal.username,
        )
        return instance.id


def inbox(system, principal):
    with system.db.reading() as session:
        return usertasks.inbox(session=session, user=principal)


def notes_for(system, principal):
    with system.db.reading() as session:
        return notifications.for_user(session=session, user=principal)


def feedback_row(system) -> LocalFeedback:
    with system.db.reading() as session:
        return session.scalars(select(LocalFeedback)).one()


def status(system, instance_id) -> str:
    with system.db.reading() as session:
        return instances.get_or_raise(session=session, instance_id=instance_id).status


def sweep(system, clock, at):
    clock.move_to(at)
    return timer_sweep.fire_due_timers(db=system.db, engine=system.engine, now=at)


def test_feedback_is_recorded_at_receipt_and_due_five_working_days_after_tet(
    system, directory, clock, assignment_id
):
    clock.move_to(RECEIVED_BEFORE_TET)
    instance_id = send_feedback(system, directory["xabx"], assignment_id=assignment_id)

    row = feedback_row(system)
    assert (row.from_unit, row.about_unit, row.assignment_id) == ("XA_BX", "SO_TC", assignment_id)
    assert row.received_at == RECEIVED_BEFORE_TET
    assert row.response_due == date(2026, 2, 27)
    assert (row.submitted_by, row.instance_id, row.response_kind) == ("xabx", instance_id, None)
    [task] = inbox(system, directory["cv"])
    assert (task.bpmn_id, task.name) == ("handle_feedback", "Xử lý phản hồi của địa phương")
    assert task.due_at == END_OF_T5_AFTER_TET
    assert task.subject == "Phản hồi của UBND xã Bát Xát về Sở Tài chính"
    assert "27/02/2026" in task.instructions and "Giải ngân vốn hỗ trợ" in task.instructions
    assert inbox(system, directory["sotc"]) == [] and inbox(system, directory["xabx"]) == []


def test_t5_counts_the_make_up_saturday(system, directory, clock):
    clock.move_to(datetime(2026, 8, 19, 2, 0, tzinfo=UTC))  # Wednesday 19/08/2026, 09:00 local
    send_feedback(system, directory["xabx"])
    # 20, 21, Saturday 22 (làm bù), 24, 25/08: due Tuesday 25/08/2026, not Wednesday 26/08.
    assert feedback_row(system).response_due == date(2026, 8, 25)
    [task] = inbox(system, directory["cv"])
    assert task.due_at == datetime(2026, 8, 25, 17, 0, tzinfo=UTC)


def test_urging_letter_answers_the_feedback_and_a_copy_goes_to_the_local_unit(
    system, directory, clock, assignment_id
):
    clock.move_to(RECEIVED_BEFORE_TET)
    instance_id = send_feedback(system, directory["xabx"], assignment_id=assignment_id)
    [task] = inbox(system, directory["cv"])
    answered_at = datetime(2026, 2, 24, 8, 0, tzinfo=UTC)
    clock.move_to(answered_at)
    letter = {
        "action": "urging_letter",
        "letter_number": "215/VP-TH",
        "letter_content": "Đề nghị Sở Tài chính giải ngân vốn hỗ trợ trước ngày 15/3/2026.",
    }
    complete_task(system, task.id, directory["cv"], letter)

    with system.db.reading() as session:
        [urging] = session.scalars(select(Urging)).all()
    row = feedback_row(system)
    assert (urging.kind, urging.feedback_id, urging.unit_code, urging.assignment_id) == (
        "urging_letter",
        row.id,
        "SO_TC",
        assignment_id,
    )
    assert (urging.number, urging.content, urging.issued_by) == ("215/VP-TH", letter["letter_content"], "cv")
    assert (row.response_kind, row.response, row.responded_by, row.responded_at) == (
        "urging_letter",
        letter["letter_content"],
        "cv",
        answered_at,
    )
    [to_leader] = notes_for(system, directory["ldsotc"])
    [to_staff] = notes_for(system, directory["sotc"])
    assert to_leader.kind == to_staff.kind == "local_feedback_response"
    assert "215/VP-TH" in to_staff.message and letter["letter_content"] in to_staff.message
    [copy] = notes_for(system, directory["xabx"])
    assert (copy.kind, copy.recipient_unit) == ("local_feedback_copy", "XA_BX")
    assert "215/VP-TH" in copy.message
    assert notes_for(system, directory["soxd"]) == [] and notes_for(system, directory["ldvp"]) == []
    assert status(system, instance_id) == "completed"


def test_direction_request_meets_t5_and_the_chairmans_direction_reaches_both_units(system, directory, clock):
    clock.move_to(RECEIVED_BEFORE_TET)
    instance_id = send_feedback(system, directory["xabx"])
    [task] = inbox(system, directory["cv"])
    requested_at = datetime(2026, 2, 26, 8, 0, tzinfo=UTC)
    clock.move_to(requested_at)
    request = "Sở Tài chính chưa giải ngân do thiếu hồ sơ của xã; đề nghị Chủ tịch chỉ đạo."
    complete_task(
        system, task.id, directory["cv"], {"action": "direction_request", "request_content": request}
    )

    row = feedback_row(system)
    assert (row.response_kind, row.responded_by, row.responded_at) == (
        "direction_request",
        "cv",
        requested_at,
    )
    with system.db.reading() as session:
        [urging] = session.scalars(select(Urging)).all()
    assert (urging.kind, urging.feedback_id, urging.unit_code, urging.content) == (
        "direction_request",
        row.id,
        "SO_TC",
        request,
    )
    [direction_task] = inbox(system, directory["ct"])
    assert (direction_task.bpmn_id, direction_task.name) == ("give_direction", "Cho ý kiến chỉ đạo")
    assert request in direction_task.instructions
    assert notes_for(system, directory["xabx"]) == []
    # The request answered the feedback within T5: its deadline passes without an overdue notice.
    assert sweep(system, clock, END_OF_T5_AFTER_TET + timedelta(days=1)).advanced == []

    direction = "Sở Tài chính phối hợp với xã hoàn thiện hồ sơ, giải ngân trong tháng 3/2026."
    complete_task(system, direction_task.id, directory["ct"], {"direction": direction})
    row = feedback_row(system)
    assert (row.response_kind, row.response, row.responded_at) == (
        "direction_request",
        direction,
        requested_at,
    )
    [to_staff] = notes_for(system, directory["sotc"])
    [copy] = notes_for(system, directory["xabx"])
    assert direction in to_staff.message and direction in copy.message
    assert notes_for(system, directory["ldvp"]) == []
    assert status(system, instance_id) == "completed"


def test_overdue_notice_fires_once_at_the_end_of_t5_and_the_task_stays_open(system, directory, clock):
    clock.move_to(RECEIVED_BEFORE_TET)
    instance_id = send_feedback(system, directory["xabx"])
    with system.db.reading() as session:
        [timer] = instances.timers(session=session, instance_id=instance_id)
    assert timer.fire_at == END_OF_T5_AFTER_TET

    assert sweep(system, clock, END_OF_T5_AFTER_TET - timedelta(seconds=1)).advanced == []
    assert notes_for(system, directory["ldvp"]) == []

    # The deadline ends at 24:00 local; the feedback is overdue from the next instant on.
    assert sweep(system, clock, END_OF_T5_AFTER_TET + timedelta(seconds=1)).advanced == [instance_id]
    [note] = notes_for(system, directory["ldvp"])
    assert note.kind == "local_feedback_overdue"
    assert "13/02/2026" in note.message and "27/02/2026" in note.message and "quá hạn" in note.message
    assert [t.bpmn_id for t in inbox(system, directory["cv"])] == ["handle_feedback"]  # non-interrupting

    assert sweep(system, clock, END_OF_T5_AFTER_TET + timedelta(days=3)).advanced == []
    assert len(notes_for(system, directory["ldvp"])) == 1
    assert status(system, instance_id) == "running"


@pytest.mark.parametrize(
    ("form", "starter", "field"),
    [
        ({"about_unit": "SO_KHONG_CO"}, "xabx", "about_unit"),
        ({"about_unit": "XA_BX"}, "xabx", "about_unit"),
        ({"assignment_id": 999}, "xabx", "assignment_id"),
        ({}, "ct", "from_unit"),  # the Chairman belongs to no unit of the directory
    ],
    ids=["unknown_unit", "own_unit", "unknown_assignment", "starter_without_unit"],
)
def test_bad_feedback_is_refused_naming_the_field_and_nothing_is_stored(
    system, directory, form, starter, field
):
    with pytest.raises(ValidationError) as refused:
        send_feedback(system, directory[starter], **form)
    assert set(refused.value.fields) == {field}
    with system.db.reading() as session:
        for model in (LocalFeedback, ProcessInstance, Notification, Urging):
            assert session.scalar(select(func.count()).select_from(model)) == 0


def test_unit_staff_and_vp_specialists_may_start_but_not_the_leadership(system, directory):
    form = {"about_unit": "SO_TC", "assignment_id": None, "content": "Sở Tài chính chưa giải ngân."}
    with system.db.transaction() as session:
        starting.start_on_demand(
            session=session,
            engine=system.engine,
            process_id="local_feedback",
            data=form,
            user=directory["xabx"],
        )
    with pytest.raises(PermissionDeniedError), system.db.transaction() as session:
        starting.start_on_demand(
            session=session,
            engine=system.engine,
            process_id="local_feedback",
            data=form,
            user=directory["ldvp"],
        )
    row = feedback_row(system)
    assert (row.from_unit, row.submitted_by, row.channel, row.registered_by) == (
        "XA_BX",
        "xabx",
        "he_thong",
        None,
    )


# --- feedback VP received on paper, by phone or e-mail (Đ19.5, Đ21.3) ---------------------------------------

# Wednesday 25/02/2026, 09:00 local: the paper letter arrived Thursday 12/02/2026, before Tết (16-20/02).
REGISTERED_AFTER_TET = datetime(2026, 2, 25, 2, 0, tzinfo=UTC)
PAPER = {
    "from_unit": "XA_BX",
    "channel": "van_ban",
    "received_on": "2026-02-12",
    "letter_number": "45/UBND-VP",
}


def test_vp_registers_paper_feedback_and_t5_counts_from_receipt_across_tet(system, directory, clock):
    clock.move_to(REGISTERED_AFTER_TET)
    instance_id = send_feedback(system, directory["cv"], **{**PAPER, "received_on": "2026-02-23"})
    row = feedback_row(system)
    assert (row.from_unit, row.channel, row.letter_number, row.received_on) == (
        "XA_BX",
        "van_ban",
        "45/UBND-VP",
        date(2026, 2, 23),
    )
    assert (row.registered_by, row.submitted_by, row.received_at) == ("cv", None, REGISTERED_AFTER_TET)
    # 24, 25, 26, 27/02, 02/03/2026: five working days after the Monday it arrived, not after today.
    assert row.response_due == date(2026, 3, 2)
    [task] = inbox(system, directory["cv"])
    assert task.due_at == datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
    assert "23/02/2026" in task.instructions and "văn bản số 45/UBND-VP" in task.instructions
    assert "Nguyễn Thị Theo Dõi ghi nhận" in task.instructions
    assert sweep(system, clock, REGISTERED_AFTER_TET + timedelta(minutes=1)).advanced == []
    assert status(system, instance_id) == "running"


def test_feedback_registered_after_its_t5_is_overdue_at_once_and_the_leadership_is_told(
    system, directory, clock
):
    clock.move_to(REGISTERED_AFTER_TET)
    instance_id = send_feedback(
        system, directory["cv"], **{**PAPER, "channel": "dien_thoai", "letter_number": None}
    )
    row = feedback_row(system)
    # Received Thursday 12/02/2026: 13/02, Tết 16-20/02, then 23, 24, 25, 26/02.
    assert (row.channel, row.letter_number, row.response_due) == ("dien_thoai", None, date(2026, 2, 26))
    [task] = inbox(system, directory["cv"])
    assert task.due_at == datetime(2026, 2, 26, 17, 0, tzinfo=UTC)
    assert sweep(system, clock, REGISTERED_AFTER_TET).advanced == []  # still within T5 this morning
    late = datetime(2026, 2, 26, 17, 0, 1, tzinfo=UTC)
    assert sweep(system, clock, late).advanced == [instance_id]
    [note] = notes_for(system, directory["ldvp"])
    assert (
        note.kind == "local_feedback_overdue"
        and "12/02/2026" in note.message
        and "26/02/2026" in note.message
    )
    # An e-mail of Friday 20/02 (Tết) registered on 10/03: T5 ended 27/02, so the overdue path runs at once.
    registered = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
    clock.move_to(registered)
    second = send_feedback(
        system,
        directory["cv"],
        **{**PAPER, "channel": "thu_dien_tu", "received_on": "2026-02-20", "letter_number": None},
    )
    sweep(system, clock, registered + timedelta(seconds=1))
    notes = notes_for(system, directory["ldvp"])
    assert len(notes) == 2 and "27/02/2026" in notes[0].message and "20/02/2026" in notes[0].message
    [overdue] = [t for t in inbox(system, directory["cv"]) if t.instance_id == second]
    assert overdue.due_at == datetime(2026, 2, 27, 17, 0, tzinfo=UTC) < registered
    assert status(system, second) == "running"  # the handling task stays open, overdue


@pytest.mark.parametrize(
    ("form", "starter", "field"),
    [
        ({**PAPER, "received_on": "2026-02-26"}, "cv", "received_on"),
        ({**PAPER, "received_on": "2026-01-25"}, "cv", "received_on"),
        ({**PAPER, "channel": "bo_cau"}, "cv", "channel"),
        ({**PAPER, "channel": "he_thong"}, "cv", "channel"),
        ({**PAPER, "from_unit": None}, "cv", "sender_unit"),
        ({"channel": "dien_thoai", "received_on": "2026-02-24"}, "xabx", "channel"),
    ],
    ids=[
        "future",
        "more_than_30_days_back",
        "unknown_channel",
        "system_channel",
        "no_sender",
        "unit_registers",
    ],
)
def test_bad_registration_is_refused_and_nothing_is_stored(system, directory, clock, form, starter, field):
    clock.move_to(REGISTERED_AFTER_TET)
    with pytest.raises(ValidationError) as refused:
        send_feedback(system, directory[starter], **form)
    assert field in refused.value.fields
    with system.db.reading() as session:
        for model in (LocalFeedback, ProcessInstance, Notification, Urging):
            assert session.scalar(select(func.count()).select_from(model)) == 0
