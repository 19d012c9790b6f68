"""The `start_process` operator: a diagram starts another process, which runs after this step."""

from __future__ import annotations

from typing import Any

from engine.operators import StepContext, operator


@operator("start_process", title="Khởi tạo một quy trình khác theo phiên bản mới nhất")
def start_process(
    ctx: StepContext, *, process_id: str, data: dict[str, Any], business_key: str | None = None
) -> int:
    """Start the newest version of `process_id`; the new instance commits or rolls back with the calling
    step, and its first steps run after it, from the timer sweep (never nested inside this step). Its id."""
    from engine.instances import service  # the service imports the operator seam, not the reverse

    instance = service.start(
        session=ctx.session,
        engine=ctx.engine,
        process_id=process_id,
        data=data,
        actor=ctx.actor,
        business_key=business_key,
        deferred=True,
    )
    return instance.id
