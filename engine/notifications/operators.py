"""The `notify` and `notify_unit` operators: a diagram raises a notification for a group (and optionally
a unit), or for a whole unit."""

from __future__ import annotations

from engine.notifications.writing import about_instance, write
from engine.operators import StepContext, operator


@operator("notify", title="Gửi thông báo cho một nhóm người dùng")
def notify(ctx: StepContext, *, group: str, kind: str, message: str, unit: str | None = None) -> int:
    """Store a notification for `group` (within `unit`); it shows in their inbox next to their user tasks,
    and leads to what the calling instance is about (its assignment or document)."""
    about = about_instance(ctx.session, ctx.instance_id)
    return write(ctx.session, kind=kind, message=message, about=about, now=ctx.now, group=group, unit=unit).id


# Who in a unit reads what VP sends it: the head of the unit and its focal-point staff.
UNIT_GROUPS = ("unit_leader", "unit_staff")


@operator("notify_unit", title="Gửi thông báo cho lãnh đạo và cán bộ đầu mối của đơn vị")
def notify_unit(ctx: StepContext, *, unit: str, kind: str, message: str) -> list[int]:
    """Notify the leader and the staff of `unit` (a letter, a reminder or a copy reaches both)."""
    return [notify(ctx, group=group, kind=kind, message=message, unit=unit) for group in UNIT_GROUPS]
