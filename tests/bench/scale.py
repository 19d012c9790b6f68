"""A province's assignments at scale for the benchmarks: documents, assignments of many units over
3 years of history (transfers, deadline extensions, status updates), written with bulk inserts. `load` leaves
out what the report benchmarks do not read; `load_activity` adds what the pages list besides (process
instances, open user tasks in many groups, instance events, the change history, notifications)."""

from __future__ import annotations

import random
import time
import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import bindparam, func, select, update

from engine.assignments.models import (
    Assignment,
    AssignmentTransfer,
    AssignmentUnit,
    DeadlineAdjustment,
    StatusUpdate,
)
from engine.calendar import WorkCalendar
from engine.directory.models import Unit
from engine.documents.models import Document
from engine.history import ChangeRecord
from engine.instances.models import COMPLETED, RUNNING, InstanceEvent, ProcessInstance
from engine.notifications.models import Notification
from engine.usertasks.models import READY, UserTaskGroup, UserTaskRow

START = date(2023, 1, 2)
DAYS = 3 * 365
CALENDAR = WorkCalendar()


def utc(day: date, hour: int = 3) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def load(session, *, assignments: int, units: int, seed: int = 35) -> list[str]:
    rng = random.Random(seed)
    codes = [f"U{n:02d}" for n in range(units)]
    _insert(session, Unit, [{"code": c, "name": f"Đơn vị {c}", "unit_type": "Sở, ban, ngành"} for c in codes])
    per_document = 5
    documents = []
    for n in range(assignments // per_document):
        issued = START + timedelta(days=rng.randrange(DAYS))
        documents.append(
            {
                "number": f"{n}/QĐ-UBND",
                "doc_type": "Quyết định",
                "title": f"Văn bản {n}",
                "issued_on": issued,
                "signer": "Chủ tịch UBND tỉnh",
                "needs_consultation": False,
                "draft_tasks": [],
                "created_at": utc(issued),
            }
        )
    first = _next_id(session, Document)
    doc_ids = list(range(first, first + len(documents)))
    for doc_id, document in zip(doc_ids, documents, strict=True):
        document["id"] = doc_id
    _insert(session, Document, documents)
    rows, extras = [], []
    for doc_id, document in zip(doc_ids, documents, strict=True):
        for seq in range(1, per_document + 1):
            issued = document["issued_on"]
            due = issued + timedelta(days=rng.randrange(20, 200)) if rng.random() < 0.8 else None
            done = rng.random() < 0.6
            completed = issued + timedelta(days=rng.randrange(10, 260)) if done else None
            rows.append(
                {
                    "document_id": doc_id,
                    "seq": seq,
                    "content": f"Nhiệm vụ {seq} của văn bản {doc_id}",
                    "lead_unit_code": rng.choice(codes),
                    "has_deadline": due is not None,
                    "must_report": True,
                    "due_date": due,
                    "effective_due_date": due and CALENDAR.effective_due_date(due),
                    "tracking_room": "Phòng Tổng hợp",
                    "tracking_specialist": "cv",
                    "progress": "done" if done else "in_progress",
                    "stage": "confirmed" if done else "accepted",
                    "completed_on": completed,
                    "confirmed_at": utc(completed + timedelta(days=2)) if done else None,
                    "created_at": utc(issued + timedelta(days=3)),
                }
            )
    first = _next_id(session, Assignment)
    for assignment_id, row in enumerate(rows, start=first):
        row["id"] = assignment_id
        extras.append((assignment_id, row))
    _insert(session, Assignment, rows)
    units, transfers, adjustments, updates = [], [], [], []
    for assignment_id, row in extras:
        units.append({"assignment_id": assignment_id, "unit_code": row["lead_unit_code"], "role": "lead"})
        created = row["created_at"]
        if rng.random() < 0.05:
            other = rng.choice(codes)
            if other != row["lead_unit_code"]:
                units.append({"assignment_id": assignment_id, "unit_code": other, "role": "coordinating"})
        if rng.random() < 0.05:
            transfers.append(
                {
                    "assignment_id": assignment_id,
                    "from_unit": rng.choice(codes),
                    "to_unit": row["lead_unit_code"],
                    "reason": "Không thuộc chức năng, nhiệm vụ",
                    "transferred_at": created + timedelta(days=rng.randrange(1, 10)),
                }
            )
        if row["due_date"] and rng.random() < 0.05:
            adjustments.append(
                {
                    "assignment_id": assignment_id,
                    "old_due_date": row["due_date"] - timedelta(days=30),
                    "old_effective_due_date": row["effective_due_date"] - timedelta(days=30),
                    "new_due_date": row["due_date"],
                    "new_effective_due_date": row["effective_due_date"],
                    "basis": "Ý kiến chỉ đạo",
                    "decided_at": created + timedelta(days=rng.randrange(5, 60)),
                }
            )
        updates.append(
            {
                "assignment_id": assignment_id,
                "unit_code": row["lead_unit_code"],
                "role": "lead",
                "progress": "in_progress",
                "situation": "Đang triển khai",
                "attachments": [],
                "is_result_report": False,
                "reported_at": created + timedelta(days=rng.randrange(1, 90)),
            }
        )
    for table, data in (
        (AssignmentUnit, units),
        (AssignmentTransfer, transfers),
        (DeadlineAdjustment, adjustments),
        (StatusUpdate, updates),
    ):
        _insert(session, table, data)
    return codes


def _next_id(session, model) -> int:
    return (session.scalar(select(func.max(model.id))) or 0) + 1


def _insert(session, model, rows: list[dict]) -> None:
    """Core executemany in chunks. Rows carry their ids: RETURNING the ids in parameter order made
    SQLAlchemy insert one row per statement and splice the results, quadratic in the rows (minutes at
    100,000); and the ORM's bulk insert splits the rows into batches by which of their values are None."""
    statement = model.__table__.insert()
    for start in range(0, len(rows), 20_000):
        session.execute(statement, rows[start : start + 20_000])


def load_activity(session, *, definition_id: int, seed: int = 35) -> None:
    """What the pages list besides the assignments `load` wrote: each assignment's process instance and
    events, an open user task of its unit (or of VP) for each open one, its change history, notifications."""
    rng = random.Random(seed)
    rows = session.execute(
        select(Assignment.id, Assignment.lead_unit_code, Assignment.created_at, Assignment.confirmed_at)
        .where(Assignment.instance_id.is_(None))
        .order_by(Assignment.id)
    ).all()
    instances = [
        {
            "definition_id": definition_id,
            "process_id": "assignment",
            "business_key": f"assignment-{row.id}",
            "status": COMPLETED if row.confirmed_at else RUNNING,
            "state": "{}",  # never deserialized by a list; detail pages open real instances
            "data": {},
            "lock_version": 1,
            "started_by": "cv",
            "started_at": row.created_at,
            "updated_at": row.confirmed_at or row.created_at,
            "ended_at": row.confirmed_at,
        }
        for row in rows
    ]
    first = _next_id(session, ProcessInstance)
    instance_ids = list(range(first, first + len(instances)))
    for instance_id, instance in zip(instance_ids, instances, strict=True):
        instance["id"] = instance_id
    _insert(session, ProcessInstance, instances)
    link = (
        update(Assignment)
        .where(Assignment.id == bindparam("b_id"))
        .values(instance_id=bindparam("b_instance"))
    )
    session.connection().execute(
        link, [{"b_id": row.id, "b_instance": i} for row, i in zip(rows, instance_ids, strict=True)]
    )
    events, tasks, groups, changes, notifications = [], [], [], [], []
    for row, instance_id in zip(rows, instance_ids, strict=True):
        for kind, at in (("started", row.created_at), ("task_completed", row.created_at + timedelta(days=1))):
            events.append({"instance_id": instance_id, "at": at, "actor": "cv", "kind": kind, "data": {}})
        changes.append(
            {
                "entity": "assignments",
                "entity_id": str(row.id),
                "action": "insert",
                "changes": {"lead_unit_code": [None, row.lead_unit_code]},
                "actor": "cv",
                "at": row.created_at,
                "instance_id": instance_id,
            }
        )
        changes.append(
            {
                "entity": "assignment_units",
                "entity_id": f"{row.id}/{row.lead_unit_code}",
                "action": "insert",
                "changes": {"role": [None, "lead"]},
                "actor": "cv",
                "at": row.created_at,
                "instance_id": instance_id,
            }
        )
        if row.confirmed_at:
            continue
        vp = rng.random() < 0.1  # VP's own steps (confirm a result, decide an extension): no unit
        task_id = str(uuid.UUID(int=rng.getrandbits(128)))
        group = (
            rng.choice(["vp_specialist", "vp_leadership"])
            if vp
            else rng.choice(["unit_staff", "unit_leader"])
        )
        due = row.created_at + timedelta(days=rng.randrange(5, 400))
        tasks.append(
            {
                "id": task_id,
                "instance_id": instance_id,
                "process_id": "assignment",
                "bpmn_id": "confirm_result" if vp else "report_progress",
                "name": "Xác nhận kết quả" if vp else "Báo cáo tiến độ",
                "candidate_groups": [group],
                "unit_code": None if vp else row.lead_unit_code,
                "subject": f"Nhiệm vụ {row.id}",
                "due_at": due,
                "state": READY,
                "created_at": row.created_at,
            }
        )
        groups.append({"user_task_id": task_id, "group_name": group})
        notifications.append(
            {
                "recipient_group": group,
                "recipient_unit": None if vp else row.lead_unit_code,
                "kind": "task_created",
                "message": f"Nhiệm vụ {row.id}: Báo cáo tiến độ",
                "instance_id": instance_id,
                "task_id": task_id,
                "assignment_id": row.id,
                "created_at": row.created_at,
            }
        )
    for table, data in (
        (InstanceEvent, events),
        (UserTaskRow, tasks),
        (UserTaskGroup, groups),
        (ChangeRecord, changes),
        (Notification, notifications),
    ):
        _insert(session, table, data)


def timed(fn, repeat: int = 3):
    best, result = None, None
    for _ in range(repeat):
        began = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - began
        best = elapsed if best is None else min(best, elapsed)
    return best, result
