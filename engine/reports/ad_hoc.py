"""Báo cáo đột xuất: the Chairman or VP asks units for a report by a date (Đ19.4, Đ20.1, Đ21.1), for a written
report on one task (Đ5.1, last paragraph), or for a report in writing under the secrecy regime (Đ5.2.b). Each
named unit answers (its leader approving first where its type asks for it, Đ8.1.c), is reminded before the
date by the general reminder of user tasks (engine/reminders/due.py) and on it by the process, VP is told at
the date who has not answered, consolidates, and the requester is told. Operators of
processes/ad_hoc_report.bpmn.

A secret request holds no content (Đ5.2.a): no subject, requirements or template, only the reference of the
paper request, the units and the date; each unit only confirms the date it sent its paper report."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.assignments.models import LEAD, Assignment, AssignmentUnit
from engine.auth.models import User
from engine.calendar import as_date
from engine.directory.checks import inactive_message
from engine.directory.models import Unit
from engine.documents.secrecy import refuse_secret_marks
from engine.errors import NotFoundError, ValidationError
from engine.notifications.operators import UNIT_GROUPS
from engine.notifications.writing import About, write
from engine.operators import StepContext, operator
from engine.reports import approval
from engine.reports.ad_hoc_records import (
    CHAIRMAN,
    CONSOLIDATED,
    KINDS,
    RECEIVED,
    REQUESTED,
    REQUESTERS,
    SECRET,
    TASK,
    VP,
    answers,
    full_names,
    report_or_raise,
    shown,
    title_of,
)
from engine.reports.models import AdHocAnswer, AdHocReport

# Who is told when VP has consolidated: the requester himself, else (entered on his behalf) his group.
REQUESTER_GROUPS = {CHAIRMAN: "chairman", VP: "vp_leadership"}
# Notification kinds (engine/notifications/kinds.py names them).
REMINDER, OVERDUE, RETURNED, DONE = (
    "ad_hoc_report_reminder",
    "ad_hoc_report_overdue",
    "ad_hoc_report_returned",
    "ad_hoc_report_done",
)
_SECRET_EMPTY = "báo cáo theo chế độ mật không nhập nội dung vào hệ thống (điểm a khoản 2 Điều 5)"


@operator("open_ad_hoc_report", title="Ghi yêu cầu báo cáo đột xuất, các đơn vị và hạn báo cáo")
def open_ad_hoc_report(
    ctx: StepContext,
    *,
    report_kind: str,
    units: list,
    due_date: str,
    subject: str | None = None,
    requirements: str | None = None,
    reference: str | None = None,
    assignment_id: int | None = None,
    requested_for: str | None = None,
    template: list | None = None,
) -> dict[str, Any]:
    """Store the request and one empty answer per unit; what the process shows of it (`request`). The
    units are active units of the directory (for a task: among its lead and coordinating units, the lead
    among them), the date a working day after today; a secret request carries no content."""
    session, today = ctx.session, ctx.calendar.local_date(ctx.now)
    texts = {"subject": _text(subject), "requirements": _text(requirements), "reference": _text(reference)}
    refuse_secret_marks(texts)
    fields: dict[str, str] = {}
    if report_kind not in KINDS:
        fields["report_kind"] = "chọn một trong: " + "; ".join(KINDS.values())
    elif report_kind == SECRET:
        fields.update({k: _SECRET_EMPTY for k in ("subject", "requirements") if texts[k]})
        if template:
            fields["template"] = _SECRET_EMPTY
        if not texts["reference"]:
            fields["reference"] = "ghi số, ký hiệu văn bản yêu cầu báo cáo theo chế độ mật"
    else:
        fields.update({k: "bắt buộc" for k in ("subject", "requirements") if not texts[k]})
    codes = list(dict.fromkeys(units or []))
    fields.update(_unit_problems(session, codes, today))
    assignment = _assignment_problems(session, report_kind, assignment_id, codes, fields)
    due = _day(due_date)
    if due is None:
        fields["due_date"] = "nhập ngày theo định dạng ngày/tháng/năm"
    elif due <= today:
        fields["due_date"] = "hạn báo cáo phải từ ngày mai trở đi"
    elif not ctx.calendar.is_working_day(due):
        fields["due_date"] = f"ngày {due:%d/%m/%Y} không phải ngày làm việc"
    role, requested_by = _requester(session, ctx.actor, requested_for, fields)
    if fields:
        raise ValidationError("Yêu cầu báo cáo đột xuất không hợp lệ", fields=fields)
    row = AdHocReport(
        report_kind=report_kind,
        subject=texts["subject"],
        requirements=texts["requirements"],
        reference=texts["reference"],
        assignment_id=assignment.id if assignment is not None else None,
        due_date=due,
        requester_role=role,
        requested_by=requested_by,
        opened_by=ctx.actor,
        opened_at=ctx.now,
        template=list(template or []),
        status=REQUESTED,
        consolidation_files=[],
        instance_id=ctx.instance_id,
    )
    session.add(row)
    session.flush()
    session.add_all(AdHocAnswer(report_id=row.id, unit_code=c, attachments=[]) for c in codes)
    session.flush()
    hour = time(ctx.engine.settings.reminder_hour)
    return {
        **shown(session, row),
        "units": codes,
        "unit_names": ", ".join(_unit_names(session, codes)),
        "remind_due_at": datetime.combine(due, hour, tzinfo=ctx.calendar.tz).isoformat(),
    }


@operator("ad_hoc_answer_approval_needed", title="Xét báo cáo đột xuất có cần lãnh đạo đơn vị duyệt không")
def ad_hoc_answer_approval_needed(ctx: StepContext, *, unit_code: str) -> dict[str, Any]:
    """As for the periodic report (engine.reports.approval): the unit type's setting, and not when the
    leader wrote it himself; who wrote it."""
    return approval.periodic_report_approval_needed(ctx, unit_code=unit_code)


@operator("record_ad_hoc_approval", title="Ghi ý kiến phê duyệt báo cáo đột xuất của lãnh đạo đơn vị")
def record_ad_hoc_approval(
    ctx: StepContext, *, report_id: int, unit_code: str, decision: str, remarks: str | None = None
) -> str:
    """The leader's decision; a return needs remarks, which the unit's staff are told."""
    if remarks := approval.checked_remarks(decision, remarks):
        row, unit = report_or_raise(ctx.session, report_id), ctx.session.get(Unit, unit_code)
        message = f"{title_of(row)}: lãnh đạo {unit.name} trả lại báo cáo đột xuất: {remarks}"
        _tell(ctx, RETURNED, message, group="unit_staff", unit=unit_code)
    return decision


@operator("record_ad_hoc_answer", title="Ghi báo cáo đột xuất của đơn vị")
def record_ad_hoc_answer(
    ctx: StepContext,
    *,
    report_id: int,
    unit_code: str,
    content: str,
    difficulties: str | None = None,
    proposals: str | None = None,
    attachments: list | None = None,
) -> str:
    """The unit's report as it reaches VP (on its leader's approval where asked): when (ISO)."""
    texts = {"content": _text(content), "difficulties": _text(difficulties), "proposals": _text(proposals)}
    refuse_secret_marks(texts)
    if not texts["content"]:
        raise ValidationError("Cần nhập nội dung báo cáo", fields={"content": "bắt buộc"})
    answer = _answer(ctx.session, report_id, unit_code)
    answer.content, answer.difficulties, answer.proposals = texts.values()
    answer.attachments = list(attachments or [])
    answer.answered_by, answer.answered_at = ctx.actor, ctx.now
    ctx.session.flush()
    return ctx.now.isoformat()


@operator("record_ad_hoc_secret_sent", title="Ghi ngày đơn vị gửi báo cáo đột xuất theo chế độ mật")
def record_ad_hoc_secret_sent(ctx: StepContext, *, report_id: int, unit_code: str, sent_on: str) -> str:
    """The date the unit says it sent its paper report, and nothing else (Đ5.2): that date (ISO)."""
    sent = _day(sent_on)
    if sent is None or sent > ctx.calendar.local_date(ctx.now):
        raise ValidationError(
            "Ngày gửi văn bản không hợp lệ", fields={"sent_on": "một ngày không sau ngày hôm nay"}
        )
    answer = _answer(ctx.session, report_id, unit_code)
    answer.sent_on, answer.answered_by, answer.answered_at = sent, ctx.actor, ctx.now
    ctx.session.flush()
    return sent.isoformat()


@operator("remind_ad_hoc_units", title="Nhắc các đơn vị chưa gửi báo cáo đột xuất vào ngày hạn")
def remind_ad_hoc_units(ctx: StepContext, *, report_id: int) -> list[str]:
    """On the date, remind each unit that has not answered (its leader and staff); the codes reminded.
    Before the date the units are reminded like every user task with a due date (engine/reminders/due.py,
    the reminder_days setting), so the diagram has no reminder of its own then."""
    row = report_or_raise(ctx.session, report_id)
    left = "chưa gửi báo cáo. Đề nghị gửi đúng hạn"
    if row.report_kind == SECRET:
        left = "chưa xác nhận đã gửi báo cáo bằng văn bản"
    message = f"{title_of(row)}: hôm nay là hạn báo cáo, đơn vị {left}."
    codes = [a.unit_code for a, _ in answers(ctx.session, report_id) if a.answered_at is None]
    for code in codes:
        for group in UNIT_GROUPS:
            _tell(ctx, REMINDER, message, group=group, unit=code)
    return codes


@operator("notify_ad_hoc_overdue", title="Báo Văn phòng các đơn vị chưa gửi báo cáo đột xuất khi hết hạn")
def notify_ad_hoc_overdue(ctx: StepContext, *, report_id: int) -> list[str]:
    """At the end of the date, tell VP's tracking specialists which units have not answered; their names."""
    row = report_or_raise(ctx.session, report_id)
    missing = [name for a, name in answers(ctx.session, report_id) if a.answered_at is None]
    if missing:
        message = (
            f"{title_of(row)}: đã hết hạn báo cáo ngày {row.due_date:%d/%m/%Y}. Đơn vị chưa gửi báo cáo: "
            f"{', '.join(missing)}."
        )
        _tell(ctx, OVERDUE, message, group="vp_specialist")
    return missing


@operator("summarize_ad_hoc_answers", title="Tổng hợp báo cáo đột xuất các đơn vị đã gửi, đơn vị chưa gửi")
def summarize_ad_hoc_answers(ctx: StepContext, *, report_id: int) -> dict[str, Any]:
    """What VP consolidates: each answer (unit, who and when, texts, files; for a secret request the date
    sent only) and the units that did not answer by the date."""
    session, tz = ctx.session, ctx.calendar.tz
    answered, missing = [], []
    found = answers(session, report_id)
    names = full_names(session, {a.answered_by for a, _ in found})
    for answer, unit_name in found:
        if answer.answered_at is None:
            missing.append(unit_name)
            continue
        item = {
            "unit_name": unit_name,
            "answered_by_name": names.get(answer.answered_by, answer.answered_by),
            "answered_at": f"{answer.answered_at.astimezone(tz):%H:%M %d/%m/%Y}",
        }
        if answer.sent_on is not None:
            item["sent_on"] = answer.sent_on.isoformat()
        else:
            item.update(
                content=answer.content,
                difficulties=answer.difficulties,
                proposals=answer.proposals,
                files=", ".join(f["name"] for f in answer.attachments or []),
            )
        answered.append(item)
    return {"answered": answered, "missing": missing}


@operator("record_ad_hoc_consolidation", title="Ghi báo cáo tổng hợp của Văn phòng")
def record_ad_hoc_consolidation(
    ctx: StepContext, *, report_id: int, consolidation: str, attachments: list | None = None
) -> str:
    """VP's consolidated report (text and files); when (ISO)."""
    row = report_or_raise(ctx.session, report_id)
    text = _text(consolidation)
    refuse_secret_marks({"consolidation": text})
    if not text:
        raise ValidationError("Cần nhập nội dung tổng hợp", fields={"consolidation": "bắt buộc"})
    row.consolidation, row.consolidation_files = text, list(attachments or [])
    row.status, row.consolidated_by, row.consolidated_at = CONSOLIDATED, ctx.actor, ctx.now
    ctx.session.flush()
    return ctx.now.isoformat()


@operator("confirm_ad_hoc_receipt", title="Ghi nhận Văn phòng đã nhận báo cáo bằng văn bản theo chế độ mật")
def confirm_ad_hoc_receipt(ctx: StepContext, *, report_id: int) -> str:
    """VP confirms it received the units' paper reports; who and when, nothing of their content."""
    row = report_or_raise(ctx.session, report_id)
    row.status, row.consolidated_by, row.consolidated_at = RECEIVED, ctx.actor, ctx.now
    ctx.session.flush()
    return ctx.now.isoformat()


@operator("notify_ad_hoc_requester", title="Báo người yêu cầu kết quả báo cáo đột xuất")
def notify_ad_hoc_requester(ctx: StepContext, *, report_id: int) -> int:
    """Tell the requester (himself, or the Chairman's or VP leadership's group when entered on their
    behalf) that VP has consolidated the reports, or received the paper ones; the notification's id."""
    row = report_or_raise(ctx.session, report_id)
    found = answers(ctx.session, report_id)
    done = sum(a.answered_at is not None for a, _ in found)
    what = "đã nhận báo cáo bằng văn bản" if row.report_kind == SECRET else "đã tổng hợp báo cáo"
    message = f"{title_of(row)}: Văn phòng UBND tỉnh {what} của {done}/{len(found)} đơn vị."
    if row.requested_by:
        return _tell(ctx, DONE, message, user=row.requested_by)
    return _tell(ctx, DONE, message, group=REQUESTER_GROUPS[row.requester_role])


def _requester(
    session: Session, actor: str | None, requested_for: str | None, fields: dict[str, str]
) -> tuple[str, str | None]:
    """(role, username) of who asks: the Chairman or VP's leadership entering their own request, else a VP
    specialist entering it on behalf of the one chosen in `requested_for`."""
    roles = set(session.scalar(select(User.roles).where(User.username == actor)) or []) if actor else set()
    own = CHAIRMAN if "chairman" in roles else VP if roles & {"vp_chief", "vp_leadership"} else None
    if own is not None:
        if requested_for not in (None, own):
            fields["requested_for"] = "Chủ tịch UBND tỉnh, lãnh đạo Văn phòng yêu cầu báo cáo của chính mình"
        return own, actor
    if requested_for not in REQUESTERS:
        fields["requested_for"] = "chọn Chủ tịch UBND tỉnh hoặc lãnh đạo Văn phòng UBND tỉnh"
        return VP, None
    return requested_for, None


def _unit_problems(session: Session, codes: list[str], today: date) -> dict[str, str]:
    if not codes:
        return {"units": "chọn ít nhất một đơn vị"}
    known = {u.code: u for u in session.scalars(select(Unit).where(Unit.code.in_(codes)))}
    wrong = [c for c in codes if c not in known or inactive_message(known[c], today)]
    if wrong:
        return {"units": "không có trong danh mục đơn vị đang hoạt động: " + ", ".join(wrong)}
    return {}


def _assignment_problems(
    session: Session, kind: str, assignment_id: int | None, codes: list[str], fields: dict[str, str]
) -> Assignment | None:
    """The task a written report is about (Đ5.1): it exists and the units are among its own, its lead unit
    among them; other kinds name none."""
    if kind != TASK:
        if assignment_id is not None:
            fields["assignment_id"] = "chỉ chọn nhiệm vụ với loại «Báo cáo bằng văn bản về một nhiệm vụ»"
        return None
    assignment = session.get(Assignment, assignment_id) if assignment_id is not None else None
    if assignment is None:
        fields["assignment_id"] = "chọn nhiệm vụ cần báo cáo bằng văn bản"
        return None
    roles = dict(
        session.execute(
            select(AssignmentUnit.unit_code, AssignmentUnit.role).where(
                AssignmentUnit.assignment_id == assignment.id
            )
        ).all()
    )
    outside = [c for c in codes if c not in roles]
    if outside and "units" not in fields:
        fields["units"] = "không được giao nhiệm vụ này: " + ", ".join(outside)
    elif codes and not any(roles.get(c) == LEAD for c in codes) and "units" not in fields:
        fields["units"] = "phải gồm đơn vị chủ trì nhiệm vụ"
    return assignment


def _answer(session: Session, report_id: int, unit_code: str) -> AdHocAnswer:
    row = session.scalar(
        select(AdHocAnswer).where(AdHocAnswer.report_id == report_id, AdHocAnswer.unit_code == unit_code)
    )
    if row is None:
        raise NotFoundError(f"{unit_code} was not asked for ad-hoc report {report_id}")
    return row


def _tell(
    ctx: StepContext,
    kind: str,
    message: str,
    *,
    group: str | None = None,
    unit: str | None = None,
    user: str | None = None,
) -> int:
    """A notice about this request: opening it leads to the request's page (engine.notifications.targets)."""
    about = About(ctx.instance_id)
    return write(
        ctx.session, kind=kind, message=message, about=about, now=ctx.now, group=group, unit=unit, user=user
    ).id


def _unit_names(session: Session, codes: list[str]) -> list[str]:
    names = dict(session.execute(select(Unit.code, Unit.name).where(Unit.code.in_(codes))).all())
    return [names.get(c, c) for c in codes]


def _text(value: str | None) -> str | None:
    """A form's text: stripped; empty is no text."""
    return (value.strip() or None) if isinstance(value, str) else None


def _day(value: str | None) -> date | None:
    try:
        return as_date(str(value)[:10]) if value else None
    except ValueError:
        return None
