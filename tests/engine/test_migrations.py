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
