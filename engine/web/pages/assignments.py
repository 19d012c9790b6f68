"""Nhiệm vụ: the lists of the menu (được giao, chủ trì, phối hợp, theo dõi, chờ tiếp nhận, bị trả lại) and
one assignment with everything about it and its Lịch sử xử lý. Scope checks stay in
engine.assignments.scope."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock, history
from engine.assignments import internal, scope, urgings
from engine.assignments import service as assignments
from engine.assignments.models import (
    ACCEPTED,
    ADVICE_PROPOSALS,
    AWAITING_ACCEPTANCE,
    CONFIRMED,
    COORDINATING,
    DIRECTION_REQUEST,
    ESCALATION_DIRECTIONS,
    LEAD,
    RESULT_REPORTED,
    RETURN_REASONS,
    RETURNED,
    UPDATE_REMINDER,
    URGING_CHANNELS,
    URGING_CONTACT,
    URGING_LETTER,
)
from engine.directory import leaders
from engine.documents import service as document_service
from engine.documents.models import Document
from engine.errors import PermissionDeniedError, ValidationError
from engine.feedback import divergence
from engine.history import ChangeRecord
from engine.reports import ad_hoc_records, buckets
from engine.usertasks import service as usertasks
from engine.usertasks.models import READY
from engine.web.api import reading, system, transaction
from engine.web.pages import filters, listing
from engine.web.pages.common import (
    DOCUMENT_READERS,
    INSTANCE_WATCHERS,
    PAGE_SIZE,
    bp,
    form_day,
    full_names,
    me,
    page_offset,
    today,
    tz,
    unit_directory,
    unit_names,
)
from engine.web.pages.documents import DEADLINE_KIND, PROGRESS
from engine.workdays import service as workdays

STAGES = {
    AWAITING_ACCEPTANCE: "Chờ tiếp nhận",
    RETURNED: "Bị trả lại",
    ACCEPTED: "Đang thực hiện",
    RESULT_REPORTED: "Chờ xác nhận hoàn thành",
    CONFIRMED: "Đã hoàn thành",
}
# The lists of the Nhiệm vụ menu (DOMAIN.md §8): tab -> (label, view of assignments.list_, stage).
TABS = {
    "assigned": ("Được giao", None, None),
    "lead": ("Chủ trì", "lead", None),
    "coordinating": ("Phối hợp", "coordinating", None),
    "tracking": ("Theo dõi", "tracking", None),
    "awaiting": ("Chờ tiếp nhận", None, AWAITING_ACCEPTANCE),
    "returned": ("Bị trả lại", None, RETURNED),
}
BUCKET_FILTERS = {**buckets.BUCKETS, "due_soon": buckets.DUE_SOON, "not_started": buckets.NOT_STARTED}

# Lịch sử xử lý: what each table and column is called, and the Vietnamese of its coded values.
ENTITIES = {
    "assignments": "Nhiệm vụ",
    "assignment_units": "Đơn vị thực hiện",
    "status_updates": "Tình hình thực hiện",
    "assignment_returns": "Trả lại Văn phòng",
    "assignment_transfers": "Chuyển đơn vị khác",
    "urgings": "Đôn đốc",
    "difficulty_reports": "Khó khăn, vướng mắc",
    "deadline_adjustments": "Điều chỉnh thời hạn",
    "data_corrections": "Điều chỉnh thông tin",
    "local_feedbacks": "Phản hồi của địa phương",
    "assignment_corrections": "Văn phòng điều chỉnh thông tin nhiệm vụ",
    "escalations": "Báo cáo Chủ tịch UBND tỉnh về đơn vị chưa cập nhật sau đôn đốc",
    "divergences": "Ý kiến khác nhau giữa các đơn vị",
    "divergence_positions": "Ý kiến của đơn vị về nội dung còn khác nhau",
    **ad_hoc_records.HISTORY_ENTITIES,
}
ACTIONS = {"insert": "Thêm mới", "update": "Cập nhật", "delete": "Xóa"}
# Keys that only link rows together: the page shows the rows themselves instead.
HIDDEN_FIELDS = {
    "id",
    "assignment_id",
    "document_id",
    "instance_id",
    "return_id",
    "difficulty_report_id",
    "feedback_id",
    "urging_id",
    "divergence_id",
    "report_id",
    "changes",  # a correction's field-by-field changes: the assignment's own lines show each of them
}
FIELDS = {
    "seq": "Số thứ tự",
    "content": "Nội dung nhiệm vụ",
    "lead_unit_code": "Đơn vị chủ trì",
    "leader_code": "Lãnh đạo giao nhiệm vụ",
    "sector_code": "Lĩnh vực",
    "has_deadline": "Có thời hạn",
    "must_report": "Phải trình, báo cáo",
    "deadline_kind": "Loại thời hạn",
    "due_date": "Thời hạn",
    "effective_due_date": "Ngày hết hạn",
    "tracking_room": "Phòng theo dõi",
    "tracking_specialist": "Chuyên viên theo dõi",
    "progress": "Tiến độ",
    "stage": "Bước hiện tại",
    "completed_on": "Ngày hoàn thành",
    "confirmed_at": "Xác nhận hoàn thành lúc",
    "last_update_at": "Cập nhật gần nhất lúc",
    "created_by": "Người tạo",
    "created_at": "Tạo lúc",
    "unit_code": "Đơn vị",
    "role": "Vai trò",
    "situation": "Tình hình thực hiện",
    "result": "Kết quả thực hiện",
    "difficulties": "Khó khăn, vướng mắc",
    "proposals": "Đề xuất, kiến nghị",
    "attachments": "Tệp đính kèm",
    "is_result_report": "Báo cáo kết quả",
    "reported_by": "Người báo cáo",
    "reported_at": "Báo cáo lúc",
    "reason_kind": "Lý do trả lại",
    "reason": "Lý do",
    "returned_by": "Người trả lại",
    "returned_at": "Trả lại lúc",
    "resolution": "Cách xử lý",
    "resolution_note": "Ghi chú xử lý",
    "resolved_by": "Người xử lý",
    "resolved_at": "Xử lý lúc",
    "from_unit": "Từ đơn vị",
    "to_unit": "Sang đơn vị",
    "transferred_by": "Người chuyển",
    "transferred_at": "Chuyển lúc",
    "kind": "Hình thức",
    "number": "Số, ký hiệu",
    "issued_by": "Người ban hành",
    "issued_at": "Ban hành lúc",
    "proposed_due_date": "Thời hạn đề nghị",
    "decision": "Quyết định",
    "direction": "Ý kiến chỉ đạo",
    "decided_by": "Người quyết định",
    "decided_at": "Quyết định lúc",
    "old_due_date": "Thời hạn cũ",
    "old_effective_due_date": "Ngày hết hạn cũ",
    "new_due_date": "Thời hạn mới",
    "new_effective_due_date": "Ngày hết hạn mới",
    "basis": "Căn cứ điều chỉnh",
    "problem": "Nội dung cần điều chỉnh",
    "requested_by": "Người đề nghị",
    "requested_at": "Đề nghị lúc",
    "correction": "Nội dung đã điều chỉnh",
    "corrected_by": "Người điều chỉnh",
    "corrected_at": "Điều chỉnh lúc",
    "status": "Trạng thái",
    "about_unit": "Đơn vị được phản ánh",
    "received_at": "Nhận lúc",
    "response_due": "Hạn trả lời",
    "response_kind": "Hình thức trả lời",
    "response": "Nội dung trả lời",
    "responded_by": "Người trả lời",
    "responded_at": "Trả lời lúc",
    "submitted_by": "Người gửi",
    "summary": "Thông tin được điều chỉnh",
    "channel": "Hình thức",
    "urged_on": "Ngày đôn đốc",
    "person": "Người được liên hệ",
    "recorded_by": "Người ghi nhận",
    "received_on": "Ngày nhận",
    "letter_number": "Số, ký hiệu văn bản",
    "registered_by": "Người ghi nhận",
    "requested_by_unit": "Đơn vị đề nghị",
    "wrong_fields": "Thông tin chưa đúng",
    "proposed": "Đề nghị sửa thành",
    "explanation": "Giải thích của Văn phòng",
    "approved_by": "Lãnh đạo đơn vị duyệt",
    "approved_at": "Duyệt lúc",
    "advice": "Ý kiến tham mưu của Văn phòng",
    "proposal": "Đề xuất của Văn phòng",
    "advised_due_date": "Thời hạn Văn phòng đề xuất",
    "concerned_unit_code": "Sở, ngành liên quan",
    "advised_by": "Người tham mưu",
    "advised_at": "Tham mưu lúc",
    "measures": "Biện pháp xử lý đề xuất",
    "proposed_by": "Người đề xuất",
    "proposed_at": "Đề xuất lúc",
    "direction_kind": "Hình thức chỉ đạo",
    "directed_by": "Người chỉ đạo",
    "directed_at": "Chỉ đạo lúc",
    "question": "Nội dung còn khác nhau",
    "positions_due": "Hạn nêu ý kiến",
    "opened_by": "Người báo cáo",
    "opened_at": "Báo cáo lúc",
    "position": "Ý kiến của đơn vị",
    "stated_by": "Người nêu ý kiến",
    "stated_at": "Nêu ý kiến lúc",
    **ad_hoc_records.HISTORY_FIELDS,  # a written report asked on the assignment (Đ5.1)
}
# The same column name means something else in these tables.
TABLE_FIELDS = {
    "urgings": {"content": "Nội dung đôn đốc", "unit_code": "Đơn vị được đôn đốc", "kind": "Loại"},
    "local_feedbacks": {"content": "Nội dung phản hồi", "from_unit": "Đơn vị phản hồi"},
    "assignment_corrections": {"reason": "Lý do điều chỉnh"},
    "assignment_transfers": {"reason": "Lý do chuyển"},
    "escalations": {"unit_code": "Đơn vị chưa cập nhật", "new_due_date": "Thời hạn mới theo chỉ đạo"},
    "divergences": {"proposal": "Tổng hợp ý kiến, đề xuất của Văn phòng"},
    **ad_hoc_records.HISTORY_TABLE_FIELDS,
}
URGING_KINDS = {
    UPDATE_REMINDER: "Nhắc cập nhật",
    URGING_LETTER: "Văn bản đôn đốc",
    DIRECTION_REQUEST: "Xin ý kiến chỉ đạo",
    URGING_CONTACT: "Đôn đốc",
}
VALUES = {
    **ad_hoc_records.HISTORY_VALUES,
    "progress": PROGRESS,
    "stage": STAGES,
    "role": {LEAD: "Chủ trì", COORDINATING: "Phối hợp"},
    "deadline_kind": DEADLINE_KIND,
    "reason_kind": RETURN_REASONS,
    "resolution": {"corrected": "Văn phòng điều chỉnh", "transferred": "Chuyển đơn vị khác"},
    "kind": URGING_KINDS,
    "channel": URGING_CHANNELS,
    "response_kind": URGING_KINDS,
    "decision": {"extend": "Gia hạn", "keep": "Giữ nguyên thời hạn", "adjust": "Điều chỉnh nhiệm vụ"},
    # A difficulty's proposal is one of these codes; a divergence's is VP's own text, which none equals.
    "proposal": ADVICE_PROPOSALS,
    "direction_kind": ESCALATION_DIRECTIONS,
    "status": {
        "requested": "Đã yêu cầu",
        "corrected": "Đã điều chỉnh",
        "accepted": "Đã chấp nhận",
        "kept": "Giải thích, giữ nguyên",
        "open": "Đang lấy ý kiến các đơn vị",  # a divergence (engine.feedback.divergence)
        "proposed": "Văn phòng đã tổng hợp, đề xuất",
        "directed": "Chủ tịch UBND tỉnh đã chỉ đạo",
        "consolidated": ad_hoc_records.STATUSES[ad_hoc_records.CONSOLIDATED],  # a written report (Đ5.1)
        "received": ad_hoc_records.STATUSES[ad_hoc_records.RECEIVED],
    },
}
UNIT_FIELDS = {
    "lead_unit_code",
    "unit_code",
    "from_unit",
    "to_unit",
    "about_unit",
    "requested_by_unit",
    "concerned_unit_code",
}


@bp.get("/assignments")
def assignment_list():
    """Nhiệm vụ: one tab of the menu's lists, searched, filtered by bucket, due date and (for VP) lead
    unit, sorted by a column, paged with the total."""
    tab = request.args.get("tab") if request.args.get("tab") in TABS else "assigned"
    bucket = request.args.get("bucket") if request.args.get("bucket") in BUCKET_FILTERS else None
    sees_all = scope.sees_all(me())
    unit = (request.args.get("unit") or None) if sees_all else None  # units only ever see their own
    signer = request.args.get("signer", "").strip()[:200] or None  # Người ký văn bản, as on the document
    leader = request.args.get("leader", "").strip()[:50] or None  # Lãnh đạo giao nhiệm vụ
    sector = request.args.get("sector", "").strip()[:50] or None  # Lĩnh vực
    typed, words = listing.search_box()
    due_from, due_to = listing.day_range("due_from", "due_to")
    sort = listing.chosen_sort(assignments.SORTS)
    offset = page_offset()
    _, view, stage = TABS[tab]
    chosen = assignments.Filters(
        view=view,
        stage=stage,
        bucket=bucket,
        unit=unit,
        signer=signer,
        leader=leader,
        sector=sector,
        words=words,
        due_from=due_from,
        due_to=due_to,
    )
    with reading() as session:
        day = _today_and_calendar(session)
        found = assignments.list_(
            session, **day, filters=chosen, user=me(), sort=sort, limit=PAGE_SIZE, offset=offset
        )
        ids = [a.id for a, _, _ in found]
        document_ids = {a.document_id for a, _, _ in found}
        numbers = dict(
            session.execute(select(Document.id, Document.number).where(Document.id.in_(document_ids))).all()
        )
        filter_args = {
            "tab": tab,
            "q": typed or None,
            "bucket": bucket,
            "unit": unit,
            "signer": signer,
            "leader": leader,
            "sector": sector,
            "due_from": due_from.isoformat() if due_from else None,
            "due_to": due_to.isoformat() if due_to else None,
        }
        return render_template(
            "assignments.html",
            rows=found,
            total=assignments.count_(session, **day, filters=chosen, user=me()),
            numbers=numbers,
            coordinating=_coordinating(session, ids),
            unit_names=unit_names(session),
            units=unit_directory(session) if sees_all else [],
            tabs={key: label for key, (label, *_) in TABS.items() if _tab_applies(key, sees_all)},
            tab=tab,
            bucket=bucket,
            unit=unit,
            signer=signer,
            leader=leader,
            sector=sector,
            leader_names=leaders.leader_names(session=session),
            sector_names=leaders.sector_names(session=session),
            q=typed,
            due_from=due_from,
            due_to=due_to,
            sort=sort,
            filter_args=filter_args,
            page_args={**filter_args, **listing.sort_args(sort)},
            searched=any(v for k, v in filter_args.items() if k != "tab"),
            offset=offset,
            bucket_filters=BUCKET_FILTERS,
            stages=STAGES,
        )


@bp.get("/assignments/<int:assignment_id>")
def assignment(assignment_id: int):
    """One assignment: its document, fields a–h, bucket today, every related row and Lịch sử xử lý."""
    return _assignment_page(assignment_id)


@bp.post("/assignments/<int:assignment_id>/urgings")
def record_urging(assignment_id: int):
    """Ghi nhận đôn đốc: VP records an urging made by phone, meeting, e-mail or letter (Đ11.3-4); a refusal
    shows the page again with the form open and each problem beside its field (422)."""
    form = request.form
    typed = {k: form.get(k, "") for k in ("channel", "person", "content", "number", "unit_code")}
    try:
        urged_on = form_day(form.get("urged_on"), "urged_on")
        with history.acting_as(me().username), transaction() as session:
            urgings.record(
                session,
                user=me(),
                assignment_id=assignment_id,
                payload={**typed, "urged_on": urged_on.isoformat() if urged_on else ""},
                now=clock.now(),
                calendar=workdays.calendar(session=session, settings=system().settings),
            )
    except ValidationError as exc:
        return _assignment_page(assignment_id, urging={"errors": exc.fields, "typed": dict(form)}, status=422)
    flash("Đã ghi nhận việc đôn đốc.", "success")
    return redirect(url_for("pages.assignment", assignment_id=assignment_id) + "#don-doc")


@bp.post("/assignments/<int:assignment_id>/internal-tasks")
def give_internal_task(assignment_id: int):
    """Giao cán bộ xử lý: a unit's leader gives the work to an official (Đ9.2.c); a refusal shows the page
    again with the form open and each problem beside its field (422)."""
    typed = {k: request.form.get(k, "") for k in ("assignee", "due_on", "instructions")}
    try:
        due_on = form_day(typed["due_on"], "due_on")
        with history.acting_as(me().username), transaction() as session:
            assignments.get_or_raise(session, user=me(), assignment_id=assignment_id)
            calendar = workdays.calendar(session=session, settings=system().settings)
            internal.create(
                session,
                engine=system().engine,
                user=me(),
                assignment_id=assignment_id,
                payload={**typed, "due_on": due_on.isoformat() if due_on else ""},
                today=calendar.local_date(clock.now()),
                now=clock.now(),
            )
    except ValidationError as exc:
        delegation = {"errors": exc.fields, "typed": typed}
        return _assignment_page(assignment_id, delegation=delegation, status=422)
    flash("Đã giao cán bộ xử lý.", "success")
    return redirect(url_for("pages.assignment", assignment_id=assignment_id) + "#giao-xu-ly")


def _assignment_page(
    assignment_id: int, *, urging: dict | None = None, delegation: dict | None = None, status: int = 200
):
    with reading() as session:
        a = assignments.get_or_raise(session, user=me(), assignment_id=assignment_id)
        bucket, due_soon = assignments.bucket_of(session, assignment_id=a.id, **_today_and_calendar(session))
        related = assignments.related(session, a.id)
        changes = assignments.history(session, assignment_id=a.id)
        names_of_units = unit_names(session)
        named = {
            "leader_code": leaders.leader_names(session=session),
            "sector_code": leaders.sector_names(session=session),
        }
        open_tasks = _open_tasks(session, a, related)
        # Giao xử lý trong đơn vị: only the viewer's own unit's rows, never another unit's or for VP.
        internal_tasks = internal.visible_to(session, user=me(), assignment_id=a.id)
        can_delegate = internal.may_delegate(session, user=me(), assignment_id=a.id)
        officials = internal.officials(session, unit_code=me().unit_code) if can_delegate else []
        inside = {t.assignee for t in internal_tasks} | {t.created_by for t in internal_tasks}
        people = full_names(
            session, _usernames(a, related, changes) | {t.assignee for t in open_tasks} | inside
        )
        return render_template(
            "assignment.html",
            a=a,
            doc=document_service.get_document_or_raise(session=session, document_id=a.document_id),
            bucket=bucket,
            due_soon=due_soon,
            coordinating=_coordinating(session, [a.id]).get(a.id, []),
            related=related,
            latest=_latest_lead_update(related["status_updates"]),
            history=_history_rows(changes, names_of_units, people, named),
            open_tasks=open_tasks,
            unit_names=names_of_units,
            leader_name=named["leader_code"].get(a.leader_code) if a.leader_code else None,
            sector_name=named["sector_code"].get(a.sector_code) if a.sector_code else None,
            people=people,
            values=VALUES,
            stages=STAGES,
            can_read_documents=me().in_any(tuple(DOCUMENT_READERS)),
            can_watch=me().in_any(tuple(INSTANCE_WATCHERS)),
            can_record_urging=me().in_any(urgings.RECORDERS),
            # Đ8.1.b: the lead unit's own staff flag wrong data of a task it leads.
            can_flag_data=me().unit_code == a.lead_unit_code and me().in_any(("unit_staff", "unit_leader")),
            urging_channels=urgings.RECORDED_CHANNELS,
            urging=urging or {"errors": {}, "typed": {}},
            internal_tasks=internal_tasks,
            can_delegate=can_delegate,
            officials=officials,
            delegation=delegation or {"errors": {}, "typed": {}},
            # Đ9.1.c: units' divergent opinions, VP's proposal and the Chairman's direction.
            divergences=divergence.for_assignment(session, assignment_id=a.id, today=today()),
            can_report_divergence=me().in_any(("vp_specialist",)) and a.stage != "confirmed",
            # Đ5.1: written reports asked on the task, and who may ask for one.
            ad_hoc_reports=ad_hoc_records.for_assignment(
                session, user=me(), assignment_id=a.id, today=today()
            ),
            can_request_report=me().in_any(ad_hoc_records.REQUESTING_ROLES),
        ), status


bp.add_app_template_filter(filters.bucket_badge, "bucket_badge")


def _today_and_calendar(session: Session) -> dict:
    """The calendar, today and the "Sắp đến hạn" window: what the bucket queries take."""
    settings = system().settings
    calendar = workdays.calendar(session=session, settings=settings)
    return {"calendar": calendar, "today": today(), "soon_days": settings.due_soon_days}


def _tab_applies(tab: str, sees_all: bool) -> bool:
    """Chủ trì and phối hợp are a unit's lists; theo dõi is the VP specialist's."""
    if tab in {"lead", "coordinating"}:
        return not sees_all
    if tab == "tracking":
        return me().in_any(("vp_specialist",))
    return True


def _coordinating(session: Session, ids: list[int]) -> dict[int, list[str]]:
    units = assignments.units_of(session=session, assignment_ids=ids)
    return {i: sorted(u.unit_code for u in rows if u.role == COORDINATING) for i, rows in units.items()}


def _latest_lead_update(updates: list):
    """The lead unit's last report: what fields g–h show (coordinating units feed it, Đ9.2.b)."""
    return next((u for u in reversed(updates) if u.role == LEAD), None)


def _usernames(a, related: dict[str, list], changes: list[ChangeRecord]) -> set[str]:
    """Everyone the page names: actors of the history, the people columns of the rows, and the old and
    new values of those columns in the history (a replaced tracking specialist, say)."""
    names = {a.tracking_specialist, a.created_by} | {c.actor for c in changes}
    for rows in related.values():
        for row in rows:
            names |= {getattr(row, col.key) for col in row.__table__.columns if names_a_person(col.key)}
    for change in changes:
        names |= {v for field, pair in change.changes.items() if names_a_person(field) for v in pair}
    return {name for name in names if isinstance(name, str)}


def names_a_person(field: str) -> bool:
    return field.endswith("_by") or field == "tracking_specialist"


def _history_rows(
    changes: list[ChangeRecord], unit_names: dict[str, str], people: dict[str, str], named: dict | None = None
) -> list:
    """Lịch sử xử lý, leaving out updates that only linked rows together (nothing a reader would see)."""
    rows = [change_row(c, unit_names, people, named) for c in changes]
    return [row for row in rows if row["items"] or row["action"] != "update"]


def change_row(
    change: ChangeRecord, unit_names: dict[str, str], people: dict[str, str], named: dict | None = None
) -> dict:
    """One line of Lịch sử xử lý: what changed, each field by its Vietnamese name, old → new; `named` maps
    a field to the names of its codes (leader_code, sector_code)."""
    labels = {**FIELDS, **TABLE_FIELDS.get(change.entity, {})}
    items = []
    for field, (old, new) in change.changes.items():
        if field in HIDDEN_FIELDS:
            continue
        shown = [_value(field, v, unit_names, people, named or {}) for v in (old, new)]
        items.append({"label": labels.get(field, field), "old": shown[0], "new": shown[1]})
    return {
        "at": change.at,
        "actor": people.get(change.actor, change.actor) if change.actor else "Hệ thống",
        "what": f"{ACTIONS.get(change.action, change.action)}: {ENTITIES.get(change.entity, change.entity)}",
        "action": change.action,
        "items": items,
        "note": change.note,  # e.g. "Nhập từ tệp Excel …": what made the change, when not a person's step
    }


def _value(field: str, value, unit_names: dict[str, str], people: dict[str, str], named: dict) -> str:
    if isinstance(value, str):
        if field in named:
            value = named[field].get(value, value)
        elif field in UNIT_FIELDS:
            value = unit_names.get(value, value)
        elif names_a_person(field):
            value = people.get(value, value)
        else:
            value = VALUES.get(field, {}).get(value, value)
    return filters.change_value(value, tz())


def _open_tasks(session: Session, a, related: dict[str, list]) -> list:
    """The ready user tasks the user may see, of the assignment's process and of the processes started
    about it (a data correction, a local feedback), which keep their own instance ids."""
    instance_ids = {a.instance_id} | {getattr(r, "instance_id", None) for rs in related.values() for r in rs}
    found = []
    for instance_id in sorted(instance_ids - {None}):
        for row in usertasks.of_instance(session=session, instance_id=instance_id):
            if row.state == READY and _can_see(row):
                found.append(row)
    return found


def _can_see(row) -> bool:
    try:
        usertasks.check_can_see(row, me())
    except PermissionDeniedError:
        return False
    return True
