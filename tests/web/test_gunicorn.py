"""docker-compose's web command: gunicorn serving create_app() on PostgreSQL answers /healthz."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

GUNICORN = str(Path(sys.executable).parent / "gunicorn")
COMPOSE_APP = "engine.web.app:create_app()"  # as docker-compose.yml's web service names it


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.postgres(only=True)
def test_gunicorn_serves_the_app_as_docker_compose_runs_it(database_url, backend, tmp_path):
    assert COMPOSE_APP in (ROOT / "docker-compose.yml").read_text()
    port = free_port()
    env = {
        **os.environ,
        "THEODOI_DATABASE_URL": database_url,
        "THEODOI_DATA_DIR": str(tmp_path),
        "THEODOI_SECRET_KEY": "test",
    }
    server = subprocess.Popen(
        [GUNICORN, "--bind", f"127.0.0.1:{port}", "--workers", "2", COMPOSE_APP],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        body, deadline = None, time.monotonic() + 60
        while body is None and time.monotonic() < deadline:  # waiting for another process to listen
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                    body = response.read().decode()
            except OSError:
                time.sleep(0.2)
        assert body is not None and '"status":"ok"' in body.replace(" ", ""), server.poll()
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stdout.close()
