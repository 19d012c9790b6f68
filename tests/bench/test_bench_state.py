"""The state of an assignment as its lead unit keeps updating progress: the serialized state's size and
the time of one update step (service layer, SQLite) after 1, 10 and 100 updates (1 and 10 when small).

One assignment per count, brought to it first; then their update steps are timed in turn, WINDOW rounds,
so that the load of a shared machine falls alike on each figure (each the median of its WINDOW steps)."""

from __future__ import annotations

import statistics
import time

from sqlalchemy import select

from engine.assignments import service as assignment_service
from engine.assignments.models import Assignment, StatusUpdate
from engine.documents import service as document_service
from engine.instances.models import ProcessInstance
from engine.usertasks import service as usertasks
from tests.bench.conftest import report
from tests.conftest import complete_task, two_task_document

WINDOW = 7  # timed updates per figure


def start_assignment(system, directory, number: int) -> int:
    """Register document `number` with one task, classify it (P1) and accept the assignment (P2); the
    assignment's instance id."""
    task = {"content": "Xây dựng kho dữ liệu dùng chung", "lead_unit": "SO_TC"}
    with system.db.transaction() as session:
        document_id = document_service.register_document(
            session=session,
            engine=system.engine,
            payload=two_task_document(number=f"{number}/QĐ-UBND", tasks=[task]),
            actor="cv",
        ).id
    form = {
        "tracking_room": "Phòng Tổng hợp",
        "tracking_specialist": "cv",
        "tasks": [
            {
                **task,
                "coordinating_units": [],
                "has_deadline": True,
                "due_date": "2025-12-31",
                "deadline_kind": "completion",
                "must_report": False,
            }
        ],
    }
    complete_task(system, ready_task(system, directory["cv"], "classify"), directory["cv"], form)
    complete_task(
        system, ready_task(system, directory["sotc"], "review"), directory["sotc"], {"decision": "accept"}
    )
    with system.db.reading() as session:
        [assignment] = assignment_service.assignments_of(session=session, document_id=document_id)
        return assignment.instance_id


def ready_task(system, principal, bpmn_id: str) -> str:
    with system.db.reading() as session:
        [task] = [t for t in usertasks.inbox(session=session, user=principal) if t.bpmn_id == bpmn_id]
        return task.id


def state_size(system, instance_id: int) -> int:
    with system.db.reading() as session:
        return len(session.scalar(select(ProcessInstance.state).where(ProcessInstance.id == instance_id)))


def update(system, principal, instance_id: int, n: int) -> float:
    """Report progress for the `n`th time on the assignment of `instance_id`; the seconds it took."""
    with system.db.reading() as session:
        [task_id] = [
            t.id
            for t in usertasks.of_instance(session=session, instance_id=instance_id)
            if t.bpmn_id == "update" and t.state == "ready"
        ]
    started = time.perf_counter()
    complete_task(system, task_id, principal, {"kind": "progress", "situation": f"Cập nhật lần {n}"})
    return time.perf_counter() - started


def test_state_and_step_time_stay_flat_as_progress_updates_accumulate(system, directory, full):
    counts = (1, 10, 100) if full else (1, 10)
    sotc = directory["sotc"]
    instances = {n: start_assignment(system, directory, number=n) for n in counts}
    accepted = state_size(system, instances[counts[0]])
    for n, instance_id in instances.items():
        for k in range(1, n):
            update(system, sotc, instance_id, k)
    sizes, times = {}, {n: [] for n in counts}
    for round_ in range(WINDOW):
        for n, instance_id in instances.items():
            times[n].append(update(system, sotc, instance_id, n + round_))
            if round_ == 0:
                sizes[n] = state_size(system, instance_id)
    steps = {n: statistics.median(times[n]) for n in counts}
    rows = [("state after accepting", f"{accepted / 1024:.1f} KB")]
    for n in counts:
        rows.append((f"after {n} updates", f"state {sizes[n] / 1024:.1f} KB, step {steps[n] * 1000:.1f} ms"))
    first, last = counts[0], counts[-1]
    rows.append((f"state after {last} ÷ after {first}", f"{sizes[last] / sizes[first]:.2f} (aim ≤ 2)"))
    rows.append((f"step after {last} ÷ after {first}", f"{steps[last] / steps[first]:.2f} (aim: flat)"))
    report(f"assignments with {', '.join(map(str, counts))} progress updates (SQLite)", rows)
    with system.db.reading() as session:
        for n, instance_id in instances.items():
            assignment = session.scalar(select(Assignment).where(Assignment.instance_id == instance_id))
            query = select(StatusUpdate.situation).where(StatusUpdate.assignment_id == assignment.id)
            situations = list(session.scalars(query.order_by(StatusUpdate.id)))
            assert situations == [f"Cập nhật lần {k}" for k in range(1, n + WINDOW)]
            assert assignment.progress == "in_progress"
