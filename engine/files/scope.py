"""Who may read a file: the one decision, for the API and the pages alike.

- its uploader (and administrators) always;
- an assignment's files: whoever may see the assignment (VP, the leadership, monitors, its lead and
  coordinating units: engine.assignments.scope);
- a document's files: the readers of documents (VP, the leadership, monitors);
- an inspection's files: whoever may open the inspection (engine.inspections.scope: VP, the leadership,
  monitors, the inspecting and inspected units, the team and its invited members);
- a local feedback's or a data-correction request's files (its start form's and its tasks'): whoever may
  see the record: VP, the leadership, monitors, the unit that sent it (the unit asked to correct), and,
  when it is about an assignment, whoever may see that assignment (its page lists the record);
- a report round's files, and those of any other process's work: VP, the leadership, monitors and the
  unit whose user task it was;
- a file not yet sent with a completed form, an update or a registered document: its uploader only.
Everyone else, and anyone not signed in, may not."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.assignments import scope as tracking_scope
from engine.auth.service import Principal
from engine.errors import PermissionDeniedError
from engine.feedback.models import DataCorrection, LocalFeedback
from engine.files.models import (
    ASSIGNMENT,
    DATA_CORRECTION,
    INSPECTION,
    INSTANCE,
    LOCAL_FEEDBACK,
    REPORT_ROUND,
    StoredFile,
)
from engine.inspections import scope as inspection_scope
from engine.inspections.models import Inspection

REFUSED = "Bạn không có quyền xem tệp này"


def can_read(session: Session, user: Principal | None, row: StoredFile) -> bool:
    """Whether `user` (None: not signed in) may read the file `row`."""
    if user is None:
        return False
    if user.is_admin or row.uploaded_by == user.username:
        return True
    if row.attached_at is None or row.subject is None:
        return False  # uploaded, not yet sent with a form or a document: a draft of its uploader's
    if tracking_scope.sees_all(user):
        return True
    if row.subject == ASSIGNMENT:  # also a sở told of the unit's difficulty (Đ21.2): who may open it
        return tracking_scope.can_see(session, user, row.subject_id)
    if row.subject == INSPECTION:
        inspection = session.get(Inspection, row.subject_id)
        return inspection is not None and inspection_scope.can_see(session, user, inspection)
    if row.subject in (LOCAL_FEEDBACK, DATA_CORRECTION):
        return _can_see_record(session, user, row)
    if row.subject in (REPORT_ROUND, INSTANCE):
        return row.unit_code is not None and user.unit_code == row.unit_code
    return False  # a document's files: its readers are exactly those who see all (above)


def _can_see_record(session: Session, user: Principal, row: StoredFile) -> bool:
    """A local feedback or data-correction request, for someone who does not see all: its unit's people,
    or whoever sees the assignment it is about."""
    if row.subject == LOCAL_FEEDBACK:
        record = session.get(LocalFeedback, row.subject_id)
        units = (record.from_unit,) if record else ()
    else:
        record = session.get(DataCorrection, row.subject_id)
        units = (record.unit_code, record.requested_by_unit) if record else ()
    if record is None:
        return False
    if user.unit_code is not None and user.unit_code in units:
        return True
    assignment_id = record.assignment_id
    return assignment_id is not None and tracking_scope.can_see(session, user, assignment_id)


def check_can_read(session: Session, user: Principal | None, row: StoredFile) -> None:
    """PermissionDeniedError (403) unless `user` may read the file."""
    if not can_read(session, user, row):
        raise PermissionDeniedError(REFUSED)
