"""Storing and reading back a scanned document as large as an upload may be (20 MB, the default
THEODOI_FILES_MAX_BYTES; 2 MB in `make test`) through engine.files, in the local store and in S3.

Writing is what an upload does after the request is read: incoming.receive streams the file into the
staging folder, hashing, syncing and checking its type; storage.put then links it into the local store or
PUTs it, with its SHA-256, to the bucket. Reading is a download: storage.open, read in the chunks
engine.files.http streams (locally from the page cache, as a file just uploaded is). S3 here is moto's
server on loopback HTTP (as in tests/engine/files): a Python server keeping objects in memory, so its
figures say what boto3 and HTTP cost, not what MinIO's disks do. Best of 3, each round with other bytes (a
store keeps each content once, and would not write it again). MB are 1024² bytes, as the upload limit
reads."""

from __future__ import annotations

import hashlib
import io
import random
import time

import pytest

from engine.config import load_settings
from engine.files import incoming, storage
from tests.bench.conftest import report
from tests.engine.files.conftest import s3_endpoint, s3_settings  # noqa: F401  (moto's server, started once)

MB = 1024 * 1024
ROUNDS = 3
PUT = {"local": "put (a link into the store)", "s3": "put (HEAD, then PUT with its SHA-256)"}


def scanned_pdf(size: int, seed: int) -> bytes:
    """`size` bytes that pass as a PDF and do not compress, as a scan's page images do not."""
    header = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    return header + random.Random(seed).randbytes(size - len(header))


def store_and_read(settings, content: bytes) -> dict:
    """One round: receive and store `content`, then read it back; seconds per step, and what came back."""
    began = time.perf_counter()
    received = incoming.receive(
        io.BytesIO(content),
        filename="Báo cáo kết quả (bản chụp).pdf",
        staging=storage.staging_dir(settings),
        max_bytes=settings.files_max_bytes,
        allowed=settings.file_types,
    )
    staged = time.perf_counter()
    store = storage.storage_for(settings)
    key = storage.key_for(received.sha256)
    try:
        store.put(key, received.path, sha256=received.sha256, size=received.size)
    finally:
        received.path.unlink(missing_ok=True)  # as engine.files.service.upload does once stored
    stored = time.perf_counter()
    chunks = []
    with store.open(key) as source:
        while block := source.read(incoming.CHUNK):
            chunks.append(block)
    read = time.perf_counter()
    return {
        "receive": staged - began,
        "put": stored - staged,
        "read": read - stored,
        "received": received,
        "key": key,
        "back": b"".join(chunks),
    }


@pytest.mark.parametrize("where", ["local", "s3"])
def test_bench_store_and_read_back_an_upload(tmp_path, request, full, where):
    overrides = request.getfixturevalue("s3_settings") if where == "s3" else {}
    settings = load_settings(env={}, data_dir=tmp_path, **overrides)
    if where == "s3":  # a deployment's bucket exists: its creation on the first upload is not timed
        storage.storage_for(settings).client.create_bucket(Bucket=settings.files_s3_bucket)
    size = settings.files_max_bytes if full else settings.files_max_bytes // 10
    rounds = []
    for n in range(ROUNDS):
        content = scanned_pdf(size, seed=n)
        sha256 = hashlib.sha256(content).hexdigest()
        rounds.append(store_and_read(settings, content))
        last = rounds[-1]
        assert last["received"].size == size and last["received"].sha256 == sha256
        assert last["key"] == storage.key_for(sha256)
        assert last["back"] == content and hashlib.sha256(last["back"]).hexdigest() == sha256
        if where == "local":  # in the store under its checksum, nothing left in the staging folder
            assert (tmp_path / "files" / sha256[:2] / sha256).read_bytes() == content
        assert not any(storage.staging_dir(settings).iterdir())
    if where == "s3":  # every round's bytes in the bucket, nothing in the local store
        listed = storage.storage_for(settings).client.list_objects_v2(Bucket=settings.files_s3_bucket)
        assert sorted(o["Key"] for o in listed["Contents"]) == sorted(r["key"] for r in rounds)
        assert [p.name for p in (tmp_path / "files").iterdir()] == [".incoming"]

    def figures(seconds: float, rate: bool = True) -> str:
        return f"{seconds * 1000:.1f} ms" + (f", {size / MB / seconds:,.0f} MB/s" if rate else "")

    report(
        f"files ({where}): a {size / MB:.0f} MB scanned PDF, best of {ROUNDS}",
        [
            ("receive (stream to staging, SHA-256, fsync, type)", figures(min(r["receive"] for r in rounds))),
            (PUT[where], figures(min(r["put"] for r in rounds), rate=where == "s3")),  # a link copies nothing
            ("write = receive + put", figures(min(r["receive"] + r["put"] for r in rounds))),
            (f"read back in {incoming.CHUNK // 1024} KB chunks", figures(min(r["read"] for r in rounds))),
        ],
    )
