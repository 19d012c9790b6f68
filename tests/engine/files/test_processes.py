"""Files in the other procedures: an inspection's report (P8) and a unit's periodic report (P9) hold their
files, which belong to the inspection or the round, and are read by VP and the unit concerned only."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from engine.files import scope
from engine.files.models import INSPECTION, REPORT_ROUND, StoredFile
from engine.inspections.models import Inspection
from engine.reports.models import ReportRound
from engine.usertasks import service as usertasks
from engine.usertasks.models import UserTaskRow
from tests.conftest import complete_task
from tests.engine.files import samples
from tests.engine.files.helpers import upload
from tests.processes import test_inspection as p8
from tests.processes import test_periodic_report as p9


def _readers(system, directory, file_id: int) -> set[str]:
    with system.db.reading() as session:
        row = session.get(StoredFile, file_id)
        return {name for name, user in directory.items() if scope.can_read(session, user, row)}


def test_an_inspection_report_holds_its_signed_report(system, directory, clock):
    instance_id = p8.to_report(system, directory, clock)  # the inspection of SO_TC
    clock.move_to(p8.REPORTED_AT)
    task = p8.only_task(system, directory["cv"], "report")
    signed = upload(
        system, directory["cv"], samples.pdf(), "Báo cáo kết quả kiểm tra (đã ký).pdf", task_id=task.id
    )
    complete_task(
        system, task.id, directory["cv"], {**p8.REPORT_FORM, "report_files": [{"file_id": signed.id}]}
    )
    with system.db.reading() as session:
        inspection_id = session.scalar(select(Inspection.id).where(Inspection.instance_id == instance_id))
        row = session.get(StoredFile, signed.id)
        assert (row.subject, row.subject_id) == (INSPECTION, inspection_id) and row.attached_at
        assert session.get(UserTaskRow, task.id).submitted["report_files"][0]["name"] == row.name
    assert _readers(system, directory, signed.id) == {
        "cv",
        "ldvp",
        "ct",
        "monitor",
        "admin",
        "sotc",
        "ldsotc",
    }
    # The dossier's own form starts without the report's files (they were sent for another user task).
    dossier = p8.only_task(system, directory["cv"], "dossier")
    with system.db.reading() as session:
        data = usertasks.form_data(session=session, engine=system.engine, row=dossier)
    assert "dossier_files" not in data


def test_a_units_periodic_report_holds_its_signed_copy(system, directory, clock):
    p9.start_scheduler(system, clock)
    p9.sweep(system, clock, p9.Q3_OPENS + timedelta(seconds=1))
    task = p9.report_task(system, directory["sotc"])
    signed = upload(system, directory["sotc"], samples.pdf(), "BC quý III.pdf", task_id=task.id)
    annex = upload(system, directory["sotc"], samples.docx(), "Phụ lục.docx", task_id=task.id)
    refs = [{"file_id": signed.id}, {"file_id": annex.id}]
    complete_task(
        system, task.id, directory["sotc"], {"situation": "Đã triển khai đầy đủ", "attachments": refs}
    )
    with system.db.reading() as session:
        round_id = session.scalar(select(ReportRound.id))
        rows = [session.get(StoredFile, i) for i in (signed.id, annex.id)]
        assert {(r.subject, r.subject_id, r.unit_code) for r in rows} == {(REPORT_ROUND, round_id, "SO_TC")}
    assert _readers(system, directory, annex.id) == {"cv", "ldvp", "ct", "monitor", "admin", "sotc", "ldsotc"}
