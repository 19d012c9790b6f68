"""Operators of the intake diagram (P1): create the classified assignments and start their processes."""

from __future__ import annotations

from datetime import date
from typing import Any

from engine.assignments import coordination
from engine.assignments.models import (
    AWAITING_ACCEPTANCE,
    COORDINATING,
    LEAD,
    NOT_STARTED,
    Assignment,
    AssignmentUnit,
)
from engine.directory import leaders
from engine.documents.models import Document
from engine.documents.secrecy import refuse_secret
from engine.documents.service import (
    before_issue_problems,
    deadline_problems,
    room_problem,
    specialist_problem,
    unit_problems,
)
from engine.errors import ValidationError
from engine.operators import StepContext, operator


@operator("create_assignments", title="Tạo các nhiệm vụ đã phân loại từ văn bản chỉ đạo")
def create_assignments(
    ctx: StepContext,
    *,
    document_id: int,
    tasks: list[dict[str, Any]],
    tracking_room: str,
    tracking_specialist: str,
    submitting_agency: str | None = None,
) -> list[int]:
    """P1 done: one assignment per classified task (Đ6.1), lead and coordinating units indexed."""
    session = ctx.session
    document = session.get(Document, document_id)
    if document is None:
        raise ValidationError(f"no document {document_id}", fields={"document_id": "không có văn bản"})
    for i, task in enumerate(tasks):
        refuse_secret(task.get("secrecy"), field=f"tasks/{i}/secrecy")
    today = ctx.calendar.local_date(ctx.now)
    dated = [t if t.get("has_deadline") else {} for t in tasks]
    wrong_dates = deadline_problems(dated, today) or before_issue_problems(dated, document.issued_on)
    if wrong_dates:
        raise ValidationError("Thời hạn nằm ngoài khoảng cho phép", fields=wrong_dates)
    _check_references(session, tasks, tracking_room, tracking_specialist, today)
    # A task's leader defaults to the document's: most documents are given by one leader.
    given_by = [t.get("leader_code") or document.leader_code for t in tasks]
    if submitting_agency is not None:
        document.submitting_agency = submitting_agency
    rows = []
    for seq, (task, leader_code) in enumerate(zip(tasks, given_by, strict=True), start=1):
        due = (
            date.fromisoformat(task["due_date"])
            if task.get("has_deadline") and task.get("due_date")
            else None
        )
        rows.append(
            Assignment(
                document_id=document_id,
                seq=seq,
                content=task["content"],
                lead_unit_code=task["lead_unit"],
                leader_code=leader_code,
                sector_code=task.get("sector_code") or None,
                has_deadline=bool(task.get("has_deadline")),
                must_report=bool(task.get("must_report")),
                deadline_kind=task.get("deadline_kind"),
                due_date=due,
                effective_due_date=ctx.calendar.effective_due_date(due) if due else None,
                tracking_room=tracking_room,
                tracking_specialist=tracking_specialist,
                progress=NOT_STARTED,
                stage=AWAITING_ACCEPTANCE,
                created_by=ctx.actor,
                created_at=ctx.now,
            )
        )
    session.add_all(rows)
    session.flush()
    for row, task in zip(rows, tasks, strict=True):
        session.add(AssignmentUnit(assignment_id=row.id, unit_code=task["lead_unit"], role=LEAD))
        session.add_all(
            AssignmentUnit(assignment_id=row.id, unit_code=code, role=COORDINATING)
            for code in task.get("coordinating_units", [])
            if code != task["lead_unit"]
        )
    session.flush()
    ids = [row.id for row in rows]
    return ids


@operator("start_assignment_processes", title="Chuyển theo dõi: khởi tạo quy trình cho từng nhiệm vụ")
def start_assignment_processes(ctx: StepContext, *, assignment_ids: list[int]) -> list[int]:
    """Start one `assignment` process (P2, P3, P5, P7) per assignment, in the calling step's unit of work."""
    from engine.instances import service as instances  # the service imports the operator seam

    started = []
    for assignment_id in assignment_ids:
        assignment = ctx.session.get(Assignment, assignment_id)
        if assignment is None:
            raise ValidationError(
                f"no assignment {assignment_id}", fields={"assignment_ids": "không có nhiệm vụ"}
            )
        instance = instances.start(
            session=ctx.session,
            engine=ctx.engine,
            process_id="assignment",
            data={"assignment_id": assignment_id},
            actor=ctx.actor,
            business_key=f"assignment:{assignment_id}",
        )
        assignment.instance_id = instance.id
        started.append(instance.id)
        # Đ9.2.b: each coordinating unit's own procedure, run after this step like a scheduled successor.
        coordination.start_missing(
            session=ctx.session, engine=ctx.engine, assignment_id=assignment_id, actor=ctx.actor
        )
    ctx.session.flush()
    return started


def _check_references(
    session, tasks: list[dict[str, Any]], tracking_room: str, tracking_specialist: str, today: date
) -> None:
    """Units must exist and be active, the room must be an active tracking room of VP, the specialist a
    VP specialist, each sector (required once the list exists) and leader active; every problem at once."""
    fields = unit_problems(session, tasks, today)
    if problem := room_problem(session, tracking_room):
        fields["tracking_room"] = problem
    if problem := specialist_problem(session, tracking_specialist):
        fields["tracking_specialist"] = problem
    for i, task in enumerate(tasks):
        if problem := leaders.sector_problem(session, task.get("sector_code"), required=True):
            fields[f"tasks/{i}/sector_code"] = problem
        if problem := leaders.leader_problem(session, task.get("leader_code")):
            fields[f"tasks/{i}/leader_code"] = problem
    if fields:
        raise ValidationError("Dữ liệu phân loại không hợp lệ", fields=fields)
