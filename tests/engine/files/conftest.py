"""An S3 endpoint for the tests: moto's real HTTP server on a free loopback port (MinIO's binary cannot be
had here); boto3 talks to it over HTTP exactly as it would to MinIO."""

from __future__ import annotations

import uuid

import pytest


@pytest.fixture(scope="session")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_settings(s3_endpoint) -> dict:
    """Settings overrides that store files in a new bucket of the S3 server (created on first upload)."""
    return {
        "files_s3_endpoint": s3_endpoint,
        "files_s3_bucket": f"theodoi-{uuid.uuid4().hex[:12]}",
        "files_s3_access_key": "theodoi",
        "files_s3_secret_key": "theodoi-secret",
        "files_s3_region": "us-east-1",
    }
