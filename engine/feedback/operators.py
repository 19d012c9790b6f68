"""Operators of P6 local feedback (Đ21.3, Đ19.5) and P4 data correction (Đ8).

Every row goes through the ORM, so the change history (engine.history) records who changed what."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from engine.assignments.models import (
    DIEN_THOAI,
    DIRECTION_REQUEST,
    HE_THONG,
    THU_DIEN_TU,
    URGING_CHANNELS,
    URGING_LETTER,
    VAN_BAN,
    Assignment,
    AssignmentUnit,
    StatusUpdate,
    Urging,
)
from engine.auth.models import User
from engine.directory.models import Unit
from engine.documents.models import Document
from engine.errors import ValidationError
from engine.feedback.models import DataCorrection, LocalFeedback
from engine.operators import StepContext, operator

REQUESTED, CORRECTED, ACCEPTED = "requested", "corrected", "accepted"


# --- P6: local feedback ------------------------------------------------------------------------------


@operator("record_local_feedback", title="Tiếp nhận thông tin phản hồi của địa phương và tính hạn xử lý")
def record_local_feedback(
    ctx: StepContext,
    *,
    from_unit: str | None,
    about_unit: str,
    content: str,
    response_days: int,
    assignment_id: int | None = None,
    sender_unit: str | None = None,
    channel: str | None = None,
    received_on: str | None = None,
    letter_number: str | None = None,
    attachments: list | None = None,
) -> dict[str, Any]:
    """Store the feedback and its T5 (R2): `response_days` working days after the day VP received it. A unit
    sends it online (received now, R6); VP registers one that came on paper, by phone or e-mail, naming the
    `sender_unit`, the channel and the day received (not in the future, at most REGISTER_DAYS_BACK days
    back). `attachments`: the start form's files, already checked and bound (engine.instances.starting)."""
    session = ctx.session
    registering = _is_vp(session, ctx.actor)
    fields, received = _receipt(ctx, registering, sender_unit, channel, received_on, letter_number)
    if registering:
        from_unit = sender_unit
    sender = session.get(Unit, from_unit) if from_unit else None
    if sender is None and "sender_unit" not in fields:
        key = "sender_unit" if registering else "from_unit"
        fields[key] = f"người gửi không thuộc đơn vị nào trong danh mục ({from_unit!r})"
    subject = session.get(Unit, about_unit)
    if subject is None:
        fields["about_unit"] = f"không có đơn vị mã {about_unit!r}"
    elif about_unit == from_unit:
        fields["about_unit"] = "đơn vị bị phản hồi phải khác đơn vị gửi phản hồi"
    assignment = session.get(Assignment, assignment_id) if assignment_id is not None else None
    if assignment_id is not None and assignment is None:
        fields["assignment_id"] = f"không có nhiệm vụ số {assignment_id}"
    elif assignment and subject and not _takes_part(session, assignment.id, about_unit):
        # The task picked and the unit named agree: a feedback about one sở never lands on another's task.
        fields["assignment_id"] = f"nhiệm vụ đã chọn không do {subject.name} chủ trì hoặc phối hợp thực hiện"
    if fields:
        raise ValidationError("Thông tin phản hồi không hợp lệ", fields=fields)
    row = LocalFeedback(
        from_unit=from_unit,
        about_unit=about_unit,
        assignment_id=assignment_id,
        content=content,
        received_at=ctx.now,
        received_on=received,
        response_due=ctx.calendar.add_working_days(received, response_days),
        submitted_by=None if registering else ctx.actor,
        registered_by=ctx.actor if registering else None,
        channel=channel if registering else HE_THONG,
        letter_number=(letter_number or None) if registering and channel == VAN_BAN else None,
        attachments=list(attachments or []),
        instance_id=ctx.instance_id,
    )
    session.add(row)
    session.flush()
    return {
        "id": row.id,
        "from_unit": from_unit,
        "from_unit_name": sender.name,
        "about_unit": about_unit,
        "about_unit_name": subject.name,
        "assignment_id": assignment_id,
        "assignment_content": assignment.content if assignment else None,
        "received_on": received,
        "response_due": row.response_due,
        "channel": row.channel,
        "channel_label": URGING_CHANNELS[row.channel],
        "letter_number": row.letter_number,
        "registered_by_name": _full_name(session, ctx.actor) if registering else None,
    }


# VP registers feedback received outside the system within a month of receipt: older paper would make T5 a
# formality, and a typo in the year is caught.
REGISTER_DAYS_BACK = 30
RECEIPT_CHANNELS = (VAN_BAN, DIEN_THOAI, THU_DIEN_TU)  # Đ19.5: how feedback reaches VP outside the system


def _receipt(
    ctx: StepContext,
    registering: bool,
    sender_unit: str | None,
    channel: str | None,
    received_on: str | None,
    letter_number: str | None,
) -> tuple[dict[str, str], date]:
    """The problems of the receipt fields and the day received: today for a unit sending online."""
    today = ctx.calendar.local_date(ctx.now)
    fields: dict[str, str] = {}
    if not registering:
        for name, value in (("sender_unit", sender_unit), ("channel", channel), ("received_on", received_on)):
            if value:
                fields[name] = "chỉ Văn phòng UBND tỉnh ghi nhận phản hồi nhận ngoài hệ thống"
        return fields, today
    if not sender_unit:
        fields["sender_unit"] = "chọn đơn vị đã gửi phản hồi"
    if channel not in RECEIPT_CHANNELS:
        fields["channel"] = "chọn một trong: " + ", ".join(URGING_CHANNELS[c] for c in RECEIPT_CHANNELS)
    try:
        day = date.fromisoformat(received_on) if received_on else None
    except ValueError:
        day = None
    if day is None:
        fields["received_on"] = "nhập ngày nhận phản hồi (ngày/tháng/năm)"
    elif day > today:
        fields["received_on"] = "ngày nhận phản hồi không được sau ngày hôm nay"
    elif (today - day).days > REGISTER_DAYS_BACK:
        fields["received_on"] = f"ngày nhận phản hồi không được trước hôm nay quá {REGISTER_DAYS_BACK} ngày"
    return fields, day or today


def _is_vp(session, username: str | None) -> bool:
    """Whether the starter is Văn phòng's staff, who registers feedback received outside the system."""
    user = session.scalar(select(User).where(User.username == username)) if username else None
    return bool(user and set(user.roles) & {"vp_specialist", "vp_leadership"})


def _full_name(session, username: str | None) -> str | None:
    return session.scalar(select(User.full_name).where(User.username == username)) if username else None


def _takes_part(session, assignment_id: int, unit_code: str) -> bool:
    """Whether the unit leads or coordinates the assignment."""
    return session.get(AssignmentUnit, (assignment_id, unit_code)) is not None


@operator("urge_on_feedback", title="Gửi văn bản đôn đốc sở, ngành theo thông tin phản hồi")
def urge_on_feedback(ctx: StepContext, *, feedback_id: int, number: str, content: str) -> int:
    """Đ19.5: VP's urging letter to the sở the feedback is about; it answers the feedback."""
    feedback = _feedback(ctx, feedback_id)
    urging = _urging(ctx, feedback, URGING_LETTER, content, number=number)
    _answer(ctx, feedback, URGING_LETTER, content)
    return urging.id


@operator("request_direction_on_feedback", title="Xin ý kiến chỉ đạo của Chủ tịch về thông tin phản hồi")
def request_direction_on_feedback(ctx: StepContext, *, feedback_id: int, request: str) -> int:
    """Đ19.5: VP asks the Chairman for direction; the request itself meets T5, so it is the answer's time."""
    feedback = _feedback(ctx, feedback_id)
    urging = _urging(ctx, feedback, DIRECTION_REQUEST, request)
    _answer(ctx, feedback, DIRECTION_REQUEST, None)
    return urging.id


@operator("record_direction_on_feedback", title="Ghi nhận ý kiến chỉ đạo của Chủ tịch về thông tin phản hồi")
def record_direction_on_feedback(ctx: StepContext, *, feedback_id: int, direction: str) -> None:
    """The Chairman's direction is what the sở and the local unit are told (Đ19.5, last sentence)."""
    _feedback(ctx, feedback_id).response = direction
    ctx.session.flush()


def _feedback(ctx: StepContext, feedback_id: int) -> LocalFeedback:
    feedback = ctx.session.get(LocalFeedback, feedback_id)
    if feedback is None:
        raise ValidationError(f"no local feedback {feedback_id}", fields={"feedback_id": "không có phản hồi"})
    return feedback


def _urging(
    ctx: StepContext, feedback: LocalFeedback, kind: str, content: str, *, number: str | None = None
) -> Urging:
    urging = Urging(
        kind=kind,
        assignment_id=feedback.assignment_id,
        feedback_id=feedback.id,
        unit_code=feedback.about_unit,
        number=number,
        content=content,
        issued_by=ctx.actor,
        issued_at=ctx.now,
        channel=VAN_BAN,
        urged_on=ctx.calendar.local_date(ctx.now),
        recorded_by=ctx.actor,
    )
    ctx.session.add(urging)
    ctx.session.flush()
    return urging


def _answer(ctx: StepContext, feedback: LocalFeedback, kind: str, response: str | None) -> None:
    feedback.response_kind = kind
    feedback.response = response
    feedback.responded_by = ctx.actor
    feedback.responded_at = ctx.now
    ctx.session.flush()


# --- P4: data correction -----------------------------------------------------------------------------


@operator("request_data_correction", title="Yêu cầu đơn vị chủ trì chỉnh sửa, bổ sung dữ liệu")
def request_data_correction(ctx: StepContext, *, assignment_id: int, problem: str) -> dict[str, Any]:
    """Đ8.2: VP asks the assignment's current lead unit to correct or complete its data."""
    assignment = ctx.session.get(Assignment, assignment_id)
    if assignment is None:
        raise ValidationError(
            f"no assignment {assignment_id}",
            fields={"assignment_id": f"không có nhiệm vụ số {assignment_id}"},
        )
    row = DataCorrection(
        assignment_id=assignment_id,
        unit_code=assignment.lead_unit_code,
        problem=problem,
        requested_by=ctx.actor,
        requested_at=ctx.now,
        status=REQUESTED,
        instance_id=ctx.instance_id,
    )
    ctx.session.add(row)
    ctx.session.flush()
    unit = ctx.session.get(Unit, row.unit_code)
    document = ctx.session.get(Document, assignment.document_id)
    return {
        "id": row.id,
        "assignment_id": assignment_id,
        "assignment_content": assignment.content,
        "document_number": document.number,
        "unit_code": row.unit_code,
        "unit_name": unit.name,
    }


@operator("repeat_data_correction", title="Yêu cầu đơn vị chỉnh sửa lại dữ liệu chưa đạt")
def repeat_data_correction(ctx: StepContext, *, correction_id: int, problem: str) -> None:
    """VP found the correction still wrong: the same request goes back to the unit with the new problem."""
    row = _correction(ctx, correction_id)
    row.problem, row.status = problem, REQUESTED
    row.requested_by, row.requested_at = ctx.actor, ctx.now
    ctx.session.flush()


@operator("record_data_correction", title="Ghi nhận nội dung đơn vị chỉnh sửa, bổ sung dữ liệu")
def record_data_correction(
    ctx: StepContext,
    *,
    correction_id: int,
    correction: str,
    situation: str | None = None,
    result: str | None = None,
    completed_on: str | None = None,
) -> int | None:
    """Đ8.1.b: the unit states its correction and may fix its latest status update; empty means unchanged.

    Returns the id of the status update changed, if any."""
    row = _correction(ctx, correction_id)
    changes = _status_changes(ctx, situation, result, completed_on)
    update = None
    if changes:
        update = ctx.session.scalar(
            select(StatusUpdate)
            .where(StatusUpdate.assignment_id == row.assignment_id, StatusUpdate.unit_code == row.unit_code)
            .order_by(StatusUpdate.reported_at.desc(), StatusUpdate.id.desc())
            .limit(1)
        )
        if update is None:
            raise ValidationError(
                "Đơn vị chưa có báo cáo tình hình thực hiện nào để điều chỉnh",
                fields={field: "chưa có báo cáo tình hình thực hiện để điều chỉnh" for field in changes},
            )
        for field, value in changes.items():
            setattr(update, field, value)
        if "completed_on" in changes and update.is_result_report:
            # The assignment shows the completion date of the unit's result report (Đ5.1.g).
            ctx.session.get(Assignment, row.assignment_id).completed_on = changes["completed_on"]
    row.correction, row.status = correction, CORRECTED
    row.corrected_by, row.corrected_at = ctx.actor, ctx.now
    ctx.session.flush()
    return update.id if update else None


@operator("accept_data_correction", title="Chấp nhận dữ liệu đơn vị đã chỉnh sửa, bổ sung")
def accept_data_correction(ctx: StepContext, *, correction_id: int) -> None:
    """VP checked the corrected data and finds it accurate and complete."""
    _correction(ctx, correction_id).status = ACCEPTED
    ctx.session.flush()


def _correction(ctx: StepContext, correction_id: int) -> DataCorrection:
    row = ctx.session.get(DataCorrection, correction_id)
    if row is None:
        raise ValidationError(
            f"no data correction {correction_id}", fields={"correction_id": "không có yêu cầu điều chỉnh"}
        )
    return row


def _status_changes(
    ctx: StepContext, situation: str | None, result: str | None, completed_on: str | None
) -> dict[str, Any]:
    """The status-update fields the unit filled in, completed_on as a date not after today."""
    changes: dict[str, Any] = {k: v for k, v in (("situation", situation), ("result", result)) if v}
    if completed_on:
        day = date.fromisoformat(completed_on)
        if day > ctx.calendar.local_date(ctx.now):
            raise ValidationError(
                "Ngày hoàn thành không được sau ngày hôm nay",
                fields={"completed_on": "ngày hoàn thành không được sau ngày hôm nay"},
            )
        changes["completed_on"] = day
    return changes
