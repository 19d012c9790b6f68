"""P8 inspection (Đ12-18) at every level, through the service layer, with the injected clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine import clock as clock_module
from engine import history
from engine.auth import service as auth
from engine.directory.models import Unit
from engine.errors import ConflictError, PermissionDeniedError, ValidationError
from engine.history import ChangeRecord
from engine.inspections import scope
from engine.inspections import service as inspection_service
from engine.inspections.models import Inspection, InspectionMember, InspectionPlan, InspectionPlanItem
from engine.instances import service as instances
from engine.instances import starting
from engine.instances import sweep as timer_sweep
from engine.instances.models import ProcessInstance
from engine.notifications import service as notifications
from engine.notifications.models import Notification
from engine.usertasks import service as usertasks
from tests.conftest import PASSWORD, complete_task

PLANNED_AT = datetime(2026, 1, 20, 2, 0, tzinfo=UTC)  # Tuesday 20/01/2026, 09:00 local
DECIDED_AT = datetime(2026, 1, 26, 3, 0, tzinfo=UTC)
FIELDWORK_ENDED_AT = datetime(2026, 2, 12, 10, 0, tzinfo=UTC)  # Thursday 12/02/2026, 17:00 local
# 7 working days after Thursday 12/02/2026: Fri 13/02 (1), weekend, Tết 16-20/02 off, weekend,
# 23, 24, 25, 26, 27/02 (2-6), weekend, Monday 02/03/2026 (7).
TET_REPORT_DUE = date(2026, 3, 2)
REPORTED_AT = datetime(2026, 2, 27, 3, 0, tzinfo=UTC)  # Friday 27/02/2026, in time
END_OF_TET_REPORT_DUE = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)  # 24:00 local on 02/03/2026
ITEMS = (
    "team_decision",
    "assignment_documents",
    "urging_documents",
    "implementation_reports",
    "inspection_plan",
    "minutes_and_records",
    "result_report",
    "other_documents",
)
DOSSIER_COMPLETE = dict.fromkeys(ITEMS, True)
# Beside the directory of tests/conftest.py (ct is the Chairman, ldvp the Chánh VP): a Vice-Chairman, a
# commune's chairman, a person of
# Sở Nội vụ invited to a team, and a school under the commune for the commune's own inspections.
PEOPLE = [
    ("pct", "Phan Phó Chủ Tịch", ["province_leadership"], None),
    ("ldxa", "Sùng Chủ Tịch Xã", ["unit_leader"], "XA_BX"),
    ("sonv", "Mai Nội Vụ", ["unit_staff"], "SO_NV"),
    ("ldsoxd", "Hà Giám Đốc", ["unit_leader"], "SO_XD"),
    ("sotc2", "Cao Thành Viên", ["unit_staff"], "SO_TC"),
]


@pytest.fixture
def people(system, directory):
    with system.db.transaction() as session:
        session.add(Unit(code="BX_THCS", name="Trường THCS Bát Xát", unit_type="Đơn vị sự nghiệp"))
        for username, name, roles, unit in PEOPLE:
            user = auth.create_user(
                session=session,
                username=username,
                password=PASSWORD,
                full_name=name,
                roles=roles,
                unit_code=unit,
                now=clock_module.now(),
            )
            directory[username] = auth.principal(user)
    return directory


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
        "scope": "Các nhiệm vụ UBND tỉnh giao năm 2025.",
        "inspection_contents": "Các nội dung tại Điều 13.",
        "inspection_duration": "05 ngày làm việc",
        "team_composition": "Trưởng đoàn và 02 thành viên.",
        "team_leader": "cv",
        "team_members": [],
        "invited_members": [],
        "inspected_report_due": "2026-02-06",
    }
    form.update(changes)
    return form


def fieldwork_form(**changes) -> dict:
    form = {
        "start_date": "2026-02-09",
        "end_date": "2026-02-12",
        "minutes_summary": "Đơn vị đã báo cáo đủ; 2 nhiệm vụ quá hạn.",
    }
    form.update(changes)
    return form


REPORT_FORM = {
    "assessment": "Đơn vị triển khai đầy đủ; cập nhật Hệ thống còn chậm.",
    "conclusion": "Hoàn thành 18/20 nhiệm vụ; 2 nhiệm vụ quá hạn do thiếu kinh phí.",
    "recommendations": "Đề nghị chỉ đạo bố trí kinh phí.",
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
    tasks = [t for t in inbox(system, principal) if t.bpmn_id == bpmn_id]
    assert len(tasks) == 1, [t.bpmn_id for t in inbox(system, principal)]
    return tasks[0]


def bpmn_ids(system, principal) -> list[str]:
    return sorted(t.bpmn_id for t in inbox(system, principal))


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


def upload(system, principal, task_id: str, name: str = "bien-ban.pdf") -> dict:
    """A file uploaded for the user task, as the files widget does; returns its reference for the form."""
    import io

    from engine.files import service as files

    row = files.upload(
        db=system.db,
        settings=system.settings,
        user=principal,
        stream=io.BytesIO(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
        filename=name,
        task_id=task_id,
    )
    return {"file_id": row.id}


# ---- the province: VP plans, the Chánh VP proposes, the Chairman decides ----------------------------


def vp_to_decision(system, people, clock) -> int:
    clock.move_to(PLANNED_AT)
    instance_id = start_plan(system, people["cv"], plan_form())
    propose = only_task(system, people["ldvp"], "propose")
    complete_task(system, propose.id, people["ldvp"], {"proposal_outcome": "propose"})
    return instance_id


def vp_to_report(system, people, clock, *, ended_at=FIELDWORK_ENDED_AT, **fieldwork_changes) -> int:
    instance_id = vp_to_decision(system, people, clock)
    clock.move_to(DECIDED_AT)
    complete_task(
        system, only_task(system, people["ct"], "decide_chairman").id, people["ct"], decision_form()
    )
    clock.move_to(ended_at)
    fieldwork = only_task(system, people["cv"], "fieldwork")
    complete_task(system, fieldwork.id, people["cv"], fieldwork_form(**fieldwork_changes))
    return instance_id


def test_vp_plan_goes_through_the_chief_of_office_to_the_chairman_and_closes(system, people, clock):
    clock.move_to(PLANNED_AT)
    instance_id = start_plan(system, people["cv"], plan_form())
    row = inspection_of(system, instance_id)
    assert (row.level, row.inspecting_unit_code, row.status) == ("province", "VP_UBND", "planned")
    assert inbox(system, people["ct"]) == [] and inbox(system, people["pct"]) == []

    # Đ15.1: the Chánh VP sends it back with remarks, the specialist revises, then he proposes.
    propose = only_task(system, people["ldvp"], "propose")
    with pytest.raises(ValidationError):
        complete_task(system, propose.id, people["ldvp"], {"proposal_outcome": "send_back"})
    remarks = {
        "proposal_outcome": "send_back",
        "proposal_remarks": "Bổ sung nội dung kiểm tra chế độ báo cáo.",
    }
    complete_task(system, propose.id, people["ldvp"], remarks)
    revise = only_task(system, people["cv"], "revise_plan")
    assert "Bổ sung nội dung kiểm tra chế độ báo cáo." in revise.instructions
    revised = {k: plan_form()[k] for k in ("title", "planned_from", "planned_to", "purpose")}
    complete_task(system, revise.id, people["cv"], {**revised, "plan_contents": "Điều 13, khoản 3."})
    assert inspection_of(system, instance_id).plan["contents"] == "Điều 13, khoản 3."
    propose = only_task(system, people["ldvp"], "propose")
    complete_task(system, propose.id, people["ldvp"], {"proposal_outcome": "propose"})
    assert inspection_of(system, instance_id).proposal["outcome"] == "propose"

    # The Chairman, not any province leader, decides.
    assert inbox(system, people["pct"]) == []
    decide = only_task(system, people["ct"], "decide_chairman")
    assert decide.subject == "Kiểm tra việc thực hiện nhiệm vụ UBND tỉnh giao năm 2025 — Sở Tài chính"
    clock.move_to(DECIDED_AT)
    complete_task(system, decide.id, people["ct"], decision_form(team_members=[{"person": "ldvp"}]))
    row = inspection_of(system, instance_id)
    assert (row.status, row.team_leader, row.inspected_report_due) == ("in_progress", "cv", date(2026, 2, 6))
    assert bpmn_ids(system, people["sotc"]) == ["inspected_report"]

    clock.move_to(FIELDWORK_ENDED_AT)
    fieldwork = only_task(system, people["cv"], "fieldwork")
    assert "Trưởng đoàn: **Nguyễn Thị Theo Dõi**" in fieldwork.instructions
    with pytest.raises(PermissionDeniedError):  # Đ16.1: only the Trưởng đoàn records the fieldwork
        complete_task(system, fieldwork.id, people["ldvp"], fieldwork_form())
    complete_task(system, fieldwork.id, people["cv"], fieldwork_form())
    row = inspection_of(system, instance_id)
    assert (row.status, row.report_due, row.leader) == (
        "fieldwork_done",
        TET_REPORT_DUE,
        "Nguyễn Thị Theo Dõi",
    )

    clock.move_to(REPORTED_AT)
    complete_task(system, only_task(system, people["cv"], "report").id, people["cv"], REPORT_FORM)
    row = inspection_of(system, instance_id)
    assert row.status == "reported" and row.reported_on == row.notice_sent_on == date(2026, 2, 27)
    assert [r["to"] for r in row.routing] == ["chairman", "inspected_unit"]
    [to_chairman] = notes(system, "inspection_report")
    assert to_chairman.recipient_group == "chairman" and "Sở Tài chính" in to_chairman.message
    assert notes(system, "inspection_report_copy") == []
    with system.db.reading() as session:
        kinds = {n.kind for n in notifications.for_user(session=session, user=people["ldsotc"])}
        assert kinds == {"inspection_notice"}

    dossier = only_task(system, people["cv"], "dossier")
    with pytest.raises(ValidationError) as error:
        complete_task(system, dossier.id, people["cv"], {**DOSSIER_COMPLETE, "urging_documents": False})
    assert "còn thiếu mục 3" in error.value.message
    assert inspection_of(system, instance_id).status == "reported"
    evidence = upload(system, people["cv"], dossier.id, "quyet-dinh.pdf")
    complete_task(system, dossier.id, people["cv"], {**DOSSIER_COMPLETE, "team_decision_files": [evidence]})
    row = inspection_of(system, instance_id)
    assert row.status == "closed"
    assert row.dossier["1"]["filed"] is True and row.dossier["1"]["files"][0]["name"] == "quyet-dinh.pdf"
    assert row.dossier["8"] == {"filed": True, "files": []}
    # The inspected unit's own task is still open: its branch ends on its own.
    assert status_of(system, instance_id) == "running"
    with system.db.reading() as session:
        changes = history.of(session, "inspections", row.id)
    assert [(c.changes["status"][1], c.actor) for c in changes if "status" in c.changes] == [
        ("planned", "cv"),
        ("in_progress", "ct"),
        ("fieldwork_done", "cv"),
        ("reported", "cv"),
        ("closed", "cv"),
    ]


def test_a_declined_plan_is_cancelled_and_ends(system, people, clock):
    instance_id = vp_to_decision(system, people, clock)
    task = only_task(system, people["ct"], "decide_chairman")
    declined = {"outcome": "decline", "decline_reason": "Đã kiểm tra đơn vị năm 2025."}
    complete_task(system, task.id, people["ct"], declined)
    row = inspection_of(system, instance_id)
    assert row.status == "cancelled" and row.decision == {
        "declined": True,
        "reason": "Đã kiểm tra đơn vị năm 2025.",
    }
    assert status_of(system, instance_id) == "completed"


# ---- a sở inspects a commune ---------------------------------------------------------------------------


def test_a_department_inspects_a_commune_with_an_invited_member(system, people, clock, client, auth_headers):
    clock.move_to(PLANNED_AT)
    instance_id = start_plan(system, people["sotc"], plan_form(inspected_unit="XA_BX"))
    row = inspection_of(system, instance_id)
    assert (row.level, row.inspecting_unit_code) == ("department", "SO_TC")
    assert inbox(system, people["ldvp"]) == [] and inbox(system, people["ldsoxd"]) == []
    decide = only_task(system, people["ldsotc"], "decide_unit")  # Đ15.2: the head of the sở

    clock.move_to(DECIDED_AT)
    wrong = decision_form(team_leader="soxd")  # not a person of the inspecting sở
    with pytest.raises(ValidationError) as error:
        complete_task(system, decide.id, people["ldsotc"], wrong)
    assert set(error.value.fields) == {"team_leader"}
    decided = decision_form(
        team_leader="sotc", team_members=[{"person": "sotc2"}], invited_members=[{"person": "sonv"}]
    )
    complete_task(system, decide.id, people["ldsotc"], decided)
    with system.db.reading() as session:
        members = session.execute(select(InspectionMember.username, InspectionMember.role)).all()
        assert sorted(members) == [("sonv", "invited"), ("sotc2", "member")]
        [invitation] = notifications.for_user(session=session, user=people["sonv"])
        assert invitation.kind == "inspection_invitation"

    # Đ16.3: the commune reports with a real file, by the date the decision set.
    task = only_task(system, people["xabx"], "inspected_report")
    assert task.due_at == datetime(2026, 2, 6, 17, 0, tzinfo=UTC)
    evidence = upload(system, people["xabx"], task.id, "bao-cao-xa.pdf")
    complete_task(
        system,
        task.id,
        people["xabx"],
        {"situation": "Đã triển khai 10/12 nhiệm vụ.", "inspected_files": [evidence]},
    )
    row = inspection_of(system, instance_id)
    assert row.inspected_report["files"][0]["name"] == "bao-cao-xa.pdf"
    assert row.inspected_reported_on == date(2026, 1, 26)

    # The invited member opens this inspection and its file, and nothing else (403).
    other = start_plan(system, people["sotc"], plan_form(inspected_unit="SO_XD"))
    with system.db.reading() as session:
        assert scope.can_see(session, people["sonv"], row)
        assert not scope.can_see(session, people["sonv"], inspection_of(system, other))
    invited = auth_headers("sonv")
    assert client.get(f"/api/v1/files/{evidence['file_id']}/content", headers=invited).status_code == 200
    assert (
        client.get(f"/api/v1/files/{evidence['file_id']}/content", headers=auth_headers("soxd")).status_code
        == 403
    )

    clock.move_to(FIELDWORK_ENDED_AT)
    complete_task(system, only_task(system, people["sotc"], "fieldwork").id, people["sotc"], fieldwork_form())
    assert inspection_of(system, instance_id).report_due == TET_REPORT_DUE
    clock.move_to(REPORTED_AT)
    complete_task(system, only_task(system, people["sotc"], "report").id, people["sotc"], REPORT_FORM)
    row = inspection_of(system, instance_id)
    assert [r["to"] for r in row.routing] == ["chairman", "vp", "inspected_unit"]  # Đ17.2
    [copy] = notes(system, "inspection_report_copy")
    assert copy.recipient_group == "vp_specialist" and "Sở Tài chính" in copy.message
    assert [n.recipient_group for n in notes(system, "inspection_report")] == ["chairman"]
    assert only_task(system, people["sotc"], "dossier").bpmn_id == "dossier"


def test_a_commune_report_goes_to_the_province_vp_and_the_sector_concerned(system, people, clock):
    clock.move_to(PLANNED_AT)
    instance_id = start_plan(system, people["xabx"], plan_form(inspected_unit="BX_THCS"))
    assert inspection_of(system, instance_id).level == "commune"
    decide = only_task(system, people["ldxa"], "decide_unit")
    clock.move_to(datetime(2026, 8, 3, 3, 0, tzinfo=UTC))
    decided = decision_form(decision_date="2026-08-03", team_leader="xabx", related_sector_unit="SO_XD")
    complete_task(system, decide.id, people["ldxa"], {**decided, "inspected_report_due": "2026-08-10"})
    # Wednesday 19/08/2026: Thu 20 (1), Fri 21 (2), make-up Saturday 22/08 (3), Mon 24 - Thu 27 (4-7).
    clock.move_to(datetime(2026, 8, 19, 10, 0, tzinfo=UTC))
    fieldwork = fieldwork_form(start_date="2026-08-17", end_date="2026-08-19")
    complete_task(system, only_task(system, people["xabx"], "fieldwork").id, people["xabx"], fieldwork)
    row = inspection_of(system, instance_id)
    assert row.report_due == date(2026, 8, 27)
    report = only_task(system, people["xabx"], "report")
    assert report.due_at == datetime(2026, 8, 27, 17, 0, tzinfo=UTC)
    complete_task(system, report.id, people["xabx"], REPORT_FORM)
    row = inspection_of(system, instance_id)
    assert [r["to"] for r in row.routing] == ["chairman", "vp", "related_sector", "inspected_unit"]  # Đ17.3
    copies = notes(system, "inspection_report_copy")
    assert {(n.recipient_group, n.recipient_unit) for n in copies} == {
        ("vp_specialist", None),
        ("unit_leader", "SO_XD"),
        ("unit_staff", "SO_XD"),
    }
    with system.db.reading() as session:
        assert {n.kind for n in notifications.for_user(session=session, user=people["ldsoxd"])} == {
            "inspection_report_copy"
        }


# ---- deadlines ---------------------------------------------------------------------------------------


def test_overdue_report_notifies_the_inspecting_leadership_once(system, people, clock):
    instance_id = vp_to_report(system, people, clock)
    assert sweep(system, clock, END_OF_TET_REPORT_DUE - timedelta(seconds=1)).advanced == []
    assert sweep(system, clock, END_OF_TET_REPORT_DUE + timedelta(seconds=1)).advanced == [instance_id]
    [overdue] = notes(system, "inspection_report_overdue")
    assert overdue.recipient_group == "vp_leadership" and "02/03/2026" in overdue.message
    assert only_task(system, people["cv"], "report").bpmn_id == "report"  # non-interrupting
    assert sweep(system, clock, END_OF_TET_REPORT_DUE + timedelta(days=3)).advanced == []
    assert len(notes(system, "inspection_report_overdue")) == 1


def test_overdue_report_of_a_department_notifies_its_head(system, people, clock):
    clock.move_to(PLANNED_AT)
    instance_id = start_plan(system, people["sotc"], plan_form(inspected_unit="XA_BX"))
    clock.move_to(DECIDED_AT)
    decide = only_task(system, people["ldsotc"], "decide_unit")
    complete_task(system, decide.id, people["ldsotc"], decision_form(team_leader="sotc"))
    clock.move_to(FIELDWORK_ENDED_AT)
    complete_task(system, only_task(system, people["sotc"], "fieldwork").id, people["sotc"], fieldwork_form())
    assert sweep(system, clock, END_OF_TET_REPORT_DUE + timedelta(seconds=1)).advanced == [instance_id]
    [overdue] = notes(system, "inspection_report_overdue")
    assert (overdue.recipient_group, overdue.recipient_unit) == ("unit_leader", "SO_TC")


def test_a_report_in_time_raises_no_overdue_notice(system, people, clock):
    instance_id = vp_to_report(system, people, clock)
    clock.move_to(REPORTED_AT)
    complete_task(system, only_task(system, people["cv"], "report").id, people["cv"], REPORT_FORM)
    assert sweep(system, clock, END_OF_TET_REPORT_DUE + timedelta(days=1)).advanced == []
    assert notes(system, "inspection_report_overdue") == []
    with system.db.reading() as session:
        assert instances.timers(session=session, instance_id=instance_id) == []


# ---- refusals ----------------------------------------------------------------------------------------


def test_an_invalid_plan_is_refused_with_nothing_stored(system, people, clock):
    clock.move_to(PLANNED_AT)
    for changes, field in (
        ({"inspected_unit": "NO_SUCH_UNIT"}, "inspected_unit"),
        ({"inspected_unit": "VP_UBND"}, "inspected_unit"),
        ({"planned_from": "2026-02-13", "planned_to": "2026-02-09"}, "planned_to"),
        ({"planned_from": "2026-02-30"}, "planned_from"),
    ):
        with pytest.raises(ValidationError) as error:
            start_plan(system, people["cv"], plan_form(**changes))
        assert set(error.value.fields) == {field}
    with pytest.raises(PermissionDeniedError):
        start_plan(system, people["pct"], plan_form())
    with system.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Inspection)) == 0
        assert session.scalar(select(func.count()).select_from(ProcessInstance)) == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"start_date": "2026-02-12", "end_date": "2026-02-09"}, "end_date"),
        ({"end_date": "2026-02-13"}, "end_date"),
        ({"start_date": "2026-01-23"}, "start_date"),
    ],
    ids=["end-before-start", "end-in-the-future", "start-before-decision"],
)
def test_invalid_fieldwork_dates_are_refused_with_nothing_stored(system, people, clock, changes, field):
    instance_id = vp_to_decision(system, people, clock)
    clock.move_to(DECIDED_AT)
    complete_task(
        system, only_task(system, people["ct"], "decide_chairman").id, people["ct"], decision_form()
    )
    clock.move_to(FIELDWORK_ENDED_AT)
    task = only_task(system, people["cv"], "fieldwork")
    with system.db.reading() as session:
        history_before = session.scalar(select(func.count()).select_from(ChangeRecord))
    with pytest.raises(ValidationError) as error:
        complete_task(system, task.id, people["cv"], fieldwork_form(**changes))
    assert set(error.value.fields) == {field}
    row = inspection_of(system, instance_id)
    assert (row.status, row.end_date, row.report_due) == ("in_progress", None, None)
    with system.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(ChangeRecord)) == history_before


# ---- the yearly plan (Đ12.1.a, Đ14.1) ---------------------------------------------------------------


def plan_of_two(system, people, clock) -> tuple[int, list[int]]:
    """Sở Tài chính's plan for 2026: the commune in March, Sở Xây dựng in April; returns (plan, items)."""
    clock.move_to(PLANNED_AT)
    items = [
        {"inspected_unit": "XA_BX", "planned_month": 3, "contents": "Nhiệm vụ thu ngân sách năm 2025."},
        {"inspected_unit": "SO_XD", "planned_month": 4, "contents": "Nhiệm vụ đầu tư công năm 2025."},
    ]
    with system.db.transaction() as session:
        plan = inspection_service.create_plan(
            session=session,
            user=people["sotc"],
            values={"year": 2026, "title": "Kế hoạch kiểm tra năm 2026", "items": items},
            now=clock_module.now(),
        )
        ids = [i.id for i in inspection_service.items_of(session, [plan.id])[plan.id]]
        return plan.id, ids


def start_item(system, principal, item_id: int, **changes) -> Inspection:
    with system.db.transaction() as session:
        data = inspection_service.start_form_data(session, session.get(InspectionPlanItem, item_id))
        form = {**data, "purpose": "Theo kế hoạch năm.", **changes}
        form.pop("plan_item_id")
        row = inspection_service.start_from_item(
            session=session, engine=system.engine, user=principal, item_id=item_id, form=form
        )
        session.expunge(row)
        return row


def approve(system, principal, plan_id: int) -> None:
    with system.db.transaction() as session:
        inspection_service.approve_plan(
            session=session, user=principal, plan_id=plan_id, today=date(2026, 1, 21)
        )


def test_a_plan_with_two_items_starts_two_inspections(system, people, clock):
    plan_id, (first, second) = plan_of_two(system, people, clock)
    # Not approved yet: its items start nothing (Đ14.1).
    with pytest.raises(ValidationError) as error:
        start_item(system, people["sotc"], first)
    assert "chưa được phê duyệt" in error.value.fields["plan_item_id"]
    # Đ15.2: the head of the sở approves, not its staff nor another sở's head; once.
    for someone in ("sotc", "ldsoxd", "ct"):
        with pytest.raises(PermissionDeniedError):
            approve(system, people[someone], plan_id)
    approve(system, people["ldsotc"], plan_id)
    with pytest.raises(ConflictError):
        approve(system, people["ldsotc"], plan_id)
    with system.db.reading() as session:
        plan = session.get(InspectionPlan, plan_id)
        assert (plan.approved_by, plan.approved_on) == ("ldsotc", date(2026, 1, 21))

    # An item starts an inspection of its own unit only; another sở cannot open the plan's items.
    with pytest.raises(ValidationError) as error:
        start_item(system, people["sotc"], first, inspected_unit="SO_XD")
    assert error.value.fields["plan_item_id"] == "đơn vị được kiểm tra khác với mục kế hoạch"
    with pytest.raises(PermissionDeniedError):
        start_item(system, people["soxd"], first)

    one = start_item(system, people["sotc"], first)
    two = start_item(system, people["sotc"], second)
    assert (one.plan_item_id, one.inspected_unit, one.plan["planned_from"], one.plan["planned_to"]) == (
        first,
        "XA_BX",
        "2026-03-01",
        "2026-03-31",
    )
    assert (two.plan_item_id, two.inspected_unit, two.status) == (second, "SO_XD", "planned")
    with pytest.raises(ValidationError) as error:  # an item starts one inspection
        start_item(system, people["sotc"], first)
    assert error.value.fields["plan_item_id"] == "mục kế hoạch này đã được tiến hành kiểm tra"
    with system.db.reading() as session:
        started = inspection_service.started_from(session, [first, second])
        assert {k: v.id for k, v in started.items()} == {first: one.id, second: two.id}
        assert session.scalar(select(func.count()).select_from(Inspection)) == 2
    # Each goes on to its leader's decision like any sở's inspection.
    assert len([t for t in inbox(system, people["ldsotc"]) if t.bpmn_id == "decide_unit"]) == 2


def test_the_chairman_approves_the_plan_of_the_office(system, people, clock):
    clock.move_to(PLANNED_AT)
    item = {"inspected_unit": "SO_TC", "planned_month": 5, "contents": "Điều 13."}
    with system.db.transaction() as session:
        plan_id = inspection_service.create_plan(
            session=session,
            user=people["cv"],
            values={"year": 2026, "title": "Kế hoạch kiểm tra năm 2026 của Văn phòng", "items": [item]},
            now=clock_module.now(),
        ).id
    with pytest.raises(PermissionDeniedError):  # the Chánh VP proposes; the Chairman approves (Đ15.1)
        approve(system, people["ldvp"], plan_id)
    approve(system, people["ct"], plan_id)
    with system.db.reading() as session:
        assert session.get(InspectionPlan, plan_id).approved_by == "ct"


# The province's path up to the report, for other modules' tests (tests/engine/files): it needs only the
# directory of tests/conftest.py, whose ct is the Chairman and ldvp the Chánh VP.
to_report = vp_to_report
