"""Fixtures: a migrated database per test (SQLite always; PostgreSQL too for tests marked `postgres`),
the system built on it, a frozen clock, the Flask app and a client with users and tokens."""

from __future__ import annotations

import os
import shutil
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from argon2 import PasswordHasher

from engine import clock as clock_module
from engine import migrate
from engine.auth import service as auth_service
from engine.config import load_settings
from engine.system import build

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"

# Hashing passwords is not what these tests test: argon2 with its cheapest parameters makes each test's
# directory of a dozen users cost milliseconds instead of seconds (as Django's test settings swap in a fast
# hasher). A hash carries its parameters, so signing in runs the same code.
auth_service._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
# One template per pytest process, so that several runs on one machine do not drop each other's.
PG_TEMPLATE = f"theodoi_test_template_{os.getpid()}"
ROOT = Path(__file__).resolve().parent.parent


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
def directory(system):
    """processes/ deployed, four units and one user per role; returns {username: Principal}."""
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
