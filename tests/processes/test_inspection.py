"""P8 inspection (Đ12-18), through the service layer, with the injected clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine import history
from engine.errors import PermissionDeniedError, ValidationError
from engine.history import ChangeRecord
from engine.inspections.models import Inspection
from engine.instances import service as instances
from engine.instances import starting
from engine.instances import sweep as timer_sweep
from engine.instances.models import ProcessInstance
from engine.notifications import service as notifications
from engine.notifications.models import Notification
from engine.usertasks import service as usertasks
from tests.conftest import complete_task

PLANNED_AT = datetime(2026, 1, 20, 2, 0, tzinfo=UTC)  # Tuesday 20/01/2026, 09:00 local
DECIDED_AT = datetime(2026, 1, 26, 3, 0, tzinfo=UTC)
FIELDWORK_ENDED_AT = datetime(2026, 2, 12, 10, 0, tzinfo=UTC)  # Thursday 12/02/2026, 17:00 local
# 7 working days after Thursday 12/02/2026: Fri 13/02 (1), weekend, Tết 16-20/02 off, weekend,
# 23, 24, 25, 26, 27/02 (2-6), weekend, Monday 02/03/2026 (7).
TET_REPORT_DUE = date(2026, 3, 2)
REPORTED_AT = datetime(2026, 2, 27, 3, 0, tzinfo=UTC)  # Friday 27/02/2026, in time
END_OF_TET_REPORT_DUE = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)  # 24:00 local on 02/03/2026
DOSSIER_COMPLETE = {
    "team_decision": True,
    "assignment_documents": True,
    "urging_documents": True,
    "implementation_reports": True,
    "inspection_plan": True,
    "minutes_and_records": True,
    "result_report": True,
    "other_documents": True,
}


def plan_form(**changes) -> dict:
    form = {
        "title": "Kiểm tra việc thực hiện nhiệm vụ UBND tỉnh giao năm 2025",
        "inspected_unit": "SO_TC",
        "inspection_form": "regular",
        "planned_from": "2026-02-09",
        "planned_to": "2026-02-13",
        "purpose": "Đánh giá việc triển khai các nhiệm vụ UBND tỉnh giao.",
        "plan_contents": "Các nội dung tại Điều 13 Quy chế 35/2015/QĐ-UBND.",
    }
    form.update(changes)
    return form


def decision_form(**changes) -> dict:
    form = {
        "outcome": "inspect",
        "decision_number": "15/QĐ-UBND",
        "decision_date": "2026-01-26",
        "legal_basis": "Quy chế 35/2015/QĐ-UBND; kế hoạch kiểm tra năm 2026.",
        "scope": "Sở Tài chính; các nhiệm vụ UBND tỉnh giao năm 2025.",
        "inspection_contents": "Các nội dung tại Điều 13.",
        "inspection_duration": "05 ngày làm việc",
        "team_composition": "Lãnh đạo Văn phòng UBND tỉnh làm Trưởng đoàn; 02 chuyên viên.",
    }
    form.update(changes)
    return form


def fieldwork_form(**changes) -> dict:
    form = {
        "team_leader": "Trần Văn Chánh (Phó Chánh Văn phòng UBND tỉnh)",
        "team_members": ["Nguyễn Thị Theo Dõi (chuyên viên)", "Đỗ Văn Kiểm (chuyên viên)"],
        "start_date": "2026-02-09",
        "end_date": "2026-02-12",
        "minutes_summary": "Đơn vị đã báo cáo đủ; 2 nhiệm vụ quá hạn.",
    }
    form.update(changes)
    return form


REPORT_FORM = {
    "assessment": "Đơn vị triển khai đầy đủ; cập nhật Hệ thống còn chậm.",
    "conclusion": "Hoàn thành 18/20 nhiệm vụ; 2 nhiệm vụ quá hạn do thiếu kinh phí.",
    "recommendations": "Đề nghị Chủ tịch UBND tỉnh chỉ đạo bố trí kinh phí.",
}


def start_plan(system, principal, form: dict) -> int:
    """Start P8 through its start form, as the "Kiểm tra" page does."""
    with system.db.transaction() as session:
        instance = starting.start_on_demand(
            session=session, engine=system.engine, process_id="inspection", data=form, user=principal
        )
        return instance.id


def inbox(system, principal):
    with system.db.reading() as session:
        return usertasks.inbox(session=session, user=principal, process_id="inspection")


def only_task(system, principal, bpmn_id: str):
    [task] = inbox(system, principal)
    assert task.bpmn_id == bpmn_id
    return task


def inspection_of(system, instance_id: int) -> Inspection:
    with system.db.reading() as session:
        return session.scalars(select(Inspection).where(Inspection.instance_id == instance_id)).one()


def status_of(system, instance_id: int) -> str:
    with system.db.reading() as session:
        return instances.get_or_raise(session=session, instance_id=instance_id).status


def notes(system, kind: str) -> list[Notification]:
    with system.db.reading() as session:
        return list(session.scalars(select(Notification).where(Notification.kind == kind)))


def sweep(system, clock, at):
    clock.move_to(at)
    return timer_sweep.fire_due_timers(db=system.db, engine=system.engine, now=at)


def to_decision(system, directory, clock) -> int:
    clock.move_to(PLANNED_AT)
    instance_id = start_plan(system, directory["cv"], plan_form())
    only_task(system, directory["ct"], "decide")
    return instance_id


def to_fieldwork(system, directory, clock) -> int:
    instance_id = to_decision(system, directory, clock)
    clock.move_to(DECIDED_AT)
    complete_task(system, only_task(system, directory["ct"], "decide").id, directory["ct"], decision_form())
    only_task(system, directory["cv"], "fieldwork")
    return instance_id


def to_report(system, directory, clock, *, ended_at=FIELDWORK_ENDED_AT, **fieldwork_changes) -> int:
    instance_id = to_fieldwork(system, directory, clock)
    clock.move_to(ended_at)
    task = only_task(system, directory["cv"], "fieldwork")
    complete_task(system, task.id, directory["cv"], fieldwork_form(**fieldwork_changes))
    return instance_id


def to_dossier(system, directory, clock) -> int:
    instance_id = to_report(system, directory, clock)
    clock.move_to(REPORTED_AT)
    complete_task(system, only_task(system, directory["cv"], "report").id, directory["cv"], REPORT_FORM)
    only_task(system, directory["cv"], "dossier")
    return instance_id


def test_plan_to_closed_dossier(system, directory, clock):
    instance_id = to_decision(system, directory, clock)
    row = inspection_of(system, instance_id)
    assert (row.status, row.inspected_unit, row.created_by) == ("planned", "SO_TC", "cv")
    assert row.plan["planned_from"] == "2026-02-09" and row.plan["inspection_form"] == "regular"
    decide = only_task(system, directory["ct"], "decide")
    assert decide.name == "Quyết định kiểm tra"
    assert decide.subject == "Kiểm tra việc thực hiện nhiệm vụ UBND tỉnh giao năm 2025 — Sở Tài chính"
    assert "từ 09/02/2026 đến 13/02/2026" in decide.instructions
    assert inbox(system, directory["cv"]) == []

    clock.move_to(DECIDED_AT)
    complete_task(system, decide.id, directory["ct"], decision_form())
    row = inspection_of(system, instance_id)
    assert row.status == "in_progress"
    assert row.decision["number"] == "15/QĐ-UBND" and row.decision["team_composition"].startswith("Lãnh đạo")
    fieldwork = only_task(system, directory["cv"], "fieldwork")
    assert fieldwork.name == "Thành lập đoàn, tiến hành kiểm tra"
    assert "Quyết định kiểm tra số **15/QĐ-UBND** ngày 26/01/2026" in fieldwork.instructions

    clock.move_to(FIELDWORK_ENDED_AT)
    complete_task(system, fieldwork.id, directory["cv"], fieldwork_form())
    row = inspection_of(system, instance_id)
    assert row.status == "fieldwork_done"
    assert (row.start_date, row.end_date) == (date(2026, 2, 9), date(2026, 2, 12))
    assert row.report_due == TET_REPORT_DUE
    assert row.leader.startswith("Trần Văn Chánh") and len(row.members) == 2
    assert row.report == {"minutes": "Đơn vị đã báo cáo đủ; 2 nhiệm vụ quá hạn."}
    report = only_task(system, directory["cv"], "report")
    assert report.name == "Báo cáo kết quả kiểm tra" and report.due_at == END_OF_TET_REPORT_DUE
    assert "kết thúc kiểm tra ngày 12/02/2026" in report.instructions
    assert "chậm nhất ngày **02/03/2026**" in report.instructions
    assert [t.bpmn_id for t in inbox(system, directory["ldvp"])] == ["report"]

    clock.move_to(REPORTED_AT)
    complete_task(system, report.id, directory["cv"], REPORT_FORM)
    row = inspection_of(system, instance_id)
    assert row.status == "reported"
    assert row.report == {"minutes": "Đơn vị đã báo cáo đủ; 2 nhiệm vụ quá hạn.", **REPORT_FORM}
    assert row.reported_on == row.notice_sent_on == date(2026, 2, 27)
    [to_chairman] = notes(system, "inspection_report")
    assert to_chairman.recipient_group == "province_leadership" and "Sở Tài chính" in to_chairman.message
    with system.db.reading() as session:
        for username in ("ldsotc", "sotc"):
            [notice] = notifications.for_user(session=session, user=directory[username])
            assert notice.kind == "inspection_notice" and "15/QĐ-UBND" in notice.message
        assert notifications.for_user(session=session, user=directory["soxd"]) == []
    assert inbox(system, directory["ldvp"]) == []

    dossier = only_task(system, directory["cv"], "dossier")
    assert dossier.name == "Lập hồ sơ kiểm tra"
    complete_task(system, dossier.id, directory["cv"], DOSSIER_COMPLETE)
    row = inspection_of(system, instance_id)
    assert row.status == "closed"
    assert row.dossier == {str(n): True for n in range(1, 9)}
    assert status_of(system, instance_id) == "completed"
    with system.db.reading() as session:
        changes = history.of(session, "inspections", row.id)
    assert [(c.changes["status"][1], c.actor) for c in changes if "status" in c.changes] == [
        ("planned", "cv"),
        ("in_progress", "ct"),
        ("fieldwork_done", "cv"),
        ("reported", "cv"),
        ("closed", "cv"),
    ]


def test_declined_plan_is_cancelled_and_ends(system, directory, clock):
    instance_id = to_decision(system, directory, clock)
    task = only_task(system, directory["ct"], "decide")
    declined = {"outcome": "decline", "decline_reason": "Đã kiểm tra đơn vị năm 2025."}
    complete_task(system, task.id, directory["ct"], declined)
    row = inspection_of(system, instance_id)
    assert row.status == "cancelled"
    assert row.decision == {"declined": True, "reason": "Đã kiểm tra đơn vị năm 2025."}
    assert status_of(system, instance_id) == "completed"
    assert inbox(system, directory["cv"]) == [] and inbox(system, directory["ct"]) == []


def test_a_decision_without_all_its_contents_is_refused(system, directory, clock):
    instance_id = to_decision(system, directory, clock)
    task = only_task(system, directory["ct"], "decide")
    incomplete = decision_form()
    del incomplete["legal_basis"], incomplete["team_composition"]
    with pytest.raises(ValidationError) as error:
        complete_task(system, task.id, directory["ct"], incomplete)
    assert set(error.value.fields) == {"legal_basis", "team_composition"}
    assert inspection_of(system, instance_id).status == "planned"


@pytest.mark.parametrize(
    ("end_date", "ended_at", "due"),
    [
        # Thursday 12/02/2026 across Tết 2026 (16-20/02 off): Monday 02/03/2026, see TET_REPORT_DUE.
        ("2026-02-12", FIELDWORK_ENDED_AT, TET_REPORT_DUE),
        # Wednesday 19/08/2026: Thu 20 (1), Fri 21 (2), make-up Saturday 22/08 (3), Mon 24 - Thu 27 (4-7).
        ("2026-08-19", datetime(2026, 8, 19, 10, 0, tzinfo=UTC), date(2026, 8, 27)),
    ],
    ids=["tet-2026", "make-up-saturday-2026"],
)
def test_report_is_due_seven_working_days_after_the_end_date(
    system, directory, clock, end_date, ended_at, due
):
    instance_id = to_report(system, directory, clock, ended_at=ended_at, end_date=end_date)
    end_of_due = datetime(due.year, due.month, due.day, 17, 0, tzinfo=UTC)  # 24:00 local (R3)
    assert inspection_of(system, instance_id).report_due == due
    assert only_task(system, directory["cv"], "report").due_at == end_of_due
    with system.db.reading() as session:
        [timer] = instances.timers(session=session, instance_id=instance_id)
    assert (timer.bpmn_id, timer.fire_at) == ("report_overdue", end_of_due)


def test_overdue_report_notifies_the_vp_leadership_once_after_midnight_of_its_due_date(
    system, directory, clock
):
    instance_id = to_report(system, directory, clock)
    assert sweep(system, clock, END_OF_TET_REPORT_DUE - timedelta(seconds=1)).advanced == []
    assert notes(system, "inspection_report_overdue") == []

    assert sweep(system, clock, END_OF_TET_REPORT_DUE + timedelta(seconds=1)).advanced == [instance_id]
    [overdue] = notes(system, "inspection_report_overdue")
    assert overdue.recipient_group == "vp_leadership"
    assert "quá hạn" in overdue.message and "02/03/2026" in overdue.message
    assert "Sở Tài chính" in overdue.message
    assert only_task(system, directory["cv"], "report").bpmn_id == "report"  # non-interrupting

    assert sweep(system, clock, END_OF_TET_REPORT_DUE + timedelta(days=3)).advanced == []
    assert len(notes(system, "inspection_report_overdue")) == 1


def test_a_report_in_time_raises_no_overdue_notice(system, directory, clock):
    instance_id = to_dossier(system, directory, clock)
    assert sweep(system, clock, END_OF_TET_REPORT_DUE + timedelta(days=1)).advanced == []
    assert notes(system, "inspection_report_overdue") == []
    with system.db.reading() as session:
        assert instances.timers(session=session, instance_id=instance_id) == []


def test_the_dossier_cannot_close_with_a_missing_item(system, directory, clock):
    instance_id = to_dossier(system, directory, clock)
    task = only_task(system, directory["cv"], "dossier")
    with system.db.reading() as session:
        history_before = session.scalar(select(func.count()).select_from(ChangeRecord))
    with pytest.raises(ValidationError) as error:
        complete_task(system, task.id, directory["cv"], {**DOSSIER_COMPLETE, "urging_documents": False})
    assert "còn thiếu mục 3" in error.value.message and "Điều 18" in error.value.message
    assert set(error.value.fields) == {"urging_documents"}

    row = inspection_of(system, instance_id)
    assert (row.status, row.dossier) == ("reported", {})
    assert only_task(system, directory["cv"], "dossier").id == task.id
    assert status_of(system, instance_id) == "running"
    with system.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(ChangeRecord)) == history_before


def test_only_the_vp_plans_an_inspection(system, directory, clock):
    clock.move_to(PLANNED_AT)
    with pytest.raises(PermissionDeniedError):
        start_plan(system, directory["sotc"], plan_form())
    instance_id = start_plan(system, directory["ldvp"], plan_form())
    assert inspection_of(system, instance_id).created_by == "ldvp"


def test_an_invalid_plan_is_refused_with_nothing_stored(system, directory, clock):
    clock.move_to(PLANNED_AT)
    for changes, field in (
        ({"inspected_unit": "NO_SUCH_UNIT"}, "inspected_unit"),
        ({"planned_from": "2026-02-13", "planned_to": "2026-02-09"}, "planned_to"),
        ({"planned_from": "2026-02-30"}, "planned_from"),
    ):
        with pytest.raises(ValidationError) as error:
            start_plan(system, directory["cv"], plan_form(**changes))
        assert set(error.value.fields) == {field}
    with system.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Inspection)) == 0
        assert session.scalar(select(func.count()).select_from(ProcessInstance)) == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"start_date": "2026-02-12", "end_date": "2026-02-09"}, "end_date"),  # end before start
        ({"end_date": "2026-02-13"}, "end_date"),  # after today (12/02/2026 local)
        ({"start_date": "2026-01-23"}, "start_date"),  # before the decision of 26/01/2026
    ],
    ids=["end-before-start", "end-in-the-future", "start-before-decision"],
)
def test_invalid_fieldwork_dates_are_refused_with_nothing_stored(system, directory, clock, changes, field):
    instance_id = to_fieldwork(system, directory, clock)
    clock.move_to(FIELDWORK_ENDED_AT)
    task = only_task(system, directory["cv"], "fieldwork")
    with pytest.raises(ValidationError) as error:
        complete_task(system, task.id, directory["cv"], fieldwork_form(**changes))
    assert set(error.value.fields) == {field}
    row = inspection_of(system, instance_id)
    assert (row.status, row.end_date, row.report_due, row.leader) == ("in_progress", None, None, None)
    assert only_task(system, directory["cv"], "fieldwork").id == task.id
    with system.db.reading() as session:
        assert instances.timers(session=session, instance_id=instance_id) == []
