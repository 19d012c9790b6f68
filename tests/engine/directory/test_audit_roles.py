"""The audit trail holds: change_history, calendar changes and the deadlines they moved are append-only
on both databases, and on PostgreSQL the application's own role cannot truncate, alter or disable the
triggers of the audit tables (the tables belong to the role that runs the migrations)."""

from __future__ import annotations

import os

import psycopg
import pytest
from sqlalchemy import create_engine, delete, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError

from engine import migrate
from engine.config import load_settings
from engine.directory.models import Unit
from engine.history import ChangeRecord
from tests.conftest import PG_ADMIN

APP_ROLE = f"theodoi_app_test_{os.getpid()}"


@pytest.mark.postgres
def test_change_history_cannot_be_updated_or_deleted(system, directory, backend):
    with system.db.transaction() as session:
        session.get(Unit, "SO_TC").name = "Sở Tài chính tỉnh"
    for statement in (update(ChangeRecord).values(actor="someone else"), delete(ChangeRecord)):
        with pytest.raises(DatabaseError, match="change_history is append-only"):
            with system.db.transaction() as session:
                session.execute(statement.execution_options(synchronize_session=False))
    with system.db.reading() as session:
        assert "someone else" not in set(session.scalars(text("SELECT actor FROM change_history")))


@pytest.fixture
def app_role(database_url):
    """A login role for the application, granted by migrate.upgrade_for as a deployment would be."""
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"DROP ROLE IF EXISTS {APP_ROLE}")
        admin.execute(f"CREATE ROLE {APP_ROLE} LOGIN")
    app_url = make_url(database_url).set(username=APP_ROLE)
    settings = load_settings(
        env={},
        database_url=app_url.render_as_string(hide_password=False),
        migration_database_url=database_url,
    )
    migrate.upgrade_for(settings)
    yield settings.database_url
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        database = make_url(database_url).database
        admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        admin.execute(f"DROP ROLE IF EXISTS {APP_ROLE}")


@pytest.mark.postgres(only=True)
def test_the_application_role_cannot_empty_alter_or_silence_the_audit_tables(
    system, directory, app_role, backend
):
    with system.db.transaction() as session:
        session.get(Unit, "SO_TC").name = "Sở Tài chính tỉnh"
    engine = create_engine(app_role)
    try:
        refused = {
            "TRUNCATE instance_events": "permission denied",
            "TRUNCATE change_history": "permission denied",
            "DELETE FROM change_history": "permission denied",
            "UPDATE change_history SET actor = 'x'": "permission denied",
            "DELETE FROM calendar_changes": "permission denied",
            "UPDATE account_events SET actor = 'x'": "permission denied",
            "ALTER TABLE instance_events DISABLE TRIGGER ALL": "must be owner",
            "ALTER TABLE change_history DISABLE TRIGGER change_history_append_only": "must be owner",
            "DROP TRIGGER change_history_append_only ON change_history": "must be owner",
            "DROP TABLE change_history": "must be owner",
        }
        for statement, reason in refused.items():
            with engine.connect() as connection, pytest.raises(DatabaseError, match=reason):
                connection.execute(text(statement))
        with engine.begin() as connection:  # the application still does its work
            connection.execute(text("UPDATE units SET name = 'Sở Tài chính' WHERE code = 'SO_TC'"))
            connection.execute(
                text(
                    "INSERT INTO change_history (entity, entity_id, action, changes, actor, at) "
                    "VALUES ('units', 'SO_TC', 'update', '{}', 'admin', now())"
                )
            )
            count = connection.execute(text("SELECT count(*) FROM change_history")).scalar()
        assert count >= 2
    finally:
        engine.dispose()
