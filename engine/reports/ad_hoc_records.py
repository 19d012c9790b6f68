"""Báo cáo đột xuất as people read them: what a request is called, who asked, each unit's answer, and who
may see what. VP and the leadership (engine.assignments.scope.sees_all) see every request and every answer;
a unit sees the requests that name it, with its own answer only; nobody else sees any. The operators that
write them are in engine.reports.ad_hoc."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, false, func, select
from sqlalchemy.orm import Session

from engine.assignments import scope
from engine.assignments.models import Assignment
from engine.auth.models import User
from engine.auth.service import Principal
from engine.directory.models import Unit
from engine.documents.models import Document
from engine.errors import NotFoundError, PermissionDeniedError
from engine.reports.models import AdHocAnswer, AdHocReport

PROCESS_ID = "ad_hoc_report"
REQUEST, TASK, SECRET = "request", "task", "secret"
KINDS = {
    REQUEST: "Báo cáo đột xuất theo yêu cầu",
    TASK: "Báo cáo bằng văn bản về một nhiệm vụ",
    SECRET: "Báo cáo theo chế độ mật",
}
CHAIRMAN, VP = "chairman", "vp"
REQUESTERS = {CHAIRMAN: "Chủ tịch UBND tỉnh", VP: "Lãnh đạo Văn phòng UBND tỉnh"}
REQUESTED, CONSOLIDATED, RECEIVED = "requested", "consolidated", "received"
STATUSES = {
    REQUESTED: "Đang chờ các đơn vị báo cáo",
    CONSOLIDATED: "Văn phòng đã tổng hợp",
    RECEIVED: "Văn phòng đã nhận báo cáo bằng văn bản",
}
# Lịch sử xử lý of an assignment (engine/web/pages/assignments.py) names the rows of a written report on it.
HISTORY_ENTITIES = {
    "ad_hoc_reports": "Yêu cầu báo cáo bằng văn bản",
    "ad_hoc_answers": "Báo cáo bằng văn bản của đơn vị",
}
# The columns only these tables have, and those another table's history names otherwise.
HISTORY_FIELDS = {
    "report_kind": "Loại báo cáo",
    "subject": "Trích yếu yêu cầu",
    "requirements": "Nội dung, yêu cầu báo cáo",
    "reference": "Số, ký hiệu văn bản yêu cầu",
    "requester_role": "Yêu cầu của",
    "template": "Đề cương, mẫu báo cáo",
    "consolidation": "Nội dung tổng hợp của Văn phòng",
    "consolidation_files": "Tệp báo cáo tổng hợp",
    "consolidated_by": "Người tổng hợp",
    "consolidated_at": "Tổng hợp lúc",
    "sent_on": "Ngày gửi văn bản",
    "answered_by": "Người gửi báo cáo",
    "answered_at": "Gửi báo cáo lúc",
}
HISTORY_TABLE_FIELDS = {
    "ad_hoc_reports": {
        "due_date": "Hạn gửi báo cáo",
        "requested_by": "Người yêu cầu",
        "opened_by": "Người nhập yêu cầu",
        "opened_at": "Nhập yêu cầu lúc",
    },
    "ad_hoc_answers": {"unit_code": "Đơn vị báo cáo", "content": "Nội dung báo cáo"},
}
HISTORY_VALUES = {"report_kind": KINDS, "requester_role": REQUESTERS}
# Who may ask for a written report on a task from its page (Đ5.1: the Chairman, or VP on request).
REQUESTING_ROLES = ("chairman", "vp_chief", "vp_leadership", "vp_specialist")
REFUSED = "Báo cáo đột xuất này không yêu cầu đơn vị của bạn báo cáo"


def title_of(row: AdHocReport) -> str:
    """The request as lists and notices name it: its subject; a secret one by its paper request only."""
    if row.report_kind == SECRET:
        return f"Báo cáo theo chế độ mật theo văn bản số {row.reference}"
    return f"Báo cáo đột xuất: {row.subject}"


def requester_label(session: Session, row: AdHocReport, names: dict[str, str] | None = None) -> str:
    """Who asked, by name: "Đinh Chủ Tịch (Chủ tịch UBND tỉnh)", or on whose behalf VP entered it; `names`:
    the full names already read (a list's)."""
    role = REQUESTERS[row.requester_role]
    names = names if names is not None else full_names(session, {row.requested_by, row.opened_by})
    if row.requested_by:
        return f"{names.get(row.requested_by, row.requested_by)} ({role})"
    return f"{role} (do {names.get(row.opened_by, row.opened_by or 'Văn phòng')} nhập)"


def shown(session: Session, row: AdHocReport) -> dict[str, Any]:
    """The request as process data, user tasks and the API show it: plain JSON; a secret one without any
    content (Đ5.2)."""
    data = {
        "id": row.id,
        "kind": row.report_kind,
        "kind_label": KINDS[row.report_kind],
        "secret": row.report_kind == SECRET,
        "title": title_of(row),
        "reference": row.reference,
        "due_date": row.due_date.isoformat(),
        "requester": requester_label(session, row),
    }
    if row.report_kind != SECRET:
        data.update(
            subject=row.subject,
            requirements=row.requirements,
            template=[{"file_id": f["file_id"], "name": f["name"]} for f in row.template or []],
            assignment=assignment_label(session, row.assignment_id),
        )
    return data


def assignment_label(session: Session, assignment_id: int | None) -> dict[str, Any] | None:
    """The task a written report is about: its document's number, its number in it, its content."""
    if assignment_id is None:
        return None
    assignment = session.get(Assignment, assignment_id)
    number = session.scalar(select(Document.number).where(Document.id == assignment.document_id))
    return {"id": assignment.id, "number": number, "seq": assignment.seq, "content": assignment.content}


def answers(session: Session, report_id: int, unit_code: str | None = None) -> list[tuple[AdHocAnswer, str]]:
    """The request's answers (only `unit_code`'s, if given) with their units' names, in directory order."""
    query = (
        select(AdHocAnswer, Unit.name)
        .join(Unit, Unit.code == AdHocAnswer.unit_code)
        .where(AdHocAnswer.report_id == report_id)
        .order_by(Unit.unit_type, Unit.name)
    )
    if unit_code is not None:
        query = query.where(AdHocAnswer.unit_code == unit_code)
    return [(answer, name) for answer, name in session.execute(query)]


def report_or_raise(session: Session, report_id: int) -> AdHocReport:
    row = session.get(AdHocReport, report_id)
    if row is None:
        raise NotFoundError(f"Không tìm thấy báo cáo đột xuất số {report_id}")
    return row


def full_names(session: Session, usernames: set[str | None]) -> dict[str, str]:
    """username -> full name of the users named (None skipped)."""
    wanted = sorted(u for u in usernames if u)
    if not wanted:
        return {}
    return dict(session.execute(select(User.username, User.full_name).where(User.username.in_(wanted))).all())


# --- who sees what ----------------------------------------------------------------------------------------


def visible(query: Select, user: Principal) -> Select:
    """`query` over AdHocReport narrowed to what `user` may see."""
    if scope.sees_all(user):
        return query
    if user.unit_code is None:
        return query.where(false())
    named = select(AdHocAnswer.report_id).where(AdHocAnswer.unit_code == user.unit_code)
    return query.where(AdHocReport.id.in_(named))


def get_or_raise(session: Session, *, user: Principal, report_id: int) -> AdHocReport:
    """The request, if `user` may see it: 404 when there is none, 403 when it does not name their unit."""
    row = report_or_raise(session, report_id)
    if session.scalar(visible(select(AdHocReport.id).where(AdHocReport.id == row.id), user)) is None:
        raise PermissionDeniedError(REFUSED)
    return row


def of_instances(session: Session, user: Principal, instance_ids: set[int]) -> dict[int, int]:
    """instance id -> the request it runs, for those of `instance_ids` that `user` may see (where opening a
    notice about a request leads, engine.notifications.targets)."""
    if not instance_ids:
        return {}
    query = select(AdHocReport.instance_id, AdHocReport.id).where(
        AdHocReport.instance_id.in_(sorted(instance_ids))
    )
    return dict(session.execute(visible(query, user)).all())


def count_(session: Session, *, user: Principal) -> int:
    return session.scalar(visible(select(func.count(AdHocReport.id)), user)) or 0


def list_(session: Session, *, user: Principal, limit: int, offset: int) -> list[dict[str, Any]]:
    """The requests `user` may see, the latest date first: each with its kind, requester, date, and how many
    of its units have answered."""
    query = visible(select(AdHocReport), user).order_by(AdHocReport.due_date.desc(), AdHocReport.id.desc())
    rows = list(session.scalars(query.limit(limit).offset(offset)))
    tallies = _tallies(session, [r.id for r in rows])
    names = full_names(session, {r.requested_by for r in rows} | {r.opened_by for r in rows})
    return [
        {
            "id": r.id,
            "title": title_of(r),
            "kind": r.report_kind,
            "kind_label": KINDS[r.report_kind],
            "requester": requester_label(session, r, names),
            "due_date": r.due_date,
            "answered": tallies.get(r.id, (0, 0))[0],
            "units": tallies.get(r.id, (0, 0))[1],
            "status": r.status,
            "status_label": STATUSES[r.status],
        }
        for r in rows
    ]


def detail(session: Session, *, user: Principal, report_id: int, today: date) -> dict[str, Any]:
    """One request as its page and the API show it: the request, each answer the user may see (VP and
    the leadership: all; a unit: its own) and, for VP and the leadership, VP's consolidation."""
    row = get_or_raise(session, user=user, report_id=report_id)
    sees_all = scope.sees_all(user)
    found = answers(session, row.id, None if sees_all else user.unit_code)
    names = full_names(session, {a.answered_by for a, _ in found} | {row.consolidated_by})
    open_ = row.status == REQUESTED and today <= row.due_date
    return {
        "request": shown(session, row),
        "status": row.status,
        "status_label": STATUSES[row.status],
        "opened_at": row.opened_at,
        "answers": [_answer_shown(a, unit_name, names, open_) for a, unit_name in found],
        "tally": _tallies(session, [row.id]).get(row.id, (0, 0)),
        "consolidation": _consolidation(row, names) if sees_all else None,
        "instance_id": row.instance_id,
    }


def for_assignment(session: Session, *, user: Principal, assignment_id: int, today: date) -> list[dict]:
    """The written reports asked on an assignment (Đ5.1) as its page shows them, oldest first."""
    query = visible(select(AdHocReport.id), user).where(AdHocReport.assignment_id == assignment_id)
    ids = list(session.scalars(query.order_by(AdHocReport.id)))
    return [detail(session, user=user, report_id=i, today=today) for i in ids]


def _answer_shown(answer: AdHocAnswer, unit_name: str, names: dict[str, str], open_: bool) -> dict[str, Any]:
    """An answer; `waiting` while the unit still has time (the request open and its date not passed)."""
    return {
        "unit_code": answer.unit_code,
        "unit_name": unit_name,
        "content": answer.content,
        "difficulties": answer.difficulties,
        "proposals": answer.proposals,
        "attachments": answer.attachments or [],
        "sent_on": answer.sent_on,
        "answered_by": names.get(answer.answered_by, answer.answered_by) if answer.answered_by else None,
        "answered_at": answer.answered_at,
        "waiting": answer.answered_at is None and open_,
    }


def _consolidation(row: AdHocReport, names: dict[str, str]) -> dict[str, Any] | None:
    if row.consolidated_at is None:
        return None
    return {
        "text": row.consolidation,
        "files": row.consolidation_files or [],
        "by": names.get(row.consolidated_by, row.consolidated_by),
        "at": row.consolidated_at,
    }


def _tallies(session: Session, ids: list[int]) -> dict[int, tuple[int, int]]:
    """request id -> (units answered, units asked)."""
    if not ids:
        return {}
    query = (
        select(AdHocAnswer.report_id, func.count(AdHocAnswer.answered_at), func.count(AdHocAnswer.id))
        .where(AdHocAnswer.report_id.in_(ids))
        .group_by(AdHocAnswer.report_id)
    )
    return {report_id: (done, asked) for report_id, done, asked in session.execute(query)}


def as_json(value: Any) -> Any:
    """Dates and instants of `detail` as ISO text, for the API."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value
