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


def test_only_unit_staff_and_leaders_may_send_feedback_through_the_start_form(system, directory):
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
            user=directory["cv"],
        )
    row = feedback_row(system)
    assert (row.from_unit, row.submitted_by) == ("XA_BX", "xabx")
