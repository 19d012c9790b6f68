"""P4 data check and correction (Đ8): VP asks the lead unit to correct its data, then checks it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine.assignments.models import Assignment, StatusUpdate
from engine.errors import PermissionDeniedError, ValidationError
from engine.feedback.models import DataCorrection
from engine.history import ChangeRecord
from engine.instances import service as instances
from engine.instances import starting
from engine.instances.models import ProcessInstance
from engine.notifications import service as notifications
from engine.usertasks import service as usertasks
from tests.conftest import complete_task
from tests.factories import add_assignment, add_document

# Friday 13/02/2026, 10:00 local: the "kịp thời" target of 3 working days skips Tết (16-20/02)
# and ends with Wednesday 25/02/2026.
REQUESTED_BEFORE_TET = datetime(2026, 2, 13, 3, 0, tzinfo=UTC)
END_OF_TARGET = datetime(2026, 2, 25, 17, 0, tzinfo=UTC)


@pytest.fixture
def assignment_id(system, directory, clock) -> int:
    """An assignment led by Sở Tài chính with two status updates of its own and one of a coordinating unit."""
    at = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)
    with system.db.transaction() as session:
        document = add_document(session, issued_on=date(2026, 1, 5), created_at=at)
        assignment = add_assignment(
            session,
            document,
            seq=1,
            lead="SO_TC",
            content="Số hóa hồ sơ thủ tục hành chính",
            due=date(2026, 1, 30),
            coordinating=("SO_NV",),
            completed_on=date(2026, 1, 28),
            created_at=at,
        )
        session.add_all(
            [
                _update(assignment.id, "SO_TC", "Đã số hóa 40% hồ sơ", at + timedelta(days=7)),
                _update(assignment.id, "SO_TC", "Đã số hóa xong", at + timedelta(days=23), done=True),
                _update(assignment.id, "SO_NV", "Đã phối hợp rà soát", at + timedelta(days=24)),
            ]
        )
        return assignment.id


def _update(assignment_id: int, unit: str, situation: str, at: datetime, done: bool = False) -> StatusUpdate:
    return StatusUpdate(
        assignment_id=assignment_id,
        unit_code=unit,
        role="lead" if unit == "SO_TC" else "coordinating",
        progress="done" if done else "in_progress",
        situation=situation,
        result="Hoàn thành số hóa 1.200 hồ sơ" if done else None,
        completed_on=date(2026, 1, 28) if done else None,
        is_result_report=done,
        reported_by="sotc",
        reported_at=at,
    )


def ask_correction(
    system, principal, assignment_id, problem="Số hồ sơ đã số hóa chưa khớp với báo cáo quý."
) -> int:
    with system.db.transaction() as session:
        instance = instances.start(
            session=session,
            engine=system.engine,
            process_id="data_correction",
            data={
                "assignment_id": assignment_id,
                "problem": problem,
                "starter": {
                    "username": principal.username,
                    "full_name": principal.full_name,
                    "unit_code": principal.unit_code,
                },
            },
            actor=principal.username,
        )
        return instance.id


def inbox(system, principal):
    with system.db.reading() as session:
        return usertasks.inbox(session=session, user=principal)


def correction_row(system) -> DataCorrection:
    with system.db.reading() as session:
        return session.scalars(select(DataCorrection)).one()


def status(system, instance_id) -> str:
    with system.db.reading() as session:
        return instances.get_or_raise(session=session, instance_id=instance_id).status


def test_request_goes_to_the_lead_unit_with_a_three_working_day_target_across_tet(
    system, directory, clock, assignment_id
):
    clock.move_to(REQUESTED_BEFORE_TET)
    instance_id = ask_correction(system, directory["cv"], assignment_id)

    row = correction_row(system)
    assert (row.assignment_id, row.unit_code, row.status) == (assignment_id, "SO_TC", "requested")
    assert (row.requested_by, row.requested_at, row.instance_id) == ("cv", REQUESTED_BEFORE_TET, instance_id)
    [task] = inbox(system, directory["sotc"])
    assert (task.bpmn_id, task.name, task.unit_code) == (
        "correct_data",
        "Điều chỉnh, bổ sung thông tin",
        "SO_TC",
    )
    assert task.due_at == END_OF_TARGET
    assert task.subject == "15/KH-UBND: Số hóa hồ sơ thủ tục hành chính"
    assert "25/02/2026" in task.instructions and "chưa khớp" in task.instructions
    assert [t.id for t in inbox(system, directory["ldsotc"])] == [task.id]
    with system.db.reading() as session:
        for_unit = notifications.for_user(session=session, user=directory["sotc"])
        for_other = notifications.for_user(session=session, user=directory["soxd"])
        timers = instances.timers(session=session, instance_id=instance_id)
    assert [n.kind for n in for_unit] == ["data_correction_request"] and "chưa khớp" in for_unit[0].message
    assert for_other == []
    # "Kịp thời" is a warning shown with the due date, not a legal deadline: nothing fires when it passes.
    assert timers == []


def test_another_units_user_can_neither_see_nor_complete_the_correction_task(
    system, directory, clock, assignment_id
):
    clock.move_to(REQUESTED_BEFORE_TET)
    ask_correction(system, directory["cv"], assignment_id)
    [task] = inbox(system, directory["sotc"])
    assert inbox(system, directory["soxd"]) == []
    with system.db.reading() as session:
        row = usertasks.get_or_raise(session=session, task_id=task.id)
        with pytest.raises(PermissionDeniedError):
            usertasks.check_can_see(row, directory["soxd"])
    with pytest.raises(PermissionDeniedError):
        complete_task(system, task.id, directory["soxd"], {"correction": "Không phải đơn vị chúng tôi"})
    assert correction_row(system).status == "requested"


def test_the_request_follows_the_current_lead_unit(system, directory, clock, assignment_id):
    with system.db.transaction() as session:
        session.get(Assignment, assignment_id).lead_unit_code = "SO_XD"  # transferred since (Đ6.2.a)
    ask_correction(system, directory["cv"], assignment_id)
    assert correction_row(system).unit_code == "SO_XD"
    assert [t.bpmn_id for t in inbox(system, directory["soxd"])] == ["correct_data"]
    assert inbox(system, directory["sotc"]) == []


def test_unit_corrects_its_latest_status_update_with_history_and_vp_accepts(
    system, directory, clock, assignment_id
):
    clock.move_to(REQUESTED_BEFORE_TET)
    instance_id = ask_correction(system, directory["cv"], assignment_id)
    [task] = inbox(system, directory["sotc"])
    corrected_at = datetime(2026, 2, 24, 2, 0, tzinfo=UTC)
    clock.move_to(corrected_at)
    fix = {
        "correction": "Sửa số hồ sơ đã số hóa và ngày hoàn thành theo biên bản nghiệm thu.",
        "result": "Hoàn thành số hóa 1.150 hồ sơ",
        "completed_on": "2026-01-29",
    }
    complete_task(system, task.id, directory["sotc"], fix)

    with system.db.reading() as session:
        updates = session.scalars(select(StatusUpdate).order_by(StatusUpdate.id)).all()
        history = session.scalars(
            select(ChangeRecord).where(
                ChangeRecord.entity == "status_updates", ChangeRecord.action == "update"
            )
        ).all()
        assignment = session.get(Assignment, assignment_id)
    first, latest, coordinating = updates
    assert (latest.result, latest.completed_on, latest.situation) == (
        "Hoàn thành số hóa 1.150 hồ sơ",
        date(2026, 1, 29),
        "Đã số hóa xong",
    )
    assert first.result is None and coordinating.situation == "Đã phối hợp rà soát"
    [change] = history
    assert (change.entity_id, change.actor, change.at) == (str(latest.id), "sotc", corrected_at)
    assert change.changes == {
        "result": ["Hoàn thành số hóa 1.200 hồ sơ", "Hoàn thành số hóa 1.150 hồ sơ"],
        "completed_on": ["2026-01-28", "2026-01-29"],
    }
    assert assignment.completed_on == date(2026, 1, 29)  # the result report's date is the assignment's
    row = correction_row(system)
    assert (row.status, row.correction, row.corrected_by, row.corrected_at) == (
        "corrected",
        fix["correction"],
        "sotc",
        corrected_at,
    )

    [review] = inbox(system, directory["cv"])
    assert (review.bpmn_id, review.name) == ("review_correction", "Kiểm tra thông tin đã điều chỉnh")
    assert fix["correction"] in review.instructions
    complete_task(system, review.id, directory["cv"], {"decision": "accept"})
    assert correction_row(system).status == "accepted"
    assert status(system, instance_id) == "completed"


def test_vp_asks_again_and_the_unit_gets_the_new_problem_with_a_new_target(
    system, directory, clock, assignment_id
):
    clock.move_to(REQUESTED_BEFORE_TET)
    instance_id = ask_correction(system, directory["cv"], assignment_id)
    [task] = inbox(system, directory["sotc"])
    complete_task(system, task.id, directory["sotc"], {"correction": "Số liệu đã đúng theo báo cáo quý."})
    [review] = inbox(system, directory["cv"])
    asked_again_at = datetime(2026, 8, 19, 2, 0, tzinfo=UTC)  # Wednesday 19/08/2026
    clock.move_to(asked_again_at)
    problem = "Báo cáo quý ghi 1.150 hồ sơ, hệ thống ghi 1.200: đề nghị thống nhất số liệu."
    complete_task(system, review.id, directory["cv"], {"decision": "ask_again", "problem": problem})

    row = correction_row(system)
    assert (row.problem, row.status, row.requested_at) == (problem, "requested", asked_again_at)
    [again] = inbox(system, directory["sotc"])
    assert again.id != task.id and problem in again.instructions
    # 20, 21, Saturday 22/08/2026 (làm bù): the new target is that Saturday.
    assert again.due_at == datetime(2026, 8, 22, 17, 0, tzinfo=UTC)
    with system.db.reading() as session:
        problems = [
            c.changes["problem"]
            for c in session.scalars(select(ChangeRecord).where(ChangeRecord.entity == "data_corrections"))
            if "problem" in c.changes
        ]
        for_unit = notifications.for_user(session=session, user=directory["sotc"])
    assert problems == [
        [None, "Số hồ sơ đã số hóa chưa khớp với báo cáo quý."],
        ["Số hồ sơ đã số hóa chưa khớp với báo cáo quý.", problem],
    ]
    assert len(for_unit) == 2 and problem in for_unit[0].message

    complete_task(
        system,
        again.id,
        directory["sotc"],
        {"correction": "Thống nhất 1.150 hồ sơ.", "result": "1.150 hồ sơ"},
    )
    [review] = inbox(system, directory["cv"])
    complete_task(system, review.id, directory["cv"], {"decision": "accept"})
    assert correction_row(system).status == "accepted"
    assert status(system, instance_id) == "completed"


def test_unknown_assignment_is_refused_and_nothing_is_stored(system, directory):
    with pytest.raises(ValidationError) as refused:
        ask_correction(system, directory["cv"], 999)
    assert set(refused.value.fields) == {"assignment_id"}
    with system.db.reading() as session:
        for model in (DataCorrection, ProcessInstance):
            assert session.scalar(select(func.count()).select_from(model)) == 0


@pytest.mark.parametrize(
    ("fix", "field"),
    [
        ({"situation": "Đã số hóa xong 1.150 hồ sơ"}, "situation"),
        ({"completed_on": "2026-03-01"}, "completed_on"),
    ],
    ids=["no_status_update_of_the_unit", "completion_after_today"],
)
def test_bad_correction_is_refused_and_changes_nothing(system, directory, clock, assignment_id, fix, field):
    with system.db.transaction() as session:
        if field == "situation":  # the unit has reported nothing yet
            for update in session.scalars(select(StatusUpdate).where(StatusUpdate.unit_code == "SO_TC")):
                session.delete(update)
    clock.move_to(REQUESTED_BEFORE_TET)
    ask_correction(system, directory["cv"], assignment_id)
    [task] = inbox(system, directory["sotc"])
    with pytest.raises(ValidationError) as refused:
        complete_task(system, task.id, directory["sotc"], {"correction": "Điều chỉnh", **fix})
    assert set(refused.value.fields) == {field}
    assert correction_row(system).status == "requested"
    assert [t.id for t in inbox(system, directory["sotc"])] == [task.id]
    with system.db.reading() as session:
        assert (
            session.scalar(
                select(func.count())
                .select_from(ChangeRecord)
                .where(ChangeRecord.entity == "status_updates", ChangeRecord.action == "update")
            )
            == 0
        )


def test_only_vp_specialists_may_ask_for_a_correction(system, directory, assignment_id):
    form = {"assignment_id": assignment_id, "problem": "Thiếu ngày hoàn thành."}
    with pytest.raises(PermissionDeniedError), system.db.transaction() as session:
        starting.start_on_demand(
            session=session,
            engine=system.engine,
            process_id="data_correction",
            data=form,
            user=directory["sotc"],
        )
    with system.db.transaction() as session:
        starting.start_on_demand(
            session=session,
            engine=system.engine,
            process_id="data_correction",
            data=form,
            user=directory["cv"],
        )
    assert correction_row(system).requested_by == "cv"


# --- the lead unit flags wrong data itself (Đ8.1.b): data_correction_request -----------------------------

FLAG = {
    "wrong_fields": ["e"],
    "proposed": "Thời hạn 27/02/2026 theo văn bản đính chính.",
    "reason": "Văn bản đính chính số 20/KH-UBND đã lùi thời hạn.",
}


def flag(system, principal, assignment_id, **form) -> int:
    """Start the unit's request as its start form would."""
    with system.db.transaction() as session:
        instance = starting.start_on_demand(
            session=session,
            engine=system.engine,
            process_id="data_correction_request",
            data={"assignment_id": assignment_id, **FLAG, **form},
            user=principal,
        )
        return instance.id


def test_the_lead_unit_flags_wrong_data_and_vp_explains_why_it_stands(
    system, directory, clock, assignment_id
):
    clock.move_to(REQUESTED_BEFORE_TET)
    instance_id = flag(system, directory["sotc"], assignment_id)
    row = correction_row(system)
    assert (row.requested_by_unit, row.unit_code, row.wrong_fields, row.proposed, row.problem) == (
        "SO_TC",
        "SO_TC",
        ["e"],
        FLAG["proposed"],
        FLAG["reason"],
    )
    [task] = inbox(system, directory["cv"])
    assert (task.bpmn_id, task.name) == ("review_request", "Xem xét đề nghị điều chỉnh thông tin của đơn vị")
    assert f"/assignments/{assignment_id}/correct" in task.instructions and "e) Thời hạn" in task.instructions
    assert inbox(system, directory["sotc"]) == []
    with pytest.raises(ValidationError) as refused:  # keeping the data needs a reason
        complete_task(system, task.id, directory["cv"], {"decision": "kept"})
    assert "explanation" in refused.value.fields
    clock.move_to(datetime(2026, 2, 24, 2, 0, tzinfo=UTC))  # after Tết
    why = "Văn bản đính chính chưa được ban hành; thời hạn giữ nguyên 30/01/2026."
    complete_task(system, task.id, directory["cv"], {"decision": "kept", "explanation": why})
    row = correction_row(system)
    assert (row.status, row.explanation, row.corrected_by) == ("kept", why, "cv")
    with system.db.reading() as session:
        [note] = notifications.for_user(session=session, user=directory["sotc"])
    assert note.kind == "data_correction_outcome" and why in note.message
    assert status(system, instance_id) == "completed"


def test_vp_says_corrected_only_once_the_assignment_was_corrected_after_the_request(
    system, directory, clock, assignment_id
):
    from engine.assignments.models import AssignmentCorrection

    clock.move_to(REQUESTED_BEFORE_TET)
    instance_id = flag(system, directory["ldsotc"], assignment_id)
    [task] = inbox(system, directory["cv"])
    with system.db.transaction() as session:  # a correction made before the request does not count
        session.add(
            AssignmentCorrection(
                assignment_id=assignment_id,
                reason="Nhập nhầm",
                summary="Nội dung: cũ → mới",
                changes={},
                corrected_by="cv",
                corrected_at=REQUESTED_BEFORE_TET - timedelta(days=1),
            )
        )
    with pytest.raises(ValidationError) as refused:
        complete_task(system, task.id, directory["cv"], {"decision": "corrected"})
    assert "decision" in refused.value.fields
    assert correction_row(system).status == "requested"
    assert [t.id for t in inbox(system, directory["cv"])] == [task.id]
    corrected_at = datetime(2026, 2, 23, 3, 0, tzinfo=UTC)
    with system.db.transaction() as session:
        session.add(
            AssignmentCorrection(
                assignment_id=assignment_id,
                reason="Theo đề nghị của Sở Tài chính",
                summary="Thời hạn: 30/01/2026 → 27/02/2026",
                changes={},
                corrected_by="cv",
                corrected_at=corrected_at,
            )
        )
    clock.move_to(corrected_at + timedelta(hours=1))
    complete_task(system, task.id, directory["cv"], {"decision": "corrected"})
    row = correction_row(system)
    assert (row.status, row.correction) == ("corrected", "Thời hạn: 30/01/2026 → 27/02/2026")
    with system.db.reading() as session:
        [note] = notifications.for_user(session=session, user=directory["ldsotc"])
    assert "27/02/2026" in note.message
    assert status(system, instance_id) == "completed"


@pytest.mark.parametrize(
    ("starter", "form", "field"),
    [("soxd", {}, "assignment_id"), ("sotc", {"wrong_fields": ["z"]}, "wrong_fields/0")],
    ids=["unit_not_leading", "unknown_field"],
)
def test_a_bad_request_is_refused_and_nothing_is_stored(
    system, directory, assignment_id, starter, form, field
):
    with pytest.raises(ValidationError) as refused:
        flag(system, directory[starter], assignment_id, **form)
    assert field in refused.value.fields
    with system.db.reading() as session:
        for model in (DataCorrection, ProcessInstance):
            assert session.scalar(select(func.count()).select_from(model)) == 0


def test_vp_cannot_start_the_units_request(system, directory, assignment_id):
    with pytest.raises(PermissionDeniedError):
        flag(system, directory["cv"], assignment_id)
