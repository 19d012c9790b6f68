"""What a calendar change moves: every open deadline that depends on the calendar, recomputed from what it
is derived from, with the calendar before and after the change; only what actually changes moves.

Read-only. The preview (dry run) and the real run (engine.workdays.corrections) call the same `plan`,
so the list a preview shows is the list the real run then applies."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.assignments.models import CONFIRMED, Assignment
from engine.assignments.operators.common import T2_WORKING_DAYS
from engine.calendar import WorkCalendar, as_date
from engine.documents.models import Document
from engine.feedback.models import LocalFeedback
from engine.inspections.models import Inspection
from engine.instances.models import RUNNING, ProcessInstance
from engine.instances.service import Engine
from engine.workdays.moves import KINDS, REACH_DAYS, T4_WORKING_DAYS, T5_WORKING_DAYS, Context, Move, Plan
from engine.workdays.period_planning import periods, update_obligations


def plan(*, session: Session, engine: Engine, before: WorkCalendar, after: WorkCalendar, day: date) -> Plan:
    """Every open deadline that `after` (the calendar with `day` changed) gives another date than the
    one held now under `before`."""
    context = Context(session, engine, before, after, day)
    result = Plan()
    _assignments(context, result)
    update_obligations(context, result)
    _intakes(context, result)
    _feedbacks(context, result)
    _inspections(context, result)
    periods(context, result)
    order = list(KINDS)
    result.moves.sort(key=lambda m: (order.index(m.kind), m.old, m.subject, m.unit_name, m.entity_id or ""))
    return result


def _assignments(c: Context, result: Plan) -> None:
    """R4 of each open assignment's due date, and T2 after it (R5): the deadline watch re-reads both."""
    query = (
        select(Assignment, Document.number, (ProcessInstance.state != "").label("started"))
        .join(Document, Document.id == Assignment.document_id)
        .outerjoin(ProcessInstance, ProcessInstance.id == Assignment.instance_id)
        .where(
            Assignment.stage != CONFIRMED,
            Assignment.due_date.is_not(None),
            Assignment.due_date <= c.day,  # R4 only looks forward from the due date
            Assignment.effective_due_date >= c.day - timedelta(days=REACH_DAYS),
            (Assignment.instance_id.is_(None)) | (ProcessInstance.status == RUNNING),
        )
        .order_by(Assignment.id)
    )
    for a, number, started in c.session.execute(query):
        old, new = a.effective_due_date, c.after.effective_due_date(a.due_date)
        old_t2 = c.before.add_working_days(old, T2_WORKING_DAYS)
        new_t2 = c.after.add_working_days(new, T2_WORKING_DAYS)
        if (old, old_t2) == (new, new_t2):
            continue
        subject = f"Nhiệm vụ {a.seq} của văn bản {number}"
        unit = (a.lead_unit_code, c.unit_name(a.lead_unit_code))
        where = ("assignments", str(a.id), a.instance_id)
        if new != old:
            result.add(Move("assignment", subject, *unit, old, new, *where))
        if new_t2 != old_t2:
            result.add(Move("assignment_t2", subject, *unit, old_t2, new_t2, *where))
        if a.instance_id is not None and started:
            result.assignment_views[a.instance_id] = a.id
            result.signals.add(a.instance_id)


def _intakes(c: Context, result: Plan) -> None:
    """T1 of each document not yet classified: issued_on plus t1_days working days (Đ7.1)."""
    query = (
        select(ProcessInstance, Document)
        .join(Document, Document.intake_instance_id == ProcessInstance.id)
        .where(ProcessInstance.process_id == "intake", ProcessInstance.status == RUNNING)
        .where(ProcessInstance.state != "")
        .order_by(ProcessInstance.id)
    )
    for instance, document in c.session.execute(query):
        data = c.variables(instance, "t1_due", "t1_days", "issued_on")
        if not data["t1_due"] or data["t1_days"] is None or not data["issued_on"]:
            continue
        old = as_date(data["t1_due"])
        new = c.after.add_working_days(as_date(data["issued_on"]), int(data["t1_days"]))
        if new != old:
            vp = c.vp()
            move = Move(
                "intake_t1",
                f"Văn bản {document.number}",
                *vp,
                old,
                new,
                "documents",
                str(document.id),
                instance.id,
            )
            result.add(move, {"t1_due": new})


def _feedbacks(c: Context, result: Plan) -> None:
    """T5 of each local feedback VP has not answered: its receipt date plus 5 working days (R6)."""
    query = (
        select(LocalFeedback, (ProcessInstance.state != "").label("started"))
        .join(ProcessInstance, ProcessInstance.id == LocalFeedback.instance_id)
        .where(LocalFeedback.response_kind.is_(None), ProcessInstance.status == RUNNING)
        .order_by(LocalFeedback.id)
    )
    for feedback, started in c.session.execute(query):
        old = feedback.response_due
        new = c.after.add_working_days(c.after.local_date(feedback.received_at), T5_WORKING_DAYS)
        if new != old:
            subject = f"Phản hồi của {c.unit_name(feedback.from_unit)} về {c.unit_name(feedback.about_unit)}"
            where = ("local_feedbacks", str(feedback.id), feedback.instance_id)
            variables = {"t5_due": new, "feedback": {"response_due": new.isoformat()}}
            result.add(Move("feedback_t5", subject, *c.vp(), old, new, *where), variables, started)


def _inspections(c: Context, result: Plan) -> None:
    """T4 of each inspection whose report is not in: the end of the inspection plus 7 working days."""
    query = (
        select(Inspection, (ProcessInstance.state != "").label("started"))
        .join(ProcessInstance, ProcessInstance.id == Inspection.instance_id)
        .where(
            Inspection.report_due.is_not(None),
            Inspection.end_date.is_not(None),
            Inspection.reported_on.is_(None),
            ProcessInstance.status == RUNNING,
        )
        .order_by(Inspection.id)
    )
    for inspection, started in c.session.execute(query):
        old = inspection.report_due
        new = c.after.add_working_days(inspection.end_date, T4_WORKING_DAYS)
        if new != old:
            subject = f"{inspection.title} — {c.unit_name(inspection.inspected_unit)}"
            where = ("inspections", str(inspection.id), inspection.instance_id)
            result.add(
                Move("inspection_t4", subject, *c.vp(), old, new, *where), {"report_due": new}, started
            )
