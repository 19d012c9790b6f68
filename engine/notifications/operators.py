"""The `notify` operator: a diagram raises a notification for a group (and optionally a unit)."""

from __future__ import annotations

from engine.notifications.models import Notification
from engine.operators import StepContext, operator


@operator("notify")
def notify(ctx: StepContext, *, group: str, kind: str, message: str, unit: str | None = None) -> int:
    """Store a notification for `group` (within `unit`); it shows in their inbox next to their user tasks."""
    row = Notification(
        recipient_group=group,
        recipient_unit=unit,
        kind=kind,
        message=message,
        instance_id=ctx.instance_id,
        created_at=ctx.now,
    )
    ctx.session.add(row)
    ctx.session.flush()
    return row.id
