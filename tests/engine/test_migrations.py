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


@pytest.mark.postgres
def test_frozen_figures_are_restated_in_the_comparable_rates(database_url, backend):
    """0024: a round frozen with the old table (no-deadline tasks apart, one rate over all tasks) and a
    P10 report keep their counts and get the rates the tables now print."""
    import json

    from alembic import command
    from sqlalchemy import text

    from engine.migrate import alembic_config

    command.downgrade(alembic_config(database_url), "0023")
    old = {"unit_code": "SO_TC", "unit_name": "Sở Tài chính", "total": 10, "done": 4, "done_on_time": 3}
    old |= {"done_late": 1, "open": 6, "open_in_time": 2, "open_late": 2, "no_deadline": 2, "due_soon": 1}
    old |= {"on_time_rate": 30.0}
    p10_row = {"tasks": 10, "completed": 4, "completed_on_time": 3, "overdue": 3, "on_time_rate": 30.0}
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO report_rounds (id, kind, year, period, label, window_from, window_to, unit_due,"
                " consolidation_due, status, figures, opened_at, published_at) VALUES (1, 'quarter', 2026,"
                " 3, 'Quý III', '2026-06-15', '2026-09-14', '2026-09-21', '2026-09-24', 'published',"
                " :figures, '2026-09-01 01:00:00+00', '2026-09-25 03:00:00+00')"
            ),
            {"figures": json.dumps([old])},
        )
        connection.execute(
            text(
                "INSERT INTO regulation_reports (id, year, as_of, figures, status, opened_at) VALUES"
                " (1, 2026, '2026-12-01', :figures, 'frozen', '2026-12-01 01:00:00+00')"
            ),
            {"figures": json.dumps({"units": [p10_row], "leaders": [], "sectors": [], "totals": p10_row})},
        )
    command.upgrade(alembic_config(database_url), "head")
    with engine.connect() as connection:
        [row] = json.loads(connection.scalar(text("SELECT CAST(figures AS TEXT) FROM report_rounds")))
        p10 = json.loads(connection.scalar(text("SELECT CAST(figures AS TEXT) FROM regulation_reports")))
    engine.dispose()
    assert {k: row[k] for k in ("total", "done", "open", "open_in_time", "open_late", "no_deadline")} == {
        "total": 10,
        "done": 4,
        "open": 6,
        "open_in_time": 4,  # the two without deadline now count among the open in time
        "open_late": 2,
        "no_deadline": 2,
    }
    assert (row["come_due"], row["not_started"]) == (6, None)  # not recorded then: shown "—"
    assert (row["completion_rate"], row["on_time_rate"], row["overdue_rate"], row["on_time_share"]) == (
        66.67,
        75.0,
        50.0,
        30.0,
    )
    assert (p10["totals"]["completion_rate"], p10["totals"]["on_time_rate"]) == (66.67, 75.0)
    assert p10["units"][0]["overdue_rate"] == 50.0
