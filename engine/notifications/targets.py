"""Where opening a notification leads its reader, decided when it is read: the ready user task of its
instance (or the one it names) that the reader can act on, else its assignment if the reader may see it
(engine.assignments.scope: VP and the leadership, its lead and coordinating units, the sở told of its
difficulty), else the ad-hoc report its instance runs if the reader may see it
(engine.reports.ad_hoc_records), else its document for those who read documents, else its instance for those
who watch instances; never a page the reader cannot open, and nowhere when none is left."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.assignments import scope
from engine.assignments.models import Assignment
from engine.auth.service import Principal
from engine.errors import PermissionDeniedError
from engine.reports import ad_hoc_records
from engine.usertasks import service as usertasks
from engine.usertasks.models import READY, UserTaskRow

TASK, ASSIGNMENT, DOCUMENT, INSTANCE = "task", "assignment", "document", "instance"
AD_HOC_REPORT = "ad_hoc_report"


class About(Protocol):
    """What a notification (or an entry of them) says it is about."""

    id: int
    instance_id: int | None
    task_id: str | None
    assignment_id: int | None
    document_id: int | None


@dataclass(frozen=True)
class Target:
    kind: str  # TASK, ASSIGNMENT, AD_HOC_REPORT, DOCUMENT or INSTANCE
    id: int | str


def resolve(
    *,
    session: Session,
    user: Principal,
    notices: Iterable[About],
    can_read_documents: bool,
    can_watch_instances: bool,
) -> dict[int, Target | None]:
    """notice id -> where it leads `user`. Three queries for any number of notices (a page's worth).

    The page decides who reads documents and watches instances (its role sets); the rest is the
    services' own rules: usertasks.check_can_act and engine.assignments.scope."""
    notices = list(notices)
    tasks = _ready_tasks(session, notices)
    assignments = _visible_assignments(session, user, {n.assignment_id for n in notices} - {None})
    ad_hoc = ad_hoc_records.of_instances(session, user, {n.instance_id for n in notices} - {None})
    found: dict[int, Target | None] = {}
    for n in notices:
        named = [tasks["id", n.task_id]] if ("id", n.task_id) in tasks else []
        task = next((t for t in named + tasks.get(n.instance_id, []) if _can_act(t, user)), None)
        if task is not None:
            found[n.id] = Target(TASK, task.id)
        elif n.assignment_id is not None and n.assignment_id in assignments:
            found[n.id] = Target(ASSIGNMENT, n.assignment_id)
        elif n.instance_id in ad_hoc:
            found[n.id] = Target(AD_HOC_REPORT, ad_hoc[n.instance_id])
        elif n.document_id is not None and can_read_documents:
            found[n.id] = Target(DOCUMENT, n.document_id)
        elif n.instance_id is not None and can_watch_instances:
            found[n.id] = Target(INSTANCE, n.instance_id)
        else:
            found[n.id] = None
    return found


def _ready_tasks(session: Session, notices: list[About]) -> dict:
    """The ready user tasks named by the notices or of their instances, soonest due first: by
    ("id", task id) and by instance id."""
    task_ids = sorted({n.task_id for n in notices} - {None})
    instance_ids = sorted({n.instance_id for n in notices} - {None})
    if not task_ids and not instance_ids:
        return {}
    query = (
        select(UserTaskRow)
        .where(
            UserTaskRow.state == READY,
            or_(UserTaskRow.id.in_(task_ids), UserTaskRow.instance_id.in_(instance_ids)),
        )
        .order_by(UserTaskRow.due_at.is_(None), UserTaskRow.due_at, UserTaskRow.created_at)
    )
    found: dict = defaultdict(list)
    for row in session.scalars(query):
        found["id", row.id] = row
        found[row.instance_id].append(row)
    return found


def _visible_assignments(session: Session, user: Principal, ids: set[int]) -> set[int]:
    """Those of `ids` the user may open: the assignment page's own rule (engine.assignments.scope)."""
    if not ids:
        return set()
    query = select(Assignment.id).where(Assignment.id.in_(sorted(ids)))
    return set(session.scalars(scope.visible(query, user)))


def _can_act(row: UserTaskRow, user: Principal) -> bool:
    try:
        usertasks.check_can_act(row, user)
    except PermissionDeniedError:
        return False
    return True
