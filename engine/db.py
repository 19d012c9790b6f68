"""Database plumbing: one metadata, an engine per configured URL, sessions that commit as a unit."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"refusing a naive datetime: {value!r}")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Database:
    """An engine and its session factory; created explicitly, never at import."""

    def __init__(self, url: str, *, echo: bool = False, lock_wait: float = 30.0) -> None:
        self.url = url
        kwargs: dict = {"echo": echo}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"timeout": lock_wait, "check_same_thread": False}
        else:  # PostgreSQL: lock_not_available (55P03) after the wait, which the web layer makes a 503
            kwargs["connect_args"] = {"options": f"-c lock_timeout={int(lock_wait * 1000)}"}
        self.engine: Engine = create_engine(url, **kwargs)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", functools.partial(_sqlite_pragmas, lock_wait=lock_wait))
            event.listen(self.engine, "begin", _sqlite_begin_immediate)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(
            self.engine.execution_options(read_only=True), expire_on_commit=False
        )

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: everything inside commits together, or nothing does."""
        with self.sessions() as session, session.begin():
            yield session

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only unit of work: on SQLite it does not take the write lock."""
        with self._read_sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection, _record, *, lock_wait: float) -> None:
    # Let SQLAlchemy emit BEGIN itself (see _sqlite_begin_immediate) instead of pysqlite's lazy BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # In WAL mode NORMAL keeps every commit across an application crash; only an OS crash or power loss
    # can drop the last commits (never corrupt the file). FULL would cost an fsync per commit.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={int(lock_wait * 1000)}")
    cursor.close()


def _sqlite_begin_immediate(connection) -> None:
    # Writers take the write lock at BEGIN: a read-then-write transaction can then never fail half-way
    # with "database is locked" when another thread wrote in between; it waits for the lock instead.
    readonly = connection.get_execution_options().get("read_only")
    connection.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")
