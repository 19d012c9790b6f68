"""Operators of P8 that reach people: the team and its invited members (Đ15.3.đ, Đ16.2), the routing of
the report by the inspecting level (Đ17.1-3), and the overdue notice to the inspecting unit's leadership."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.auth.models import User
from engine.directory.models import Unit
from engine.errors import NotFoundError, ValidationError
from engine.inspections.models import INVITED, MEMBER, PROVINCE, Inspection, InspectionMember
from engine.notifications.operators import notify, notify_unit
from engine.notifications.writing import about_instance, write
from engine.operators import StepContext, operator

# Đ17: who a report may be sent to, as the diagram names them, with the words the page shows.
CHAIRMAN, VP, RELATED_SECTOR, INSPECTED_UNIT = "chairman", "vp", "related_sector", "inspected_unit"
RECIPIENTS = (CHAIRMAN, VP, RELATED_SECTOR, INSPECTED_UNIT)


@operator("record_inspection_members", title="Ghi nhận thành viên Đoàn kiểm tra, mời người tham gia")
def record_inspection_members(
    ctx: StepContext,
    *,
    inspection_id: int,
    members: list[str] | None = None,
    invited: list[str] | None = None,
) -> list[str]:
    """Đ15.3.đ, Đ16.2: store the team's members and invited members (people of any unit) and notify each
    new one; someone already on the team is kept as he is. Returns every member's username."""
    row = _inspection(ctx, inspection_id)
    wanted = [(_person(u), MEMBER) for u in members or []] + [(_person(u), INVITED) for u in invited or []]
    names = [u for u, _ in wanted]
    known = set(
        ctx.session.scalars(select(User.username).where(User.username.in_(names), User.active.is_(True)))
    )
    unknown = {
        f"{'team_members' if role == MEMBER else 'invited_members'}": u
        for u, role in wanted
        if u not in known
    }
    if unknown:
        raise ValidationError(
            "Thành viên Đoàn kiểm tra không hợp lệ",
            fields={field: f"không có người dùng {username!r}" for field, username in unknown.items()},
        )
    present = set(
        ctx.session.scalars(select(InspectionMember.username).where(InspectionMember.inspection_id == row.id))
    )
    about = about_instance(ctx.session, ctx.instance_id)
    for username, role in wanted:
        if username in present or username == row.team_leader:
            continue
        present.add(username)
        ctx.session.add(InspectionMember(inspection_id=row.id, username=username, role=role))
        invitation = "được mời tham gia" if role == INVITED else "là thành viên"
        message = f'Bạn {invitation} Đoàn kiểm tra "{row.title}" (khoản 2 Điều 16).'
        kind = "inspection_invitation" if role == INVITED else "inspection_team"
        write(ctx.session, kind=kind, message=message, about=about, now=ctx.now, user=username)
    if row.team_leader:
        message = f'Bạn là Trưởng Đoàn kiểm tra "{row.title}" (khoản 1 Điều 16).'
        write(
            ctx.session,
            kind="inspection_team",
            message=message,
            about=about,
            now=ctx.now,
            user=row.team_leader,
        )
    ctx.session.flush()
    return sorted(present)


@operator("route_inspection_report", title="Gửi báo cáo kết quả kiểm tra theo Điều 17")
def route_inspection_report(
    ctx: StepContext, *, inspection_id: int, to: list[str], message: str
) -> list[dict]:
    """Đ17: send the report to each of `to` (chairman, vp, related_sector, inspected_unit), and record
    who received it and when. The inspected unit's notice dates notice_sent_on."""
    row = _inspection(ctx, inspection_id)
    today = ctx.calendar.local_date(ctx.now)
    routed: list[dict[str, Any]] = list(row.routing or [])
    for recipient in to:
        if recipient not in RECIPIENTS:
            raise ValueError(f"unknown recipient {recipient!r}; one of {', '.join(RECIPIENTS)}")
        if recipient == CHAIRMAN:
            notify(ctx, group="chairman", kind="inspection_report", message=message)
            label = "Chủ tịch UBND tỉnh"
        elif recipient == VP:
            notify(ctx, group="vp_specialist", kind="inspection_report_copy", message=message)
            label = "Văn phòng UBND tỉnh (để theo dõi, tổng hợp)"
        elif recipient == RELATED_SECTOR:
            if not row.related_sector_unit_code:
                continue  # the decision named no sở concerned
            notify_unit(
                ctx, unit=row.related_sector_unit_code, kind="inspection_report_copy", message=message
            )
            label = _unit_name(ctx, row.related_sector_unit_code)
        else:
            notify_unit(ctx, unit=row.inspected_unit, kind="inspection_notice", message=message)
            row.notice_sent_on = today
            label = _unit_name(ctx, row.inspected_unit) + " (đơn vị được kiểm tra)"
        routed.append({"to": recipient, "label": label, "on": today.isoformat()})
    row.routing = routed
    return routed


@operator("notify_inspection_overdue", title="Báo lãnh đạo đơn vị kiểm tra quá hạn báo cáo")
def notify_inspection_overdue(ctx: StepContext, *, inspection_id: int, message: str) -> list[int]:
    """Past T4: VP's leadership for the province's inspections, else the head of the inspecting unit."""
    row = _inspection(ctx, inspection_id)
    if row.level == PROVINCE:
        return [notify(ctx, group="vp_leadership", kind="inspection_report_overdue", message=message)]
    unit = row.inspecting_unit_code
    return [notify(ctx, group="unit_leader", unit=unit, kind="inspection_report_overdue", message=message)]


def _person(entry: str | dict) -> str:
    """A member as the form picks him ({"person": username}), or a bare username (versions before)."""
    return entry.get("person", "") if isinstance(entry, dict) else entry


def _inspection(ctx: StepContext, inspection_id: int) -> Inspection:
    row = ctx.session.get(Inspection, inspection_id)
    if row is None:
        raise NotFoundError(f"no inspection {inspection_id}")
    return row


def _unit_name(ctx: StepContext, code: str) -> str:
    unit = ctx.session.get(Unit, code)
    return unit.name if unit is not None else code
