"""Fixtures: a migrated database per test (SQLite always; PostgreSQL too for tests marked `postgres`),
the system built on it, a frozen clock, the Flask app and a client with users and tokens."""

from __future__ import annotations

import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from engine import clock as clock_module
from engine import migrate
from engine.config import load_settings
from engine.system import build

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_TEMPLATE = "theodoi_test_template"
ROOT = Path(__file__).resolve().parent.parent


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        backends = ["sqlite", "postgresql"] if metafunc.definition.get_closest_marker("postgres") else ["sqlite"]
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
    return PG_TEMPLATE


@pytest.fixture
def database_url(request, backend, tmp_path) -> str:
    if backend == "sqlite":
        path = tmp_path / "theodoi.db"
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
def settings_overrides() -> dict:
    """Override in a test module (or parametrize) to change settings."""
    return {}


@pytest.fixture
def settings(database_url, tmp_path, settings_overrides):
    return load_settings(
        env={},
        data_dir=tmp_path / "data",
        database_url=database_url,
        secret_key="test-secret",
        processes_dir=ROOT / "processes",
        forms_dir=ROOT / "forms",
        **settings_overrides,
    )


@pytest.fixture
def clock():
    """The process-wide clock, frozen at a fixed instant; tests move it."""
    with clock_module.frozen(datetime(2025, 1, 24, 2, 0, tzinfo=UTC)) as frozen:
        yield frozen


@pytest.fixture
def system(settings, clock):
    built = build(settings)
    yield built
    built.db.dispose()
