"""Keeping `search_text` right, in one place: an `after_flush` hook sees every ORM write, whichever code
made it (a process step, a page, the CLI, the directory import), and notes which rows' search text it
made stale; before the transaction (or a step's savepoint) commits, one pass rewrites them, in that same
transaction. An assignment's text names its units, its specialist and its document, so renaming a unit, a
person or a document's number rewrites the assignments that name them.

Once per commit rather than per flush: a transaction that writes rows in several flushes (a document, then
each task, then its units) pays for one rewrite, not one per flush (measured: 3.5x slower writes per flush).

User tasks are written by engine.instances.saving with Core statements (no ORM flush): it composes their
text itself with engine.search.texts. `rebuild` rewrites every row, for data written around the ORM."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, bindparam, event, false, inspect, or_, select, true, union
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from engine.assignments.models import Assignment, AssignmentUnit
from engine.auth.models import User
from engine.directory.models import Unit
from engine.documents.models import Document
from engine.search import texts
from engine.usertasks.models import UserTaskRow

# The fields each text is made of: a change to another field (stage, progress, ...) rewrites nothing.
DOCUMENT_FIELDS = ("number", "title", "signer", "doc_type", "submitting_agency")
ASSIGNMENT_FIELDS = ("document_id", "content", "lead_unit_code", "tracking_specialist")
# What an assignment's text takes from its document.
DOCUMENT_FIELDS_IN_ASSIGNMENTS = ("number", "signer")


@dataclass
class Stale:
    """What one flush made stale: rows by id, and the names other rows carry (units, people)."""

    documents: set[int] = field(default_factory=set)
    assignments: set[int] = field(default_factory=set)
    documents_of_assignments: set[int] = field(default_factory=set)  # their assignments, that is
    units: set[str] = field(default_factory=set)
    specialists: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return any(vars(self).values())

    def add(self, other: Stale) -> None:
        for name, keys in vars(other).items():
            getattr(self, name).update(keys)

    def assignments_where(self) -> ColumnElement[bool]:
        """The assignments whose text may have changed."""
        named = select(AssignmentUnit.assignment_id).where(AssignmentUnit.unit_code.in_(sorted(self.units)))
        conditions = [
            Assignment.id.in_(sorted(self.assignments)) if self.assignments else None,
            Assignment.document_id.in_(sorted(self.documents_of_assignments))
            if self.documents_of_assignments
            else None,
            or_(Assignment.lead_unit_code.in_(sorted(self.units)), Assignment.id.in_(named))
            if self.units
            else None,
            Assignment.tracking_specialist.in_(sorted(self.specialists)) if self.specialists else None,
        ]
        return or_(false(), *(c for c in conditions if c is not None))


def _changed(obj, fields: tuple[str, ...]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in fields)


def stale_after(session: Session) -> Stale:
    """What the flush under way writes that some search text is made of (read in after_flush, where the
    new, dirty and deleted sets and the attribute histories still show the flush's changes)."""
    stale = Stale()
    for obj in session.new:
        if isinstance(obj, Document):
            stale.documents.add(obj.id)
        elif isinstance(obj, Assignment):
            stale.assignments.add(obj.id)
        elif isinstance(obj, AssignmentUnit):
            stale.assignments.add(obj.assignment_id)
        elif isinstance(obj, User):  # an assignment may name someone before their account exists (imports)
            stale.specialists.add(obj.username)
    for obj in session.dirty:
        if isinstance(obj, Document) and _changed(obj, DOCUMENT_FIELDS):
            stale.documents.add(obj.id)
            if _changed(obj, DOCUMENT_FIELDS_IN_ASSIGNMENTS):
                stale.documents_of_assignments.add(obj.id)
        elif isinstance(obj, Assignment) and _changed(obj, ASSIGNMENT_FIELDS):
            stale.assignments.add(obj.id)
        elif isinstance(obj, AssignmentUnit) and _changed(obj, ("unit_code", "assignment_id")):
            stale.assignments.add(obj.assignment_id)
        elif isinstance(obj, Unit) and _changed(obj, ("name",)):
            stale.units.add(obj.code)
        elif isinstance(obj, User) and _changed(obj, ("full_name",)):
            stale.specialists.add(obj.username)
    for obj in session.deleted:
        if isinstance(obj, AssignmentUnit):  # a unit no longer on the task (a transfer): its name goes
            stale.assignments.add(obj.assignment_id)
    return stale


# session.info key: what the flushes of the transaction made stale, rewritten before it commits.
STALE = "theodoi_search_stale"


@event.listens_for(Session, "after_flush")
def _note_stale(session: Session, _flush_context) -> None:
    stale = stale_after(session)
    if stale:
        session.info.setdefault(STALE, Stale()).add(stale)


@event.listens_for(Session, "before_commit")
def _rewrite_stale(session: Session) -> None:
    """Before a commit (of the transaction, or of a process step's savepoint): flush what is pending, then
    rewrite what the flushes made stale. Keys noted in a savepoint that rolled back are rewritten too, from
    what the database holds: harmless, and simpler than tracking savepoints."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    stale = session.info.pop(STALE, None)
    if not stale:
        return
    if stale.documents:
        refresh_documents(session, Document.id.in_(sorted(stale.documents)))
    refresh_assignments(session, stale.assignments_where())


@event.listens_for(Session, "after_transaction_end")
def _forget_stale(session: Session, transaction) -> None:
    if transaction.parent is None:  # the whole transaction ended (rolled back, or committed above)
        session.info.pop(STALE, None)


def refresh_documents(session: Session, where: ColumnElement[bool]) -> int:
    """Rewrite the search text of the documents `where` selects; how many."""
    query = select(
        Document.id,
        Document.number,
        Document.title,
        Document.signer,
        Document.doc_type,
        Document.submitting_agency,
    ).where(where)
    rows = [
        {
            "row_id": row.id,
            "text": texts.document_text(
                number=row.number,
                title=row.title,
                signer=row.signer,
                doc_type=row.doc_type,
                submitting_agency=row.submitting_agency,
            ),
        }
        for row in session.execute(query)
    ]
    return _write(session, Document, rows)


def refresh_assignments(session: Session, where: ColumnElement[bool]) -> int:
    """Rewrite the search text of the assignments `where` selects, with the current names of their
    units and specialist and the number and signer of their document; how many."""
    chosen = select(Assignment.id).where(where)
    query = (
        select(
            Assignment.id,
            Assignment.content,
            Assignment.lead_unit_code,
            Document.number,
            Document.signer,
            User.full_name,
        )
        .join(Document, Document.id == Assignment.document_id)
        .outerjoin(User, User.username == Assignment.tracking_specialist)
        .where(Assignment.id.in_(chosen))
    )
    found = session.execute(query).all()
    if not found:
        return 0
    # The lead unit and the coordinating ones (the lead unit is also a row of assignment_units).
    codes = union(
        select(Assignment.id.label("assignment_id"), Assignment.lead_unit_code.label("code")).where(
            Assignment.id.in_(chosen)
        ),
        select(AssignmentUnit.assignment_id, AssignmentUnit.unit_code).where(
            AssignmentUnit.assignment_id.in_(chosen)
        ),
    ).subquery()
    names: dict[int, list[str]] = {}
    for assignment_id, name in session.execute(
        select(codes.c.assignment_id, Unit.name).join(Unit, Unit.code == codes.c.code)
    ):
        names.setdefault(assignment_id, []).append(name)
    rows = [
        {
            "row_id": row.id,
            "text": texts.assignment_text(
                document_number=row.number,
                content=row.content,
                unit_names=sorted(names.get(row.id, [])),  # sorted here: collations differ
                signer=row.signer,
                specialist_name=row.full_name,
            ),
        }
        for row in found
    ]
    return _write(session, Assignment, rows)


def refresh_user_tasks(session: Session, where: ColumnElement[bool]) -> int:
    """Rewrite the search text of the user tasks `where` selects; how many."""
    query = select(UserTaskRow.id, UserTaskRow.name, UserTaskRow.subject).where(where)
    rows = [
        {"row_id": row.id, "text": texts.user_task_text(name=row.name, subject=row.subject)}
        for row in session.execute(query)
    ]
    return _write(session, UserTaskRow, rows)


def rebuild(session: Session) -> dict[str, int]:
    """Rewrite every search text (after data was written around the ORM); rows per table."""
    everything = true()
    return {
        "documents": refresh_documents(session, everything),
        "assignments": refresh_assignments(session, everything),
        "user_tasks": refresh_user_tasks(session, everything),
    }


def _write(session: Session, model, rows: list[dict]) -> int:
    """One executemany UPDATE (Core: no flush, no change history), then the same value into any loaded
    object, so that the session does not hold a stale one."""
    if not rows:
        return 0
    table = model.__table__
    session.execute(
        table.update().where(table.c.id == bindparam("row_id")).values(search_text=bindparam("text")), rows
    )
    for row in rows:
        loaded = session.identity_map.get(session.identity_key(model, row["row_id"]))
        if loaded is not None:
            set_committed_value(loaded, "search_text", row["text"])
    return len(rows)
