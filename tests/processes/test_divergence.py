"""Divergent opinions between units (Đ9.1.c): each unit states its position by a working-day date, VP
consolidates and proposes, the Chairman directs, the units and VP are told."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine.errors import PermissionDeniedError, ValidationError
from engine.feedback import divergence as divergences
from engine.feedback.models import Divergence, DivergencePosition
from engine.instances import service as instances
from engine.instances import starting
from engine.instances import sweep as timer_sweep
from engine.instances.models import ProcessInstance
from engine.notifications import service as notifications
from engine.notifications.models import Notification
from engine.usertasks import service as usertasks
from tests.conftest import complete_task
from tests.factories import add_assignment, add_document

# Friday 13/02/2026, 10:00 local. Tết 16-20/02/2026 is off: Tuesday 24/02 is the second working day after.
OPENED_BEFORE_TET = datetime(2026, 2, 13, 3, 0, tzinfo=UTC)
END_OF_24_02 = datetime(2026, 2, 24, 17, 0, tzinfo=UTC)  # 24:00 local on 24/02/2026 (R3)
QUESTION = "Sở Tài chính đề nghị bố trí vốn năm 2027; Sở Xây dựng đề nghị bố trí ngay trong năm 2026."


@pytest.fixture
def assignment_id(system, directory) -> int:
    """An assignment led by Sở Xây dựng with Sở Tài chính coordinating; Sở Nội vụ takes no part."""
    created = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)
    with system.db.transaction() as session:
        document = add_document(session, number="07/KH-UBND", issued_on=date(2026, 1, 5), created_at=created)
        return add_assignment(
            session,
            document,
            seq=2,
            lead="SO_XD",
            coordinating=("SO_TC",),
            content="Cải tạo trụ sở liên cơ quan",
            due=date(2026, 6, 30),
            created_at=created,
        ).id


def open_divergence(system, principal, assignment_id, **form) -> int:
    """Start the process as the start page does (the form is checked against its schema first)."""
    data = {
        "assignment_id": assignment_id,
        "units": ["SO_TC", "SO_XD", "SO_NV"],
        "question": QUESTION,
        "positions_due": "2026-02-24",
        **form,
    }
    with system.db.transaction() as session:
        return starting.start_on_demand(
            session=session, engine=system.engine, process_id="divergence", data=data, user=principal
        ).id


def inbox(system, principal):
    with system.db.reading() as session:
        return usertasks.inbox(session=session, user=principal)


def notes_for(system, principal):
    with system.db.reading() as session:
        return notifications.for_user(session=session, user=principal)


def sweep(system, clock, at):
    clock.move_to(at)
    return timer_sweep.fire_due_timers(db=system.db, engine=system.engine, now=at)


def status(system, instance_id) -> str:
    with system.db.reading() as session:
        return instances.get_or_raise(session=session, instance_id=instance_id).status


def nothing_stored(system) -> None:
    with system.db.reading() as session:
        for model in (Divergence, DivergencePosition, ProcessInstance, Notification):
            assert session.scalar(select(func.count()).select_from(model)) == 0


def test_positions_across_tet_one_unit_missing_then_proposal_and_direction_reach_everyone(
    system, directory, clock, assignment_id
):
    clock.move_to(OPENED_BEFORE_TET)
    instance_id = open_divergence(system, directory["cv"], assignment_id)

    [tc_task] = inbox(system, directory["sotc"])
    [xd_task] = inbox(system, directory["soxd"])
    assert tc_task.name == xd_task.name == "Nêu ý kiến về nội dung còn khác nhau"
    assert tc_task.due_at == xd_task.due_at == END_OF_24_02
    assert QUESTION in tc_task.instructions and "24/02/2026" in tc_task.instructions
    assert inbox(system, directory["cv"]) == [] and inbox(system, directory["ct"]) == []

    clock.move_to(datetime(2026, 2, 23, 2, 0, tzinfo=UTC))  # Monday after Tết, 09:00 local
    complete_task(system, tc_task.id, directory["sotc"], {"position": "Đề nghị bố trí vốn năm 2027."})
    clock.move_to(datetime(2026, 2, 24, 8, 30, tzinfo=UTC))  # 15:30 local on the date itself
    complete_task(system, xd_task.id, directory["soxd"], {"position": "Trụ sở xuống cấp, cần làm ngay."})
    assert inbox(system, directory["cv"]) == []  # Sở Nội vụ has till the end of the day

    # The date ends at 24:00 local: not a second earlier does VP go on without Sở Nội vụ.
    assert sweep(system, clock, END_OF_24_02 - timedelta(seconds=1)).advanced == []
    assert sweep(system, clock, END_OF_24_02 + timedelta(seconds=1)).advanced == [instance_id]
    [consolidate] = inbox(system, directory["cv"])
    assert consolidate.name == "Tổng hợp ý kiến, đề xuất"
    assert "Đề nghị bố trí vốn năm 2027." in consolidate.instructions
    assert "Trụ sở xuống cấp" in consolidate.instructions and "Vũ Xây Dựng" in consolidate.instructions
    assert "Đơn vị chưa nêu ý kiến đến hết ngày 24/02/2026: Sở Nội vụ" in consolidate.instructions

    clock.move_to(datetime(2026, 2, 25, 2, 0, tzinfo=UTC))
    proposal = "Văn phòng đề xuất bố trí vốn chuẩn bị đầu tư năm 2026, thi công năm 2027."
    complete_task(system, consolidate.id, directory["cv"], {"proposal": proposal})
    [direct] = inbox(system, directory["ct"])
    assert direct.name == "Chỉ đạo" and proposal in direct.instructions
    assert inbox(system, directory["ldvp"]) == []  # only the Chairman directs

    directed_at = datetime(2026, 2, 26, 3, 0, tzinfo=UTC)
    clock.move_to(directed_at)
    direction = "Thống nhất đề xuất của Văn phòng; Sở Tài chính tham mưu bố trí vốn."
    complete_task(system, direct.id, directory["ct"], {"direction": direction})

    with system.db.reading() as session:
        row = session.scalars(select(Divergence)).one()
        stated = {p.unit_code: (p.position, p.stated_by) for p in session.scalars(select(DivergencePosition))}
        [shown] = divergences.for_assignment(session, assignment_id=assignment_id, today=date(2026, 2, 26))
    assert (row.status, row.proposal, row.proposed_by) == ("directed", proposal, "cv")
    assert (row.direction, row.directed_by, row.directed_at) == (direction, "ct", directed_at)
    assert stated == {
        "SO_TC": ("Đề nghị bố trí vốn năm 2027.", "sotc"),
        "SO_XD": ("Trụ sở xuống cấp, cần làm ngay.", "soxd"),
        "SO_NV": (None, None),
    }
    assert (shown["directed_by"], shown["proposed_by"]) == ("Đinh Chủ Tịch", "Nguyễn Thị Theo Dõi")
    assert [(p["unit_name"], p["stated_by"]) for p in shown["positions"]] == [
        ("Sở Tài chính", "Đỗ Tài Chính"),
        ("Sở Xây dựng", "Vũ Xây Dựng"),
        ("Sở Nội vụ", None),
    ]
    for user in ("sotc", "ldsotc", "soxd", "cv"):
        notes = [n for n in notes_for(system, directory[user]) if n.kind == "divergence_direction"]
        assert len(notes) == 1 and direction in notes[0].message, user
        assert notes[0].assignment_id == assignment_id
    assert status(system, instance_id) == "completed"


def test_when_every_unit_has_answered_vp_consolidates_at_once(system, directory, clock, assignment_id):
    clock.move_to(OPENED_BEFORE_TET)
    instance_id = open_divergence(system, directory["cv"], assignment_id, units=["SO_TC", "SO_XD"])
    for user in ("sotc", "soxd"):
        [task] = inbox(system, directory[user])
        complete_task(system, task.id, directory[user], {"position": f"Ý kiến của {user}"})
    [consolidate] = inbox(system, directory["cv"])
    assert "chưa nêu ý kiến" not in consolidate.instructions
    with system.db.reading() as session:
        assert instances.timers(session=session, instance_id=instance_id) == []


def test_a_make_up_saturday_is_a_date_for_positions_and_its_end_closes_them(
    system, directory, clock, assignment_id
):
    clock.move_to(datetime(2026, 8, 20, 2, 0, tzinfo=UTC))  # Thursday 20/08/2026
    with pytest.raises(ValidationError) as refused:  # Sunday 23/08 is no working day
        open_divergence(system, directory["cv"], assignment_id, positions_due="2026-08-23")
    assert "không phải ngày làm việc" in refused.value.fields["positions_due"]
    instance_id = open_divergence(system, directory["cv"], assignment_id, positions_due="2026-08-22")
    [task] = inbox(system, directory["sotc"])
    end_of_saturday = datetime(2026, 8, 22, 17, 0, tzinfo=UTC)
    assert task.due_at == end_of_saturday
    assert sweep(system, clock, end_of_saturday + timedelta(seconds=1)).advanced == [instance_id]
    [consolidate] = inbox(system, directory["cv"])
    assert "Sở Tài chính, Sở Xây dựng, Sở Nội vụ" in consolidate.instructions
    assert inbox(system, directory["sotc"]) == []  # the units' tasks closed with the date


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"units": ["SO_TC"]}, "units"),
        ({"units": ["SO_TC", "SO_KHONG_CO"]}, "units"),
        ({"positions_due": "2026-02-12"}, "positions_due"),  # yesterday
        ({"positions_due": "2026-02-13"}, "positions_due"),  # today
        ({"positions_due": "2026-02-17"}, "positions_due"),  # Tết
        ({"assignment_id": 999}, "assignment_id"),
    ],
    ids=["one_unit", "unit_not_in_directory", "past_date", "today", "tet_day", "unknown_assignment"],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(
    system, directory, clock, assignment_id, form, field
):
    clock.move_to(OPENED_BEFORE_TET)
    form = {"assignment_id": assignment_id, **form}
    with pytest.raises(ValidationError) as refused:
        open_divergence(system, directory["cv"], form.pop("assignment_id"), **form)
    assert field in refused.value.fields
    nothing_stored(system)


def test_only_vp_specialists_start_it_and_the_api_refuses_bad_input_with_422(
    system, directory, clock, client, auth_headers, assignment_id
):
    clock.move_to(OPENED_BEFORE_TET)
    with pytest.raises(PermissionDeniedError):
        open_divergence(system, directory["sotc"], assignment_id)
    url = "/api/v1/process-definitions/key/divergence/start"
    form = {
        "assignment_id": assignment_id,
        "units": ["SO_TC"],
        "question": "?",
        "positions_due": "2026-02-24",
    }
    refused = client.post(url, json=form, headers=auth_headers("cv"))
    assert refused.status_code == 422 and "units" in refused.get_json()["details"]["fields"]
    unknown = client.post(url, json={**form, "units": ["SO_TC", "SO_X"]}, headers=auth_headers("cv"))
    assert unknown.status_code == 422 and "units" in unknown.get_json()["details"]["fields"]
    nothing_stored(system)
