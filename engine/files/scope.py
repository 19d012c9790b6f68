"""Who may read a file: the one decision, for the API and the pages alike.

- its uploader (and administrators) always;
- an assignment's files: whoever may see the assignment (VP, the leadership, monitors, its lead and
  coordinating units: engine.assignments.scope);
- a document's files: the readers of documents (VP, the leadership, monitors);
- an inspection's files: whoever may open the inspection (engine.inspections.scope: VP, the leadership,
  monitors, the inspecting and inspected units, the team and its invited members);
- a report round's files, and those of any other process's work: VP, the leadership, monitors and the
  unit whose user task it was;
- a file not yet sent with a completed form, an update or a registered document: its uploader only.
Everyone else, and anyone not signed in, may not."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.assignments import scope as tracking_scope
from engine.auth.service import Principal
from engine.errors import PermissionDeniedError
from engine.files.models import ASSIGNMENT, INSPECTION, INSTANCE, REPORT_ROUND, StoredFile
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
    if row.subject == ASSIGNMENT:
        return tracking_scope.role_of(session, user, row.subject_id) is not None
    if row.subject == INSPECTION:
        inspection = session.get(Inspection, row.subject_id)
        return inspection is not None and inspection_scope.can_see(session, user, inspection)
    if row.subject in (REPORT_ROUND, INSTANCE):
        return row.unit_code is not None and user.unit_code == row.unit_code
    return False  # a document's files: its readers are exactly those who see all (above)


def check_can_read(session: Session, user: Principal | None, row: StoredFile) -> None:
    """PermissionDeniedError (403) unless `user` may read the file."""
    if not can_read(session, user, row):
        raise PermissionDeniedError(REFUSED)
