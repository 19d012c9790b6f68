"""Fixtures: a migrated database per test (SQLite always; PostgreSQL too for tests marked `postgres`),
the system built on it, a frozen clock, the Flask app and a client with users and tokens."""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
import redis
from argon2 import PasswordHasher
from sqlalchemy import make_url, select

from engine import clock as clock_module
from engine import migrate
from engine.auth import service as auth_service
from engine.config import load_settings
from engine.models import Base
from engine.system import build

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"

# Hashing passwords is not what these tests test: argon2 with its cheapest parameters makes each test's
# directory of a dozen users cost milliseconds instead of seconds (as Django's test settings swap in a fast
# hasher). A hash carries its parameters, so signing in runs the same code.
auth_service._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
# One template per pytest process, so that several runs on one machine do not drop each other's.
PG_TEMPLATE = f"theodoi_test_template_{os.getpid()}"
ROOT = Path(__file__).resolve().parent.parent
# Where the `clock` fixture freezes time.
FROZEN_AT = datetime(2025, 1, 24, 2, 0, tzinfo=UTC)
# The settings that deploying processes/ reads (engine/definitions/service.py).
DEPLOY_SETTINGS = ("processes_dir", "forms_dir", "max_diagram_bytes", "max_xml_depth")


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("postgres")
        backends = ["sqlite"]
        if marker is not None:
            backends = ["postgresql"] if marker.kwargs.get("only") else ["sqlite", "postgresql"]
        metafunc.parametrize("backend", backends, scope="function")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template() -> str:
    """A migrated template database; each test gets a fresh copy (CREATE DATABASE ... TEMPLATE)."""
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True)
    except psycopg.OperationalError as exc:  # a needed service that is down is a failure, never a skip
        pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN}: {exc}")
    with admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_TEMPLATE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {PG_TEMPLATE}")
    migrate.upgrade(f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_TEMPLATE}")
    yield PG_TEMPLATE
    _drop(PG_TEMPLATE)


@pytest.fixture
def database_url(request, backend, tmp_path) -> str:
    return _new_database(request, backend, tmp_path)


def _new_database(request, backend: str, folder: Path) -> str:
    """A copy of the migrated template, dropped when `request`'s scope ends."""
    if backend == "sqlite":
        path = folder / "theodoi.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    template = request.getfixturevalue("pg_template")
    name = f"theodoi_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
    request.addfinalizer(lambda: _drop(name))
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def _drop(name: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def broker(request) -> str:
    """An emptied Redis database for real Celery workers: the module's BROKER, each module its own, so that
    tests running at once in two pytest workers never empty each other's queues."""
    url = request.module.BROKER
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    except redis.ConnectionError as exc:  # a needed service that is down is a failure, never a skip
        pytest.fail(f"Redis is not reachable at {url}: {exc}")
    yield url
    client.flushdb()
    client.close()


@pytest.fixture
def settings_overrides() -> dict:
    """Override in a test module (or parametrize) to change settings."""
    return {}


@pytest.fixture
def settings(database_url, tmp_path, settings_overrides):
    return _test_settings(database_url, tmp_path, settings_overrides)


def _test_settings(database_url: str, folder: Path, overrides: dict):
    return load_settings(
        env={},
        data_dir=folder / "data",
        database_url=database_url,
        secret_key="test-secret",
        processes_dir=ROOT / "processes",
        forms_dir=ROOT / "forms",
        **overrides,
    )


@pytest.fixture
def clock():
    """The process-wide clock, frozen at a fixed instant; tests move it."""
    with clock_module.frozen(FROZEN_AT) as frozen:
        yield frozen


@pytest.fixture
def system(settings, clock):
    built = build(settings)
    yield built
    built.db.dispose()


UNITS = [
    ("VP_UBND", "Văn phòng UBND tỉnh", "Văn phòng UBND tỉnh"),
    ("SO_TC", "Sở Tài chính", "Sở, ban, ngành"),
    ("SO_XD", "Sở Xây dựng", "Sở, ban, ngành"),
    ("SO_NV", "Sở Nội vụ", "Sở, ban, ngành"),
    ("XA_BX", "UBND xã Bát Xát", "UBND cấp xã/phường"),
]
USERS = [
    ("cv", "Nguyễn Thị Theo Dõi", ["vp_specialist"], "VP_UBND"),
    ("ldvp", "Trần Văn Chánh", ["vp_leadership", "vp_chief"], "VP_UBND"),
    ("analyst", "Lê Quy Trình", ["analyst"], "VP_UBND"),
    ("monitor", "Phạm Giám Sát", ["monitor"], "VP_UBND"),
    ("sotc", "Đỗ Tài Chính", ["unit_staff"], "SO_TC"),
    ("ldsotc", "Hoàng Lãnh Đạo", ["unit_leader"], "SO_TC"),
    ("soxd", "Vũ Xây Dựng", ["unit_staff"], "SO_XD"),
    ("ct", "Đinh Chủ Tịch", ["province_leadership", "chairman"], None),
    ("xabx", "Lò Văn Xã", ["unit_staff"], "XA_BX"),
    ("admin", "Quản Trị", ["admin"], None),
]
PASSWORD = "mat-khau-thu"


@pytest.fixture
def directory(system, directory_snapshots):
    """processes/ deployed, four units and one user per role; returns {username: Principal}."""
    from engine.auth import service as auth
    from engine.auth.models import User

    backend = make_url(system.settings.resolved_database_url).get_backend_name()
    if not directory_snapshots(backend).restore(system):
        return _populate_directory(system)
    with system.db.reading() as session:
        return {
            username: auth.principal(session.scalar(select(User).where(User.username == username)))
            for username, _, _, _ in USERS
        }


def _populate_directory(system) -> dict:
    from engine.auth import service as auth
    from engine.definitions import service as definitions
    from engine.directory.models import Unit, UnitType

    with system.db.transaction() as session:
        definitions.deploy_directory(session=session, settings=system.settings, actor="test")
        session.add_all(Unit(code=c, name=n, unit_type=t) for c, n, t in UNITS)
        # The sở's leader approving what it sends (Đ8.1.c) is on in a new installation; the procedures'
        # tests run without it, and the tests of the approval steps switch it on.
        session.add(UnitType(name="Sở, ban, ngành", sends_reports=True, leader_approval=False))
        session.flush()
        users = {
            u: auth.principal(
                auth.create_user(
                    session=session,
                    username=u,
                    password=PASSWORD,
                    full_name=name,
                    roles=roles,
                    unit_code=unit,
                    now=clock_module.now(),
                )
            )
            for u, name, roles, unit in USERS
        }
    return users


@dataclass(frozen=True)
class DirectorySnapshot:
    """What `directory` adds to a database fresh from the template, recorded once per backend and process.

    Deploying processes/ validates every diagram and form: one to two seconds in each test that uses the
    directory (most of the suite), for rows that are the same whenever the clock and the deployment
    settings are the fixtures'. A test where they are not, or whose database already differs
    from the template in the tables the directory fills, builds its directory the long way."""

    deploy_settings: tuple
    before: dict[str, list]  # table -> its rows as migrated, for the tables the directory changes
    added: dict[str, list]  # table -> the rows the directory adds, parents before children
    sequences_before: dict[str, int | None]  # PostgreSQL: sequence -> last value, as migrated
    sequences_after: dict[str, int | None]

    def restore(self, system) -> bool:
        """Add the recorded rows to `system`'s database if the directory would come out the same."""
        if clock_module.now() != FROZEN_AT or _deploy_settings(system.settings) != self.deploy_settings:
            return False
        with _raw_database(system.settings.resolved_database_url) as db:
            if any(db.rows(table) != rows for table, rows in self.before.items()):
                return False
            sequences = db.sequences()
            if {name: sequences.get(name) for name in self.sequences_before} != self.sequences_before:
                return False
            for table, rows in self.added.items():
                db.add(table, rows)
            for name, value in self.sequences_after.items():
                db.set_sequence(name, value)
        return True


def _deploy_settings(settings) -> tuple:
    return tuple(getattr(settings, name) for name in DEPLOY_SETTINGS)


@pytest.fixture(scope="session")
def directory_snapshots(request, tmp_path_factory):
    """directory_snapshots(backend) -> the DirectorySnapshot of that backend, recorded when first asked."""
    recorded: dict[str, DirectorySnapshot] = {}

    def snapshot(backend: str) -> DirectorySnapshot:
        if backend not in recorded:
            folder = tmp_path_factory.mktemp(f"directory-{backend}")
            recorded[backend] = _record_directory(_new_database(request, backend, folder), folder)
        return recorded[backend]

    return snapshot


def _record_directory(database_url: str, folder: Path) -> DirectorySnapshot:
    with _raw_database(database_url) as db:
        before = {table: db.rows(table) for table in db.tables()}
        sequences_before = db.sequences()
    with clock_module.frozen(FROZEN_AT):
        system = build(_test_settings(database_url, folder, {}))
        try:
            _populate_directory(system)
        finally:
            system.db.dispose()
    with _raw_database(database_url) as db:
        after = {table: db.rows(table) for table in db.tables()}
        sequences_after = db.sequences()
    ordered = [table.name for table in Base.metadata.sorted_tables]
    changed = [table for table in after if after[table] != before[table]]
    assert set(changed) <= set(ordered), f"tables unknown to engine.models: {set(changed) - set(ordered)}"
    changed.sort(key=ordered.index)
    for table in changed:
        assert after[table][: len(before[table])] == before[table], f"the directory changed rows of {table}"
    moved = [name for name, value in sequences_after.items() if sequences_before.get(name) != value]
    return DirectorySnapshot(
        deploy_settings=_deploy_settings(system.settings),
        before={table: before[table] for table in changed},
        added={table: after[table][len(before[table]) :] for table in changed},
        sequences_before={name: sequences_before.get(name) for name in moved},
        sequences_after={name: sequences_after[name] for name in moved},
    )


@contextmanager
def _raw_database(database_url: str):
    """The database under SQLAlchemy, read and written as the driver gives rows: they go back unchanged."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        connection = sqlite3.connect(url.database)
        try:
            yield _SQLiteRows(connection)
            connection.commit()
        finally:
            connection.close()
    else:
        dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(dsn) as connection:
            yield _PostgresRows(connection)


@dataclass
class _SQLiteRows:
    connection: sqlite3.Connection

    def tables(self) -> list[str]:
        query = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        return [name for (name,) in self.connection.execute(query)]

    def rows(self, table: str) -> list[tuple]:
        return self.connection.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()

    def add(self, table: str, rows: list[tuple]) -> None:
        marks = ", ".join("?" * len(rows[0]))
        self.connection.executemany(f'INSERT INTO "{table}" VALUES ({marks})', rows)

    def sequences(self) -> dict[str, int | None]:
        return {}  # rowids follow from the rows themselves

    def set_sequence(self, name: str, value: int | None) -> None:
        raise AssertionError("SQLite has no sequences")


@dataclass
class _PostgresRows:
    """Rows as lines of COPY's text format: exact for every column type."""

    connection: psycopg.Connection

    def tables(self) -> list[str]:
        query = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        return [name for (name,) in self.connection.execute(query)]

    def rows(self, table: str) -> list[bytes]:
        with self.connection.cursor().copy(f'COPY "{table}" TO STDOUT') as copy:
            data = b"".join(bytes(block) for block in copy)
        return [line + b"\n" for line in data.split(b"\n")[:-1]]  # text format escapes newlines in values

    def add(self, table: str, rows: list[bytes]) -> None:
        with self.connection.cursor().copy(f'COPY "{table}" FROM STDIN') as copy:
            copy.write(b"".join(rows))

    def sequences(self) -> dict[str, int | None]:
        query = "SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences"
        return dict(self.connection.execute(query).fetchall())

    def set_sequence(self, name: str, value: int | None) -> None:
        self.connection.execute("SELECT setval(%s, %s)", (name, value))


@pytest.fixture
def app(system):
    from engine.web.app import create_app

    return create_app(system=system)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def auth_headers(system, directory):
    """auth_headers("cv") -> the Authorization header of an API token of that user (one per user and
    test: tokens are bounded per user, as a person's would be)."""
    from engine.auth import service as auth

    tokens: dict[str, str] = {}

    def headers(username: str) -> dict[str, str]:
        if username not in tokens:
            with system.db.transaction() as session:
                tokens[username] = auth.create_token(
                    session=session, username=username, label="test", now=clock_module.now()
                )
        return {"Authorization": f"Bearer {tokens[username]}"}

    return headers


def two_task_document(**changes) -> dict:
    """A document issued Friday 24/01/2025 with two tasks for two units (so T1 is 5 working days)."""
    document = {
        "number": "12/QĐ-UBND",
        "doc_type": "Quyết định",
        "title": "Về việc giao nhiệm vụ chuyển đổi số năm 2025",
        "issued_on": "2025-01-24",
        "signer": "Chủ tịch UBND tỉnh",
        "tasks": [
            {
                "content": "Xây dựng kho dữ liệu dùng chung",
                "lead_unit": "SO_TC",
                "coordinating_units": ["SO_NV"],
            },
            {"content": "Rà soát thủ tục hành chính nội bộ", "lead_unit": "SO_XD", "due_date": "2025-04-30"},
        ],
    }
    if "issued_on" in changes and "tasks" not in changes:
        # The second task keeps its 96 days after the issue date, as a deadline before it is refused; an
        # absurd issue date (a test of the refusal) leaves the tasks as they are.
        try:
            due = date.fromisoformat(changes["issued_on"]) + timedelta(days=96)
        except (TypeError, ValueError, OverflowError):
            pass
        else:
            document["tasks"][1]["due_date"] = due.isoformat()
    document.update(changes)
    return document


def classification(**changes) -> dict:
    """Valid data for the classify form of two_task_document()."""
    data = {
        "tracking_room": "Phòng Tổng hợp",
        "tracking_specialist": "cv",
        "tasks": [
            {
                "content": "Xây dựng kho dữ liệu dùng chung",
                "lead_unit": "SO_TC",
                "coordinating_units": ["SO_NV"],
                "has_deadline": True,
                "due_date": "2025-04-30",
                "deadline_kind": "completion",
                "must_report": True,
            },
            {
                "content": "Rà soát thủ tục hành chính nội bộ",
                "lead_unit": "SO_XD",
                "coordinating_units": [],
                "has_deadline": False,
                "must_report": False,
            },
        ],
    }
    data.update(changes)
    return data


def complete_task(system, task_id: str, user, data: dict) -> None:
    """Complete a user task in a transaction of its own, as a request would."""
    from engine.usertasks import service as usertasks

    with system.db.transaction() as session:
        usertasks.complete(session=session, engine=system.engine, task_id=task_id, data=data, user=user)
