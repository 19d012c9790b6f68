"""The migrations build exactly the schema the models declare, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, select

from engine.models import Base
from engine.workdays.models import CalendarOverride


@pytest.mark.postgres
def test_migrated_schema_matches_the_models(database_url, backend):
    engine = create_engine(database_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        seeded = connection.execute(select(CalendarOverride.day, CalendarOverride.working)).all()
    engine.dispose()
    assert diff == []
    assert len(seeded) == 8


@pytest.mark.postgres
def test_the_event_log_is_append_only(system, directory, backend):
    from sqlalchemy import delete, update
    from sqlalchemy.exc import DatabaseError

    from engine.documents import service as document_service
    from engine.instances.models import InstanceEvent
    from tests.conftest import two_task_document

    with system.db.transaction() as session:
        document_service.register_document(
            session=session, engine=system.engine, payload=two_task_document(), actor="cv"
        )
    for statement in (update(InstanceEvent).values(actor="someone else"), delete(InstanceEvent)):
        with pytest.raises(DatabaseError, match="append-only"):
            with system.db.transaction() as session:
                session.execute(statement.execution_options(synchronize_session=False))
    with system.db.reading() as session:
        actors = set(session.scalars(select(InstanceEvent.actor)))
    assert "someone else" not in actors and actors


@pytest.mark.postgres
def test_migrations_downgrade_and_upgrade_again(database_url, backend):
    from alembic import command

    from engine.migrate import alembic_config, upgrade

    command.downgrade(alembic_config(database_url), "base")
    engine = create_engine(database_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff  # the tables are gone
    upgrade(database_url)
    test_migrated_schema_matches_the_models(database_url, backend)
