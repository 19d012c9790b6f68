"""Uploading for a user task or a new document, and the check when the form is completed or the document
registered: every file named must be the sender's upload for that very user task (or new document), and
what is kept is the server's name, size, type and SHA-256, never the browser's."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import select

from engine.assignments.models import StatusUpdate
from engine.documents import service as document_service
from engine.documents.models import Document
from engine.errors import NotFoundError, PermissionDeniedError, TaskNotReadyError, ValidationError
from engine.files import binding, scope
from engine.files.models import ASSIGNMENT, DOCUMENT, StoredFile
from engine.usertasks.models import READY, UserTaskRow
from tests.conftest import ROOT, complete_task, two_task_document
from tests.engine.files import samples
from tests.engine.files.helpers import at_update, tasks_of, upload


def _result(*attachments) -> dict:
    return {
        "kind": "result",
        "result": "Đã ban hành kế hoạch số 88/KH-STC",
        "completed_on": "2025-01-24",
        "attachments": list(attachments),
    }


@pytest.mark.postgres
def test_a_units_result_carries_its_files_with_the_servers_metadata(system, directory, backend):
    at = at_update(system, directory)
    content = samples.pdf()
    sent = upload(system, directory["sotc"], content, "Kế hoạch 88.pdf", task_id=at.task_id)
    assert (sent.name, sent.size, sent.sha256) == (
        "Kế hoạch 88.pdf",
        len(content),
        hashlib.sha256(content).hexdigest(),
    )
    assert (sent.subject, sent.subject_id, sent.unit_code, sent.attached_at) == (
        ASSIGNMENT,
        at.assignment_id,
        "SO_TC",
        None,
    )
    # The browser claims another name, size and checksum: the server's are kept.
    lying = {
        "file_id": sent.id,
        "name": "virus.exe",
        "size": 1,
        "content_type": "text/html",
        "sha256": "f" * 64,
    }
    complete_task(system, at.task_id, directory["sotc"], _result(lying))
    expected = {
        "file_id": sent.id,
        "name": "Kế hoạch 88.pdf",
        "size": len(content),
        "content_type": "application/pdf",
        "sha256": sent.sha256,
    }
    with system.db.reading() as session:
        [update] = session.scalars(select(StatusUpdate).where(StatusUpdate.assignment_id == at.assignment_id))
        assert update.is_result_report and update.attachments == [expected]
        assert session.get(UserTaskRow, at.task_id).submitted["attachments"] == [expected]
        row = session.get(StoredFile, sent.id)
        assert row.attached_at is not None
        assert scope.can_read(session, directory["cv"], row)
        assert not scope.can_read(session, directory["soxd"], row)


def test_a_file_that_is_not_the_senders_upload_for_this_task_is_refused(system, directory):
    at = at_update(system, directory)
    colleague = upload(system, directory["ldsotc"], samples.pdf(), "cua-lanh-dao.pdf", task_id=at.task_id)
    document = upload(system, directory["cv"], samples.pdf(), "van-ban.pdf", purpose="document")
    own = upload(system, directory["sotc"], samples.png(), "anh.png", task_id=at.task_id)
    refs = [{"file_id": i} for i in (own.id, colleague.id, document.id, 999_999, own.id)]
    with pytest.raises(ValidationError) as refused:
        complete_task(system, at.task_id, directory["sotc"], _result(*refs))
    assert refused.value.fields == {
        "attachments/1/file_id": binding.NOT_YOURS,
        "attachments/2/file_id": binding.NOT_YOURS,
        "attachments/3/file_id": binding.NOT_YOURS,
        "attachments/4/file_id": binding.TWICE,
    }
    with system.db.reading() as session:  # nothing changed
        assert session.get(UserTaskRow, at.task_id).state == READY
        assert session.scalar(select(StatusUpdate.id)) is None
        assert session.get(StoredFile, own.id).attached_at is None


def test_a_metadata_only_attachment_as_before_is_refused_by_the_form(system, directory):
    at = at_update(system, directory)
    with pytest.raises(ValidationError) as refused:
        complete_task(system, at.task_id, directory["sotc"], _result({"name": "ke-hoach.pdf", "size": 1024}))
    assert set(refused.value.fields) == {"attachments/0/file_id"}


def test_where_a_file_may_be_uploaded(system, directory):
    at = at_update(system, directory)
    pdf = samples.pdf()
    with pytest.raises(PermissionDeniedError):  # another unit's user task
        upload(system, directory["soxd"], pdf, "a.pdf", task_id=at.task_id)
    with pytest.raises(PermissionDeniedError):  # monitors watch, they do not act
        upload(system, directory["monitor"], pdf, "a.pdf", task_id=at.task_id)
    with pytest.raises(NotFoundError):
        upload(system, directory["sotc"], pdf, "a.pdf", task_id="no-such-task")
    with pytest.raises(NotFoundError):
        upload(system, directory["sotc"], pdf, "a.pdf", task_id="x\x00y")
    with pytest.raises(ValidationError):  # neither a user task nor a document
        upload(system, directory["sotc"], pdf, "a.pdf")
    with pytest.raises(ValidationError):  # both
        upload(system, directory["cv"], pdf, "a.pdf", task_id=at.task_id, purpose="document")
    with pytest.raises(PermissionDeniedError):  # only VP registers documents
        upload(system, directory["sotc"], pdf, "a.pdf", purpose="document")
    [review] = tasks_of(system, directory["soxd"], "review")
    with pytest.raises(ValidationError, match="không nhận tệp đính kèm"):  # its form takes no files
        upload(system, directory["soxd"], pdf, "a.pdf", task_id=review.id)
    complete_task(system, at.task_id, directory["sotc"], {"kind": "progress", "situation": "Đang làm"})
    with pytest.raises(TaskNotReadyError):
        upload(system, directory["sotc"], pdf, "a.pdf", task_id=at.task_id)
    with system.db.reading() as session:
        assert session.scalar(select(StoredFile.id)) is None  # nothing was recorded
    assert not any((system.settings.data_dir / "files").glob("??/*"))  # nor stored


def test_no_form_of_the_secret_report_reminder_takes_files():
    """Đ5.2: nothing of a secret report enters the system, so no upload can be made for its user tasks."""
    for path in (ROOT / "forms" / "secret_report_reminder").glob("*.schema.json"):
        assert binding.file_fields(json.loads(path.read_text())) == []
    for form in (
        "assignment/update",
        "inspection/dossier",
        "inspection/report",
        "periodic_report/submit_report",
    ):
        assert binding.file_fields(json.loads((ROOT / "forms" / f"{form}.schema.json").read_text()))


@pytest.mark.postgres
def test_a_registered_document_holds_its_files(system, directory, backend):
    scan = upload(system, directory["cv"], samples.pdf(), "QĐ 12 (bản ký).pdf", purpose="document")
    annex = upload(system, directory["cv"], samples.docx(), "Phụ lục.docx", purpose="document")
    theirs = upload(system, directory["ldvp"], samples.pdf(), "khac.pdf", purpose="document")
    with system.db.transaction() as session, pytest.raises(ValidationError) as refused:
        document_service.register_document(
            session=session,
            engine=system.engine,
            payload=two_task_document(attachments=[{"file_id": scan.id}, {"file_id": theirs.id}]),
            actor="cv",
        )
    assert refused.value.fields == {"attachments/1/file_id": binding.NOT_FOR_DOCUMENT}
    with system.db.transaction() as session:
        document = document_service.register_document(
            session=session,
            engine=system.engine,
            payload=two_task_document(attachments=[{"file_id": scan.id}, {"file_id": annex.id}]),
            actor="cv",
        )
        document_id = document.id
    with system.db.reading() as session:
        assert [a["name"] for a in session.get(Document, document_id).attachments] == [
            "QĐ 12 (bản ký).pdf",
            "Phụ lục.docx",
        ]
        bound = session.get(StoredFile, scan.id)
        assert (bound.subject, bound.subject_id) == (DOCUMENT, document_id)
        assert scope.can_read(session, directory["ct"], bound)
        assert not scope.can_read(session, directory["sotc"], bound)
    with system.db.transaction() as session, pytest.raises(ValidationError):  # a file belongs to one document
        document_service.register_document(
            session=session,
            engine=system.engine,
            payload=two_task_document(number="13/QĐ-UBND", attachments=[{"file_id": scan.id}]),
            actor="cv",
        )
