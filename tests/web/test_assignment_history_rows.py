"""Lịch sử xử lý of an assignment shows its divergent opinions (each unit's position too) and its escalation
to the Chairman, each field in Vietnamese and each person by name; a unit's internal delegation (Đ9.2.c)
stays out of it, so VP and other units never read it there."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from engine import history
from engine.assignments.models import Escalation, InternalTask, Urging
from engine.assignments.service import RELATED
from engine.feedback.models import Divergence, DivergencePosition
from tests.factories import add_assignment, add_document
from tests.web.test_pages import login

AT = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
POSITION = "Sở Xây dựng đề nghị giữ nguyên phương án tuyến đường."
MEASURES = "Đề nghị Chủ tịch yêu cầu Sở Tài chính báo cáo giải trình."
INSTRUCTIONS = "Chị Lan soạn báo cáo nội bộ, chưa gửi Văn phòng."


@pytest.fixture
def assignment_id(system, directory) -> int:
    """An assignment led by Sở Tài chính, Sở Xây dựng coordinating, with a divergence between them, an
    escalation of the lead unit to the Chairman, and a task Sở Tài chính gave one of its officials."""
    with system.db.transaction() as session:
        document = add_document(session, issued_on=date(2026, 1, 5))
        a = add_assignment(
            session, document, seq=1, lead="SO_TC", due=date(2026, 3, 31), coordinating=("SO_XD",)
        )
    with history.acting_as("cv"), system.db.transaction() as session:
        divergence = Divergence(
            assignment_id=a.id,
            question="Phương án tuyến đường",
            positions_due=date(2026, 3, 6),
            opened_by="cv",
            opened_at=AT,
        )
        session.add(divergence)
        session.flush()
        urging = Urging(
            kind="urging_letter", assignment_id=a.id, unit_code="SO_TC", content="Đôn đốc", issued_at=AT
        )
        session.add(urging)
        session.flush()
        session.add(
            Escalation(
                assignment_id=a.id,
                urging_id=urging.id,
                unit_code="SO_TC",
                measures=MEASURES,
                proposed_by="cv",
                proposed_at=AT,
                direction_kind="explain",
            )
        )
    with history.acting_as("soxd"), system.db.transaction() as session:
        session.add(
            DivergencePosition(
                divergence_id=divergence.id,
                unit_code="SO_XD",
                position=POSITION,
                stated_by="soxd",
                stated_at=AT,
            )
        )
    with history.acting_as("ldsotc"), system.db.transaction() as session:
        session.add(
            InternalTask(
                assignment_id=a.id,
                unit_code="SO_TC",
                assignee="sotc",
                due_on=date(2026, 3, 10),
                instructions=INSTRUCTIONS,
                created_by="ldsotc",
                created_at=AT,
            )
        )
    return a.id


def test_internal_tasks_are_not_shared_rows_of_the_assignment():
    assert InternalTask not in RELATED


def test_the_history_shows_divergences_positions_and_escalations_but_no_internal_task(client, assignment_id):
    login(client, "cv")
    page = client.get(f"/assignments/{assignment_id}").get_data(as_text=True)
    assert "Thêm mới: Ý kiến khác nhau giữa các đơn vị" in page
    assert "Thêm mới: Ý kiến của đơn vị về nội dung còn khác nhau" in page and POSITION in page
    assert "Thêm mới: Báo cáo Chủ tịch UBND tỉnh về đơn vị chưa cập nhật sau đôn đốc" in page
    assert MEASURES in page and "Yêu cầu báo cáo giải trình" in page  # direction_kind in Vietnamese
    assert "Vũ Xây Dựng" in page  # who stated the position, by name
    assert "divergence_id" not in page and "urging_id" not in page
    assert INSTRUCTIONS not in page


def test_another_unit_never_reads_the_lead_units_internal_task(client, assignment_id):
    login(client, "soxd")
    page = client.get(f"/assignments/{assignment_id}").get_data(as_text=True)
    assert POSITION in page and INSTRUCTIONS not in page


def test_the_api_history_has_the_new_rows_and_no_internal_task(client, auth_headers, assignment_id):
    body = client.get(f"/api/v1/assignments/{assignment_id}/history", headers=auth_headers("cv")).get_json()
    text = str(body)
    assert "divergence_positions" in text and "escalations" in text and "internal_tasks" not in text
