"""Situations that raise notifications through the real processes, shared by the engine, page and browser
tests of notifications, reassigning and bulk completion."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from engine import clock as clock_module
from engine.auth import service as auth
from engine.auth.service import Principal
from engine.documents import service as document_service
from engine.instances import service as instances
from engine.instances import sweep
from engine.notifications.models import Notification
from engine.usertasks.models import READY, UserTaskRow
from tests.conftest import PASSWORD, two_task_document
from tests.factories import add_assignment, add_document

# Documents issued Friday 24/01/2025 with two tasks: T1 = 5 working days, to 07/02/2025 24:00 local.
AFTER_T1 = datetime(2025, 2, 7, 17, 0, tzinfo=UTC) + timedelta(days=1)
CORRECTION_PROBLEM = "Số hồ sơ đã số hóa chưa khớp với báo cáo quý."


def add_user(system, username: str, full_name: str, roles: list[str], unit: str | None) -> Principal:
    """One more person in the directory (the test directory has one per role)."""
    with system.db.transaction() as session:
        user = auth.create_user(
            session=session,
            username=username,
            password=PASSWORD,
            full_name=full_name,
            roles=roles,
            unit_code=unit,
            now=clock_module.now(),
        )
        return auth.principal(user)


def overdue_documents(system, clock, count: int) -> list[int]:
    """`count` documents left unclassified past T1: each escalates to the VP leadership with a notice
    ("Văn bản số … chưa được phân loại") and an urging user task. Their ids."""
    ids = []
    with system.db.transaction() as session:
        for i in range(1, count + 1):
            payload = two_task_document(number=f"{i}/QĐ-UBND", title=f"Về việc thứ {i} năm 2025")
            document = document_service.register_document(
                session=session, engine=system.engine, payload=payload, actor="cv"
            )
            ids.append(document.id)
    clock.move_to(AFTER_T1)
    sweep.fire_due_timers(db=system.db, engine=system.engine, now=AFTER_T1)
    return ids


def correction_request(system, requester: Principal) -> tuple[int, int]:
    """VP asks Sở Tài chính to correct an assignment's data (P4): its staff and leader get a notice and a
    "correct_data" user task. (assignment id, instance id)."""
    now = clock_module.now()
    with system.db.transaction() as session:
        document = add_document(session, issued_on=date(2025, 1, 20), created_at=now)
        assignment = add_assignment(
            session, document, seq=1, lead="SO_TC", due=date(2025, 3, 31), created_at=now
        )
        instance = instances.start(
            session=session,
            engine=system.engine,
            process_id="data_correction",
            data={
                "assignment_id": assignment.id,
                "problem": CORRECTION_PROBLEM,
                "starter": {
                    "username": requester.username,
                    "full_name": requester.full_name,
                    "unit_code": requester.unit_code,
                },
            },
            actor=requester.username,
        )
        return assignment.id, instance.id


def ready_tasks(system, bpmn_id: str) -> list[UserTaskRow]:
    """The ready user tasks of one element, oldest first."""
    with system.db.reading() as session:
        query = (
            select(UserTaskRow)
            .where(UserTaskRow.bpmn_id == bpmn_id, UserTaskRow.state == READY)
            .order_by(UserTaskRow.created_at, UserTaskRow.id)
        )
        return list(session.scalars(query))


def notices(system, kind: str | None = None) -> list[Notification]:
    """Every notification (of `kind`), oldest first."""
    with system.db.reading() as session:
        query = select(Notification).order_by(Notification.id)
        if kind is not None:
            query = query.where(Notification.kind == kind)
        return list(session.scalars(query))
