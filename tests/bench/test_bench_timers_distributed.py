"""Timers in distributed mode: 10,000 instances whose timers come due at one instant, fired by real Celery
workers (Redis broker, PostgreSQL, Celery beat sweeping every second), first by one worker, then by two.

Prints timers per second with 1 and 2 workers and their ratio; asserts that every instance fired exactly
once and finished. The instances are copies of one started instance (its state with fresh task ids),
inserted with Core statements; their timer rows go into the index at the measured instant."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, text

from engine.instances.models import COMPLETED, InstanceEvent, ProcessInstance, WaitingTimer
from tests.bench.conftest import report
from tests.timer_diagram import SCRIPT, deploy, start

# Not the Redis database of tests/engine/instances/test_celery.py, which may run at the same time.
BROKER = "redis://127.0.0.1:6379/14"  # the `broker` fixture (tests/conftest.py) empties it
CELERY = str(Path(sys.executable).parent / "celery")
# The workers run on the real clock, the test on the frozen one (25/01/2025): this instant is still to
# come for the test that starts the instances and long past for the workers.
DUE = datetime(2025, 2, 1, tzinfo=UTC)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class Template:
    """One instance waiting on its timer, to be copied: its row and its timer row."""

    def __init__(self, system) -> None:
        deploy(system, "ping", SCRIPT.format(script="result = 1"))
        instance_id = start(system, "ping", DUE)
        with system.db.reading() as session:
            self.instance = session.get(ProcessInstance, instance_id)
            timers = select(WaitingTimer).where(WaitingTimer.instance_id == instance_id)
            (self.timer,) = session.scalars(timers)

    def copies(self, system, count: int) -> list[tuple[int, str]]:
        """`count` running copies of the instance, each with its own task ids, not yet in the timer
        index: [(instance id, its timer's task id)]."""
        rows, timer_ids = [], []
        for _ in range(count):
            fresh = {old: str(uuid.uuid4()) for old in set(UUID.findall(self.instance.state))}
            rows.append(
                {
                    "definition_id": self.instance.definition_id,
                    "process_id": self.instance.process_id,
                    "status": self.instance.status,
                    "state": UUID.sub(lambda m, fresh=fresh: fresh[m.group(0)], self.instance.state),
                    "data": {},
                    "lock_version": 1,
                    "started_by": "test",
                    "started_at": self.instance.started_at,
                    "updated_at": self.instance.updated_at,
                }
            )
            timer_ids.append(fresh[self.timer.task_id])
        with system.db.transaction() as session:
            ids = session.scalars(
                insert(ProcessInstance).returning(ProcessInstance.id, sort_by_parameter_order=True), rows
            ).all()
        return list(zip(ids, timer_ids, strict=True))

    def make_due(self, system, copies: list[tuple[int, str]]) -> None:
        """Index the copies' timers, all due at DUE, in one transaction."""
        with system.db.transaction() as session:
            session.execute(
                WaitingTimer.__table__.insert(),
                [
                    {
                        "task_id": task_id,
                        "instance_id": instance_id,
                        "bpmn_id": self.timer.bpmn_id,
                        "name": self.timer.name,
                        "fire_at": DUE,
                    }
                    for instance_id, task_id in copies
                ],
            )


class Cluster:
    """`workers` Celery worker processes (solo pool: one job at a time each) and Celery beat."""

    def __init__(self, system, broker: str, workers: int, folder: Path) -> None:
        folder.mkdir()
        env = {
            **os.environ,
            "THEODOI_DATABASE_URL": system.settings.resolved_database_url,
            "THEODOI_BROKER_URL": broker,
            "THEODOI_DATA_DIR": str(folder),
            "THEODOI_SECRET_KEY": "test",
            "THEODOI_TIMER_INTERVAL": "1",
            "THEODOI_DEPLOY_ON_START": "false",
        }
        self.logs = [folder / f"worker{i}.log" for i in range(workers)]
        worker = [CELERY, "-A", "engine.worker", "worker", "--pool=solo", "--without-heartbeat"]
        worker += ["--without-gossip", "--without-mingle", "--loglevel=info"]
        self.workers = [
            subprocess.Popen(
                [*worker, f"--hostname=bench{i}@%h", f"--logfile={log}"], env=env, stdout=subprocess.DEVNULL
            )
            for i, log in enumerate(self.logs)
        ]
        beat = [CELERY, "-A", "engine.worker", "beat", "--loglevel=warning", f"--schedule={folder / 'beat'}"]
        self.processes = [*self.workers, subprocess.Popen(beat, env=env, stdout=subprocess.DEVNULL)]

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 120
        while not all(log.exists() and " ready." in log.read_text() for log in self.logs):
            if time.monotonic() > deadline or any(p.poll() is not None for p in self.processes):
                pytest.fail("the Celery workers did not start: " + self.log_text())
            time.sleep(0.2)  # waiting for other processes to start, not for a timer

    def cpu_seconds(self) -> float:
        """CPU time the worker processes have used so far (user and system; Linux's /proc)."""
        ticks = 0
        for worker in self.workers:
            fields = Path(f"/proc/{worker.pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def log_text(self) -> str:
        return "\n".join(log.read_text() for log in self.logs if log.exists())

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(timeout=60)


def fired(system, ids: list[int]) -> tuple[int, datetime | None, datetime | None]:
    """How many timer_fired events the instances have, and the first and last one's time."""
    with system.db.reading() as session:
        count, first, last = session.execute(
            select(func.count(), func.min(InstanceEvent.at), func.max(InstanceEvent.at)).where(
                InstanceEvent.kind == "timer_fired",
                InstanceEvent.instance_id.between(min(ids), max(ids)),
            )
        ).one()
        return count, first, last


class Transactions:
    """Transactions the database ran (committed or rolled back, its statistics say), less this test's."""

    def __init__(self, system) -> None:
        self.system, self.own = system, 0

    def count(self) -> int:
        self.own += 1
        with self.system.db.reading() as session:
            return session.scalar(
                text(
                    "SELECT xact_commit + xact_rollback FROM pg_stat_database"
                    " WHERE datname = current_database()"
                )
            )

    def others_gone(self) -> bool:
        """Whether the other processes' sessions have ended (and so counted their transactions)."""
        self.own += 1
        with self.system.db.reading() as session:
            return not session.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )


@dataclass(frozen=True)
class Figures:
    rate: float  # timers/s from the instant they were due to the last firing
    span_rate: float  # timers/s from the first firing to the last
    cpu_ms: float  # the workers' CPU time per timer (the database's not counted)
    transactions: float  # database transactions per timer, the sweepers' idle ones included


def run(system, broker: str, template: Template, count: int, workers: int, folder: Path) -> Figures:
    """Fire `count` timers due at one instant with `workers` workers."""
    copies = template.copies(system, count)
    ids = [i for i, _ in copies]
    cluster = Cluster(system, broker, workers, folder)
    transactions = Transactions(system)
    try:
        cluster.wait_ready()
        cpu, started = cluster.cpu_seconds(), transactions.count()
        template.make_due(system, copies)
        due = datetime.now(UTC)
        deadline = time.monotonic() + max(120, count / 5)
        while (done := fired(system, ids))[0] < count:
            transactions.own += 1
            if time.monotonic() > deadline:
                pytest.fail(f"{done[0]} of {count} timers fired in time:\n{cluster.log_text()[-5000:]}")
            time.sleep(0.2)  # polling other processes' progress, not waiting for a timer
        cpu = cluster.cpu_seconds() - cpu
    finally:
        cluster.stop()
    while not transactions.others_gone():
        time.sleep(0.1)  # the database's sessions of the stopped processes are ending
    ran = transactions.count() - started - transactions.own
    _, first, last = done
    check_each_fired_once(system, ids)
    return Figures(
        rate=count / (last - due).total_seconds(),
        span_rate=count / max((last - first).total_seconds(), 1e-3),
        cpu_ms=cpu * 1000 / count,
        transactions=ran / count,
    )


def check_each_fired_once(system, ids: list[int]) -> None:
    with system.db.reading() as session:
        per_instance = dict(
            session.execute(
                select(InstanceEvent.instance_id, func.count())
                .where(InstanceEvent.kind == "timer_fired", InstanceEvent.instance_id.in_(ids))
                .group_by(InstanceEvent.instance_id)
            ).all()
        )
        statuses = dict(
            session.execute(
                select(ProcessInstance.status, func.count())
                .where(ProcessInstance.id.in_(ids))
                .group_by(ProcessInstance.status)
            ).all()
        )
    assert per_instance == dict.fromkeys(ids, 1)
    assert statuses == {COMPLETED: len(ids)}


@pytest.mark.postgres(only=True)
def test_timers_due_at_one_instant_fired_by_one_then_two_workers(system, broker, backend, tmp_path, full):
    count = 10_000 if full else 300
    template = Template(system)
    one = run(system, broker, template, count, 1, tmp_path / "one")
    two = run(system, broker, template, count, 2, tmp_path / "two")
    report(
        f"timer sweep, distributed: {count:,} timers due at one instant (PostgreSQL, Redis, Celery beat 1 s)",
        [
            ("1 worker, due to last fired", f"{one.rate:,.0f} timers/s"),
            ("2 workers, due to last fired", f"{two.rate:,.0f} timers/s (aim ≥ 1,000)"),
            ("ratio 2 workers / 1", f"{two.rate / one.rate:.2f} (aim ≥ 1.6)"),
            ("1 worker, first to last fired", f"{one.span_rate:,.0f} timers/s"),
            ("2 workers, first to last fired", f"{two.span_rate:,.0f} timers/s"),
            ("ratio, first to last fired", f"{two.span_rate / one.span_rate:.2f}"),
            ("workers' CPU per timer, 1 worker", f"{one.cpu_ms:.1f} ms"),
            ("workers' CPU per timer, 2 workers", f"{two.cpu_ms:.1f} ms"),
            ("database transactions per timer, 1 worker", f"{one.transactions:.2f}"),
            ("database transactions per timer, 2 workers", f"{two.transactions:.2f}"),
        ],
    )
