"""Who inspects at which level (Đ12), and who may see an inspection: one decision for pages, API, files.

- VP, the province's leadership, monitors and administrators: every inspection;
- a unit's people: the inspections their unit runs or undergoes (and, for a sở, those it gets a copy of);
- a member of the team or an invited member (Đ16.2): that inspection, and nothing else of the list."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session

from engine.auth.models import User
from engine.auth.service import Principal
from engine.directory import units as directory_units
from engine.directory.models import Unit
from engine.errors import NotFoundError, PermissionDeniedError
from engine.inspections.models import COMMUNE, DEPARTMENT, PROVINCE, Inspection, InspectionMember

# The roles of VP's people: an inspection they start is the province's (Đ12.1).
VP_ROLES = frozenset({"vp_specialist", "vp_leadership", "vp_chief"})
SEES_ALL = VP_ROLES | {"province_leadership", "chairman", "monitor", "admin"}
REFUSED = "Bạn không có quyền xem cuộc kiểm tra này"


def level_of(session: Session, user: User | Principal) -> str:
    """The level `user` inspects at: VP's people for the province, a commune's, else a sở's."""
    if VP_ROLES.intersection(user.roles):
        return PROVINCE
    unit = session.get(Unit, user.unit_code) if user.unit_code else None
    if unit is not None and unit.unit_type in directory_units.local_government_types(session=session):
        return COMMUNE
    return DEPARTMENT


def sees_all(user: Principal) -> bool:
    """VP, the leadership, monitors and administrators see every inspection."""
    return bool(SEES_ALL.intersection(user.roles))


def visible(user: Principal) -> ColumnElement[bool]:
    """The SQL condition on Inspection of the inspections `user` may see."""
    if sees_all(user):
        return Inspection.id.is_not(None)
    conditions = [
        Inspection.id.in_(
            select(InspectionMember.inspection_id).where(InspectionMember.username == user.username)
        )
    ]
    if user.unit_code:
        conditions += [
            and_(Inspection.level != PROVINCE, Inspection.inspecting_unit_code == user.unit_code),
            Inspection.inspected_unit == user.unit_code,
            Inspection.related_sector_unit_code == user.unit_code,
        ]
    return or_(*conditions) if conditions else false()


def can_see(session: Session, user: Principal | None, inspection: Inspection) -> bool:
    """Whether `user` may open `inspection` (its page, its files)."""
    if user is None:
        return False
    if sees_all(user):
        return True
    # VP's own people see the province's inspections by their roles, not by being of VP's unit.
    inspecting = inspection.inspecting_unit_code if inspection.level != PROVINCE else None
    units = {inspecting, inspection.inspected_unit, inspection.related_sector_unit_code} - {None}
    if user.unit_code and user.unit_code in units:
        return True
    member = select(InspectionMember.id).where(
        InspectionMember.inspection_id == inspection.id, InspectionMember.username == user.username
    )
    return session.scalar(member.limit(1)) is not None


def get_visible(*, session: Session, user: Principal, inspection_id: int) -> Inspection:
    """The inspection; NotFoundError if none, PermissionDeniedError (403) if `user` may not see it."""
    row = session.get(Inspection, inspection_id)
    if row is None:
        raise NotFoundError(f"Không tìm thấy cuộc kiểm tra số {inspection_id}")
    if not can_see(session, user, row):
        raise PermissionDeniedError(REFUSED)
    return row
