"""The lead unit of an assignment changes hands (Đ6.2.a): VP transfers a returned assignment, or the
administrator ends a unit and its successor takes over. Both write the same records, here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from engine.assignments.models import COORDINATING, LEAD, Assignment, AssignmentTransfer, AssignmentUnit


def transfer_lead(
    session: Session,
    a: Assignment,
    to_unit: str,
    *,
    reason: str,
    actor: str | None,
    now: datetime,
    return_id: int | None = None,
) -> AssignmentTransfer:
    """Make `to_unit` the lead unit: the transfer recorded (reports as of an earlier date keep the old
    unit), the old lead row gone, a coordinating `to_unit` promoted (its coordination process cancelled).
    The caller checked `to_unit`."""
    transfer = AssignmentTransfer(
        assignment_id=a.id,
        from_unit=a.lead_unit_code,
        to_unit=to_unit,
        reason=reason,
        return_id=return_id,
        transferred_by=actor,
        transferred_at=now,
    )
    session.add(transfer)
    session.delete(session.get(AssignmentUnit, (a.id, a.lead_unit_code)))
    existing = session.get(AssignmentUnit, (a.id, to_unit))
    if existing is not None:
        if existing.role == COORDINATING:  # its coordination task is void: the unit now leads
            from engine.assignments import coordination  # it imports the operators, which import us

            coordination.end_for_new_lead(session=session, assignment_id=a.id, unit_code=to_unit, actor=actor)
        existing.role = LEAD
    else:
        session.add(AssignmentUnit(assignment_id=a.id, unit_code=to_unit, role=LEAD))
    a.lead_unit_code = to_unit
    return transfer


def hand_over_coordination(session: Session, assignment_id: int, from_unit: str, to_unit: str) -> None:
    """A coordinating unit that ended passes its part to its successor (unless the successor already
    has one); the change history records it."""
    session.delete(session.get(AssignmentUnit, (assignment_id, from_unit)))
    if session.get(AssignmentUnit, (assignment_id, to_unit)) is None:
        session.add(AssignmentUnit(assignment_id=assignment_id, unit_code=to_unit, role=COORDINATING))
