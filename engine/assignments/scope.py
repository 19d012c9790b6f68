"""Who sees which assignments: VP and the leadership see all; a unit sees those it leads or coordinates."""

from __future__ import annotations

from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session

from engine.assignments.models import Assignment, AssignmentUnit
from engine.auth.service import Principal
from engine.errors import PermissionDeniedError

# VP tracking staff, the VP and provincial leadership, and process monitors see every assignment.
ALL_SEEING = frozenset({"vp_specialist", "vp_leadership", "province_leadership", "monitor"})


def sees_all(user: Principal) -> bool:
    return user.in_any(tuple(ALL_SEEING))


def visible(query: Select, user: Principal) -> Select:
    """`query` over Assignment narrowed to what `user` may see."""
    if sees_all(user):
        return query
    if user.unit_code is None:
        return query.where(false())
    mine = select(AssignmentUnit.assignment_id).where(AssignmentUnit.unit_code == user.unit_code)
    return query.where(Assignment.id.in_(mine))


def role_of(session: Session, user: Principal, assignment_id: int) -> str | None:
    """The user's unit's role on the assignment: lead, coordinating, or None."""
    if user.unit_code is None:
        return None
    return session.scalar(
        select(AssignmentUnit.role).where(
            AssignmentUnit.assignment_id == assignment_id, AssignmentUnit.unit_code == user.unit_code
        )
    )


def check_can_see(session: Session, user: Principal, assignment_id: int) -> None:
    if not sees_all(user) and role_of(session, user, assignment_id) is None:
        raise PermissionDeniedError(
            f"Nhiệm vụ {assignment_id} không do đơn vị của bạn chủ trì hoặc phối hợp thực hiện"
        )


def check_can_see_unit(user: Principal, unit_code: str) -> None:
    """Figures of a unit: VP and the leadership see every unit's, a unit its own."""
    if not sees_all(user) and user.unit_code != unit_code:
        raise PermissionDeniedError(f"Chỉ xem được số liệu của đơn vị mình, không phải của {unit_code}")
