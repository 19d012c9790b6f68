"""Opening a notification about an assignment leads to it whoever may see the assignment by the assignment
page's own rule (engine.assignments.scope): the sở concerned by a difficulty (Đ21.2) too, nobody else."""

from __future__ import annotations

from datetime import UTC, date, datetime

from engine.assignments.models import DifficultyReport
from engine.notifications import targets
from engine.notifications.writing import About, write
from tests.factories import add_assignment, add_document

AT = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


def where(system, user, notice):
    with system.db.reading() as session:
        return targets.resolve(
            session=session, user=user, notices=[notice], can_read_documents=False, can_watch_instances=False
        )[notice.id]


def test_the_sector_sở_told_of_a_difficulty_lands_on_the_assignment(system, directory):
    with system.db.transaction() as session:
        document = add_document(session, issued_on=date(2026, 1, 5))
        assignment = add_assignment(session, document, seq=1, lead="XA_BX", due=date(2026, 3, 31))
        report = DifficultyReport(
            assignment_id=assignment.id,
            unit_code="XA_BX",
            difficulties="Thiếu kinh phí giải phóng mặt bằng.",
            reported_at=AT,
        )
        session.add(report)
        about = About(assignment_id=assignment.id, document_id=document.id)
        notice = write(
            session, kind="difficulty_directed", message="Chỉ đạo", about=about, now=AT, unit="SO_XD"
        )
        assignment_id, report_id = assignment.id, report.id
    on_assignment = targets.Target(targets.ASSIGNMENT, assignment_id)
    # Before VP names Sở Xây dựng the sở concerned, neither it nor an unrelated sở may open the task.
    assert where(system, directory["soxd"], notice) is None
    with system.db.transaction() as session:
        session.get(DifficultyReport, report_id).concerned_unit_code = "SO_XD"
    assert where(system, directory["soxd"], notice) == on_assignment
    assert where(system, directory["sotc"], notice) is None
    assert where(system, directory["xabx"], notice) == on_assignment  # the lead unit
    assert where(system, directory["cv"], notice) == on_assignment  # VP sees all
    assert where(system, directory["ct"], notice) == on_assignment  # so does the Chairman
