"""Where the bytes of the files live, behind one small interface: a folder under data_dir (embedded mode)
or an S3-compatible bucket such as MinIO (THEODOI_FILES_S3_*).

Files are stored under their SHA-256, written once and never overwritten: the same bytes uploaded twice
are stored once, and a key always names the same bytes."""

from __future__ import annotations

import base64
import functools
import os
import re
from pathlib import Path
from typing import BinaryIO, Protocol

from engine.config import Settings
from engine.errors import NotFoundError

KEY = re.compile(r"[0-9a-f]{2}/[0-9a-f]{64}")
MISSING = "Không tìm thấy nội dung tệp trong kho lưu trữ"


def key_for(sha256: str) -> str:
    """The storage key of the bytes whose SHA-256 (hex) is `sha256`: "ab/ab12…"."""
    return f"{sha256[:2]}/{sha256}"


class Storage(Protocol):
    """Put a finished file under a key once; open it for reading."""

    def put(self, key: str, path: Path, *, sha256: str, size: int) -> None: ...

    def open(self, key: str) -> BinaryIO: ...


class LocalStorage:
    """Files in a folder: <root>/ab/ab12…, each written by linking a finished, synced temporary file into
    place, so that a reader never sees half a file and an existing file is never replaced."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, key: str, path: Path, *, sha256: str, size: int) -> None:
        final = self._path(key)
        if final.exists():
            return  # the same bytes, already stored
        final.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, final)  # atomic, and fails rather than replace a file of the same name
        except FileExistsError:
            return
        except OSError:  # a file system without hard links: rename, atomic too
            if not final.exists():
                os.replace(path, final)
        _sync_folder(final.parent)

    def open(self, key: str) -> BinaryIO:
        try:
            return self._path(key).open("rb")
        except FileNotFoundError:
            raise NotFoundError(MISSING) from None

    def _path(self, key: str) -> Path:
        if not KEY.fullmatch(key):  # keys are ours, but a path is built from it: refuse anything else
            raise ValueError(f"not a storage key: {key!r}")
        return self.root / key


class S3Storage:
    """Files in an S3-compatible bucket, each sent with its SHA-256 so the store checks what it got."""

    def __init__(self, client, bucket: str) -> None:
        self.client = client
        self.bucket = bucket

    def put(self, key: str, path: Path, *, sha256: str, size: int) -> None:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
            return  # the same bytes, already stored
        except ClientError as exc:
            if _status(exc) != 404:
                raise
        checksum = base64.b64encode(bytes.fromhex(sha256)).decode()
        for attempt in (1, 2):
            try:
                with path.open("rb") as body:
                    self.client.put_object(
                        Bucket=self.bucket,
                        Key=key,
                        Body=body,
                        ContentLength=size,
                        ContentType="application/octet-stream",
                        ChecksumSHA256=checksum,
                    )
                return
            except ClientError as exc:
                # A new MinIO has no bucket yet: create it once, then send again.
                if attempt == 2 or exc.response.get("Error", {}).get("Code") != "NoSuchBucket":
                    raise
                self.client.create_bucket(Bucket=self.bucket)

    def open(self, key: str) -> BinaryIO:
        from botocore.exceptions import ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
        except ClientError as exc:
            if _status(exc) == 404:
                raise NotFoundError(MISSING) from None
            raise


def staging_dir(settings: Settings) -> Path:
    """Where uploads are written while they are checked: beside the local store, so that storing a
    checked file is a link on the same file system."""
    return settings.data_dir / "files" / ".incoming"


@functools.lru_cache(maxsize=8)  # one store per configuration: a boto3 client is costly to build
def storage_for(settings: Settings) -> Storage:
    """The store the settings name: the S3 bucket when one is configured, else data_dir/files."""
    if not settings.files_s3_bucket:
        return LocalStorage(settings.data_dir / "files")
    import boto3  # the optional `s3` extra: only an installation that stores files in S3 needs it
    from botocore.config import Config

    client = boto3.client(
        "s3",
        endpoint_url=settings.files_s3_endpoint or None,
        aws_access_key_id=settings.files_s3_access_key or None,
        aws_secret_access_key=settings.files_s3_secret_key or None,
        region_name=settings.files_s3_region or None,
        # Path-style addresses: MinIO behind one host name has no per-bucket DNS names.
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3, "mode": "standard"}),
    )
    return S3Storage(client, settings.files_s3_bucket)


def _status(exc) -> int | None:
    return exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")


def _sync_folder(folder: Path) -> None:
    # The new name survives a crash only once its folder is synced (POSIX); harmless where unsupported.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
