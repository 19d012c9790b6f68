"""Directory administration: add and change a unit through the import's rules, end one with a successor
(its open assignments move, each transfer recorded, the running processes' user tasks follow), ended
units refused for new work, the unit types that report, the tracking rooms."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from engine import clock as clock_module
from engine import history
from engine.assignments.models import Assignment, AssignmentTransfer, AssignmentUnit
from engine.directory import succession, units
from engine.directory.models import Unit
from engine.documents import service as document_service
from engine.errors import ConflictError, ValidationError
from engine.reports.periodic import reporting_units
from engine.usertasks.models import READY, UserTaskRow
from tests.conftest import classification, complete_task, two_task_document

TODAY = date(2025, 1, 24)  # the frozen clock's local day


def _now():
    return clock_module.now()


@pytest.fixture
def dispatched(system, directory):
    """two_task_document classified: SO_TC leads task 1 (SO_NV coordinates), SO_XD leads task 2."""
    with system.db.transaction() as session:
        document = document_service.register_document(
            session=session, engine=system.engine, payload=two_task_document(), actor="cv"
        )
        task_id = session.scalar(
            select(UserTaskRow.id).where(UserTaskRow.instance_id == document.intake_instance_id)
        )
    complete_task(system, task_id, directory["cv"], classification())
    with system.db.reading() as session:
        return {a.lead_unit_code: a.id for a in session.scalars(select(Assignment))}


def _end(system, code="SO_TC", successor="SO_NV", last_day=TODAY, actor="admin"):
    with system.db.transaction() as session:
        return succession.end_unit(
            session=session,
            engine=system.engine,
            code=code,
            last_day=last_day,
            successor_code=successor,
            actor=actor,
            now=_now(),
            today=TODAY,
        )


@pytest.mark.postgres
def test_ending_a_unit_moves_its_open_assignments_and_their_user_tasks(system, dispatched, backend):
    ending = _end(system, "SO_TC", "SO_XD")
    assert ending.led == [dispatched["SO_TC"]]
    with system.db.reading() as session:
        ended = session.get(Unit, "SO_TC")
        assert (ended.active_to, ended.successor_code) == (TODAY, "SO_XD")
        moved = session.get(Assignment, dispatched["SO_TC"])
        assert moved.lead_unit_code == "SO_XD"
        roles = dict(
            session.execute(
                select(AssignmentUnit.unit_code, AssignmentUnit.role).where(
                    AssignmentUnit.assignment_id == moved.id
                )
            ).all()
        )
        assert roles == {"SO_XD": "lead", "SO_NV": "coordinating"}
        transfer = session.scalar(
            select(AssignmentTransfer).where(AssignmentTransfer.assignment_id == moved.id)
        )
        assert (transfer.from_unit, transfer.to_unit, transfer.transferred_by) == ("SO_TC", "SO_XD", "admin")
        assert "Sở Tài chính kết thúc hoạt động từ ngày 25/01/2025" in transfer.reason
        review = session.scalar(
            select(UserTaskRow).where(
                UserTaskRow.instance_id == moved.instance_id, UserTaskRow.state == READY
            )
        )
        assert (review.bpmn_id, review.unit_code) == ("review", "SO_XD")
        assert "Sở Xây dựng" in review.instructions
        changes = history.of(session, "units", "SO_TC")
        assert changes[-1].actor == "admin" and changes[-1].changes["successor_code"] == [None, "SO_XD"]


@pytest.mark.postgres
def test_the_successor_staff_completes_the_moved_user_task(system, directory, dispatched, backend):
    _end(system, "SO_TC", "SO_XD")
    with system.db.reading() as session:
        instance_id = session.get(Assignment, dispatched["SO_TC"]).instance_id
        task_id = session.scalar(
            select(UserTaskRow.id).where(UserTaskRow.instance_id == instance_id, UserTaskRow.state == READY)
        )
    complete_task(system, task_id, directory["soxd"], {"decision": "accept"})
    with system.db.reading() as session:
        assert session.get(Assignment, dispatched["SO_TC"]).stage == "accepted"
        update = session.scalar(
            select(UserTaskRow).where(UserTaskRow.instance_id == instance_id, UserTaskRow.state == READY)
        )
        assert (update.bpmn_id, update.unit_code) == ("update", "SO_XD")


def test_a_coordinating_unit_that_ends_hands_its_part_over(system, dispatched):
    ending = _end(system, "SO_NV", "SO_XD")
    assert (ending.led, ending.coordinated) == ([], [dispatched["SO_TC"]])
    with system.db.reading() as session:
        codes = set(
            session.scalars(
                select(AssignmentUnit.unit_code).where(AssignmentUnit.assignment_id == dispatched["SO_TC"])
            )
        )
    assert codes == {"SO_TC", "SO_XD"}


def test_ending_is_refused_with_a_reason_and_changes_nothing(system, dispatched):
    for successor, last_day, field in [
        ("SO_TC", TODAY, "successor_code"),
        ("KHONG_CO", TODAY, "successor_code"),
        ("SO_XD", date(2025, 2, 1), "active_to"),
    ]:
        with pytest.raises(ValidationError) as refused:
            _end(system, "SO_TC", successor, last_day)
        assert field in refused.value.fields
    _end(system, "SO_NV", "SO_XD", date(2025, 1, 10))
    with pytest.raises(ValidationError, match="Sở Nội vụ.*không còn hoạt động"):
        _end(system, "SO_TC", "SO_NV")
    with pytest.raises(ConflictError):
        _end(system, "SO_NV", "SO_XD")
    with system.db.reading() as session:
        assert session.get(Unit, "SO_TC").active_to is None
        assert session.get(Assignment, dispatched["SO_TC"]).lead_unit_code == "SO_TC"


def test_an_ended_unit_cannot_be_given_new_work(system, dispatched):
    _end(system, "SO_NV", "SO_XD", date(2025, 1, 10))
    payload = two_task_document(number="13/QĐ-UBND")
    with pytest.raises(ValidationError) as refused, system.db.transaction() as session:
        document_service.register_document(session=session, engine=system.engine, payload=payload, actor="cv")
    message = refused.value.fields["tasks/0/coordinating_units/0"]
    assert message == (
        'Đơn vị "Sở Nội vụ" không còn hoạt động (hoạt động đến ngày 10/01/2025); '
        "các nhiệm vụ mới giao cho đơn vị kế thừa (mã SO_XD)"
    )


def test_create_and_update_follow_the_import_rules(system, directory):
    common = {"actor": "admin", "today": TODAY, "now": _now()}
    with system.db.transaction() as session:
        unit = units.create(
            session=session,
            code="XA_MOI",
            name="UBND xã Mới",
            unit_type="UBND cấp xã/phường",
            parent_code=None,
            active_from=date(2025, 7, 1),
            **common,
        )
        assert unit.active_from == date(2025, 7, 1)
    for code, name, parent, field in [
        ("XA_MOI", "Trùng mã", None, "code"),
        ("CO KHOANG", "Có khoảng trắng", None, "code"),
        ("XA_2", "", None, "name"),
        ("XA_3", "Cấp trên lạ", "KHONG_CO", "parent_code"),
    ]:
        with pytest.raises(ValidationError) as refused, system.db.transaction() as session:
            units.create(
                session=session,
                code=code,
                name=name,
                unit_type="UBND cấp xã/phường",
                parent_code=parent,
                active_from=None,
                **common,
            )
        assert field in refused.value.fields, refused.value.fields
    with system.db.transaction() as session:
        units.update(
            session=session,
            code="XA_BX",
            values={"name": "UBND xã Bát Xát mới", "parent_code": "XA_MOI"},
            **common,
        )
    with pytest.raises(ValidationError) as refused, system.db.transaction() as session:
        units.update(session=session, code="XA_MOI", values={"parent_code": "XA_BX"}, **common)
    assert "vòng lặp" in refused.value.fields["parent_code"]
    with system.db.reading() as session:
        renamed = session.get(Unit, "XA_BX")
        assert (renamed.name, renamed.parent_code) == ("UBND xã Bát Xát mới", "XA_MOI")
        assert history.of(session, "units", "XA_BX")[-1].actor == "admin"


def test_which_unit_types_report_is_configured(system, directory):
    with system.db.reading() as session:
        before = reporting_units(session, TODAY)
        assert "VP_UBND" not in before and "XA_BX" in before
        listed = {name: reports for name, reports, _ in units.unit_types(session=session)}
        assert listed["Văn phòng UBND tỉnh"] is False and listed["UBND cấp xã/phường"] is True
    with system.db.transaction() as session:
        units.set_type(session=session, unit_type="UBND cấp xã/phường", sends_reports=False, actor="admin")
    with system.db.reading() as session:
        assert "XA_BX" not in reporting_units(session, TODAY)


def test_rooms_are_a_list_and_classification_refuses_another(system, directory):
    with system.db.transaction() as session:
        units.add_room(session=session, name="  Phòng   Đổi mới ", actor="admin")
        units.set_room_active(session=session, name="Phòng Kinh tế", active=False, actor="admin")
    with system.db.reading() as session:
        names = [r.name for r in units.rooms(session=session, active_only=True)]
    assert "Phòng Đổi mới" in names and "Phòng Kinh tế" not in names and "Phòng Tổng hợp" in names
    with pytest.raises(ValidationError), system.db.transaction() as session:
        units.add_room(session=session, name="Phòng Đổi mới", actor="admin")
