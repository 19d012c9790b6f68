"""The operator periodic_report calls once T6 has passed: each unit that has not reported is told."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from engine.calendar import as_date
from engine.directory.models import Unit
from engine.errors import NotFoundError
from engine.notifications.operators import notify_unit
from engine.operators import StepContext, operator
from engine.reminders.models import AFTER_DEADLINE, REPORT_SUBMISSION, DeadlineReminder
from engine.reports.models import ReportRound, ReportSubmission

PERIODIC_REPORT_NOT_SENT = "periodic_report_not_sent"


@operator("remind_units_without_report", title="Nhắc các đơn vị chưa gửi báo cáo định kỳ")
def remind_units_without_report(ctx: StepContext, *, period: dict[str, Any]) -> list[str]:
    """Notify the leader and staff of every unit of the round that has not reported by T6, once per unit
    and deadline (a T6 that moves and passes again tells them again); the codes of the units told."""
    round_ = ctx.session.scalar(
        select(ReportRound).where(
            ReportRound.kind == period["kind"],
            ReportRound.year == period["year"],
            ReportRound.period == period["period"],
        )
    )
    if round_ is None:
        raise NotFoundError(f"no report round {period['label']}")
    cutoff = as_date(period["receipt_cutoff"])
    missing = ctx.session.execute(
        select(ReportSubmission)
        .join(Unit, Unit.code == ReportSubmission.unit_code)
        .where(ReportSubmission.round_id == round_.id, ReportSubmission.submitted_at.is_(None))
        .order_by(Unit.unit_type, Unit.name)
    ).scalars()
    told = []
    for submission in missing:
        if _sent(ctx, str(submission.id), submission.due_date):
            continue
        ctx.session.add(
            DeadlineReminder(
                subject_kind=REPORT_SUBMISSION,
                subject_id=str(submission.id),
                deadline=submission.due_date,
                days_before=AFTER_DEADLINE,
                sent_at=ctx.now,
            )
        )
        notify_unit(
            ctx,
            unit=submission.unit_code,
            kind=PERIODIC_REPORT_NOT_SENT,
            message=(
                f"{round_.label}: đã hết hạn gửi báo cáo (T6, khoản 1 Điều 22) ngày "
                f"{submission.due_date:%d/%m/%Y} mà đơn vị chưa gửi báo cáo. Đề nghị gửi ngay; Văn phòng "
                f"UBND tỉnh nhận báo cáo đến hết ngày {cutoff:%d/%m/%Y} để tổng hợp."
            ),
        )
        told.append(submission.unit_code)
    return told


def _sent(ctx: StepContext, subject_id: str, deadline: date) -> bool:
    found = ctx.session.scalar(
        select(DeadlineReminder.id).where(
            DeadlineReminder.subject_kind == REPORT_SUBMISSION,
            DeadlineReminder.subject_id == subject_id,
            DeadlineReminder.deadline == deadline,
            DeadlineReminder.days_before == AFTER_DEADLINE,
        )
    )
    return found is not None
