"""Writing what a checked sheet gives: documents, their assignments with lead and coordinating units, the
first status update, and for each open task its `assignment` process, started exactly as classification
starts it (engine.documents.operators.start_assignment_processes), so deadlines, T2 updates and
escalations run for it. A done task is written completed and confirmed on its completion date; it needs no
process.

Chunks of whole documents, each its own transaction: on SQLite a writer holds the only write lock, and one
transaction of 50,000 rows would keep every other user waiting (503) until it ends. The whole file was
checked before the first chunk, so a bad file writes nothing; a chunk that fails leaves the chunks before
it, which importing the file again skips (the key is the task, not the file). Every chunk carries the
importing user and "Nhập từ tệp Excel <name>" into change_history (engine.history)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import clock, history
from engine.assignments.models import (
    AWAITING_ACCEPTANCE,
    CONFIRMED,
    COORDINATING,
    DONE,
    IN_PROGRESS,
    LEAD,
    NOT_STARTED,
    Assignment,
    AssignmentUnit,
    StatusUpdate,
)
from engine.calendar import WorkCalendar
from engine.documents.models import Document
from engine.documents.operators import start_assignment_processes
from engine.imports.models import DataImport
from engine.imports.rows import DocumentPlan, TaskRow
from engine.imports.validate import registered_documents, registered_tasks
from engine.operators import StepContext
from engine.system import System
from engine.workdays import service as workdays

CHUNK_TASKS = 500  # tasks per transaction (whole documents: one may go over)
# A done task's confirmation is dated on its completion day, so reports as of any later day count it done
# and reports of a period that began after it leave it out, as for a task VP confirmed then.
CONFIRMED_AT = timedelta(seconds=1)  # before the end of that day (24:00, R3)
DEADLINE_KIND = "completion"  # a sheet's Thời hạn is the task's hạn hoàn thành


@dataclass
class Written:
    """What the chunks wrote."""

    rows_written: int = 0
    rows_skipped: int = 0  # registered meanwhile, by someone else
    documents_created: int = 0
    processes_started: int = 0


def write(
    *,
    system: System,
    plans: list[DocumentPlan],
    import_id: int,
    actor: str | None,
    note: str,
    progress: Callable[[int], None] | None = None,
) -> Written:
    """Write the plans chunk by chunk; the import's row counts what each committed chunk wrote."""
    total = Written()
    for chunk in _chunks(plans):
        with history.acting_as(actor), history.labelled(note), system.db.transaction() as session:
            done = _write_chunk(session, system, chunk, actor)
            record = session.get(DataImport, import_id)
            record.rows_written += done.rows_written
            record.rows_skipped += done.rows_skipped
            record.documents_created += done.documents_created
            record.processes_started += done.processes_started
        for name in vars(total):
            setattr(total, name, getattr(total, name) + getattr(done, name))
        if progress is not None:
            progress(sum(len(plan.tasks) for plan in chunk))
    return total


def _chunks(plans: list[DocumentPlan]) -> Iterator[list[DocumentPlan]]:
    chunk: list[DocumentPlan] = []
    size = 0
    for plan in plans:
        chunk.append(plan)
        size += len(plan.tasks)
        if size >= CHUNK_TASKS:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _write_chunk(session: Session, system: System, chunk: list[DocumentPlan], actor: str | None) -> Written:
    done = Written()
    now = clock.now()
    calendar = workdays.calendar(session=session, settings=system.settings)
    chunk = _still_new(session, chunk, done)
    documents = {}
    for plan in chunk:
        if plan.existing_id is None:
            documents[id(plan)] = _document(plan, actor, now)
    session.add_all(documents.values())
    session.flush()
    done.documents_created = len(documents)
    rows: list[tuple[Assignment, TaskRow]] = []
    for plan in chunk:
        document_id = plan.existing_id or documents[id(plan)].id
        seq = _last_seq(session, plan.existing_id)
        for task in plan.tasks:
            seq += 1
            rows.append((_assignment(task, document_id, seq, calendar, actor, now), task))
    session.add_all(a for a, _ in rows)
    session.flush()
    for a, task in rows:
        session.add(AssignmentUnit(assignment_id=a.id, unit_code=task.lead_unit, role=LEAD))
        session.add_all(
            AssignmentUnit(assignment_id=a.id, unit_code=c, role=COORDINATING) for c in task.coordinating
        )
        if task.situation:
            session.add(_first_update(a, task, actor, now))
    session.flush()
    done.rows_written = len(rows)
    open_ids = [a.id for a, task in rows if not task.done]
    # Written and flushed: out of the session, whose every later flush (a dozen per process started)
    # would otherwise look through all of them for changes.
    session.expunge_all()
    if open_ids:
        # The step context of classification's own operator: this unit of work, this user, this moment.
        ctx = StepContext(session, 0, "import", actor, now, calendar, system.engine)
        done.processes_started = len(start_assignment_processes(ctx, assignment_ids=open_ids))
    return done


def _still_new(session: Session, chunk: list[DocumentPlan], done: Written) -> list[DocumentPlan]:
    """The plans again, against what is registered now (another user may have typed a document in since
    the check): tasks registered meanwhile are skipped, a document registered meanwhile is added to."""
    documents = registered_documents(session, [plan.fields.key for plan in chunk])
    tasks = registered_tasks(session, [d.id for d in documents.values()])
    kept = []
    for plan in chunk:
        found = documents.get(plan.fields.key)
        if found is not None and found.intake_running:
            done.rows_skipped += len(plan.tasks)
            continue
        existing_id = found.id if found else None
        new = [t for t in plan.tasks if existing_id is None or (existing_id, t.key[2]) not in tasks]
        done.rows_skipped += len(plan.tasks) - len(new)
        if new:
            kept.append(DocumentPlan(plan.fields, existing_id, new))
    return kept


def _document(plan: DocumentPlan, actor: str | None, now: datetime) -> Document:
    fields = plan.fields
    return Document(
        number=fields.number,
        doc_type=fields.doc_type,
        title=fields.title,
        issued_on=fields.issued_on,
        signer=fields.signer,
        leader_code=fields.leader_code,
        draft_tasks=[],
        attachments=[],
        created_by=actor,
        created_at=now,
    )


def _last_seq(session: Session, document_id: int | None) -> int:
    if document_id is None:
        return 0
    return session.scalar(select(func.max(Assignment.seq)).where(Assignment.document_id == document_id)) or 0


def _assignment(
    task: TaskRow, document_id: int, seq: int, calendar: WorkCalendar, actor: str | None, now: datetime
) -> Assignment:
    due = task.due_date
    return Assignment(
        document_id=document_id,
        seq=seq,
        content=task.content,
        lead_unit_code=task.lead_unit,
        leader_code=task.document.leader_code,
        sector_code=task.sector_code,
        has_deadline=due is not None,
        must_report=True,
        deadline_kind=DEADLINE_KIND if due else None,
        due_date=due,
        effective_due_date=calendar.effective_due_date(due) if due else None,  # R4
        tracking_room=task.tracking_room,
        tracking_specialist=task.tracking_specialist,
        progress=DONE if task.done else (IN_PROGRESS if task.situation else NOT_STARTED),
        stage=CONFIRMED if task.done else AWAITING_ACCEPTANCE,
        completed_on=task.completed_on,
        confirmed_at=calendar.end_of_day(task.completed_on) - CONFIRMED_AT if task.done else None,
        last_update_at=now if task.situation else None,
        created_by=actor,
        created_at=now,
    )


def _first_update(a: Assignment, task: TaskRow, actor: str | None, now: datetime) -> StatusUpdate:
    """The sheet's Tình hình thực hiện as the lead unit's first update: its result when the task is done."""
    return StatusUpdate(
        assignment_id=a.id,
        unit_code=task.lead_unit,
        role=LEAD,
        progress=DONE if task.done else IN_PROGRESS,
        situation=task.situation,
        result=task.situation if task.done else None,
        completed_on=task.completed_on,
        is_result_report=task.done,
        attachments=[],
        reported_by=actor,
        reported_at=now,
    )
