"""A province's assignments at scale for the benchmarks: documents, assignments of many units over
3 years of history (transfers, deadline extensions, status updates), written with bulk inserts (the change
history of the load itself is left out: no benchmarked query reads it)."""

from __future__ import annotations

import random
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert

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

START = date(2023, 1, 2)
DAYS = 3 * 365
CALENDAR = WorkCalendar()


def utc(day: date, hour: int = 3) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def load(session, *, assignments: int, units: int, seed: int = 35) -> list[str]:
    rng = random.Random(seed)
    codes = [f"U{n:02d}" for n in range(units)]
    session.execute(
        insert(Unit), [{"code": c, "name": f"Đơn vị {c}", "unit_type": "Sở, ban, ngành"} for c in codes]
    )
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
    doc_ids = list(
        session.scalars(insert(Document).returning(Document.id, sort_by_parameter_order=True), documents)
    )
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
    for start in range(0, len(rows), 20_000):
        chunk = rows[start : start + 20_000]
        returning = insert(Assignment).returning(Assignment.id, sort_by_parameter_order=True)
        ids = session.scalars(returning, chunk)
        for assignment_id, row in zip(ids, chunk, strict=True):
            extras.append((assignment_id, row))
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
        for start in range(0, len(data), 20_000):
            session.execute(insert(table), data[start : start + 20_000])
    return codes


def timed(fn, repeat: int = 3):
    best, result = None, None
    for _ in range(repeat):
        began = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - began
        best = elapsed if best is None else min(best, elapsed)
    return best, result
