"""A unit at its "Cập nhật tình hình thực hiện" step, files uploaded as the services receive them, and a
coordinating unit's user: what the file tests start from (services only, as a request would call them)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from sqlalchemy import select

from engine import clock
from engine.assignments.models import Assignment
from engine.auth import service as auth
from engine.documents import service as document_service
from engine.files import service as files
from engine.usertasks import service as usertasks
from tests.conftest import PASSWORD, classification, complete_task, two_task_document


@dataclass(frozen=True)
class AtUpdate:
    assignment_id: int  # led by SO_TC, SO_NV coordinating
    other_assignment_id: int  # led by SO_XD
    task_id: str  # SO_TC's ready "update" user task


def tasks_of(system, user, bpmn_id: str) -> list:
    with system.db.reading() as session:
        return [t for t in usertasks.inbox(session=session, user=user) if t.bpmn_id == bpmn_id]


def add_coordinating_user(system, directory) -> None:
    """ "sonv" of Sở Nội vụ, which coordinates SO_TC's assignment: directory["sonv"]."""
    with system.db.transaction() as session:
        account = auth.create_user(
            session=session,
            username="sonv",
            password=PASSWORD,
            full_name="Mai Nội Vụ",
            roles=["unit_staff"],
            unit_code="SO_NV",
            now=clock.now(),
        )
        directory["sonv"] = auth.principal(account)


def at_update(system, directory) -> AtUpdate:
    """two_task_document() registered and classified, SO_TC's task accepted: its update step is ready."""
    with system.db.transaction() as session:
        document_service.register_document(
            session=session, engine=system.engine, payload=two_task_document(), actor="cv"
        )
    [classify] = tasks_of(system, directory["cv"], "classify")
    complete_task(system, classify.id, directory["cv"], classification())
    [review] = tasks_of(system, directory["sotc"], "review")
    complete_task(system, review.id, directory["sotc"], {"decision": "accept"})
    [update] = tasks_of(system, directory["sotc"], "update")
    with system.db.reading() as session:
        led = session.scalar(select(Assignment.id).where(Assignment.instance_id == update.instance_id))
        other = session.scalar(select(Assignment.id).where(Assignment.lead_unit_code == "SO_XD"))
    return AtUpdate(assignment_id=led, other_assignment_id=other, task_id=update.id)


def upload(
    system, user, content: bytes, name: str, *, task_id: str | None = None, purpose: str | None = None
):
    """The service's upload, as the API and the page call it."""
    return files.upload(
        db=system.db,
        settings=system.settings,
        user=user,
        stream=io.BytesIO(content),
        filename=name,
        task_id=task_id,
        purpose=purpose,
    )
