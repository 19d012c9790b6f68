"""Who may read a file (engine.files.scope.can_read), as a matrix of readers × what the file belongs to."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.files import scope
from engine.files.models import ASSIGNMENT, DOCUMENT, INSPECTION, INSTANCE, REPORT_ROUND, StoredFile
from engine.inspections.models import Inspection
from tests.engine.files.helpers import add_coordinating_user
from tests.factories import add_assignment, add_document

AT = datetime(2025, 3, 3, 2, 0, tzinfo=UTC)
READERS = ["cv", "ldvp", "ct", "monitor", "admin", "sotc", "ldsotc", "sonv", "soxd", "xabx", "analyst", None]
# subject -> who may read a file of it (None: not signed in). The file's uploader is "uploader", none of them.
MATRIX = {
    # led by SO_TC, SO_NV coordinating
    "assignment": {"cv", "ldvp", "ct", "monitor", "admin", "sotc", "ldsotc", "sonv"},
    "document": {"cv", "ldvp", "ct", "monitor", "admin"},
    # of SO_XD
    "inspection": {"cv", "ldvp", "ct", "monitor", "admin", "soxd"},
    # SO_TC's report in a round
    "report_round": {"cv", "ldvp", "ct", "monitor", "admin", "sotc", "ldsotc"},
    # another process's work, a user task of XA_BX
    "instance": {"cv", "ldvp", "ct", "monitor", "admin", "xabx"},
    # a document's file uploaded but the document not registered
    "unbound": {"admin"},
    # uploaded for SO_TC's assignment, the form not yet completed
    "draft": {"admin"},
}


@pytest.fixture
def subjects(system, directory) -> dict[str, StoredFile]:
    add_coordinating_user(system, directory)
    with system.db.transaction() as session:
        document = add_document(session)
        assignment = add_assignment(session, document, seq=1, lead="SO_TC", coordinating=("SO_NV",))
        inspection = Inspection(title="Kiểm tra Sở Xây dựng", inspected_unit="SO_XD", created_at=AT)
        session.add(inspection)
        session.flush()
        where = {
            "assignment": dict(subject=ASSIGNMENT, subject_id=assignment.id, unit_code="SO_TC"),
            "document": dict(subject=DOCUMENT, subject_id=document.id, purpose="document"),
            "inspection": dict(subject=INSPECTION, subject_id=inspection.id),
            "report_round": dict(subject=REPORT_ROUND, subject_id=1, unit_code="SO_TC"),
            "instance": dict(subject=INSTANCE, subject_id=1, unit_code="XA_BX"),
            "unbound": dict(subject=None, subject_id=None, purpose="document", attached_at=None),
            "draft": dict(subject=ASSIGNMENT, subject_id=assignment.id, unit_code="SO_TC", attached_at=None),
        }
        rows = {}
        for name, fields in where.items():
            fields.setdefault("purpose", "task")
            fields.setdefault("attached_at", AT)
            rows[name] = StoredFile(
                name=f"{name}.pdf",
                size=10,
                content_type="application/pdf",
                sha256="0" * 64,
                storage_key=f"00/{'0' * 64}",
                uploaded_by="uploader",
                uploaded_at=AT,
                **fields,
            )
        session.add_all(rows.values())
    return rows


@pytest.mark.postgres
def test_who_may_read_a_file(system, directory, subjects, backend):
    with system.db.reading() as session:
        found = {
            name: {reader for reader in READERS if scope.can_read(session, directory.get(reader), row)}
            for name, row in subjects.items()
        }
    assert found == MATRIX


def test_the_uploader_reads_their_own_file_and_others_get_403(system, directory, subjects):
    from engine.auth.service import Principal
    from engine.errors import PermissionDeniedError

    uploader = Principal("uploader", "Người tải lên", frozenset({"unit_staff"}), "XA_BX")
    with system.db.reading() as session:
        for row in subjects.values():
            scope.check_can_read(session, uploader, row)
        with pytest.raises(PermissionDeniedError, match="Bạn không có quyền xem tệp này"):
            scope.check_can_read(session, directory["soxd"], subjects["assignment"])
        with pytest.raises(PermissionDeniedError):
            scope.check_can_read(session, None, subjects["document"])
