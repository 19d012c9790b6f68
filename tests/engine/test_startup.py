"""Start-up on any day: `serve` and `deploy` deploy processes/ and start the scheduled processes on any date
and hour, with or without units, on an empty or a populated database; nothing recurses, nothing races."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from engine import clock as clock_module
from engine.config import load_settings
from engine.definitions import scheduled
from engine.definitions import service as definitions
from engine.directory.models import Unit
from engine.instances import service as instances
from engine.instances.jobs import sweep
from engine.instances.models import DEFERRED_START, ERROR, RUNNING, ProcessInstance
from engine.reports.models import ReportRound, SecretReportPeriod
from engine.startup import prepare
from engine.system import build
from engine.usertasks import service as usertasks
from tests.conftest import PG_ADMIN, ROOT, UNITS

THEODOI = str(Path(sys.executable).parent / "theodoi")
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
SCHEDULED = ("periodic_report", "secret_report_reminder")


@pytest.fixture(scope="module")
def deployed_template(tmp_path_factory, sqlite_template) -> Path:
    """A migrated SQLite database with processes/ deployed, copied for every example."""
    path = tmp_path_factory.mktemp("startup") / "deployed.db"
    shutil.copy(sqlite_template, path)
    system = build(_settings(f"sqlite:///{path}", path.parent))
    with system.db.transaction() as session:
        definitions.deploy_directory(session=session, settings=system.settings, actor="test")
    system.db.dispose()
    return path


def _settings(url: str, data_dir: Path):
    return load_settings(
        env={},
        data_dir=data_dir,
        database_url=url,
        secret_key="test",
        processes_dir=ROOT / "processes",
        forms_dir=ROOT / "forms",
    )


def start_up_and_run(system, at: datetime, *, units: bool) -> None:
    """What `serve` does at `at`, then the timer loop's first sweeps."""
    with clock_module.frozen(at) as clock:
        if units:
            with system.db.transaction() as session:
                session.add_all(Unit(code=c, name=n, unit_type=t) for c, n, t in UNITS)
        prepare(system)
        for seconds in (1, 2, 3):  # deferred successors start after the step that started them
            clock.move_to(at + timedelta(seconds=seconds))
            sweep(system, now=clock.now())


def assert_settled(system, at: datetime) -> None:
    """One live instance per scheduled process, none in error, each waiting on a future timer or on
    people; every period held once."""
    with system.db.reading() as session:
        assert session.scalar(select(func.count()).where(ProcessInstance.status == ERROR)) == 0
        for process_id in SCHEDULED:
            [live] = session.scalars(
                select(ProcessInstance).where(
                    ProcessInstance.business_key == scheduled.business_key(process_id),
                    ProcessInstance.status == RUNNING,
                )
            ).all()
            timers = instances.timers(session=session, instance_id=live.id)
            people = usertasks.of_instance(session=session, instance_id=live.id)
            assert all(t.bpmn_id != DEFERRED_START for t in timers)
            assert all(t.fire_at > at for t in timers) and (timers or people)
        held = session.scalar(select(func.count()).select_from(SecretReportPeriod))
        rounds = session.scalar(select(func.count()).select_from(ReportRound))
        assert held <= 1 and rounds <= 1  # at most the period open today


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    local=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2030, 12, 31, 23, 59, 59)),
    units=st.booleans(),
)
def test_start_up_succeeds_on_any_date_and_hour_with_or_without_units(deployed_template, local, units):
    at = local.replace(tzinfo=LOCAL).astimezone(UTC)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "theodoi.db"
        shutil.copy(deployed_template, path)
        system = build(_settings(f"sqlite:///{path}", Path(folder)))
        try:
            start_up_and_run(system, at, units=units)
            assert_settled(system, at)
            # A restart the same day starts nothing more.
            with clock_module.frozen(at + timedelta(seconds=5)):
                assert not [line for line in prepare(system) if line.startswith("started")]
        finally:
            system.db.dispose()


@pytest.mark.postgres(only=True)
@pytest.mark.parametrize(
    "local",
    [
        datetime(2026, 12, 7, 9, 30),  # the day make run crashed: after the 1st of a quarter-end month
        datetime(2027, 3, 1, 8, 0, 1),  # a round opening that very second
        datetime(2027, 6, 19, 23, 59),  # the night of T6
        datetime(2028, 2, 29, 12, 0),
    ],
)
@pytest.mark.parametrize("units", [False, True])
def test_start_up_on_postgresql(system, local, units):
    at = local.replace(tzinfo=LOCAL).astimezone(UTC)
    start_up_and_run(system, at, units=units)
    assert_settled(system, at)


@pytest.fixture
def empty_postgres() -> str:
    name = f"theodoi_empty_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def app_role(empty_postgres) -> str:
    """A login role for the application, as docker-compose's postgres init script creates."""
    role = f"theodoi_app_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN")
    yield role
    database = empty_postgres.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN.rsplit("/", 1)[0] + "/" + database, autocommit=True) as owner:
        owner.execute(f"DROP OWNED BY {role}")  # its grants, so that the role can go
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"DROP ROLE {role}")


def test_migrate_and_deploy_on_an_empty_postgresql_database_today(empty_postgres, app_role, tmp_path):
    """docker-compose's `migrate` step on the real clock, with its two roles: an empty database,
    `migrate-db` as the owner, then `deploy` and a timer sweep as the application's role."""
    env = {
        "THEODOI_MIGRATION_DATABASE_URL": empty_postgres,
        "THEODOI_DATABASE_URL": empty_postgres.replace("postgres@", f"{app_role}@", 1),
        "THEODOI_DATA_DIR": str(tmp_path),
        "PATH": "",
    }
    outputs = []
    for args in (["migrate-db"], ["deploy"], ["deploy"], ["tick"]):
        done = subprocess.run([THEODOI, *args], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    diagrams = len(list((ROOT / "processes").glob("*.bpmn")))
    # Three scheduled processes: periodic_report, regulation_report (P10), secret_report_reminder.
    assert outputs[1].count("new version") == diagrams and outputs[1].count("started scheduled") == 3
    assert outputs[2].count("unchanged") == diagrams and "started scheduled" not in outputs[2]
    assert "0 incident(s)" in outputs[3]


def test_two_processes_migrating_one_fresh_data_folder_take_turns(tmp_path):
    env = {"THEODOI_DATA_DIR": str(tmp_path / "data"), "THEODOI_SECRET_KEY": "test", "PATH": ""}
    runs = [
        subprocess.Popen([THEODOI, "migrate-db"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    for run in runs:
        _, stderr = run.communicate(timeout=300)
        assert run.returncode == 0, stderr.decode()
    system = build(load_settings(env={}, data_dir=tmp_path / "data", secret_key="test"))
    with system.db.reading() as session:
        assert session.scalar(text("SELECT version_num FROM alembic_version")) is not None
    system.db.dispose()
