"""The file store: local files under data_dir/files, and an S3-compatible bucket (moto's server over
HTTP): what goes in comes out byte for byte, under its SHA-256, written once and never replaced."""

from __future__ import annotations

import base64
import hashlib

import pytest

from engine.config import load_settings
from engine.errors import NotFoundError
from engine.files import storage
from tests.engine.files import samples


def _staged(tmp_path, content: bytes):
    path = tmp_path / "staged"
    path.write_bytes(content)
    sha = hashlib.sha256(content).hexdigest()
    return path, sha, storage.key_for(sha)


def _read(store, key: str) -> bytes:
    with store.open(key) as f:
        return f.read()


def test_local_files_are_stored_once_under_their_checksum(tmp_path):
    settings = load_settings(env={}, data_dir=tmp_path / "data")
    store = storage.storage_for(settings)
    assert isinstance(store, storage.LocalStorage)
    content = samples.pdf()
    path, sha, key = _staged(tmp_path, content)
    store.put(key, path, sha256=sha, size=len(content))
    final = tmp_path / "data" / "files" / sha[:2] / sha
    assert final.read_bytes() == content and _read(store, key) == content
    inode = final.stat().st_ino
    other = tmp_path / "again"
    other.write_bytes(content)
    store.put(key, other, sha256=sha, size=len(content))  # the same bytes again: nothing replaced
    assert final.stat().st_ino == inode
    with pytest.raises(NotFoundError):
        store.open(storage.key_for("0" * 64))
    with pytest.raises(ValueError, match="not a storage key"):
        store.open("../../secret_key")


def test_s3_stores_checks_and_returns_the_same_bytes(tmp_path, s3_settings):
    settings = load_settings(env={}, data_dir=tmp_path / "data", **s3_settings)
    store = storage.storage_for(settings)
    assert isinstance(store, storage.S3Storage)
    content = samples.png() * 50
    path, sha, key = _staged(tmp_path, content)
    store.put(key, path, sha256=sha, size=len(content))  # the bucket does not exist yet: created
    assert hashlib.sha256(_read(store, key)).hexdigest() == sha
    head = store.client.head_object(Bucket=settings.files_s3_bucket, Key=key)
    assert head["ContentLength"] == len(content)
    store.put(key, path, sha256=sha, size=len(content))  # already there: not sent again
    with pytest.raises(NotFoundError):
        store.open(storage.key_for("0" * 64))
    assert not (tmp_path / "data" / "files").exists()  # nothing written locally


def test_s3_is_sent_the_checksum_it_verifies(tmp_path, s3_settings):
    """MinIO and S3 refuse a body whose SHA-256 is not the one sent with it; moto does not check it, so
    this checks that every file is sent with its checksum."""
    settings = load_settings(env={}, data_dir=tmp_path, **s3_settings)
    store = storage.storage_for(settings)
    sent = []
    store.client.meta.events.register(
        "before-send.s3.PutObject", lambda request, **_: sent.append(dict(request.headers))
    )
    path, sha, key = _staged(tmp_path, samples.pdf())
    store.put(key, path, sha256=sha, size=path.stat().st_size)
    assert len(sent) >= 1
    assert base64.b64decode(sent[-1]["x-amz-checksum-sha256"]).hex() == sha
