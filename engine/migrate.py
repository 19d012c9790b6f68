"""Run the Alembic migrations programmatically (the CLI and the tests both call this)."""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, create_engine, pool, text
from sqlalchemy.engine import make_url

from engine.config import Settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The audit trail, and the publications (Đ19.2: a correction is a new publication): rows are only ever
# added (triggers refuse UPDATE and DELETE on both databases); on PostgreSQL the application's role also
# lacks the privileges to change or empty them.
AUDIT_TABLES = (
    "instance_events",
    "change_history",
    "calendar_changes",
    "deadline_moves",
    "account_events",
    "publications",
)
# pg_advisory_lock key of the migrations: any constant the application uses for nothing else.
_PG_LOCK_KEY = 35_2015


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_for(settings: Settings) -> None:
    """Migrate as the configured owner, then (PostgreSQL with two roles) grant the application's role what
    it needs and nothing more."""
    app_url = make_url(settings.resolved_database_url)
    owner_url = make_url(settings.resolved_migration_database_url)
    app_role = app_url.username if app_url.username != owner_url.username else None
    upgrade(settings.resolved_migration_database_url, app_role=app_role)


def upgrade(database_url: str, revision: str = "head", *, app_role: str | None = None) -> None:
    """Bring the database at `database_url` to `revision`. Processes starting together on one database
    take turns: the second waits for the first and then finds nothing to do. On PostgreSQL, `app_role`
    (the application's role, not the owner) gets its privileges again, covering any new table."""
    config = alembic_config(database_url)
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        engine = create_engine(url, poolclass=pool.NullPool)
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _PG_LOCK_KEY})
                connection.commit()
                try:
                    config.attributes["connection"] = connection
                    command.upgrade(config, revision)
                    if app_role:
                        grant_application_role(connection, app_role)
                    connection.commit()
                finally:
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_LOCK_KEY})
                    connection.commit()
        finally:
            engine.dispose()
        return
    with _file_lock(url.database):
        command.upgrade(config, revision)


def grant_application_role(connection: Connection, role: str) -> None:
    """What the application's PostgreSQL role may do: read and write the rows of every table, but not
    update, delete or truncate the audit tables; and, not owning them, it cannot alter, drop or disable
    the triggers of any table. Run as the owner after each upgrade."""
    name = connection.dialect.identifier_preparer.quote(role)
    existing = set(
        connection.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars()
    )
    audit = ", ".join(t for t in AUDIT_TABLES if t in existing)
    for statement in (
        f"GRANT USAGE ON SCHEMA public TO {name}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {name}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {name}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {audit} FROM {name}",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM {name}",
    ):
        connection.execute(text(statement))


@contextlib.contextmanager
def _file_lock(database: str | None) -> Iterator[None]:
    """An exclusive lock on a file beside the SQLite database (none for an in-memory database)."""
    if not database or database == ":memory:":
        yield
        return
    path = Path(database).with_name(Path(database).name + ".migrate-lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
