"""Divergent opinions between units on an assignment (Đ9.1.c): VP names the units and the question, each unit
states its position by a date, VP consolidates and proposes, the Chairman directs, everyone concerned is told.

Operators of processes/divergence.bpmn, and what the assignment page shows of it."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.assignments.models import Assignment, AssignmentUnit
from engine.auth.models import User
from engine.directory.models import Unit
from engine.documents.models import Document
from engine.errors import ValidationError
from engine.feedback.models import Divergence, DivergencePosition
from engine.notifications.operators import UNIT_GROUPS
from engine.notifications.writing import About, write
from engine.operators import StepContext, operator

OPEN, PROPOSED, DIRECTED = "open", "proposed", "directed"
MIN_UNITS = 2
DIRECTION_KIND = "divergence_direction"


@operator("open_divergence", title="Ghi nhận ý kiến khác nhau giữa các đơn vị, hạn nêu ý kiến")
def open_divergence(
    ctx: StepContext, *, assignment_id: int, units: list, question: str, positions_due: str
) -> dict[str, Any]:
    """Store the divergence and one empty position per unit; two or more active units of the directory, a
    working day after today as the date for the positions."""
    session = ctx.session
    fields: dict[str, str] = {}
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        fields["assignment_id"] = f"không có nhiệm vụ số {assignment_id}"
    codes = list(dict.fromkeys(units or []))
    today = ctx.calendar.local_date(ctx.now)
    known = {u.code: u for u in session.scalars(select(Unit).where(Unit.code.in_(codes)))}
    unknown = [c for c in codes if c not in known or not _active(known[c], today)]
    if unknown:
        fields["units"] = "không có trong danh mục đơn vị đang hoạt động: " + ", ".join(unknown)
    elif len(codes) < MIN_UNITS:
        fields["units"] = "chọn ít nhất hai đơn vị có ý kiến khác nhau"
    due = _day(positions_due)
    if due is None:
        fields["positions_due"] = "nhập ngày theo định dạng ngày/tháng/năm"
    elif due <= today:
        fields["positions_due"] = "hạn nêu ý kiến phải từ ngày mai trở đi"
    elif not ctx.calendar.is_working_day(due):
        fields["positions_due"] = f"ngày {due:%d/%m/%Y} không phải ngày làm việc"
    if not (question or "").strip():
        fields["question"] = "nêu nội dung các đơn vị còn ý kiến khác nhau"
    if fields:
        raise ValidationError("Báo cáo ý kiến khác nhau không hợp lệ", fields=fields)
    row = Divergence(
        assignment_id=assignment_id,
        question=question.strip(),
        positions_due=due,
        opened_by=ctx.actor,
        opened_at=ctx.now,
        status=OPEN,
        instance_id=ctx.instance_id,
    )
    session.add(row)
    session.flush()
    session.add_all(DivergencePosition(divergence_id=row.id, unit_code=c, attachments=[]) for c in codes)
    session.flush()
    document = session.get(Document, assignment.document_id)
    return {
        "id": row.id,
        "assignment_id": assignment_id,
        "document_number": document.number,
        "assignment_seq": assignment.seq,
        "assignment_content": assignment.content,
        "question": row.question,
        "positions_due": due.isoformat(),
        "units": codes,
        "unit_names": ", ".join(known[c].name for c in codes),
        "opened_by_name": _full_name(session, ctx.actor),
    }


@operator("record_divergence_position", title="Ghi nhận ý kiến của đơn vị về nội dung còn khác nhau")
def record_divergence_position(
    ctx: StepContext, *, divergence_id: int, unit_code: str, position: str, attachments: list | None = None
) -> str:
    """The unit's position, who stated it and when; returns the time stated (ISO)."""
    row = ctx.session.scalar(
        select(DivergencePosition).where(
            DivergencePosition.divergence_id == divergence_id, DivergencePosition.unit_code == unit_code
        )
    )
    if row is None:
        raise ValidationError(
            "Đơn vị không được hỏi ý kiến", fields={"unit_code": "đơn vị không có trong danh sách"}
        )
    if not (position or "").strip():
        raise ValidationError("Cần nêu ý kiến", fields={"position": "nêu ý kiến của đơn vị"})
    row.position, row.attachments = position.strip(), list(attachments or [])
    row.stated_by, row.stated_at = ctx.actor, ctx.now
    ctx.session.flush()
    return ctx.now.isoformat()


@operator("summarize_divergence", title="Tổng hợp ý kiến các đơn vị đã nêu, lập danh sách đơn vị chưa nêu")
def summarize_divergence(ctx: StepContext, *, divergence_id: int) -> dict[str, Any]:
    """What VP consolidates: each position stated (unit, text, time, person) and the units that did not answer
    by the date, whom VP goes on without."""
    session = ctx.session
    stated, missing = [], []
    for position, unit_name in _positions(session, divergence_id):
        if position.position is None:
            missing.append(unit_name)
            continue
        at = position.stated_at.astimezone(ctx.calendar.tz)
        stated.append(
            {
                "unit_name": unit_name,
                "position": position.position,
                "stated_at": f"{at:%H:%M %d/%m/%Y}",
                "stated_by_name": _full_name(session, position.stated_by),
            }
        )
    return {"stated": stated, "missing": missing}


@operator("propose_on_divergence", title="Ghi nhận đề xuất của Văn phòng về ý kiến khác nhau")
def propose_on_divergence(ctx: StepContext, *, divergence_id: int, proposal: str) -> None:
    """VP's consolidation and proposal to the Chairman."""
    row = _divergence(ctx.session, divergence_id)
    row.proposal, row.proposed_by, row.proposed_at, row.status = proposal, ctx.actor, ctx.now, PROPOSED
    ctx.session.flush()


@operator("direct_on_divergence", title="Ghi nhận, thông báo chỉ đạo của Chủ tịch về ý kiến khác nhau")
def direct_on_divergence(ctx: StepContext, *, divergence_id: int, direction: str) -> list[int]:
    """Record the Chairman's direction and send it to every unit concerned (leader and focal staff) and to
    VP's tracking specialists; returns the notifications' ids."""
    session = ctx.session
    row = _divergence(session, divergence_id)
    row.direction, row.directed_by, row.directed_at, row.status = direction, ctx.actor, ctx.now, DIRECTED
    session.flush()
    assignment = session.get(Assignment, row.assignment_id)
    document = session.get(Document, assignment.document_id)
    message = (
        f"Chỉ đạo của Chủ tịch UBND tỉnh về ý kiến khác nhau giữa các đơn vị (nhiệm vụ {assignment.seq} "
        f"của văn bản số {document.number}): {direction}"
    )
    on_assignment = About(ctx.instance_id, None, assignment.id, assignment.document_id)
    # A unit asked for its opinion may take no part in the task: its notice leads to nothing it cannot open.
    bare = About(ctx.instance_id)
    ids = []
    for position, _ in _positions(session, divergence_id):
        about = on_assignment if _takes_part(session, assignment.id, position.unit_code) else bare
        for group in UNIT_GROUPS:
            notice = write(
                session,
                kind=DIRECTION_KIND,
                message=message,
                about=about,
                now=ctx.now,
                group=group,
                unit=position.unit_code,
            )
            ids.append(notice.id)
    vp = write(
        session, kind=DIRECTION_KIND, message=message, about=on_assignment, now=ctx.now, group="vp_specialist"
    )
    return [*ids, vp.id]


def for_assignment(session: Session, *, assignment_id: int, today: date) -> list[dict[str, Any]]:
    """The divergences of an assignment as its page shows them, oldest first, with people's names; a unit
    still `waiting` has until the end of the date for its position."""
    rows = session.scalars(
        select(Divergence).where(Divergence.assignment_id == assignment_id).order_by(Divergence.id)
    ).all()
    shown = []
    for row in rows:
        positions = [
            {
                "unit_name": unit_name,
                "position": p.position,
                "stated_at": p.stated_at,
                "stated_by": _full_name(session, p.stated_by),
                "waiting": p.position is None and row.status == OPEN and today <= row.positions_due,
            }
            for p, unit_name in _positions(session, row.id)
        ]
        shown.append(
            {
                "question": row.question,
                "positions_due": row.positions_due,
                "opened_at": row.opened_at,
                "opened_by": _full_name(session, row.opened_by),
                "status": row.status,
                "positions": positions,
                "proposal": row.proposal,
                "proposed_at": row.proposed_at,
                "proposed_by": _full_name(session, row.proposed_by),
                "direction": row.direction,
                "directed_at": row.directed_at,
                "directed_by": _full_name(session, row.directed_by),
            }
        )
    return shown


def _positions(session: Session, divergence_id: int) -> list[tuple[DivergencePosition, str]]:
    rows = session.execute(
        select(DivergencePosition, Unit.name)
        .join(Unit, Unit.code == DivergencePosition.unit_code)
        .where(DivergencePosition.divergence_id == divergence_id)
        .order_by(DivergencePosition.id)
    )
    return [(position, name) for position, name in rows]


def _divergence(session: Session, divergence_id: int) -> Divergence:
    row = session.get(Divergence, divergence_id)
    if row is None:
        raise ValidationError(f"no divergence {divergence_id}", fields={"divergence_id": "không có"})
    return row


def _active(unit: Unit, today: date) -> bool:
    return (unit.active_from is None or unit.active_from <= today) and (
        unit.active_to is None or unit.active_to >= today
    )


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _full_name(session: Session, username: str | None) -> str | None:
    return session.scalar(select(User.full_name).where(User.username == username)) if username else None


def _takes_part(session: Session, assignment_id: int, unit_code: str) -> bool:
    return session.get(AssignmentUnit, (assignment_id, unit_code)) is not None
