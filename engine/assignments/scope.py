"""Who sees which assignments: VP and the leadership see all; a unit sees those it leads or coordinates,
and those it was told of as the sở concerned by a difficulty (Đ21.2)."""

from __future__ import annotations

from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import Session

from engine.assignments.models import Assignment, AssignmentUnit, DifficultyReport
from engine.auth.service import Principal
from engine.errors import PermissionDeniedError

# VP tracking staff, the VP and provincial leadership, and process monitors see every assignment.
ALL_SEEING = frozenset(
    {"vp_specialist", "vp_leadership", "vp_chief", "province_leadership", "chairman", "monitor"}
)


def sees_all(user: Principal) -> bool:
    return user.in_any(tuple(ALL_SEEING))


def visible(query: Select, user: Principal) -> Select:
    """`query` over Assignment narrowed to what `user` may see."""
    if sees_all(user):
        return query
    if user.unit_code is None:
        return query.where(false())
    mine = select(AssignmentUnit.assignment_id).where(AssignmentUnit.unit_code == user.unit_code)
    return query.where(or_(Assignment.id.in_(mine), Assignment.id.in_(_informed(user.unit_code))))


def _informed(unit_code: str) -> Select:
    """The assignments whose difficulty VP named `unit_code` the sở concerned of (Đ21.2): read only."""
    return select(DifficultyReport.assignment_id).where(DifficultyReport.concerned_unit_code == unit_code)


def is_informed(session: Session, user: Principal, assignment_id: int) -> bool:
    """Whether the user's unit was told of the assignment as the sở concerned by a difficulty."""
    if user.unit_code is None:
        return False
    found = session.scalar(_informed(user.unit_code).where(DifficultyReport.assignment_id == assignment_id))
    return found is not None


def role_of(session: Session, user: Principal, assignment_id: int) -> str | None:
    """The user's unit's role on the assignment: lead, coordinating, or None."""
    if user.unit_code is None:
        return None
    return session.scalar(
        select(AssignmentUnit.role).where(
            AssignmentUnit.assignment_id == assignment_id, AssignmentUnit.unit_code == user.unit_code
        )
    )


def can_see(session: Session, user: Principal, assignment_id: int) -> bool:
    """Whether `user` may open the assignment: sees all, leads or coordinates it, or was told of it."""
    if sees_all(user) or is_informed(session, user, assignment_id):
        return True
    return role_of(session, user, assignment_id) is not None


def check_can_see(session: Session, user: Principal, assignment_id: int) -> None:
    if not can_see(session, user, assignment_id):
        raise PermissionDeniedError(
            f"Nhiệm vụ {assignment_id} không do đơn vị của bạn chủ trì hoặc phối hợp thực hiện"
        )


def check_can_see_unit(user: Principal, unit_code: str) -> None:
    """Figures of a unit: VP and the leadership see every unit's, a unit its own."""
    if not sees_all(user) and user.unit_code != unit_code:
        raise PermissionDeniedError(f"Chỉ xem được số liệu của đơn vị mình, không phải của {unit_code}")
