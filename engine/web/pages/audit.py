"""Nhật ký thao tác (for the administrator and the monitor): what one user did, when, newest first, across
the change history, the process event log, the calendar and the accounts (engine.audit). Each entry reads
in the words of the page it comes from: Lịch sử xử lý of an assignment, of a process, of an account."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from flask import render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.assignments import scope
from engine.assignments.models import Assignment
from engine.audit import service as audit
from engine.auth import events
from engine.auth import service as auth
from engine.directory import units as directory_units
from engine.documents.models import Document
from engine.history import ChangeRecord
from engine.instances.models import ProcessInstance
from engine.web.api import reading
from engine.web.pages.assignments import ACTIONS, ENTITIES, change_row, names_a_person
from engine.web.pages.common import (
    DOCUMENT_READERS,
    INSTANCE_WATCHERS,
    PAGE_SIZE,
    bp,
    full_names,
    me,
    page_offset,
    process_names,
    require,
)
from engine.web.pages.instances import EVENT_KIND
from engine.web.pages.units import FIELD_LABELS as UNIT_FIELD_LABELS

AUDITORS = {"admin", "monitor"}
# The tracked tables outside an assignment's Lịch sử xử lý (whose names come from pages.assignments).
OTHER_ENTITIES = {
    "documents": "Văn bản chỉ đạo",
    "units": "Đơn vị",
    "unit_types": "Loại đơn vị",
    "tracking_rooms": "Phòng theo dõi",
    "inspections": "Kiểm tra",
    "report_rounds": "Kỳ báo cáo định kỳ",
    "report_submissions": "Báo cáo định kỳ của đơn vị",
    "secret_report_obligations": "Báo cáo theo chế độ mật",
    "secret_report_periods": "Kỳ báo cáo theo chế độ mật",
}
# Their columns that the assignment history does not name, by table (the same column differs by table).
OTHER_FIELDS = {
    "documents": {
        "external_id": "Mã trên hệ thống quản lý văn bản",
        "doc_type": "Loại văn bản",
        "title": "Trích yếu",
        "issued_on": "Ngày ban hành",
        "signer": "Người ký",
        "submitting_agency": "Cơ quan trình",
        "urgency": "Độ khẩn",
        "needs_consultation": "Cần xin ý kiến",
        "draft_tasks": "Các nhiệm vụ dự thảo",
        "intake_instance_id": "Quy trình tiếp nhận",
    },
    "units": UNIT_FIELD_LABELS,
    "unit_types": {"name": "Loại đơn vị", "sends_reports": "Gửi báo cáo định kỳ"},
    "tracking_rooms": {"name": "Tên phòng", "active": "Đang sử dụng"},
}
UNIT_REFERENCES = {"parent_code", "successor_code"}
ACCOUNT_FIELDS = {"full_name": "họ tên", "roles": "vai trò", "unit_code": "đơn vị"}


@bp.get("/users/<username>/audit")
def user_audit(username: str):
    """Nhật ký thao tác of one user, PAGE_SIZE entries a page."""
    require(AUDITORS)
    offset = page_offset()
    with reading() as session:
        account = auth.get_user_or_raise(session=session, username=username)
        entries = audit.list_(session=session, username=username, limit=PAGE_SIZE, offset=offset)
        rows = _rows(session, entries)
    return render_template("audit_user.html", account=account, rows=rows, offset=offset, shown=len(entries))


@dataclass(frozen=True)
class _Names:
    """What a page of entries names, as people know it: units, people, assignments, documents, processes."""

    units: dict[str, str]
    people: dict[str, str]
    assignments: dict[int, str]
    documents: dict[int, str]
    instances: dict[int, str]


def _rows(session: Session, entries: list[audit.Entry]) -> list[dict]:
    """Each entry as the page shows it: when, which trail, what (a headline and its details), about what;
    like Lịch sử xử lý, leaving out the updates that only linked rows together."""
    names = _names(session, entries)
    build = {
        "change": lambda r: _change(r, names),
        "instance": lambda r: _instance_event(r, names),
        "calendar": lambda r: {"trail": "Lịch làm việc", "calendar": r, "links": _calendar_links(r)},
        "account": lambda r: _account_event(r, names),
    }
    rows = [{"at": e.at, **build[e.source](e.record)} for e in entries]
    return [row for row in rows if row.get("items") or row.get("action") != "update"]


def _names(session: Session, entries: list[audit.Entry]) -> _Names:
    changes = [e.record for e in entries if e.source == "change"]
    named = {v for c in changes for field, pair in c.changes.items() if names_a_person(field) for v in pair}
    named |= {e.record.username for e in entries if e.source == "account"}
    assignment_ids = {a for a in map(_assignment_of, changes) if a is not None}
    document_ids = {int(c.entity_id) for c in changes if c.entity == "documents"}
    instance_ids = {e.record.instance_id for e in entries if e.source in ("change", "instance")} - {None}
    processes = process_names(session)
    return _Names(
        units={u.code: u.name for u in directory_units.list_units(session=session)},
        people=full_names(session, {n for n in named if isinstance(n, str)}),
        assignments={
            a_id: f"Nhiệm vụ {seq} của văn bản {number}"
            for a_id, seq, number in session.execute(
                select(Assignment.id, Assignment.seq, Document.number)
                .join(Document, Document.id == Assignment.document_id)
                .where(Assignment.id.in_(assignment_ids))
            )
        },
        documents=dict(
            session.execute(select(Document.id, Document.number).where(Document.id.in_(document_ids))).all()
        ),
        instances={
            i_id: f"{processes.get(process_id, process_id)} (quy trình số {i_id})"
            for i_id, process_id in session.execute(
                select(ProcessInstance.id, ProcessInstance.process_id).where(
                    ProcessInstance.id.in_(instance_ids)
                )
            )
        },
    )


def _change(change: ChangeRecord, names: _Names) -> dict:
    shown = change_row(_units_by_name(change, names), names.units, names.people)
    labels = OTHER_FIELDS.get(change.entity, {})
    items = [{**item, "label": labels.get(item["label"], item["label"])} for item in shown["items"]]
    entity = ENTITIES.get(change.entity) or OTHER_ENTITIES.get(change.entity, change.entity)
    return {
        "trail": "Lịch sử xử lý",
        "what": f"{ACTIONS.get(change.action, change.action)}: {entity}",
        "action": change.action,
        "items": items,
        "note": shown["note"],
        "links": _change_links(change, names),
    }


def _units_by_name(change: ChangeRecord, names: _Names):
    """A unit's references to other units (parent, successor) by name, as the unit page shows them."""
    if change.entity != "units":
        return change
    values = {
        field: [names.units.get(v, v) for v in pair] if field in UNIT_REFERENCES else pair
        for field, pair in change.changes.items()
    }
    return SimpleNamespace(
        entity=change.entity,
        action=change.action,
        at=change.at,
        actor=change.actor,
        changes=values,
        note=change.note,
    )


def _change_links(change: ChangeRecord, names: _Names) -> list[tuple[str, str | None]]:
    """(text, url or None) of what the change is about; a url only where the reader may follow it."""
    links: list[tuple[str, str | None]] = []
    assignment_id = _assignment_of(change)
    if assignment_id is not None:
        url = url_for("pages.assignment", assignment_id=assignment_id) if scope.sees_all(me()) else None
        links.append((names.assignments.get(assignment_id, f"Nhiệm vụ số {assignment_id}"), url))
    elif change.entity == "documents":
        document_id = int(change.entity_id)
        url = (
            url_for("pages.document", document_id=document_id)
            if me().in_any(tuple(DOCUMENT_READERS))
            else None
        )
        links.append((f"Văn bản {names.documents.get(document_id, document_id)}", url))
    elif change.entity == "units":
        url = url_for("pages.unit_detail", code=change.entity_id) if me().in_any(("admin",)) else None
        links.append((names.units.get(change.entity_id, change.entity_id), url))
    if change.instance_id is not None:
        links.append(_instance_link(change.instance_id, names))
    return links


def _assignment_of(change: ChangeRecord) -> int | None:
    """The assignment a change belongs to: the row itself, its key, or the row's assignment_id."""
    if change.entity == "assignments":
        return int(change.entity_id)
    if change.entity == "assignment_units":
        return int(change.entity_id.split("/")[0])
    pair = change.changes.get("assignment_id") or []
    return next((v for v in pair if isinstance(v, int)), None)


def _instance_event(event, names: _Names) -> dict:
    return {
        "trail": "Quy trình",
        "what": EVENT_KIND.get(event.kind, event.kind),
        "step": event.element_name or event.bpmn_id or "",
        "links": [_instance_link(event.instance_id, names)],
    }


def _instance_link(instance_id: int, names: _Names) -> tuple[str, str | None]:
    text = names.instances.get(instance_id, f"Quy trình số {instance_id}")
    readable = me().in_any(tuple(INSTANCE_WATCHERS))
    return text, url_for("pages.instance", instance_id=instance_id) if readable else None


def _calendar_links(change) -> list[tuple[str, str | None]]:
    day = change.day
    if day is not None:
        return [
            (
                f"Lịch tháng {day.month}/{day.year}",
                url_for("pages.work_calendar", year=day.year, month=day.month),
            )
        ]
    return [(f"Lịch năm {change.year}", url_for("pages.work_calendar", year=change.year, month=1))]


def _account_event(event, names: _Names) -> dict:
    fields = [ACCOUNT_FIELDS.get(f, f) for f in event.details] if event.kind == "updated" else []
    url = url_for("pages.user_detail", username=event.username) if me().in_any(("admin",)) else None
    return {
        "trail": "Tài khoản",
        "what": events.KINDS.get(event.kind, event.kind),
        "fields": fields,
        "label": event.details.get("label"),
        "links": [(f"Tài khoản của {names.people.get(event.username, event.username)}", url)],
    }
