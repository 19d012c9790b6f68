"""Alembic environment: one metadata (engine.models), batch mode so SQLite can alter tables."""

from alembic import context
from sqlalchemy import engine_from_config, pool

from engine.models import Base

config = context.config


def run_migrations(connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    # engine.migrate passes its own connection when it holds the migrations' lock on it.
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with connectable.connect() as connection:
        run_migrations(connection)


run_migrations_online()
