"""Register a document → complete its classification → its two assignment processes start: the persisted
service path (SQLite) against the same SpiffWorkflow work in memory, in the same run.

Like for like: the in-memory side runs the same diagrams through the same runtime (parsed specs, script
engine, serializer, snapshots), starts the two assignment processes from the intake's own service task and
serializes every state the persisted side saves; only its operators answer from memory, not the database."""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime
from typing import Any

from engine import operators
from engine.calendar import WorkCalendar
from engine.config import Settings
from engine.documents import service as document_service
from engine.system import make_runtime
from engine.usertasks import service as usertasks
from engine.usertasks.models import UserTaskRow
from tests.bench.conftest import report
from tests.conftest import ROOT, classification, two_task_document

INTAKE, ASSIGNMENT = 1, 2
NOW = datetime(2025, 1, 27, 2, 0, tzinfo=UTC)


def assignment_view(assignment_id: int) -> dict[str, Any]:
    """What `load_assignment` returns for a task of two_task_document() (operators.common.view)."""
    return {
        "id": assignment_id,
        "document_number": "12/QĐ-UBND",
        "document_title": "Về việc giao nhiệm vụ chuyển đổi số năm 2025",
        "content": "Xây dựng kho dữ liệu dùng chung",
        "lead_unit": "SO_TC",
        "lead_unit_name": "Sở Tài chính",
        "has_deadline": True,
        "due_date": "2025-04-30",
        "effective_due_date": "2025-05-05",
        "t2_due": "2025-05-08",
        "deadline_text": "30/04/2025 (ngày nghỉ, tính đến hết ngày 05/05/2025)",
        "t2_text": "08/05/2025",
        "stage": "awaiting_acceptance",
        "progress": "not_started",
        "leader_approval": False,
    }


class InMemory:
    """The runtime of engine.system with operators that answer from memory, and no database."""

    def __init__(self) -> None:
        files = {
            INTAKE: ("intake", [("intake.bpmn", (ROOT / "processes" / "intake.bpmn").read_bytes())]),
            ASSIGNMENT: (
                "assignment",
                [("assignment.bpmn", (ROOT / "processes" / "assignment.bpmn").read_bytes())],
            ),
        }
        self.runtime = make_runtime(Settings(), load_definition=files.__getitem__, service_handler=self.call)
        self.calendar = WorkCalendar()
        self.states: list[str] = []
        self.next_id = itertools.count(1)

    def call(self, name: str, params: dict[str, Any], _data: dict[str, Any]) -> Any:
        if name == "create_assignments":
            return [next(self.next_id), next(self.next_id)]
        if name == "start_assignment_processes":
            for assignment_id in params["assignment_ids"]:
                self.run(ASSIGNMENT, {"assignment_id": assignment_id})
            return params["assignment_ids"]
        if name == "load_assignment":
            return assignment_view(params["assignment_id"])
        return 1  # notify

    def run(self, key: int, data: dict[str, Any]) -> None:
        """Start definition `key`, run it to its first wait state and serialize it, as a save does."""
        with operators.step(self.context()):
            execution = self.runtime.start(key, data)
            execution.advance()
            self.states.append(execution.snapshot().state)

    def complete(self, state: str, form: dict[str, Any]) -> None:
        with operators.step(self.context()):
            execution = self.runtime.restore(state)
            [task] = execution.snapshot().user_tasks
            execution.complete_user_task(task.task_id, form)
            execution.checkpoint()  # what the persisted side keeps in case the steps after it fail
            execution.advance()
            self.states.append(execution.snapshot().state)

    def context(self) -> operators.StepContext:
        return operators.StepContext(None, 0, "intake", "cv", NOW, self.calendar)


def in_memory_rate(memory: InMemory, n: int) -> float:
    memory.states.clear()
    document = two_task_document()
    form = classification()
    started = time.perf_counter()
    for i in range(n):
        data = {"document": {**document, "id": i, "draft_tasks": document["tasks"]}}
        memory.run(INTAKE, {**data, "issued_on": "2025-01-24", "needs_consultation": False})
        memory.complete(memory.states[-1], form)
    elapsed = time.perf_counter() - started
    assert len(memory.states) == 4 * n  # intake twice, each assignment once
    return n / elapsed


NUMBERS = itertools.count(1)  # each document its own number across the interleaved runs: no duplicates


def persisted_rate(system, directory, n: int) -> float:
    cv = directory["cv"]
    form = classification()
    started = time.perf_counter()
    for _ in range(n):
        payload = two_task_document(number=f"{next(NUMBERS)}/QĐ")
        with system.db.transaction() as session:
            document = document_service.register_document(
                session=session, engine=system.engine, payload=payload, actor="cv"
            )
            instance_id = document.intake_instance_id
        with system.db.transaction() as session:
            task_id = session.query(UserTaskRow.id).filter_by(instance_id=instance_id, state="ready").scalar()
            usertasks.complete(session=session, engine=system.engine, task_id=task_id, data=form, user=cv)
    return n / (time.perf_counter() - started)


def test_persisted_path_against_the_same_work_in_memory(system, directory, full):
    n = 300 if full else 20
    runtime = InMemory()
    in_memory_rate(runtime, 5), persisted_rate(system, directory, 5)  # warm caches (parsed specs) and imports
    memory = in_memory_rate(runtime, n)
    persisted = persisted_rate(system, directory, n)
    report(
        f"register → classify → two assignment processes started, {n} documents",
        [
            ("in memory (same runtime, states serialized)", f"{1000 / memory:.2f} ms per document"),
            ("persisted, theodoi service layer, SQLite", f"{1000 / persisted:.2f} ms per document"),
            ("ratio persisted / in memory (throughput)", f"{persisted / memory:.2f} (aim ≥ 0.5)"),
        ],
    )
    assert persisted > 0 and memory > 0
