"""A difficulty through VP's advice to the leadership (Đ9.1.b, Đ21.2), an urging letter left unanswered
escalated to the Chairman (Đ19.3, Đ10.4), and the unit leader's approval of reports (Đ8.1.c), through the
service layer with the injected clock, across Tết and the make-up Saturday 26/04/2025."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from engine import clock as clock_module
from engine.assignments import service as assignment_service
from engine.assignments.models import (
    Assignment,
    DeadlineAdjustment,
    DifficultyReport,
    Escalation,
    StatusUpdate,
    Urging,
)
from engine.auth import service as auth
from engine.calendar import WorkCalendar
from engine.errors import PermissionDeniedError, ValidationError
from engine.files import scope as files_scope
from engine.files import service as files
from engine.files.models import StoredFile
from engine.notifications.models import Notification
from engine.usertasks import service as usertasks
from tests.conftest import PASSWORD, complete_task
from tests.processes.test_assignment import (
    DUE,
    T2,
    accept,
    act,
    after,
    assignment,
    classify,
    eod,
    events,
    get,
    item,
    notes_to,
    set_leader_approval,
    sweep,
    tasks_of,
    timers,
)
from tests.web.test_pages import form_config, html, login

URGED_ON = date(2025, 4, 29)  # the first sweep after T2 (28/04/2025) sends the letter
ESCALATION_DUE = date(2025, 5, 9)  # 5 working days after 29/04/2025: 30/04-02/05 are days off


@pytest.fixture
def chairman(system, directory):
    """The Chairman's account (role `chairman`), besides the leadership's `ct`."""
    with system.db.transaction() as session:
        user = auth.create_user(
            session=session,
            username="chutich",
            password=PASSWORD,
            full_name="Giàng Chủ Tịch",
            roles=["chairman"],
            unit_code=None,
            now=clock_module.now(),
        )
        return auth.principal(user)


@pytest.fixture
def approval(system, directory):
    """The sở's leader approves what the unit sends (Đ8.1.c), as in a new installation."""
    set_leader_approval(system, "Sở, ban, ngành", True)


def upload_pdf(system, principal, task_id: str) -> dict:
    """A PDF the principal uploads for the user task, as the form's files widget does."""
    row = files.upload(
        db=system.db,
        settings=system.settings,
        user=principal,
        stream=io.BytesIO(b"%PDF-1.4\n%%EOF\n"),
        filename="ke-hoach.pdf",
        task_id=task_id,
    )
    return {"file_id": row.id, "name": row.name}


def urge(system, directory, clock, a_id: int) -> None:
    """The due date and T2 pass without update; VP sends the urging letter."""
    sweep(system, clock, after(date(2025, 4, 24)))
    sweep(system, clock, after(T2))
    act(system, directory["cv"], "send_urging", {"number": "125/VP-TH", "content": "Đề nghị cập nhật"})


def report_difficulty(system, principal, clock, proposed: str | None = "2025-05-30") -> None:
    act(
        system,
        principal,
        "update",
        {
            "kind": "difficulty",
            "difficulties": "Vướng mắc giải phóng mặt bằng",
            "proposals": "Đề nghị gia hạn",
            "proposed_due_date": proposed,
        },
        at=datetime(2025, 4, 15, 2, 0, tzinfo=UTC),
        clock=clock,
    )


# --- VP's advice on a difficulty --------------------------------------------------------------------------


def test_the_so_concerned_reads_the_files_of_the_difficulty_it_was_told_of(system, directory, clock):
    [a_id] = classify(system, directory, item("Mở rộng đường liên xã", "XA_BX", DUE))
    accept(system, directory, "xabx")
    [update] = tasks_of(system, directory["xabx"], "update")
    minutes = upload_pdf(system, directory["xabx"], update.id)
    difficulty = {"kind": "difficulty", "difficulties": "Vướng mắc đơn giá", "attachments": [minutes]}
    complete_task(system, update.id, directory["xabx"], difficulty)

    def readers() -> set[str]:
        with system.db.reading() as session:
            row = session.get(StoredFile, minutes["file_id"])
            return {u for u in ("soxd", "sotc") if files_scope.can_read(session, directory[u], row)}

    assert readers() == set()
    act(
        system,
        directory["cv"],
        "advise_difficulty",
        {"advice": "Có thật", "proposal": "keep", "concerned_unit": "SO_XD"},
    )
    assert readers() == {"soxd"}  # told of it (Đ21.2); another sở still not


def test_a_communes_difficulty_goes_through_vps_advice_and_tells_the_so_concerned(system, directory, clock):
    [a_id] = classify(system, directory, item("Mở rộng đường liên xã", "XA_BX", DUE))
    accept(system, directory, "xabx")
    report_difficulty(system, directory["xabx"], clock)
    assert tasks_of(system, directory["ct"], "give_direction") == []
    [advice] = tasks_of(system, directory["cv"], "advise_difficulty")
    assert advice.name == "Tham mưu xử lý khó khăn, vướng mắc"
    assert "Vướng mắc giải phóng mặt bằng" in advice.instructions and "30/05/2025" in advice.instructions
    with pytest.raises(PermissionDeniedError):  # the sở is not told yet
        with system.db.reading() as session:
            assignment_service.get_or_raise(session=session, user=directory["soxd"], assignment_id=a_id)

    act(
        system,
        directory["cv"],
        "advise_difficulty",
        {
            "advice": "Vướng mắc có thật, do đơn giá bồi thường",
            "proposal": "extend",
            "advised_due_date": "2025-06-30",
            "concerned_unit": "SO_XD",
        },
        at=datetime(2025, 4, 16, 2, 0, tzinfo=UTC),
        clock=clock,
    )
    [report] = get(system, DifficultyReport, assignment_id=a_id)
    assert (report.advice, report.proposal, report.advised_due_date, report.concerned_unit_code) == (
        "Vướng mắc có thật, do đơn giá bồi thường",
        "extend",
        date(2025, 6, 30),
        "SO_XD",
    )
    assert (report.advised_by, report.advised_at) == ("cv", datetime(2025, 4, 16, 2, 0, tzinfo=UTC))
    told = [n for n in notes_to(system, "SO_XD") if n.kind == "difficulty_concerned"]
    assert {n.recipient_group for n in told} == {"unit_leader", "unit_staff"}
    assert all(n.assignment_id == a_id and "UBND xã Bát Xát" in n.message for n in told)
    with system.db.reading() as session:  # the sở concerned may now open the assignment, read only
        seen = assignment_service.get_or_raise(session=session, user=directory["soxd"], assignment_id=a_id)
        assert seen.id == a_id
        listed = assignment_service.list_(
            session=session,
            user=directory["soxd"],
            filters=assignment_service.Filters(),
            today=date(2025, 4, 16),
            calendar=WorkCalendar(),
            soon_days=3,
        )
        assert a_id in {row[0].id for row in listed}
    with pytest.raises(PermissionDeniedError):  # another sở still may not
        with system.db.reading() as session:
            assignment_service.get_or_raise(session=session, user=directory["sotc"], assignment_id=a_id)

    [direction] = tasks_of(system, directory["ct"], "give_direction")
    assert "Vướng mắc giải phóng mặt bằng" in direction.instructions
    assert "Vướng mắc có thật, do đơn giá bồi thường" in direction.instructions
    assert "Gia hạn" in direction.instructions and "30/06/2025" in direction.instructions
    assert "Sở Xây dựng" in direction.instructions
    act(
        system,
        directory["ct"],
        "give_direction",
        {"decision": "extend", "direction": "Đồng ý gia hạn", "new_due_date": "2025-06-30"},
    )
    a = assignment(system, a_id)
    assert (a.due_date, a.effective_due_date) == (date(2025, 6, 30), date(2025, 6, 30))
    [adjustment] = get(system, DeadlineAdjustment, assignment_id=a_id)
    assert adjustment.difficulty_report_id == report.id and adjustment.decided_by == "ct"
    assert any(n.kind == "direction_given" for n in notes_to(system, "XA_BX"))
    assert timers(system, a_id) == {"due_passed": eod(date(2025, 6, 30))}


def test_the_so_concerned_must_be_another_unit(system, directory, clock):
    classify(system, directory, item("Nhiệm vụ", "XA_BX", DUE))
    accept(system, directory, "xabx")
    report_difficulty(system, directory["xabx"], clock)
    [advice] = tasks_of(system, directory["cv"], "advise_difficulty")
    with pytest.raises(ValidationError) as error:
        complete_task(
            system, advice.id, directory["cv"], {"advice": "x", "proposal": "keep", "concerned_unit": "XA_BX"}
        )
    assert "concerned_unit" in error.value.fields
    [report] = get(system, DifficultyReport)
    assert (report.advice, report.concerned_unit_code) == (None, None)
    assert [t.id for t in tasks_of(system, directory["cv"], "advise_difficulty")] == [advice.id]


# --- escalation after an urging letter ---------------------------------------------------------------------


def test_an_unanswered_urging_goes_to_the_chairman_who_extends(system, directory, clock, chairman):
    set_leader_approval(system, "Sở, ban, ngành", False)
    [a_id] = classify(system, directory, item("Xây dựng kho dữ liệu", "SO_TC", DUE))
    accept(system, directory)
    urge(system, directory, clock, a_id)
    assert timers(system, a_id) == {"escalation_wait": eod(ESCALATION_DUE)}
    assert sweep(system, clock, eod(ESCALATION_DUE)).advanced == []  # the unit has the whole day
    assert tasks_of(system, directory["cv"], "propose_measures") == []

    sweep(system, clock, after(ESCALATION_DUE))
    [proposal] = tasks_of(system, directory["cv"], "propose_measures")
    assert proposal.name == "Đề xuất biện pháp xử lý"
    assert "125/VP-TH" in proposal.instructions and "29/04/2025" in proposal.instructions
    # its record: no update, a reminder and a letter, no return, 16 days past 24/04 on 10/05
    assert "Số lần cập nhật: 0 (lần gần nhất: chưa cập nhật lần nào)" in proposal.instructions
    assert (
        "số lần bị nhắc, đôn đốc: 2" in proposal.instructions and "quá hạn 16 ngày" in proposal.instructions
    )
    measures = "Đề nghị Chủ tịch yêu cầu Sở Tài chính giải trình, gia hạn đến 31/07/2025"
    act(system, directory["cv"], "propose_measures", {"measures": measures})
    [direction] = tasks_of(system, chairman, "direct_escalation")
    assert direction.name == "Chỉ đạo xử lý" and measures in direction.instructions
    assert direction.candidate_groups == ["chairman"]

    entered = {"direction_kind": "extend", "direction": "Gia hạn lần cuối", "new_due_date": "2025-07-31"}
    act(
        system,
        chairman,
        "direct_escalation",
        entered,
        at=datetime(2025, 5, 12, 2, 0, tzinfo=UTC),
        clock=clock,
    )
    [urging] = get(system, Urging, assignment_id=a_id, kind="urging_letter")
    [row] = get(system, Escalation, assignment_id=a_id)
    assert (row.urging_id, row.unit_code, row.measures, row.proposed_by) == (
        urging.id,
        "SO_TC",
        measures,
        "cv",
    )
    assert (row.direction_kind, row.direction, row.new_due_date) == (
        "extend",
        "Gia hạn lần cuối",
        date(2025, 7, 31),
    )
    assert (row.directed_by, row.directed_at) == ("chutich", datetime(2025, 5, 12, 2, 0, tzinfo=UTC))
    a = assignment(system, a_id)
    assert (a.due_date, a.effective_due_date) == (date(2025, 7, 31), date(2025, 7, 31))
    [adjustment] = get(system, DeadlineAdjustment, assignment_id=a_id)
    assert (adjustment.basis, adjustment.decided_by) == ("Gia hạn lần cuối", "chutich")
    unit_notes = [n for n in notes_to(system, "SO_TC") if n.kind == "escalation_direction"]
    assert len(unit_notes) == 2 and all("31/07/2025" in n.message for n in unit_notes)
    with system.db.reading() as session:
        to_vp = session.scalars(select(Notification).where(Notification.recipient_user == "cv")).all()
    assert [n.kind for n in to_vp if n.kind == "escalation_direction"] == ["escalation_direction"]
    assert timers(system, a_id) == {"due_passed": eod(date(2025, 7, 31))}  # the watch restarted


def test_another_direction_is_recorded_and_the_watch_waits(system, directory, clock, chairman):
    set_leader_approval(system, "Sở, ban, ngành", False)
    [a_id] = classify(system, directory, item("Nhiệm vụ", "SO_TC", DUE))
    accept(system, directory)
    urge(system, directory, clock, a_id)
    sweep(system, clock, after(ESCALATION_DUE))
    act(system, directory["cv"], "propose_measures", {"measures": "Yêu cầu giải trình"})
    act(
        system,
        chairman,
        "direct_escalation",
        {"direction_kind": "explain", "direction": "Giải trình trong tuần"},
    )
    [row] = get(system, Escalation, assignment_id=a_id)
    assert (row.direction_kind, row.new_due_date) == ("explain", None)
    assert get(system, DeadlineAdjustment) == []
    assert timers(system, a_id) == {}
    assert any("Giải trình trong tuần" in n.message for n in notes_to(system, "SO_TC"))
    assert ("step_completed", "escalated", None) in events(system, a_id)


def test_an_update_after_the_urging_means_no_escalation(system, directory, clock):
    set_leader_approval(system, "Sở, ban, ngành", False)
    [a_id] = classify(system, directory, item("Nhiệm vụ", "SO_TC", DUE))
    accept(system, directory)
    urge(system, directory, clock, a_id)
    act(
        system,
        directory["sotc"],
        "update",
        {"kind": "progress", "situation": "Đã triển khai"},
        at=datetime(2025, 5, 5, 2, 0, tzinfo=UTC),
        clock=clock,
    )
    sweep(system, clock, after(ESCALATION_DUE))
    assert tasks_of(system, directory["cv"], "propose_measures") == []
    assert get(system, Escalation) == []
    assert ("step_completed", "urged", None) in events(system, a_id)
    assert timers(system, a_id) == {}


def test_an_extension_while_the_escalation_waits_drops_it(system, directory, clock):
    set_leader_approval(system, "Sở, ban, ngành", False)
    [a_id] = classify(system, directory, item("Nhiệm vụ", "SO_TC", DUE))
    accept(system, directory)
    urge(system, directory, clock, a_id)
    report_difficulty(system, directory["sotc"], clock, proposed=None)
    act(
        system,
        directory["cv"],
        "advise_difficulty",
        {"advice": "Hợp lý", "proposal": "extend", "advised_due_date": "2025-06-30"},
    )
    act(
        system,
        directory["ct"],
        "give_direction",
        {"decision": "extend", "direction": "Gia hạn", "new_due_date": "2025-06-30"},
    )
    # The new deadline gives the unit new time: the letter under the old one is not escalated.
    assert timers(system, a_id) == {"due_passed": eod(date(2025, 6, 30))}
    sweep(system, clock, after(ESCALATION_DUE))
    assert tasks_of(system, directory["cv"], "propose_measures") == []
    assert get(system, Escalation) == []


# --- the unit leader's approval (Đ8.1.c) --------------------------------------------------------------------


def test_a_staff_result_waits_for_the_leader_who_may_return_it(system, directory, clock, approval):
    [a_id] = classify(system, directory, item("Nhiệm vụ", "SO_TC", DUE))
    accept(system, directory)
    [first] = tasks_of(system, directory["sotc"], "update")
    plan = upload_pdf(system, directory["sotc"], first.id)
    result = {
        "kind": "result",
        "result": "Đã ban hành kế hoạch",
        "completed_on": "2025-04-22",
        "attachments": [plan],
    }
    act(system, directory["sotc"], "update", result, at=datetime(2025, 4, 23, 2, 0, tzinfo=UTC), clock=clock)
    assert get(system, StatusUpdate) == [] and assignment(system, a_id).stage == "accepted"
    assert tasks_of(system, directory["cv"], "confirm") == []
    assert tasks_of(system, directory["sotc"], "approve_report") == []
    [approval] = tasks_of(system, directory["ldsotc"], "approve_report")
    assert approval.name == "Phê duyệt báo cáo của đơn vị" and approval.unit_code == "SO_TC"
    assert "Đỗ Tài Chính" in approval.instructions and "Đã ban hành kế hoạch" in approval.instructions
    assert tasks_of(system, directory["soxd"], "approve_report") == []

    act(
        system,
        directory["ldsotc"],
        "approve_report",
        {"approval_decision": "return", "approval_remarks": "Bổ sung số văn bản ban hành"},
    )
    assert get(system, StatusUpdate) == []
    [update] = tasks_of(system, directory["sotc"], "update")
    assert "Bổ sung số văn bản ban hành" in update.instructions
    with system.db.reading() as session:
        row = usertasks.get_or_raise(session=session, task_id=update.id)
        draft = usertasks.form_data(session=session, engine=system.engine, row=row)
    assert (draft["kind"], draft["result"]) == ("result", "Đã ban hành kế hoạch")  # the draft is kept
    assert [f["file_id"] for f in draft["attachments"]] == [plan["file_id"]]  # with its files
    assert any(
        n.kind == "report_returned" and n.recipient_group == "unit_staff" for n in notes_to(system, "SO_TC")
    )

    fixed = {**result, "result": "Đã ban hành kế hoạch số 45/KH-STC"}
    act(system, directory["sotc"], "update", fixed, at=datetime(2025, 4, 24, 2, 0, tzinfo=UTC), clock=clock)
    update = tasks_of(system, directory["sotc"], "update")
    assert update == []
    act(
        system,
        directory["ldsotc"],
        "approve_report",
        {"approval_decision": "approve"},
        at=datetime(2025, 4, 24, 3, 0, tzinfo=UTC),
        clock=clock,
    )
    [row] = get(system, StatusUpdate, assignment_id=a_id)
    assert (row.result, row.reported_by, row.approved_by) == (
        "Đã ban hành kế hoạch số 45/KH-STC",
        "sotc",
        "ldsotc",
    )
    assert row.approved_at == datetime(2025, 4, 24, 3, 0, tzinfo=UTC)
    assert [f["file_id"] for f in row.attachments] == [plan["file_id"]]  # sent again as it came back
    assert assignment(system, a_id).stage == "result_reported"
    [confirm] = tasks_of(system, directory["cv"], "confirm")
    assert "45/KH-STC" in confirm.instructions


def test_a_file_from_another_process_cannot_ride_on_the_returned_report(system, directory, clock, approval):
    [a_id, other_id] = classify(
        system, directory, item("Nhiệm vụ", "SO_TC", DUE), item("Việc khác", "SO_TC", DUE)
    )
    act_on = {t.instance_id: t for t in tasks_of(system, directory["sotc"], "review")}
    for task in act_on.values():
        complete_task(system, task.id, directory["sotc"], {"decision": "accept"})
    mine, elsewhere = (
        next(
            t
            for t in tasks_of(system, directory["sotc"], "update")
            if t.instance_id == assignment(system, i).instance_id
        )
        for i in (a_id, other_id)
    )
    foreign = upload_pdf(system, directory["sotc"], elsewhere.id)
    report = {"kind": "result", "result": "Xong", "completed_on": "2025-04-22", "attachments": [foreign]}
    with pytest.raises(ValidationError):
        complete_task(system, mine.id, directory["sotc"], report)
    assert get(system, StatusUpdate) == []


def test_an_approved_difficulty_records_its_approver_and_reaches_vp(system, directory, clock, approval):
    [a_id] = classify(system, directory, item("Nhiệm vụ", "SO_TC", DUE))
    accept(system, directory)
    report_difficulty(system, directory["sotc"], clock)
    assert (
        get(system, DifficultyReport) == [] and tasks_of(system, directory["cv"], "advise_difficulty") == []
    )
    act(system, directory["ldsotc"], "approve_report", {"approval_decision": "approve"})
    [report] = get(system, DifficultyReport, assignment_id=a_id)
    assert (report.reported_by, report.approved_by) == ("sotc", "ldsotc")
    assert len(tasks_of(system, directory["cv"], "advise_difficulty")) == 1


def test_progress_and_the_leaders_own_report_need_no_approval(system, directory, clock, approval):
    [a_id] = classify(system, directory, item("Nhiệm vụ", "SO_TC", DUE))
    accept(system, directory)
    act(system, directory["sotc"], "update", {"kind": "progress", "situation": "Đang làm"})
    act(
        system,
        directory["ldsotc"],
        "update",
        {"kind": "result", "result": "Xong", "completed_on": "2025-01-24"},
    )
    assert tasks_of(system, directory["ldsotc"], "approve_report") == []
    updates = get(system, StatusUpdate, assignment_id=a_id)
    assert [(u.reported_by, u.approved_by) for u in updates] == [("sotc", None), ("ldsotc", None)]
    assert assignment(system, a_id).stage == "result_reported"


def test_without_approval_a_staff_result_goes_straight_to_vp(system, directory, clock):
    set_leader_approval(system, "Sở, ban, ngành", False)
    [a_id] = classify(system, directory, item("Nhiệm vụ", "SO_TC", DUE))
    accept(system, directory)
    act(
        system,
        directory["sotc"],
        "update",
        {"kind": "result", "result": "Xong", "completed_on": "2025-01-24"},
    )
    assert tasks_of(system, directory["ldsotc"], "approve_report") == []
    [row] = get(system, StatusUpdate, assignment_id=a_id)
    assert (row.reported_by, row.approved_by) == ("sotc", None)
    assert len(tasks_of(system, directory["cv"], "confirm")) == 1


# --- the pages ---------------------------------------------------------------------------------------------


def test_the_advisory_and_direction_forms_render_in_vietnamese(system, directory, clock, client, chairman):
    set_leader_approval(system, "Sở, ban, ngành", False)
    classify(system, directory, item("Nhiệm vụ", "SO_TC", DUE))
    accept(system, directory)
    report_difficulty(system, directory["sotc"], clock)
    [advice] = tasks_of(system, directory["cv"], "advise_difficulty")
    login(client, "cv")
    page = html(client.get(f"/tasks/{advice.id}"))
    assert "Tham mưu xử lý khó khăn, vướng mắc" in page and "Vướng mắc giải phóng mặt bằng" in page
    config = form_config(page)
    proposal = config["schema"]["properties"]["proposal"]["oneOf"]
    assert [o["title"] for o in proposal] == [
        "Gia hạn",
        "Giữ nguyên thời hạn",
        "Điều chỉnh nội dung nhiệm vụ",
        "Giao đơn vị khác phối hợp",
        "Ý kiến khác",
    ]
    assert config["ui"]["concerned_unit"]["ui:widget"] == "unit"
    client.get("/logout")

    [a_id] = [a.id for a in get(system, Assignment)]
    act(system, directory["cv"], "advise_difficulty", {"advice": "Hợp lý", "proposal": "keep"})
    urge(system, directory, clock, a_id)
    sweep(system, clock, after(ESCALATION_DUE))
    act(system, directory["cv"], "propose_measures", {"measures": "Kiểm điểm trách nhiệm"})
    [direction] = tasks_of(system, chairman, "direct_escalation")
    login(client, "chutich")
    page = html(client.get(f"/tasks/{direction.id}"))
    assert "Chỉ đạo xử lý" in page and "Kiểm điểm trách nhiệm" in page
    kinds = form_config(page)["schema"]["properties"]["direction_kind"]["oneOf"]
    assert [o["title"] for o in kinds] == [
        "Gia hạn",
        "Giao đơn vị khác",
        "Yêu cầu báo cáo giải trình",
        "Kiểm điểm trách nhiệm",
        "Ý kiến khác",
    ]
