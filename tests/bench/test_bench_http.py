"""Over HTTP with the embedded server (`theodoi serve`, waitress, SQLite): register a document, read the
inbox, complete the user task; median and 95th percentile per instance, on the demo's database and with
many existing instances (finished ones, waiting ones with their timers and open user tasks of other
groups), which must not slow the cycle down."""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, insert, select

from engine.definitions.models import ProcessDefinition
from engine.instances.models import COMPLETED, RUNNING, ProcessInstance, WaitingTimer
from engine.usertasks.models import READY, UserTaskGroup, UserTaskRow
from tests.bench.conftest import report
from tests.conftest import classification, two_task_document

THEODOI = str(Path(sys.executable).parent / "theodoi")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = free_port()
    env = {**os.environ, "THEODOI_DATA_DIR": str(tmp_path), "THEODOI_TIMER_INTERVAL": "3600"}
    # Its output to a file: a pipe nobody reads would stop the server once full.
    log = open(tmp_path / "server.log", "wb")  # closed once the process has ended
    process = subprocess.Popen(
        [THEODOI, "serve", "--demo", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 300  # migrations and demo data: a minute or more on a busy machine
    while True:  # wait for the process to listen (a process start, not a timer)
        try:
            with closing(http.client.HTTPConnection("127.0.0.1", port, timeout=5)) as connection:
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                process.wait(timeout=30)
                log.close()
                raise RuntimeError((tmp_path / "server.log").read_text()) from None
            time.sleep(0.1)
    yield port
    process.terminate()
    process.wait(timeout=30)
    log.close()


def call(connection, method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = connection.getresponse()
    return response.status, json.loads(response.read() or b"null")


NUMBERS = iter(range(1, 10**9))  # each document its own number across the runs on one server


def cycles(port: int, n: int) -> list[float]:
    """Seconds of each of `n` cycles (register + inbox + complete), after 5 that warm the server's caches."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    with closing(connection):
        status, body = call(
            connection, "POST", "/api/v1/tokens", {"username": "cv.theodoi", "password": "theodoi-demo"}
        )
        assert status == 201
        token = body["token"]
        # The demo's directory has leaders and sectors: a document names who gave it, each task its sector.
        form = classification(tracking_specialist="cv.theodoi")
        form["tasks"][0]["sector_code"], form["tasks"][1]["sector_code"] = "KHCN", "XDGT"
        timings = []
        for i in range(n + 5):
            started = time.perf_counter()
            status, document = call(
                connection,
                "POST",
                "/api/v1/documents",
                two_task_document(number=f"{next(NUMBERS)}/B", leader_code="CT"),
                token,
            )
            assert status == 201, document
            status, inbox = call(
                connection, "GET", "/api/v1/user-tasks?limit=10&assigned=unassigned", token=token
            )
            [task] = [t for t in inbox["items"] if t["instance_id"] == document["intake_instance_id"]]
            status, done = call(connection, "POST", f"/api/v1/user-tasks/{task['id']}/complete", form, token)
            assert status == 200 and done["state"] == "completed", done
            if i >= 5:
                timings.append(time.perf_counter() - started)
    return timings


def figures(timings: list[float]) -> tuple[float, float]:
    """(median, 95th percentile) in milliseconds."""
    timings = sorted(timings)
    return statistics.median(timings) * 1000, timings[int(0.95 * (len(timings) - 1))] * 1000


def test_http_register_inbox_complete(server, full):
    n = 200 if full else 20
    median, p95 = figures(cycles(server, n))
    report(
        f"HTTP, embedded server, {n} instances (register + inbox + complete)",
        [
            ("median per instance", f"{median:.1f} ms"),
            ("95th percentile", f"{p95:.1f} ms"),
            ("SpiffArena, comparable cycle", "≈ 240 ms; aim 24 ms"),
        ],
    )


def add_instances(data_dir: Path, count: int) -> int:
    """Write `count` more assignment instances straight into the server's database (Core bulk inserts): a
    third finished, the others waiting on a timer a year away with an open user task of a unit's groups,
    none of which the inbox's user (VP's specialist) may act on. Returns how many there are now."""
    engine = create_engine(f"sqlite:///{data_dir / 'theodoi.db'}", connect_args={"timeout": 60})
    now = datetime.now(UTC)
    with engine.begin() as connection:
        definition_id = connection.scalar(
            select(func.max(ProcessDefinition.id)).where(ProcessDefinition.process_id == "assignment")
        )
        for start in range(0, count, 10_000):
            batch = range(start, min(count, start + 10_000))
            finished = [k % 3 == 0 for k in batch]
            rows = [
                {
                    "definition_id": definition_id,
                    "process_id": "assignment",
                    "business_key": f"bench:{uuid.uuid4()}",
                    "status": COMPLETED if done else RUNNING,
                    "state": "{}",  # never deserialized: the cycle opens its own instances only
                    "data": {},
                    "lock_version": 1,
                    "started_by": "cv",
                    "started_at": now - timedelta(days=30),
                    "updated_at": now - timedelta(days=1),
                    "ended_at": now - timedelta(days=1) if done else None,
                }
                for done in finished
            ]
            returning = insert(ProcessInstance).returning(ProcessInstance.id, sort_by_parameter_order=True)
            ids = list(connection.scalars(returning, rows))
            waiting = [i for i, done in zip(ids, finished, strict=True) if not done]
            tasks = [
                (i, str(uuid.uuid4()), ("unit_staff", "unit_leader")[k % 2]) for k, i in enumerate(waiting)
            ]
            connection.execute(
                insert(WaitingTimer),
                [
                    {
                        "task_id": str(uuid.uuid4()),
                        "instance_id": i,
                        "bpmn_id": "due_passed",
                        "name": "Hết thời hạn thực hiện",
                        "fire_at": now + timedelta(days=365),
                    }
                    for i in waiting
                ],
            )
            connection.execute(
                insert(UserTaskRow),
                [
                    {
                        "id": task_id,
                        "instance_id": i,
                        "process_id": "assignment",
                        "bpmn_id": "update",
                        "name": "Cập nhật tình hình thực hiện",
                        "candidate_groups": [group],
                        "unit_code": "SO_TC",
                        "subject": f"Nhiệm vụ {i}",
                        "search_text": f"cap nhat tinh hinh thuc hien nhiem vu {i}",
                        "due_at": now + timedelta(days=i % 400),
                        "state": READY,
                        "created_at": now - timedelta(days=30),
                    }
                    for i, task_id, group in tasks
                ],
            )
            connection.execute(
                insert(UserTaskGroup), [{"user_task_id": t, "group_name": g} for _, t, g in tasks]
            )
        total = connection.scalar(select(func.count()).select_from(ProcessInstance))
    engine.dispose()
    return total


def test_http_cycle_does_not_grow_with_the_database(server, tmp_path, full):
    n, small, large = (100, 1_000, 50_000) if full else (10, 300, 3_000)
    measured = []
    for target in (small, large):
        existing = add_instances(tmp_path, target - len(measured) * small)
        measured.append((existing, *figures(cycles(server, n))))
    (few, few_median, few_p95), (many, many_median, many_p95) = measured
    report(
        f"HTTP, embedded server, {n} cycles with N existing instances (register + inbox + complete)",
        [
            (f"median / p95 with {few:,} instances", f"{few_median:.1f} / {few_p95:.1f} ms"),
            (f"median / p95 with {many:,} instances", f"{many_median:.1f} / {many_p95:.1f} ms"),
            ("ratio of the medians", f"{many_median / few_median:.2f} (aim ≤ 1.2)"),
        ],
    )
