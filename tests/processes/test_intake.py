"""P1 intake and classification, through the service layer, with the injected clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine.assignments import service as assignment_service
from engine.assignments.models import Assignment, AssignmentUnit
from engine.documents import service as document_service
from engine.errors import TaskNotReadyError, ValidationError
from engine.instances import service as instances
from engine.instances import sweep as timer_sweep
from engine.instances.models import InstanceEvent, WaitingTimer
from engine.notifications.models import Notification
from engine.usertasks import service as usertasks
from tests.conftest import classification, complete_task, two_task_document

END_OF_T1 = datetime(2025, 2, 7, 17, 0, tzinfo=UTC)  # 5 working days after 24/01/2025 end at 24:00 local


def register(system, user, payload):
    with system.db.transaction() as session:
        document = document_service.register_document(
            session=session, engine=system.engine, payload=payload, actor=user
        )
        return document.id, document.intake_instance_id


def inbox(system, principal):
    with system.db.reading() as session:
        return usertasks.inbox(session=session, user=principal)


def sweep(system, clock, at):
    clock.move_to(at)
    return timer_sweep.fire_due_timers(db=system.db, engine=system.engine, now=at)


def kinds(system, instance_id):
    with system.db.reading() as session:
        return [e.kind for e in instances.events(session=session, instance_id=instance_id)]


def test_classify_is_due_at_t1_and_completion_creates_the_assignments(system, directory):
    document_id, instance_id = register(system, "cv", two_task_document())
    [task] = inbox(system, directory["cv"])
    assert (task.bpmn_id, task.name) == ("classify", "Phân loại nhiệm vụ, chuyển theo dõi")
    assert task.due_at == END_OF_T1
    assert "12/QĐ-UBND" in task.instructions
    assert inbox(system, directory["sotc"]) == []

    complete_task(system, task.id, directory["cv"], classification())
    with system.db.reading() as session:
        instance = instances.get_or_raise(session=session, instance_id=instance_id)
        assignments = assignment_service.assignments_of(session=session, document_id=document_id)
        units = session.execute(select(AssignmentUnit.unit_code, AssignmentUnit.role)).all()
        intake_timers = session.scalar(
            select(func.count()).select_from(WaitingTimer).where(WaitingTimer.instance_id == instance_id)
        )
        started = {
            a.id: instances.get_or_raise(session=session, instance_id=a.instance_id) for a in assignments
        }
    assert instance.status == "completed"
    assert [(a.seq, a.lead_unit_code, a.has_deadline) for a in assignments] == [
        (1, "SO_TC", True),
        (2, "SO_XD", False),
    ]
    assert assignments[0].effective_due_date == date(2025, 5, 5)  # 30/4, 1/5, 2/5 off, weekend (R4)
    assert sorted(units) == [("SO_NV", "coordinating"), ("SO_TC", "lead"), ("SO_XD", "lead")]
    assert instance.data["assignment_ids"] == [a.id for a in assignments]
    assert intake_timers == 0
    assert kinds(system, instance_id)[-2:] == ["step_completed", "instance_completed"]
    # One assignment process per assignment (P2, P3, P5, P7), each waiting for its lead unit.
    assert [(i.process_id, i.business_key, i.status) for i in started.values()] == [
        ("assignment", f"assignment:{a_id}", "running") for a_id in started
    ]
    assert instance.data["assignment_instance_ids"] == [i.id for i in started.values()]
    assert [t.unit_code for t in inbox(system, directory["sotc"])] == ["SO_TC"]
    assert [t.unit_code for t in inbox(system, directory["soxd"])] == ["SO_XD"]


def test_one_task_for_one_unit_gets_three_working_days_across_tet(system, directory):
    payload = two_task_document(tasks=[{"content": "Một nhiệm vụ", "lead_unit": "SO_TC"}])
    _, instance_id = register(system, "cv", payload)
    [task] = inbox(system, directory["cv"])
    assert task.due_at == datetime(2025, 2, 5, 17, 0, tzinfo=UTC)  # DOMAIN.md worked example: 05/02/2025


def test_the_make_up_saturday_counts_as_a_working_day_for_t1(system, directory):
    payload = two_task_document(
        issued_on="2025-04-24", tasks=[{"content": "Một nhiệm vụ", "lead_unit": "SO_TC"}]
    )
    register(system, "cv", payload)
    [task] = inbox(system, directory["cv"])
    # Friday 25/04, Saturday 26/04 (làm bù), Monday 28/04: without the make-up day it would be 29/04.
    assert task.due_at == datetime(2025, 4, 28, 17, 0, tzinfo=UTC)


def test_t1_timer_escalates_once_to_the_vp_leadership(system, directory, clock):
    _, instance_id = register(system, "cv", two_task_document())
    assert sweep(system, clock, END_OF_T1 - timedelta(seconds=1)).advanced == []
    assert inbox(system, directory["ldvp"]) == []

    result = sweep(system, clock, END_OF_T1 + timedelta(days=1))
    assert result.advanced == [instance_id]
    [urge] = inbox(system, directory["ldvp"])
    assert urge.bpmn_id == "urge_classification"
    assert [t.bpmn_id for t in inbox(system, directory["cv"])] == ["classify"]  # non-interrupting
    with system.db.reading() as session:
        [note] = session.scalars(select(Notification)).all()
    assert (
        note.recipient_group == "vp_leadership"
        and "12/QĐ-UBND" in note.message
        and "07/02/2025" in note.message
    )
    assert kinds(system, instance_id).count("timer_fired") == 1

    again = sweep(system, clock, END_OF_T1 + timedelta(days=1))
    assert again.advanced == []
    assert kinds(system, instance_id).count("timer_fired") == 1
    assert len(inbox(system, directory["ldvp"])) == 1


def test_classifying_closes_the_pending_escalation(system, directory, clock):
    _, instance_id = register(system, "cv", two_task_document())
    sweep(system, clock, END_OF_T1 + timedelta(hours=1))
    [task] = inbox(system, directory["cv"])
    complete_task(system, task.id, directory["cv"], classification())
    assert inbox(system, directory["ldvp"]) == []
    assert "user_task_cancelled" in kinds(system, instance_id)


def test_invalid_classification_names_each_field_and_changes_nothing(system, directory):
    document_id, instance_id = register(system, "cv", two_task_document())
    [task] = inbox(system, directory["cv"])
    bad = classification()
    bad["tasks"][0]["due_date"] = "2025-02-30"
    bad["tasks"][1]["lead_unit"] = "NO_SUCH_UNIT"
    del bad["tracking_room"]
    with pytest.raises(ValidationError) as form_error:
        complete_task(system, task.id, directory["cv"], bad)
    assert set(form_error.value.fields) == {"tasks/0/due_date", "tracking_room"}

    unknown_unit = classification()
    unknown_unit["tasks"][1]["lead_unit"] = "NO_SUCH_UNIT"
    with pytest.raises(ValidationError) as unit_error:
        complete_task(system, task.id, directory["cv"], unknown_unit)
    assert set(unit_error.value.fields) == {"tasks/1/lead_unit"}

    with system.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Assignment)) == 0
        assert instances.get_or_raise(session=session, instance_id=instance_id).status == "running"
        assert usertasks.get_or_raise(session=session, task_id=task.id).state == "ready"
        assert "user_task_completed" not in [
            e.kind
            for e in session.scalars(select(InstanceEvent).where(InstanceEvent.instance_id == instance_id))
        ]


def test_a_second_completion_is_refused(system, directory):
    register(system, "cv", two_task_document())
    [task] = inbox(system, directory["cv"])
    complete_task(system, task.id, directory["cv"], classification())
    with pytest.raises(TaskNotReadyError):
        complete_task(system, task.id, directory["cv"], classification())
    with system.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Assignment)) == 2
