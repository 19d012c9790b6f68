"""Distributed mode: Celery beat (docker-compose's command) sends the timer sweep every second and a real
Celery worker (Redis broker, PostgreSQL) runs it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.documents import service as document_service
from engine.instances.models import InstanceEvent
from tests.conftest import two_task_document

BROKER = "redis://127.0.0.1:6379/15"  # the `broker` fixture (tests/conftest.py) empties it
CELERY = str(Path(sys.executable).parent / "celery")


@pytest.mark.postgres(only=True)
def test_a_celery_worker_fires_due_timers(system, directory, broker, backend, tmp_path):
    with system.db.transaction() as session:
        document = document_service.register_document(
            session=session, engine=system.engine, payload=two_task_document(), actor="cv"
        )
        instance_id = document.intake_instance_id
    env = {
        **os.environ,
        "THEODOI_DATABASE_URL": system.settings.resolved_database_url,
        "THEODOI_BROKER_URL": broker,
        "THEODOI_DATA_DIR": str(tmp_path),
        "THEODOI_SECRET_KEY": "test",
    }
    env["THEODOI_TIMER_INTERVAL"] = "1"
    worker = subprocess.Popen(
        [
            CELERY,
            "-A",
            "engine.worker",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=warning",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    beat = subprocess.Popen(
        [CELERY, "-A", "engine.worker", "beat", "--loglevel=warning", f"--schedule={tmp_path / 'beat'}"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        # The worker runs on the real clock: T1 (2025) is long past.
        deadline = time.monotonic() + 90
        fired = []
        while not fired and time.monotonic() < deadline:  # waiting for other processes, not for a timer
            with system.db.reading() as session:
                fired = session.scalars(
                    select(InstanceEvent).where(
                        InstanceEvent.instance_id == instance_id, InstanceEvent.kind == "timer_fired"
                    )
                ).all()
            time.sleep(0.2)
        assert len(fired) == 1, (
            worker.stdout.read1().decode() if worker.poll() is not None else "worker gave no result"
        )
    finally:
        for process in (beat, worker):
            process.terminate()
            process.wait(timeout=30)
            process.stdout.close()
