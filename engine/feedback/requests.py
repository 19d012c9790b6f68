"""The lead unit flags wrong data of its assignment after acceptance (Đ8.1.b): VP corrects it on the
correction page (engine.assignments.corrections) and says so, or explains why the data stands; the unit is
told either way. VP's own requests to a unit stay in engine.feedback.operators."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.assignments.models import Assignment, AssignmentCorrection
from engine.auth.models import User
from engine.directory.models import Unit
from engine.documents.models import Document
from engine.errors import ValidationError
from engine.feedback.models import DataCorrection
from engine.operators import StepContext, operator

# Đ5.1 a–e, as the assignment page labels them.
ASSIGNMENT_FIELDS = {
    "a": "a) Văn bản",
    "b": "b) Cơ quan trình",
    "c": "c) Đơn vị chủ trì, đơn vị phối hợp",
    "d": "d) Phòng, chuyên viên theo dõi",
    "dd": "đ) Nội dung nhiệm vụ",
    "e": "e) Thời hạn",
}
CORRECTED, KEPT = "corrected", "kept"


@operator("request_correction_by_unit", title="Ghi nhận đề nghị điều chỉnh thông tin của đơn vị chủ trì")
def request_correction_by_unit(
    ctx: StepContext,
    *,
    assignment_id: int,
    wrong_fields: list,
    proposed: str,
    reason: str,
    attachments: list | None = None,
) -> dict[str, Any]:
    """Đ8.1.b: the starter's unit must lead the assignment now; which of a–e are wrong, what they should be,
    why, with the start form's files (already checked and bound by engine.instances.starting)."""
    session = ctx.session
    user = session.scalar(select(User).where(User.username == ctx.actor)) if ctx.actor else None
    unit_code = user.unit_code if user else None
    assignment = session.get(Assignment, assignment_id)
    fields: dict[str, str] = {}
    if assignment is None:
        fields["assignment_id"] = f"không có nhiệm vụ số {assignment_id}"
    elif unit_code is None or assignment.lead_unit_code != unit_code:
        fields["assignment_id"] = "đơn vị của bạn không chủ trì nhiệm vụ này"
    unknown = [f for f in wrong_fields or [] if f not in ASSIGNMENT_FIELDS]
    if not wrong_fields or unknown:
        fields["wrong_fields"] = "chọn thông tin chưa đúng trong các điểm a–e"
    if fields:
        raise ValidationError("Đề nghị điều chỉnh thông tin không hợp lệ", fields=fields)
    row = DataCorrection(
        assignment_id=assignment_id,
        unit_code=unit_code,
        requested_by_unit=unit_code,
        wrong_fields=list(wrong_fields),
        proposed=proposed,
        problem=reason,
        attachments=list(attachments or []),
        requested_by=ctx.actor,
        requested_at=ctx.now,
        status="requested",
        instance_id=ctx.instance_id,
    )
    session.add(row)
    session.flush()
    document = session.get(Document, assignment.document_id)
    return {
        "id": row.id,
        "assignment_id": assignment_id,
        "assignment_content": assignment.content,
        "document_number": document.number,
        "unit_code": unit_code,
        "unit_name": session.get(Unit, unit_code).name,
        "wrong_fields": "; ".join(ASSIGNMENT_FIELDS[f] for f in wrong_fields),
        "correction_url": f"/assignments/{assignment_id}/correct",
    }


@operator("resolve_correction_request", title="Ghi nhận Văn phòng đã điều chỉnh hoặc giải thích giữ nguyên")
def resolve_correction_request(
    ctx: StepContext, *, correction_id: int, decision: str, explanation: str | None = None
) -> str:
    """VP corrected the data (a correction of the assignment newer than the request must exist) or explains
    why it stands; returns the notice to the unit."""
    row = ctx.session.get(DataCorrection, correction_id)
    if row is None:
        raise ValidationError("no data correction", fields={"correction_id": "không có đề nghị điều chỉnh"})
    if decision == CORRECTED:
        latest = ctx.session.scalar(
            select(AssignmentCorrection)
            .where(
                AssignmentCorrection.assignment_id == row.assignment_id,
                AssignmentCorrection.corrected_at > row.requested_at,
            )
            .order_by(AssignmentCorrection.corrected_at.desc())
            .limit(1)
        )
        if latest is None:
            raise ValidationError(
                "Nhiệm vụ chưa được điều chỉnh thông tin sau ngày đơn vị đề nghị",
                fields={
                    "decision": "chưa có lần điều chỉnh thông tin nhiệm vụ nào sau khi đơn vị đề nghị; "
                    "hãy điều chỉnh trên trang Điều chỉnh thông tin trước"
                },
            )
        row.correction = latest.summary
        notice = (
            f"Văn phòng UBND tỉnh đã điều chỉnh thông tin nhiệm vụ theo đề nghị của đơn vị: {latest.summary}"
        )
    elif decision == KEPT:
        if not explanation:
            raise ValidationError("Cần giải thích", fields={"explanation": "nêu lý do giữ nguyên thông tin"})
        notice = f"Văn phòng UBND tỉnh giữ nguyên thông tin nhiệm vụ: {explanation}"
    else:
        raise ValidationError(
            "Kết quả xử lý không hợp lệ", fields={"decision": "Đã điều chỉnh hoặc Giải thích, giữ nguyên"}
        )
    row.status, row.explanation = decision, explanation or None
    row.corrected_by, row.corrected_at = ctx.actor, ctx.now
    ctx.session.flush()
    return notice
