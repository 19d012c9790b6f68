"""A writer that cannot get a lock another transaction holds gets 503 with Retry-After, on both
databases, and nothing is stored; once the lock is gone the same request works."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest

from tests.conftest import two_task_document
from tests.web.test_hostile_input import refused


@pytest.fixture
def settings_overrides() -> dict:
    return {"lock_wait_seconds": 0.5}  # the server waits 30 s by default; half a second is enough here


class Holder:
    """Another connection holding the lock a document registration needs, until released."""

    def __init__(self, system) -> None:
        url = system.db.engine.url
        if system.db.is_postgres:
            self.connection = psycopg.connect(url.set(drivername="postgresql").render_as_string(False))
            self.connection.execute("LOCK TABLE documents IN ACCESS EXCLUSIVE MODE")
        else:
            self.connection = sqlite3.connect(url.database, isolation_level=None)
            self.connection.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        self.connection.rollback()
        self.connection.close()


@pytest.mark.postgres
def test_a_writer_that_cannot_get_the_lock_gets_503_with_retry_after(client, auth_headers, system):
    headers = auth_headers("cv")
    count = lambda: len(client.get("/api/v1/documents", headers=headers).get_json()["items"])  # noqa: E731
    before = count()
    holder = Holder(system)
    try:
        response = client.post("/api/v1/documents", headers=headers, json=two_task_document())
        body = refused(response, 503, "service_unavailable")
        assert response.headers["Retry-After"] == "5"
        assert "thử lại" in body["message"]
    finally:
        holder.release()
    assert count() == before
    assert client.post("/api/v1/documents", headers=headers, json=two_task_document()).status_code == 201
    assert count() == before + 1
