"""A diagram that fails while serving a user's action keeps the user's input and parks the instance as an
incident at the failing element; a fixed version, a migration and a retry bring it back."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine import operators
from engine.assignments.models import Assignment
from engine.documents import service as document_service
from engine.documents.models import Document
from engine.instances import incidents, operations
from engine.instances import service as instances
from engine.instances.models import InstanceEvent, ProcessInstance
from engine.notifications.models import Notification
from engine.usertasks import service as usertasks
from engine.usertasks.models import UserTaskRow
from tests.conftest import classification, complete_task, two_task_document
from tests.engine.instances.helpers import deploy_intake, intake_xml


def register(system) -> int:
    """Register two_task_document() as VP staff would; the document id."""
    with system.db.transaction() as session:
        return document_service.register_document(
            session=session, engine=system.engine, payload=two_task_document(), actor="cv"
        ).id


def intake_of(system, document_id: int) -> ProcessInstance:
    with system.db.reading() as session:
        return session.get(ProcessInstance, session.get(Document, document_id).intake_instance_id)


def retry(system, instance_id: int, actor: str = "monitor"):
    with system.db.transaction() as session:
        instance = instances.lock_or_raise(session=session, instance_id=instance_id)
        return instances.retry(session=session, engine=system.engine, instance=instance, actor=actor)


@pytest.mark.postgres
def test_a_registration_whose_intake_fails_keeps_the_document_and_parks_an_incident(
    system, directory, backend
):
    faulty = deploy_intake(system, intake_xml(faulty=True))
    token = incidents.start_watching()
    try:
        document_id = register(system)
        told = incidents.watched()
    finally:
        incidents.stop_watching(token)

    instance = intake_of(system, document_id)  # the document and its intake instance were both kept
    assert instance.definition_id == faulty.id and instance.status == "error"
    assert instance.error["element_id"] == "compute_t1" and instance.error["line"] == 6
    assert "received_on" in instance.error["message"]
    [incident] = told
    assert incident.instance_id == instance.id
    assert incident.user_message().startswith("Quy trình gặp lỗi ở bước “Xác định thời hạn phân loại (T1)”")
    assert "dữ liệu của bạn đã được lưu" in incident.user_message()
    with system.db.reading() as session:
        # The state saved is the one before the failing step, with the document's data applied.
        data = instances.current_data(session=session, engine=system.engine, instance=instance)
        assert data["document"]["number"] == "12/QĐ-UBND" and "t1_due" not in data
        assert instances.timers(session=session, instance_id=instance.id) == []
        kinds = [e.kind for e in instances.events(session=session, instance_id=instance.id)]
        assert kinds == ["instance_started", "incident"]
        notified = session.scalars(select(Notification).where(Notification.instance_id == instance.id)).all()
        assert sorted(n.recipient_group for n in notified) == ["analyst", "monitor"]
        assert all("Xác định thời hạn phân loại (T1)" in n.message for n in notified)
        assert usertasks.inbox(session=session, user=directory["cv"]) == []
        assert [i.id for i in instances.list_(session=session, status="error")] == [instance.id]

    # Retrying on the faulty version fails the same way, and the instance stays parked.
    again = retry(system, instance.id)
    assert again is not None and again.element_id == "compute_t1"
    assert intake_of(system, document_id).status == "error"

    # The fix is deployed, the incident migrated to it and retried: the classification task appears.
    fixed = deploy_intake(system, intake_xml())
    with system.db.transaction() as session:
        operations.migrate(
            session=session,
            engine=system.engine,
            instance_ids=[instance.id],
            target_id=fixed.id,
            actor="analyst",
        )
    assert intake_of(system, document_id).definition_id == fixed.id
    assert retry(system, instance.id) is None
    instance = intake_of(system, document_id)
    assert instance.status == "running" and instance.error is None
    with system.db.reading() as session:
        [task] = usertasks.inbox(session=session, user=directory["cv"])
        assert task.bpmn_id == "classify"
        assert [t.bpmn_id for t in instances.timers(session=session, instance_id=instance.id)] == [
            "t1_overdue"
        ]
        kinds = [e.kind for e in instances.events(session=session, instance_id=instance.id)]
        migrated = kinds.index("instance_migrated")
        assert kinds[migrated:] == [
            "instance_migrated",
            "incident_resolved",
            "step_completed",  # the start event
            "step_completed",  # compute_t1, fixed
            "user_task_created",
        ]
    complete_task(system, task.id, directory["cv"], classification())
    with system.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Assignment)) == 2


@pytest.mark.postgres
def test_a_completion_whose_next_steps_fail_is_kept_and_the_instance_parked(
    system, directory, monkeypatch, backend
):
    document_id = register(system)
    with system.db.reading() as session:
        [task] = usertasks.inbox(session=session, user=directory["cv"])
    real = operators.OPERATORS["create_assignments"]

    def writes_then_crashes(ctx, **params):
        real(ctx, **params)  # the assignment rows are written in this transaction...
        raise RuntimeError("disk on fire")  # ...and then the step dies

    monkeypatch.setitem(operators.OPERATORS, "create_assignments", writes_then_crashes)
    complete_task(system, task.id, directory["cv"], classification())

    instance = intake_of(system, document_id)
    assert instance.status == "error" and instance.error["element_id"] == "create_tracking_assignments"
    assert "disk on fire" in instance.error["message"]
    with system.db.reading() as session:
        row = session.get(UserTaskRow, task.id)  # the completion and its form data are kept
        assert row.state == "completed" and row.completed_by == "cv" and row.submitted == classification()
        assert usertasks.inbox(session=session, user=directory["cv"]) == []
        assert session.scalar(select(func.count()).select_from(Assignment)) == 0  # the failed step's rows
        data = instances.current_data(session=session, engine=system.engine, instance=instance)
        assert data["tracking_specialist"] == "cv"  # the state saved has the user's data applied
        completed = session.scalar(
            select(InstanceEvent).where(
                InstanceEvent.instance_id == instance.id, InstanceEvent.kind == "user_task_completed"
            )
        )
        assert completed.actor == "cv" and completed.bpmn_id == "classify"

    monkeypatch.setitem(operators.OPERATORS, "create_assignments", real)
    assert retry(system, instance.id) is None  # the failed step runs again with the same input
    assert intake_of(system, document_id).status == "completed"
    with system.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Assignment)) == 2


def test_bad_input_still_changes_nothing(system, directory):
    register(system)
    with system.db.reading() as session:
        [task] = usertasks.inbox(session=session, user=directory["cv"])
    from engine.errors import ValidationError

    with pytest.raises(ValidationError):
        complete_task(system, task.id, directory["cv"], classification(tasks="không phải danh sách"))
    with system.db.reading() as session:
        assert session.get(UserTaskRow, task.id).state == "ready"
        assert session.scalar(select(func.count()).select_from(Notification)) == 0
