"""Directive documents: registration and its checks, the list, one document as data."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock, history
from engine.auth.models import User
from engine.directory import leaders
from engine.directory.checks import inactive_message
from engine.directory.models import TrackingRoom, Unit
from engine.documents import listing as document_list
from engine.documents.models import Document
from engine.documents.schemas import DOCUMENT_IN
from engine.documents.secrecy import refuse_secret
from engine.errors import ConflictError, DuplicateDocumentError, NotFoundError, ValidationError
from engine.files import binding as files
from engine.instances import service as instances
from engine.search.sql import DEFAULT_SORT, Sort
from engine.validation import validate

# Directive documents of this system's era (Quy chế 35 is of 2015; older ones are archive work), and
# none dated far ahead: a typo such as 9999-12-31 would overflow the T1 arithmetic.
EARLIEST_ISSUE = date(1990, 1, 1)
ISSUE_AHEAD = timedelta(days=366)
# A deadline (thời hạn) further than this from today is a typo, not a plan.
DEADLINE_SPAN = timedelta(days=20 * 366)


def register_document(
    *, session: Session, engine: instances.Engine, payload: dict[str, Any], actor: str | None
) -> Document:
    """Store a directive document and start its intake (P1); a secret one is refused and nothing is kept."""
    validate(DOCUMENT_IN, payload, message="Dữ liệu văn bản không hợp lệ")  # an unknown độ mật too
    refuse_secret(payload.get("secrecy"))
    for i, task in enumerate(payload["tasks"]):
        refuse_secret(task.get("secrecy"), field=f"tasks/{i}/secrecy")
    today = clock.now().date()
    wrong_dates = issue_date_problems(payload["issued_on"], today) | deadline_problems(
        payload["tasks"], today
    )
    if not wrong_dates:
        wrong_dates = before_issue_problems(payload["tasks"], date.fromisoformat(payload["issued_on"]))
    if wrong_dates:
        raise ValidationError("Ngày tháng nằm ngoài khoảng cho phép", fields=wrong_dates)
    unknown = unit_problems(session, payload.get("tasks", []), today)
    if unknown:
        raise ValidationError("Đơn vị không có trong danh mục hoặc không còn hoạt động", fields=unknown)
    if problem := leaders.leader_problem(session, payload.get("leader_code"), required=True):
        raise ValidationError(problem, fields={"leader_code": problem})
    external_id = payload.get("external_id") or None  # "" from a sender means it has none
    if external_id and session.scalar(select(Document.id).where(Document.external_id == external_id)):
        raise ConflictError(f"document {external_id!r} was already registered")
    if not payload.get("confirm_duplicate"):
        refuse_duplicate(session, payload, ZoneInfo(engine.settings.timezone))
    # Its files: uploaded by the registering user for a new document, not yet part of another one.
    attached = files.attach_document_files(
        session=session, refs=payload.get("attachments"), username=actor, now=clock.now()
    )
    tasks = [
        {
            "content": t["content"],
            "lead_unit": t.get("lead_unit"),
            "coordinating_units": t.get("coordinating_units", []),
            "due_date": t.get("due_date"),
        }
        for t in payload.get("tasks", [])
    ]
    document = Document(
        external_id=external_id,
        number=payload["number"],
        doc_type=payload["doc_type"],
        title=payload["title"],
        issued_on=date.fromisoformat(payload["issued_on"]),
        signer=payload.get("signer", ""),
        leader_code=payload.get("leader_code") or None,
        submitting_agency=payload.get("submitting_agency"),
        urgency=payload.get("urgency"),
        needs_consultation=bool(payload.get("needs_consultation", False)),
        draft_tasks=tasks,
        attachments=[files.metadata(row) for row in attached],
        created_by=actor,
        created_at=clock.now(),
    )
    with history.acting_as(actor):  # the document's row in Lịch sử xử lý names who registered it
        session.add(document)
        session.flush()
    files.bind_to_document(attached, document.id)
    instance = instances.start(
        session=session,
        engine=engine,
        process_id="intake",
        data={
            "document": document_data(document),
            "issued_on": document.issued_on,
            "needs_consultation": document.needs_consultation,
        },
        actor=actor,
        business_key=f"document:{document.id}",
    )
    document.intake_instance_id = instance.id
    return document


def refuse_duplicate(session: Session, payload: dict[str, Any], tz: ZoneInfo) -> None:
    """DuplicateDocumentError naming the registered document with the payload's number, type and issue
    date: the same document typed in twice would be tracked twice. The caller confirms to go on."""
    found = same_document(
        session,
        number=payload["number"],
        doc_type=payload["doc_type"],
        issued_on=date.fromisoformat(payload["issued_on"]),
    )
    if found is None:
        return
    registered = found.created_at.astimezone(tz).date()
    raise DuplicateDocumentError(
        f"Văn bản {found.doc_type} số {found.number} ngày {found.issued_on:%d/%m/%Y} đã được tiếp nhận "
        f"ngày {registered:%d/%m/%Y} (trích yếu: {found.title}). Nếu đây là một văn bản khác, hãy xác nhận "
        "để vẫn tiếp nhận.",
        details={
            "document_id": found.id,
            "number": found.number,
            "doc_type": found.doc_type,
            "issued_on": found.issued_on.isoformat(),
            "title": found.title,
            "registered_on": registered.isoformat(),
        },
    )


def same_document(session: Session, *, number: str, doc_type: str, issued_on: date) -> Document | None:
    """The first registered document with this number (spaces and letter case aside), type and issue date."""
    key = _number_key(number)
    # Ids and numbers only: a busy day has many documents of one type, and only the match is loaded whole.
    candidates = session.execute(
        select(Document.id, Document.number)
        .where(Document.issued_on == issued_on, Document.doc_type == doc_type)
        .order_by(Document.id)
    ).all()
    found = next((row.id for row in candidates if _number_key(row.number) == key), None)
    return None if found is None else session.get(Document, found)


def _number_key(number: str) -> str:
    # "12/QĐ-UBND" and "12/qđ-ubnd " are one number; compared here, since SQLite's lower() is ASCII-only.
    return "".join(number.split()).casefold()


def issue_date_problems(issued_on: str, today: date) -> dict[str, str]:
    """{"issued_on": problem} unless the ISO date lies between EARLIEST_ISSUE and a year from `today`."""
    day, latest = date.fromisoformat(issued_on), today + ISSUE_AHEAD
    if EARLIEST_ISSUE <= day <= latest:
        return {}
    return {"issued_on": f"ngày ban hành phải từ {EARLIEST_ISSUE:%d/%m/%Y} đến {latest:%d/%m/%Y}"}


def deadline_problems(tasks: list[dict], today: date) -> dict[str, str]:
    """{"tasks/i/due_date": problem} for every deadline further than DEADLINE_SPAN from `today`."""
    first, last = today - DEADLINE_SPAN, today + DEADLINE_SPAN
    return {
        f"tasks/{i}/due_date": f"thời hạn phải từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}"
        for i, task in enumerate(tasks)
        if task.get("due_date") and not first <= date.fromisoformat(task["due_date"]) <= last
    }


def before_issue(due: date, issued_on: date) -> str | None:
    """The problem of a deadline before the document's issue date (the task would be born overdue and
    urged before its unit ever saw it), or None."""
    if due < issued_on:
        return f"thời hạn không được trước ngày ban hành văn bản ({issued_on:%d/%m/%Y})"
    return None


def before_issue_problems(tasks: list[dict], issued_on: date) -> dict[str, str]:
    """{"tasks/i/due_date": problem} for every task whose deadline is before `issued_on`."""
    found = {}
    for i, task in enumerate(tasks):
        if task.get("due_date") and (
            problem := before_issue(date.fromisoformat(task["due_date"]), issued_on)
        ):
            found[f"tasks/{i}/due_date"] = problem
    return found


def document_data(document: Document) -> dict[str, Any]:
    """The document as process data and API output (dates as ISO text)."""
    return {
        "id": document.id,
        "external_id": document.external_id,
        "number": document.number,
        "doc_type": document.doc_type,
        "title": document.title,
        "issued_on": document.issued_on.isoformat(),
        "signer": document.signer,
        "leader_code": document.leader_code,
        "submitting_agency": document.submitting_agency,
        "urgency": document.urgency,
        "needs_consultation": document.needs_consultation,
        "draft_tasks": document.draft_tasks,
        "intake_instance_id": document.intake_instance_id,
    }


def get_document_or_raise(*, session: Session, document_id: int) -> Document:
    document = session.get(Document, document_id)
    if document is None:
        raise NotFoundError(f"no document {document_id}")
    return document


def list_documents(
    *,
    session: Session,
    limit: int = 50,
    offset: int = 0,
    filters: document_list.DocumentFilters | None = None,
    sort: Sort = DEFAULT_SORT,
) -> list[Document]:
    """Documents searched and filtered (engine.documents.listing), newest first unless sorted."""
    return document_list.list_(
        session=session,
        filters=filters or document_list.DocumentFilters(),
        sort=sort,
        limit=limit,
        offset=offset,
    )


def unit_problems(session: Session, tasks: list[dict], today: date) -> dict[str, str]:
    """{field path: problem} for every lead or coordinating unit code not in the directory, or not active
    on `today` (an ended unit gets no new work: its successor does)."""
    codes = {t.get("lead_unit") for t in tasks} | {c for t in tasks for c in t.get("coordinating_units", [])}
    wanted = sorted(c for c in codes if c)
    known = {u.code: u for u in session.scalars(select(Unit).where(Unit.code.in_(wanted)))}
    fields = {}
    for i, task in enumerate(tasks):
        named = [(f"tasks/{i}/lead_unit", task["lead_unit"])] if task.get("lead_unit") else []
        named += [
            (f"tasks/{i}/coordinating_units/{j}", code)
            for j, code in enumerate(task.get("coordinating_units", []))
        ]
        for path, code in named:
            if code not in known:
                fields[path] = f"không có đơn vị mã {code!r}"
            elif message := inactive_message(known[code], today):
                fields[path] = message
    return fields


def room_problem(session: Session, name: str) -> str | None:
    """Why `name` cannot track new assignments (not an active tracking room of VP), or None."""
    room = session.get(TrackingRoom, name)
    if room is None or not room.active:
        return f"“{name}” không phải phòng theo dõi trong danh mục của Văn phòng"
    return None


def specialist_problem(session: Session, username: str) -> str | None:
    """Why `username` cannot track assignments (not a VP tracking specialist), or None."""
    specialist = session.scalar(select(User).where(User.username == username))
    if specialist is None or "vp_specialist" not in specialist.roles:
        return f"“{username}” không phải chuyên viên theo dõi của Văn phòng"
    return None
