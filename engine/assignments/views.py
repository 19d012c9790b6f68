"""Assignments: the lists of the "Nhiệm vụ" menu, one assignment with everything about it, its history,
and what coordinating units feed to the lead unit. Each unit sees only its own (lead or coordinating)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, jsonify, request

from engine import clock, history
from engine.assignments import choices, corrections, internal, scope, urgings
from engine.assignments import service as assignments
from engine.assignments.models import (
    ACCEPTED,
    AWAITING_ACCEPTANCE,
    CONFIRMED,
    RESULT_REPORTED,
    RETURNED,
    Assignment,
    AssignmentUnit,
)
from engine.documents import service
from engine.errors import ValidationError
from engine.history import ChangeRecord
from engine.reports import buckets
from engine.search import params
from engine.search.fold import words
from engine.search.sql import Sort
from engine.web.api import API_PREFIX, operation, paging, reading, system, transaction, user
from engine.workdays import service as workdays

bp = Blueprint("assignments", __name__, url_prefix=API_PREFIX)

ASSIGNMENT = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "seq": {"type": "integer"},
        "content": {"type": "string"},
        "lead_unit": {"type": "string"},
        "coordinating_units": {"type": "array", "items": {"type": "string"}},
        "leader_code": {"type": ["string", "null"], "description": "lãnh đạo giao nhiệm vụ"},
        "sector_code": {"type": ["string", "null"], "description": "lĩnh vực"},
        "has_deadline": {"type": "boolean"},
        "must_report": {"type": "boolean"},
        "deadline_kind": {"type": ["string", "null"]},
        "due_date": {"type": ["string", "null"], "format": "date"},
        "effective_due_date": {"type": ["string", "null"], "format": "date"},
        "tracking_room": {"type": "string"},
        "tracking_specialist": {"type": "string"},
        "progress": {"type": "string"},
    },
}
STAGES = [AWAITING_ACCEPTANCE, RETURNED, ACCEPTED, RESULT_REPORTED, CONFIRMED]
LISTED = {
    "type": "object",
    "properties": {
        **ASSIGNMENT["properties"],
        "document_id": {"type": "integer"},
        "stage": {"type": "string"},
        "bucket": {"type": ["string", "null"]},
        "bucket_label": {"type": ["string", "null"]},
        "due_soon": {"type": "boolean"},
        "effective_due_date_estimated": {
            "type": "boolean",
            "description": "Thời hạn rơi vào năm chưa có thông báo chính thức về lịch nghỉ (lịch dự kiến)",
        },
        "completed_on": {"type": ["string", "null"], "format": "date"},
        "instance_id": {"type": ["integer", "null"]},
        "note": {"type": ["string", "null"]},  # what made the change besides its actor (an import)
    },
}
CHANGE = {
    "type": "object",
    "properties": {
        "entity": {"type": "string"},
        "entity_id": {"type": "string"},
        "action": {"type": "string"},
        "changes": {"type": "object"},
        "actor": {"type": ["string", "null"]},
        "at": {"type": "string", "format": "date-time"},
        "instance_id": {"type": ["integer", "null"]},
    },
}


def present_assignment(a: Assignment, units: list[AssignmentUnit]) -> dict:
    return {
        "id": a.id,
        "seq": a.seq,
        "content": a.content,
        "lead_unit": a.lead_unit_code,
        "coordinating_units": sorted(u.unit_code for u in units if u.role == "coordinating"),
        "leader_code": a.leader_code,
        "sector_code": a.sector_code,
        "has_deadline": a.has_deadline,
        "must_report": a.must_report,
        "deadline_kind": a.deadline_kind,
        "due_date": a.due_date.isoformat() if a.due_date else None,
        "effective_due_date": a.effective_due_date.isoformat() if a.effective_due_date else None,
        "tracking_room": a.tracking_room,
        "tracking_specialist": a.tracking_specialist,
        "progress": a.progress,
    }


def present_listed(
    a: Assignment, units, bucket: str | None, due_soon: bool, official_years: frozenset[int]
) -> dict:
    return {
        **present_assignment(a, units),
        "document_id": a.document_id,
        "stage": a.stage,
        "bucket": bucket,
        "bucket_label": buckets.BUCKETS.get(bucket),
        "due_soon": due_soon,
        "effective_due_date_estimated": workdays.is_estimated(a.effective_due_date, official_years),
        "completed_on": a.completed_on.isoformat() if a.completed_on else None,
        "instance_id": a.instance_id,
    }


def present_change(c: ChangeRecord) -> dict:
    return {
        "entity": c.entity,
        "entity_id": c.entity_id,
        "action": c.action,
        "changes": c.changes,
        "actor": c.actor,
        "at": c.at.isoformat(),
        "instance_id": c.instance_id,
        "note": c.note,
    }


def present_row(row) -> dict:
    """A related row (status update, return, transfer…) as plain JSON."""
    values = {}
    for column in row.__table__.columns:
        value = getattr(row, column.key)
        values[column.key] = value.isoformat() if isinstance(value, date) else value
    return values


def _today_and_calendar(session):
    calendar = workdays.calendar(session=session, settings=system().settings)
    return calendar.local_date(clock.now()), calendar


@bp.get("/assignments")
@operation(
    summary="Nhiệm vụ trong phạm vi của người gọi (được giao, chủ trì, phối hợp, theo dõi, chờ tiếp nhận, "
    "bị trả lại), kèm tình trạng hôm nay",
    tag="assignments",
    query={
        "view": {"type": "string", "enum": list(assignments.VIEWS)},
        "stage": {"type": "string", "enum": STAGES},
        "bucket": {"type": "string", "enum": [*buckets.BUCKETS, "due_soon", "not_started"]},
        "unit": {"type": "string"},
        "signer": {"type": "string", "maxLength": 200, "description": "người ký văn bản, như trên văn bản"},
        "leader": {"type": "string", "maxLength": 50, "description": "mã lãnh đạo giao nhiệm vụ"},
        "sector": {"type": "string", "maxLength": 50, "description": "mã lĩnh vực"},
        "q": {
            **params.Q,
            "description": params.Q["description"]
            + ": số văn bản, nội dung, đơn vị chủ trì và phối hợp, người ký, chuyên viên theo dõi",
        },
        "due_from": {"type": "string", "format": "date", "description": "ngày hết hạn từ ngày"},
        "due_to": {"type": "string", "format": "date", "description": "ngày hết hạn đến ngày"},
        **params.sorting(assignments.SORTS),
        "limit": {"type": "integer"},
        "offset": {"type": "integer"},
    },
    response={"type": "object", "properties": {"items": {"type": "array", "items": LISTED}}},
)
def list_assignments():
    args = request.args
    problems = {
        name: f"one of {', '.join(allowed)}"
        for name, allowed in (
            ("view", assignments.VIEWS),
            ("stage", STAGES),
            ("bucket", [*buckets.BUCKETS, "due_soon", "not_started"]),
        )
        if args.get(name) and args[name] not in allowed
    }
    if problems:
        raise ValidationError("Tham số lọc không hợp lệ", fields=problems)
    limit, offset = paging()
    due_from, due_to = params.iso_range(args, "due_from", "due_to")
    searched = words(args.get("q"))
    sort = Sort.choose(assignments.SORTS, args.get("sort"), args.get("dir"))
    with reading() as session:
        today, calendar = _today_and_calendar(session)
        found = assignments.list_(
            session,
            user=user(),
            calendar=calendar,
            today=today,
            soon_days=system().settings.due_soon_days,
            filters=assignments.Filters(
                view=args.get("view"),
                stage=args.get("stage"),
                bucket=args.get("bucket"),
                unit=args.get("unit"),
                signer=args.get("signer", "").strip()[:200] or None,
                leader=args.get("leader", "").strip()[:50] or None,
                sector=args.get("sector", "").strip()[:50] or None,
                words=searched,
                due_from=due_from,
                due_to=due_to,
            ),
            sort=sort,
            limit=limit,
            offset=offset,
        )
        units = assignments.units_of(session=session, assignment_ids=[a.id for a, _, _ in found])
        official = workdays.official_years(session=session)
        return jsonify(items=[present_listed(a, units[a.id], b, s, official) for a, b, s in found])


@bp.get("/assignments/<int:assignment_id>")
@operation(
    summary="Một nhiệm vụ: thông tin a–h, tình trạng, cập nhật, trả lại, chuyển đơn vị, đôn đốc, điều chỉnh",
    tag="assignments",
    response={
        "type": "object",
        "properties": {**LISTED["properties"], "related": {"type": "object"}, "document": {"type": "object"}},
    },
)
def get_assignment(assignment_id: int):
    with reading() as session:
        a = assignments.get_or_raise(session, user=user(), assignment_id=assignment_id)
        today, calendar = _today_and_calendar(session)
        bucket, due_soon = assignments.bucket_of(
            session,
            assignment_id=a.id,
            calendar=calendar,
            today=today,
            soon_days=system().settings.due_soon_days,
        )
        related = assignments.related(session, a.id)
        document = service.get_document_or_raise(session=session, document_id=a.document_id)
        return jsonify(
            {
                **present_listed(
                    a,
                    assignments.units_of(session=session, assignment_ids=[a.id])[a.id],
                    bucket,
                    due_soon,
                    workdays.official_years(session=session),
                ),
                "document": _document_for(user(), service.document_data(document)),
                "related": {table: [present_row(r) for r in rows] for table, rows in related.items()},
            }
        )


def _document_for(viewer, data: dict) -> dict:
    """A unit sees only its own tasks among the document's draft tasks (never another unit's content)."""
    if scope.sees_all(viewer):
        return data
    mine = [
        t
        for t in data.get("draft_tasks") or []
        if viewer.unit_code and viewer.unit_code in {t.get("lead_unit"), *(t.get("coordinating_units") or [])}
    ]
    return {**data, "draft_tasks": mine}


@bp.get("/assignments/<int:assignment_id>/history")
@operation(
    summary="Lịch sử xử lý của nhiệm vụ: ai, khi nào, giá trị cũ, giá trị mới",
    tag="assignments",
    response={"type": "object", "properties": {"items": {"type": "array", "items": CHANGE}}},
)
def get_history(assignment_id: int):
    with reading() as session:
        assignments.get_or_raise(session, user=user(), assignment_id=assignment_id)
        changes = assignments.history(session, assignment_id=assignment_id)
        return jsonify(items=[present_change(c) for c in changes])


@bp.post("/assignments/<int:assignment_id>/updates")
@operation(
    summary="Đơn vị phối hợp gửi thông tin, kết quả phần việc của mình cho đơn vị chủ trì (Đ9.2.b)",
    tag="assignments",
    body=assignments.COORDINATING_UPDATE,
    response={"type": "object"},
    status=201,
)
def add_update(assignment_id: int, body: dict):
    principal = user()
    with history.acting_as(principal.username), transaction() as session:
        update = assignments.add_coordinating_update(
            session, user=principal, assignment_id=assignment_id, payload=body, now=clock.now()
        )
        return jsonify(present_row(update)), 201


INTERNAL_TASK = {"type": "object"}


@bp.post("/assignments/<int:assignment_id>/internal-tasks")
@operation(
    summary="Lãnh đạo đơn vị chủ trì hoặc phối hợp giao cán bộ của đơn vị xử lý nhiệm vụ, với hạn xử lý "
    "trong đơn vị (không sau thời hạn của nhiệm vụ) và nội dung chỉ đạo (điểm c khoản 2 Điều 9, khoản 2 "
    "Điều 26)",
    tag="assignments",
    roles=set(internal.DELEGATORS),
    body=internal.INTERNAL_TASK_IN,
    response=INTERNAL_TASK,
    status=201,
)
def add_internal_task(assignment_id: int, body: dict):
    principal = user()
    with history.acting_as(principal.username), transaction() as session:
        assignments.get_or_raise(session, user=principal, assignment_id=assignment_id)
        today, _ = _today_and_calendar(session)
        row = internal.create(
            session,
            engine=system().engine,
            user=principal,
            assignment_id=assignment_id,
            payload=body,
            today=today,
            now=clock.now(),
        )
        return jsonify(internal.present(row)), 201


@bp.get("/assignments/<int:assignment_id>/internal-tasks")
@operation(
    summary="Giao xử lý trong đơn vị: chỉ đơn vị của người xem thấy việc giao nội bộ của mình",
    tag="assignments",
    response={"type": "array", "items": INTERNAL_TASK},
)
def list_internal_tasks(assignment_id: int):
    principal = user()
    with reading() as session:
        assignments.get_or_raise(session, user=principal, assignment_id=assignment_id)
        rows = internal.visible_to(session, user=principal, assignment_id=assignment_id)
        return jsonify([internal.present(row) for row in rows])


@bp.post("/assignments/<int:assignment_id>/urgings")
@operation(
    summary="Văn phòng ghi nhận việc đôn đốc đã thực hiện ngoài quy trình (khoản 3, 4 Điều 11): bằng văn "
    "bản, điện thoại, cuộc họp hoặc thư điện tử; ngày đôn đốc không sau hôm nay, không trước ngày ban hành "
    "văn bản",
    tag="assignments",
    roles=set(urgings.RECORDERS),
    body=urgings.URGING_IN,
    response={"type": "object"},
    status=201,
)
def record_urging(assignment_id: int, body: dict):
    principal = user()
    with history.acting_as(principal.username), transaction() as session:
        row = urgings.record(
            session,
            user=principal,
            assignment_id=assignment_id,
            payload=body,
            now=clock.now(),
            calendar=workdays.calendar(session=session, settings=system().settings),
        )
        return jsonify(urgings.present(row)), 201


CORRECTION_OUT = {
    "type": "object",
    "properties": {
        "assignment_id": {"type": "integer"},
        "dry_run": {"type": "boolean"},
        "reason": {"type": "string"},
        "summary": {"type": "string", "description": "Các thay đổi, như người dùng đọc"},
        "changes": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "label": {"type": "string"},
                    "old": {},
                    "new": {},
                    "old_text": {"type": "string"},
                    "new_text": {"type": "string"},
                },
            },
        },
        "correction_id": {"type": ["integer", "null"]},
        "assignment": ASSIGNMENT,
    },
}
_CORRECTION_DOC = (
    " (điểm a–e khoản 1 Điều 5): nội dung, thời hạn và loại thời hạn, đơn vị chủ trì, phối hợp, phòng và "
    "chuyên viên theo dõi; chỉ gửi các trường cần đổi, kèm lý do. Thời hạn không trước ngày ban hành văn bản."
)


@bp.post("/assignments/<int:assignment_id>/corrections")
@operation(
    summary="Văn phòng điều chỉnh thông tin nhiệm vụ đã chuyển theo dõi" + _CORRECTION_DOC,
    tag="assignments",
    roles={"vp_specialist", "vp_leadership"},
    body=corrections.CORRECTION_IN,
    response=CORRECTION_OUT,
    status=201,
)
def correct(assignment_id: int, body: dict):
    return _correct(assignment_id, body, dry_run=False), 201


@bp.post("/assignments/<int:assignment_id>/corrections/preview")
@operation(
    summary="Xem trước việc điều chỉnh thông tin nhiệm vụ: kiểm tra và liệt kê thay đổi, không lưu gì",
    tag="assignments",
    roles={"vp_specialist", "vp_leadership"},
    body=corrections.CORRECTION_IN,
    response=CORRECTION_OUT,
)
def preview_correction(assignment_id: int, body: dict):
    return _correct(assignment_id, body, dry_run=True)


def _correct(assignment_id: int, body: dict, *, dry_run: bool):
    changes = {k: v for k, v in body.items() if k != "reason"}
    unit_of_work = reading if dry_run else transaction
    with unit_of_work() as session:
        done = corrections.correct_assignment(
            session=session,
            engine=system().engine,
            assignment_id=assignment_id,
            changes=changes,
            reason=body["reason"],
            user=user(),
            dry_run=dry_run,
        )
        units = assignments.units_of(session=session, assignment_ids=[assignment_id])[assignment_id]
        return jsonify({**done.as_dict(), "assignment": present_assignment(done.assignment, units)})


CHOICE = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "label": {"type": "string"},
        "document_number": {"type": "string"},
        "seq": {"type": "integer"},
        "content": {"type": "string"},
        "lead_unit_name": {"type": "string"},
    },
}


@bp.get("/assignment-choices")
@operation(
    summary="Nhiệm vụ để chọn trong biểu mẫu (số, ký hiệu văn bản, nội dung, đơn vị chủ trì): "
    "data_correction: nhiệm vụ người gọi xem được; local_feedback: nhiệm vụ đang thực hiện của sở, ngành "
    "mà chính quyền địa phương phản hồi (khoản 3 Điều 21)",
    tag="assignments",
    query={
        "purpose": {"type": "string", "enum": list(choices.PURPOSES)},
        "q": params.Q,
        "id": {"type": "integer", "description": "Nhãn của một nhiệm vụ đã chọn"},
    },
    response={
        "type": "object",
        "properties": {"items": {"type": "array", "items": CHOICE}, "note": {"type": ["string", "null"]}},
    },
)
def assignment_choices():
    args = request.args
    with reading() as session:
        return jsonify(
            choices.answer(
                session,
                user=user(),
                purpose=args.get("purpose"),
                q=args.get("q"),
                id_=args.get("id"),
            )
        )
