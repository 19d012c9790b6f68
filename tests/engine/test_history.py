"""Đ5.1: every change of a tracked row keeps who, when, the old and the new value, in the same transaction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine import history, operators
from engine.calendar import WorkCalendar
from engine.directory.models import Unit

AT = datetime(2025, 7, 1, 2, 0, tzinfo=UTC)


def changes(system, code):
    with system.db.reading() as session:
        return [(r.action, r.changes, r.actor) for r in history.of(session, "units", code)]


def test_insert_update_delete_are_recorded_with_the_actor(system, clock):
    clock.move_to(AT)
    with history.acting_as("admin"), system.db.transaction() as session:
        session.add(Unit(code="SO_YT", name="Sở Y tế", unit_type="Sở, ban, ngành"))
    with history.acting_as("admin"), system.db.transaction() as session:
        unit = session.get(Unit, "SO_YT")
        unit.name = "Sở Y tế tỉnh Lào Cai"
        unit.unit_type = unit.unit_type  # unchanged: no record of it
    with system.db.transaction() as session:
        session.delete(session.get(Unit, "SO_YT"))
    assert changes(system, "SO_YT") == [
        (
            "insert",
            {"code": [None, "SO_YT"], "name": [None, "Sở Y tế"], "unit_type": [None, "Sở, ban, ngành"]},
            "admin",
        ),
        ("update", {"name": ["Sở Y tế", "Sở Y tế tỉnh Lào Cai"]}, "admin"),
        (
            "delete",
            {
                "code": ["SO_YT", None],
                "name": ["Sở Y tế tỉnh Lào Cai", None],
                "unit_type": ["Sở, ban, ngành", None],
                "parent_code": [None, None],
                "active_from": [None, None],
                "active_to": [None, None],
                "successor_code": [None, None],
            },
            None,
        ),
    ]
    with system.db.reading() as session:
        assert {r.at for r in history.of(session, "units", "SO_YT")} == {AT}


def test_inside_a_process_step_the_step_gives_actor_time_and_instance(system):
    step_time = datetime(2025, 8, 1, 1, 0, tzinfo=UTC)
    with system.db.transaction() as session:
        ctx = operators.StepContext(session, 42, "assignment", "sotc", step_time, WorkCalendar())
        with operators.step(ctx):
            session.add(Unit(code="XA_Y", name="UBND xã Y", unit_type="UBND cấp xã/phường"))
            session.flush()  # as the end of every process step does
    with system.db.reading() as session:
        [record] = history.of(session, "units", "XA_Y")
    assert (record.actor, record.at, record.instance_id) == ("sotc", step_time, 42)


def test_a_rolled_back_change_leaves_no_history(system):
    with pytest.raises(RuntimeError), system.db.transaction() as session:
        session.add(Unit(code="SO_GD", name="Sở Giáo dục", unit_type="Sở, ban, ngành"))
        session.flush()
        raise RuntimeError("the step failed")
    assert changes(system, "SO_GD") == []


def test_a_registered_document_names_who_registered_it(system, directory):
    from engine.documents import service as document_service
    from tests.conftest import two_task_document

    with system.db.transaction() as session:
        document = document_service.register_document(
            session=session, engine=system.engine, payload=two_task_document(), actor="cv"
        )
    with system.db.reading() as session:
        [insert] = history.of(session, "documents", document.id)[:1]
    assert (insert.action, insert.actor) == ("insert", "cv")
