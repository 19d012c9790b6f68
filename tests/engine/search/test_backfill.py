"""Migration 0016 fills search_text in for the rows already there, with the same fold and composition as
the write hook: run on a database with rows, it gives each the text the hook would have written."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, select

from engine import history
from engine.assignments.models import Assignment
from engine.documents.models import Document
from engine.documents.service import register_document
from engine.migrate import alembic_config, upgrade
from engine.usertasks.models import UserTaskRow
from tests.conftest import two_task_document
from tests.factories import add_assignment, add_document

TABLES = {"documents": Document, "assignments": Assignment, "user_tasks": UserTaskRow}


def texts(engine) -> dict[str, dict]:
    with engine.connect() as connection:
        return {
            name: dict(connection.execute(select(model.id, model.search_text)).all())
            for name, model in TABLES.items()
        }


@pytest.mark.postgres
def test_the_migration_backfills_what_the_hook_writes(system, directory, database_url, backend):
    with history.acting_as("cv"), system.db.transaction() as session:
        register_document(session=session, engine=system.engine, payload=two_task_document(), actor="cv")
        document = add_document(session, number="7/CT-UBND", title="Chỉ thị về phòng, chống thiên tai")
        add_assignment(
            session, document, seq=1, lead="SO_TC", coordinating=("SO_NV", "XA_BX"), content="Gia cố đê"
        )
    system.db.dispose()
    engine = create_engine(database_url)
    written = texts(engine)
    assert all(written.values()) and all(all(t for t in rows.values()) for rows in written.values())
    assert "so tai chinh" in next(iter(written["assignments"].values()))

    command.downgrade(alembic_config(database_url), "0015")
    columns = {c["name"] for c in inspect(engine).get_columns("assignments")}
    assert "search_text" not in columns  # the texts are gone with the columns
    upgrade(database_url)
    assert texts(engine) == written
    engine.dispose()
