"""The demo that `make run` loads: a newcomer finds assignments already in their units' hands."""

from __future__ import annotations

from sqlalchemy import func, select

from engine.definitions import service as definitions
from engine.demo import load_demo
from engine.tracking.models import Assignment, Document
from engine.usertasks.models import READY, UserTaskRow


def test_the_demo_loads_once_with_one_document_already_dispatched(system):
    with system.db.transaction() as session:
        definitions.deploy_directory(session=session, settings=system.settings, actor="test")
    lines = load_demo(system)
    assert lines[0].startswith("demo loaded: 10 units, 12 users, 3 documents")
    with system.db.reading() as session:
        assignments = list(session.scalars(select(Assignment).order_by(Assignment.id)))
        reviews = session.execute(
            select(UserTaskRow.unit_code).where(UserTaskRow.bpmn_id == "review", UserTaskRow.state == READY)
        ).scalars()
        documents = session.scalar(select(func.count()).select_from(Document))
        assert [a.lead_unit_code for a in assignments] == ["SO_TC", "SO_NV"]
        assert all(a.instance_id and a.stage == "awaiting_acceptance" for a in assignments)
        assert sorted(reviews) == ["SO_NV", "SO_TC"]
    assert load_demo(system) == ["demo data already loaded"]
    with system.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == documents
