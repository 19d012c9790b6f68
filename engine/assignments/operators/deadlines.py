"""P5 (Đ7.2, Đ9, Đ11, Đ19.3): reminders when a deadline passes, urging after T2, quarterly update
obligations of tasks without deadline (R7, R8).

Reminders and urgings are idempotent per deadline and lead unit: the watch restarts whenever VP or the
leadership changes the assignment, and a restart must not remind twice for the same deadline."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from engine.assignments.models import (
    CONFIRMED,
    HE_THONG,
    RESULT_REPORTED,
    UPDATE_REMINDER,
    URGING_LETTER,
    VAN_BAN,
    Assignment,
    Urging,
)
from engine.assignments.operators.common import (
    T2_WORKING_DAYS,
    document_of,
    get_assignment,
    parse_day,
    required,
    updated_since,
)
from engine.notifications.operators import notify_unit
from engine.operators import StepContext, operator
from engine.reports.periodic import QUARTER_END_MONTHS, report_period


@operator("remind_update", title="Nhắc đơn vị chủ trì cập nhật tình hình khi nhiệm vụ đến hạn")
def remind_update(ctx: StepContext, *, assignment_id: int) -> bool:
    """The effective due date passed (R5): remind the lead unit to update by T2, once per deadline.
    A result awaiting VP's confirmation is already the update asked for."""
    a = get_assignment(ctx, assignment_id)
    if a.stage in (RESULT_REPORTED, CONFIRMED) or a.effective_due_date is None:
        return False
    if _urged_since(ctx, a, UPDATE_REMINDER, ctx.calendar.end_of_day(a.effective_due_date)):
        return False
    t2 = ctx.calendar.add_working_days(a.effective_due_date, T2_WORKING_DAYS)
    _urge(
        ctx,
        a,
        UPDATE_REMINDER,
        f"Nhắc cập nhật: nhiệm vụ “{a.content}” ({document_of(ctx, a).number}) đã đến thời hạn "
        f"{a.effective_due_date:%d/%m/%Y}. Đề nghị cập nhật tình hình, kết quả thực hiện chậm nhất "
        f"ngày {t2:%d/%m/%Y} (điểm a khoản 2 Điều 7).",
    )
    return True


@operator("urging_needed", title="Xét nhiệm vụ quá hạn cập nhật có cần đôn đốc không")
def urging_needed(ctx: StepContext, *, assignment_id: int) -> bool:
    """T2 passed: VP must urge unless the lead unit updated on or after the effective due date, a
    result awaits confirmation, or this unit was already urged for this deadline."""
    a = get_assignment(ctx, assignment_id)
    if a.stage in (RESULT_REPORTED, CONFIRMED) or a.effective_due_date is None:
        return False
    updated = updated_since(ctx, a, _start_of_day(ctx, a.effective_due_date))
    t2_end = ctx.calendar.end_of_day(ctx.calendar.add_working_days(a.effective_due_date, T2_WORKING_DAYS))
    return not updated and not _urged_since(ctx, a, URGING_LETTER, t2_end)


@operator("record_urging_letter", title="Ghi nhận văn bản đôn đốc gửi đơn vị chủ trì")
def record_urging_letter(ctx: StepContext, *, assignment_id: int, number: str, content: str) -> int:
    """Đ9.1, Đ19.3: VP's urging letter (văn bản đôn đốc) to the lead unit."""
    a = get_assignment(ctx, assignment_id)
    number, content = required(number, "number"), required(content, "content")
    message = f"Văn bản đôn đốc số {number} của Văn phòng UBND tỉnh về nhiệm vụ “{a.content}”: {content}"
    return _urge(ctx, a, URGING_LETTER, content, number=number, message=message).id


@operator("next_update_obligation", title="Xác định kỳ cập nhật kế tiếp của nhiệm vụ không có thời hạn")
def next_update_obligation(ctx: StepContext) -> str:
    """R7, R8: the next quarterly update date of a task without deadline that has not ended yet."""
    today = ctx.calendar.local_date(ctx.now)
    return next(d for d in _obligation_dates(ctx, today.year, today.year + 1) if d >= today).isoformat()


@operator("remind_periodic_update", title="Nhắc cập nhật định kỳ nhiệm vụ không có thời hạn")
def remind_periodic_update(ctx: StepContext, *, assignment_id: int, due: str) -> bool:
    """Đ7.2.b: at the quarterly date `due`, remind the lead unit if it made no update since the
    previous quarterly date (or since the assignment was created)."""
    a = get_assignment(ctx, assignment_id)
    if a.stage in (RESULT_REPORTED, CONFIRMED):
        return False
    due_day = parse_day(due, "due")
    earlier = [d for d in _obligation_dates(ctx, due_day.year - 1, due_day.year) if d < due_day]
    since = max(ctx.calendar.end_of_day(earlier[-1]), a.created_at)
    if updated_since(ctx, a, since) or _urged_since(
        ctx, a, UPDATE_REMINDER, ctx.calendar.end_of_day(due_day)
    ):
        return False
    _urge(
        ctx,
        a,
        UPDATE_REMINDER,
        f"Nhắc cập nhật định kỳ: nhiệm vụ không có thời hạn “{a.content}” ({document_of(ctx, a).number}) "
        f"chưa được cập nhật tình hình thực hiện trong kỳ đến ngày {due_day:%d/%m/%Y}. Đề nghị cập nhật "
        "(điểm b khoản 2 Điều 7).",
    )
    return True


def _start_of_day(ctx: StepContext, day: date) -> datetime:
    """00:00 local of `day`: an update made on the due day itself counts for T2."""
    return ctx.calendar.end_of_day(day - timedelta(days=1))


def _urged_since(ctx: StepContext, a: Assignment, kind: str, since: datetime) -> bool:
    found = ctx.session.scalar(
        select(Urging.id)
        .where(
            Urging.assignment_id == a.id,
            Urging.unit_code == a.lead_unit_code,
            Urging.kind == kind,
            Urging.issued_at >= since,
        )
        .limit(1)
    )
    return found is not None


def _urge(
    ctx: StepContext,
    a: Assignment,
    kind: str,
    content: str,
    number: str | None = None,
    message: str | None = None,
) -> Urging:
    """An Urging row and its notification to the lead unit (the letter's text, or `message`): a reminder
    goes through the system (channel he_thong), a letter is văn bản recorded by whoever sent it (Đ11.3)."""
    row = Urging(
        kind=kind,
        assignment_id=a.id,
        unit_code=a.lead_unit_code,
        number=number,
        content=content,
        issued_by=ctx.actor,
        issued_at=ctx.now,
        channel=HE_THONG if kind == UPDATE_REMINDER else VAN_BAN,
        urged_on=ctx.calendar.local_date(ctx.now),
        recorded_by=None if kind == UPDATE_REMINDER else ctx.actor,
    )
    ctx.session.add(row)
    notify_unit(ctx, unit=a.lead_unit_code, kind=kind, message=message or content)
    ctx.session.flush()
    return row


def _obligation_dates(ctx: StepContext, first_year: int, last_year: int) -> list[date]:
    """R8: the units' periodic-report deadlines (T6 by R7), to which updates of tasks without deadline
    are aligned."""
    reading = ctx.engine.settings.report_deadline
    return [
        report_period(ctx.calendar, year, month, reading=reading).unit_due
        for year in range(first_year, last_year + 1)
        for month in QUARTER_END_MONTHS
    ]
