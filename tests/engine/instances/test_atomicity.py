"""A failure in the middle of a step leaves the instance, its indexes and the domain rows as committed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine import operators
from engine.assignments.models import Assignment, AssignmentUnit
from engine.documents import service as document_service
from engine.errors import ValidationError
from engine.instances.models import InstanceEvent, ProcessInstance, WaitingTimer
from engine.usertasks import service as usertasks
from engine.usertasks.models import UserTaskRow
from tests.conftest import classification, complete_task, two_task_document


def snapshot(session):
    """Everything a step may write, as comparable values."""
    return {
        "instances": session.execute(
            select(
                ProcessInstance.id,
                ProcessInstance.state,
                ProcessInstance.lock_version,
                ProcessInstance.status,
            )
        ).all(),
        "timers": session.execute(select(WaitingTimer.task_id, WaitingTimer.fire_at)).all(),
        "user_tasks": session.execute(select(UserTaskRow.id, UserTaskRow.state, UserTaskRow.assignee)).all(),
        "events": session.scalar(select(func.count()).select_from(InstanceEvent)),
        "assignments": session.scalar(select(func.count()).select_from(Assignment)),
        "assignment_units": session.scalar(select(func.count()).select_from(AssignmentUnit)),
    }


@pytest.mark.postgres
def test_an_error_that_is_not_the_diagrams_rolls_everything_back(system, directory, monkeypatch, backend):
    """An operator refusing its input mid-step undoes the whole action, the user's part included (a fault
    of the diagram itself parks the instance instead: test_incidents.py)."""
    with system.db.transaction() as session:
        document_service.register_document(
            session=session, engine=system.engine, payload=two_task_document(), actor="cv"
        )
    with system.db.reading() as session:
        [task] = usertasks.inbox(session=session, user=directory["cv"])
        before = snapshot(session)

    real = operators.OPERATORS["create_assignments"]

    def writes_then_refuses(ctx, **params):
        real(ctx, **params)  # the assignment rows are written in this transaction...
        raise ValidationError("đơn vị đã giải thể", fields={"lead_unit": "không còn hoạt động"})

    monkeypatch.setitem(operators.OPERATORS, "create_assignments", writes_then_refuses)
    with pytest.raises(ValidationError, match="đơn vị đã giải thể"):
        complete_task(system, task.id, directory["cv"], classification())

    with system.db.reading() as session:
        assert snapshot(session) == before
    monkeypatch.setitem(operators.OPERATORS, "create_assignments", real)
    complete_task(
        system, task.id, directory["cv"], classification()
    )  # the same user task can still be completed afterwards
    with system.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Assignment)) == 2


@pytest.mark.postgres
def test_two_simultaneous_completions_run_the_step_once(system, directory, backend):
    import threading

    from engine.errors import TaskNotReadyError

    with system.db.transaction() as session:
        document_service.register_document(
            session=session, engine=system.engine, payload=two_task_document(), actor="cv"
        )
    with system.db.reading() as session:
        [task] = usertasks.inbox(session=session, user=directory["cv"])
    barrier, outcomes = threading.Barrier(2), []

    def complete():
        barrier.wait()
        try:
            complete_task(system, task.id, directory["cv"], classification())
            outcomes.append("done")
        except TaskNotReadyError:
            outcomes.append("409")

    threads = [threading.Thread(target=complete) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["409", "done"]
    with system.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Assignment)) == 2
