"""Tệp đính kèm: what an upload may be made for, and its stored row.

An upload is made FOR something its sender may act on: a ready user task whose form takes files, an
assignment their unit coordinates (its update to the lead unit), the start form of a process they may start,
or (VP) a document about to be registered.
The row records what the file belongs to, which decides who may read it (engine.files.scope)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.assignments import scope as tracking_scope
from engine.assignments.models import COORDINATING, Assignment
from engine.auth.service import Principal
from engine.config import Settings
from engine.db import Database
from engine.errors import NotFoundError, PermissionDeniedError, TaskNotReadyError, ValidationError
from engine.feedback.models import DataCorrection, LocalFeedback
from engine.files import binding, incoming, storage
from engine.files.incoming import Incoming
from engine.files.models import (
    ASSIGNMENT,
    DATA_CORRECTION,
    FOR_COORDINATION,
    FOR_DOCUMENT,
    FOR_START,
    FOR_TASK,
    INSPECTION,
    INSTANCE,
    LOCAL_FEEDBACK,
    REPORT_ROUND,
    StoredFile,
)
from engine.inspections.models import Inspection
from engine.instances import starting
from engine.reports.models import ReportRound
from engine.usertasks import service as usertasks
from engine.usertasks.models import READY

# Who registers documents (Tiếp nhận văn bản), as the documents API and page allow.
DOCUMENT_WRITERS = ("vp_specialist", "vp_leadership")
# A user task id as SpiffWorkflow makes them (a UUID); anything else names no task.
TASK_ID = re.compile(r"[0-9A-Za-z-]{1,36}")


@dataclass(frozen=True)
class Target:
    """What an upload is for and what it will belong to."""

    purpose: str
    task_id: str | None = None
    instance_id: int | None = None
    unit_code: str | None = None
    subject: str | None = None
    subject_id: int | None = None
    process_id: str | None = None


def authorize(
    *,
    session: Session,
    user: Principal,
    task_id: str | None = None,
    purpose: str | None = None,
    assignment_id: int | None = None,
    process_id: str | None = None,
) -> Target:
    """Where `user` may upload a file to: a ready user task they may act on whose form takes files; an
    assignment their unit coordinates (Đ9.2.b: its update to the lead unit); the start form of a process
    they may start, if it takes files; or a new document (VP).
    NotFoundError, PermissionDeniedError or ValidationError otherwise."""
    named = [bool(task_id), purpose == FOR_DOCUMENT, assignment_id is not None, bool(process_id)]
    if sum(named) != 1 or purpose not in (None, "", FOR_TASK, FOR_DOCUMENT, FOR_COORDINATION, FOR_START):
        raise ValidationError(
            "Cho biết tệp được tải lên cho công việc nào (task_id), cho nhiệm vụ đơn vị phối hợp thực hiện "
            "(assignment_id), cho biểu mẫu khởi tạo quy trình (process_id) hoặc cho văn bản tiếp nhận "
            "(purpose=document)",
            fields={"task_id": "task_id, assignment_id, process_id hoặc purpose=document"},
        )
    if process_id:
        return _start_target(session, user, process_id)
    if purpose == FOR_DOCUMENT:
        if not user.in_any(DOCUMENT_WRITERS):
            raise PermissionDeniedError(
                "Chỉ Văn phòng UBND tỉnh tiếp nhận văn bản và đính kèm tệp của văn bản"
            )
        return Target(purpose=FOR_DOCUMENT, unit_code=user.unit_code)
    if assignment_id is not None:
        if session.get(Assignment, assignment_id) is None:
            raise NotFoundError(f"Không tìm thấy nhiệm vụ số {assignment_id}")
        if tracking_scope.role_of(session, user, assignment_id) != COORDINATING:
            raise PermissionDeniedError(
                "Chỉ đơn vị phối hợp gửi tệp cho nhiệm vụ tại đây; đơn vị chủ trì đính kèm tệp trong việc "
                "cần làm của mình"
            )
        return Target(
            purpose=FOR_COORDINATION, unit_code=user.unit_code, subject=ASSIGNMENT, subject_id=assignment_id
        )
    if not TASK_ID.fullmatch(task_id):
        raise NotFoundError(f"no user task {task_id[:40]!r}")
    row = usertasks.get_or_raise(session=session, task_id=task_id)
    usertasks.check_can_act(row, user)
    if row.state != READY:
        raise TaskNotReadyError(f"Công việc “{row.name}” đã được xử lý; không thể đính kèm thêm tệp")
    if not binding.file_fields(usertasks.form_schema(session=session, row=row)):
        raise ValidationError(
            f"Biểu mẫu của công việc “{row.name}” không nhận tệp đính kèm",
            fields={"task_id": "biểu mẫu không có trường tệp đính kèm"},
        )
    subject, subject_id = subject_of_instance(session, row.instance_id)
    return Target(
        purpose=FOR_TASK,
        task_id=row.id,
        instance_id=row.instance_id,
        unit_code=row.unit_code or user.unit_code,
        subject=subject,
        subject_id=subject_id,
    )


def _start_target(session: Session, user: Principal, process_id: str) -> Target:
    """An upload for the start form of `process_id`: the user may start it and its form takes files."""
    form = starting.start_form(session=session, process_id=process_id[:200])
    if not form.can_start(user):
        raise PermissionDeniedError(
            "Bạn không có quyền khởi tạo quy trình này nên không thể đính kèm tệp cho nó",
            details={"roles": list(form.starter_groups)},
        )
    if not binding.file_fields(form.schema):
        name = form.definition.name or form.definition.process_id
        raise ValidationError(
            f"Biểu mẫu khởi tạo “{name}” không nhận tệp đính kèm",
            fields={"process_id": "biểu mẫu khởi tạo không có trường tệp đính kèm"},
        )
    return Target(purpose=FOR_START, unit_code=user.unit_code, process_id=form.definition.process_id)


def upload(
    *,
    db: Database,
    settings: Settings,
    user: Principal,
    stream: BinaryIO,
    filename: str | None,
    task_id: str | None = None,
    purpose: str | None = None,
    assignment_id: int | None = None,
    process_id: str | None = None,
) -> StoredFile:
    """Check where `user` may upload, receive and check the file, store it, and record it: the row."""
    where = dict(task_id=task_id, purpose=purpose, assignment_id=assignment_id, process_id=process_id)
    with db.reading() as session:  # refuse what cannot be before hashing and storing the file
        authorize(session=session, user=user, **where)
    received = incoming.receive(
        stream,
        filename=filename,
        staging=storage.staging_dir(settings),
        max_bytes=settings.files_max_bytes,
        allowed=settings.file_types,
    )
    try:
        key = storage.key_for(received.sha256)
        storage.storage_for(settings).put(key, received.path, sha256=received.sha256, size=received.size)
    finally:
        received.path.unlink(missing_ok=True)
    with db.transaction() as session:  # the task may have been completed meanwhile: check again
        target = authorize(session=session, user=user, **where)
        row = create(
            session=session, user=user, target=target, incoming=received, storage_key=key, now=clock.now()
        )
    return row


def subject_of_instance(session: Session, instance_id: int) -> tuple[str, int]:
    """What the work of an instance is about: its assignment, inspection, report round, local feedback or
    data-correction request, else itself."""
    for model, subject in (
        (Assignment, ASSIGNMENT),
        (Inspection, INSPECTION),
        (ReportRound, REPORT_ROUND),
        (LocalFeedback, LOCAL_FEEDBACK),
        (DataCorrection, DATA_CORRECTION),
    ):
        found = session.scalar(select(model.id).where(model.instance_id == instance_id).limit(1))
        if found is not None:
            return subject, found
    return INSTANCE, instance_id


def create(
    *, session: Session, user: Principal, target: Target, incoming: Incoming, storage_key: str, now: datetime
) -> StoredFile:
    """The row of a received and stored file."""
    row = StoredFile(
        name=incoming.name,
        size=incoming.size,
        content_type=incoming.kind.content_type,
        sha256=incoming.sha256,
        storage_key=storage_key,
        purpose=target.purpose,
        task_id=target.task_id,
        instance_id=target.instance_id,
        unit_code=target.unit_code,
        subject=target.subject,
        subject_id=target.subject_id,
        process_id=target.process_id,
        uploaded_by=user.username,
        uploaded_at=now,
    )
    session.add(row)
    session.flush()
    return row


def get_or_raise(*, session: Session, file_id: int) -> StoredFile:
    row = session.get(StoredFile, file_id)
    if row is None:
        raise NotFoundError(f"Không tìm thấy tệp số {file_id}")
    return row
