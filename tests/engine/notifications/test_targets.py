"""What a notification is about (stored by its writer) and where it leads each reader (decided when read)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from engine import clock as clock_module
from engine.assignments import service as assignment_service
from engine.documents import service as document_service
from engine.migrate import alembic_config, upgrade
from engine.notifications import service as notifications
from engine.notifications import targets
from engine.notifications.writing import About, write
from engine.reminders.service import send_due_reminders
from tests.conftest import classification, complete_task, two_task_document
from tests.engine.notifications.helpers import (
    CORRECTION_PROBLEM,
    correction_request,
    notices,
    overdue_documents,
    ready_tasks,
)
from tests.engine.reminders.conftest import local


def where(system, user, notice, *, documents: bool = False, instances: bool = False):
    with system.db.reading() as session:
        return targets.resolve(
            session=session,
            user=user,
            notices=[notice],
            can_read_documents=documents,
            can_watch_instances=instances,
        )[notice.id]


@pytest.mark.postgres
def test_a_unit_notice_leads_to_its_task_then_to_the_assignment(system, directory, backend):
    assignment_id, instance_id = correction_request(system, directory["cv"])
    by_group = {n.recipient_group: n for n in notices(system, "data_correction_request")}
    assert set(by_group) == {"unit_leader", "unit_staff"}  # notify_unit: the leader and the staff
    staff_notice, leader_notice = by_group["unit_staff"], by_group["unit_leader"]
    assert CORRECTION_PROBLEM in staff_notice.message
    # Stored when written: the data correction's assignment and its document, besides the instance.
    assert (staff_notice.instance_id, staff_notice.assignment_id) == (instance_id, assignment_id)
    assert staff_notice.document_id is not None

    [task] = ready_tasks(system, "correct_data")
    assert where(system, directory["sotc"], staff_notice) == targets.Target(targets.TASK, task.id)
    assert where(system, directory["ldsotc"], leader_notice) == targets.Target(targets.TASK, task.id)

    complete_task(system, task.id, directory["sotc"], {"correction": "Đã sửa số hồ sơ: 1.200."})
    # No user task of the unit is left: the assignment, which the unit leads.
    assert where(system, directory["sotc"], staff_notice) == targets.Target(targets.ASSIGNMENT, assignment_id)
    # VP's specialist is not the reader of the unit's notice, but the rule holds for whoever holds it: the
    # review user task now ready is VP's, then the assignment (VP sees every one).
    [review] = ready_tasks(system, "review_correction")
    assert where(system, directory["cv"], staff_notice) == targets.Target(targets.TASK, review.id)
    # Another unit's person would be led nowhere: neither its user task nor its assignment is theirs.
    assert where(system, directory["soxd"], staff_notice) is None


@pytest.mark.postgres
def test_the_t1_escalation_leads_the_vp_leader_to_his_urging_task_then_to_the_document(
    system, directory, clock, backend
):
    [document_id] = overdue_documents(system, clock, 1)
    [notice] = notices(system, "intake_overdue")
    assert (notice.document_id, notice.assignment_id) == (document_id, None)
    [urge] = ready_tasks(system, "urge_classification")
    ldvp = directory["ldvp"]
    # The intake instance also has the specialist's classify user task: not the leader's to act on.
    assert where(system, ldvp, notice, documents=True) == targets.Target(targets.TASK, urge.id)

    complete_task(system, urge.id, ldvp, {"instruction": "Đề nghị phân loại ngay trong ngày."})
    assert where(system, ldvp, notice, documents=True) == targets.Target(targets.DOCUMENT, document_id)
    # Without the right to read documents: the instance for those who watch instances, else nowhere.
    assert where(system, ldvp, notice, instances=True) == targets.Target(targets.INSTANCE, notice.instance_id)
    assert where(system, ldvp, notice) is None


def test_an_incident_leads_monitors_to_the_instance(system, directory):
    with system.db.transaction() as session:
        document = document_service.register_document(
            session=session, engine=system.engine, payload=two_task_document(), actor="cv"
        )
        about = About(instance_id=document.intake_instance_id)
        notice = write(
            session,
            kind="process_incident",
            message="Lỗi",
            about=about,
            now=document.created_at,
            group="monitor",
        )
    assert where(system, directory["monitor"], notice, documents=True, instances=True) == targets.Target(
        targets.INSTANCE, notice.instance_id
    )


def test_reminders_store_the_user_task_or_the_assignment_they_are_about(system, directory, clock):
    with system.db.transaction() as session:
        document = document_service.register_document(
            session=session, engine=system.engine, payload=two_task_document(), actor="cv"
        )
    [classify] = ready_tasks(system, "classify")
    clock.move_to(local(2025, 2, 4, 7))  # three working days before T1 (07/02/2025)
    assert send_due_reminders(db=system.db, engine=system.engine, now=local(2025, 2, 4, 7)) == 1
    [reminder] = notices(system, "user_task_reminder")
    assert (reminder.task_id, reminder.document_id, reminder.assignment_id) == (
        classify.id,
        document.id,
        None,
    )
    assert where(system, directory["cv"], reminder) == targets.Target(targets.TASK, classify.id)

    complete_task(system, classify.id, directory["cv"], classification())
    with system.db.reading() as session:
        [first, _] = assignment_service.assignments_of(session=session, document_id=document.id)
    due_soon = local(2025, 4, 25, 7)  # the first assignment is due 05/05/2025 (R4)
    clock.move_to(due_soon)
    send_due_reminders(db=system.db, engine=system.engine, now=due_soon)
    for n in notices(system, "deadline_reminder"):
        assert (n.assignment_id, n.document_id) == (first.id, document.id)


def test_the_same_notice_is_not_written_twice_within_a_minute(system, directory, clock):
    [document_id] = overdue_documents(system, clock, 1)
    [notice] = notices(system, "intake_overdue")
    about = About(instance_id=notice.instance_id, document_id=document_id)

    def again(**changes):
        fields = {"kind": notice.kind, "message": notice.message, "group": "vp_leadership", **changes}
        with system.db.transaction() as session:
            return write(session, about=about, now=clock_module.now(), **fields).id

    assert again() == notice.id  # the same writer running twice
    assert again(group="vp_specialist") != notice.id  # another recipient
    assert again(message=notice.message + " Nhắc lại.") != notice.id  # another text
    clock.move_to(notice.created_at + timedelta(minutes=2))
    assert again() != notice.id  # a minute later: a repeat, kept (the list shows it as "2 lần")
    with system.db.reading() as session:
        [entry] = [
            e
            for e in notifications.entries(session=session, user=directory["ldvp"])
            if e.message == notice.message
        ]
    assert entry.times == 2


@pytest.mark.postgres
def test_the_migration_fills_in_what_earlier_notices_were_about(
    system, directory, clock, database_url, backend
):
    [document_id] = overdue_documents(system, clock, 1)
    [notice] = notices(system, "intake_overdue")
    system.db.dispose()
    config = alembic_config(database_url)
    command.downgrade(config, "0016")
    engine = create_engine(database_url)
    with engine.begin() as connection:
        assert "document_id" not in [
            c for c in connection.execute(text("SELECT * FROM notifications")).keys()
        ]
    upgrade(database_url)
    with engine.connect() as connection:
        filled = connection.execute(
            text("SELECT document_id, assignment_id FROM notifications WHERE id = :id"), {"id": notice.id}
        ).one()
    engine.dispose()
    assert tuple(filled) == (document_id, None)
