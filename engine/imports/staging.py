"""Where an uploaded sheet waits between the upload page's steps (mapping, check, import): a folder of its
own under DATA_DIR, each file under a random token that the pages carry instead of a path, with who
uploaded it, its name and its SHA-256 beside it. A file is removed once imported, and any file left
STAGING_HOURS after its upload is removed at the next upload. Nothing of it goes to the files store, which
keeps what it stores forever."""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from engine import clock
from engine.config import Settings
from engine.errors import NotFoundError
from engine.files import incoming

TYPES = frozenset({"xlsx"})  # Excel 2007 and later; a .xls is saved again as .xlsx first
STAGING_HOURS = 24
TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
GONE = "Tệp tải lên không còn (đã nhập xong hoặc đã quá hạn); vui lòng tải tệp lên lại."


@dataclass(frozen=True)
class Staged:
    """An uploaded sheet waiting for its import."""

    token: str
    path: Path
    name: str
    sha256: str
    size: int
    uploaded_by: str
    uploaded_at: datetime


def folder(settings: Settings) -> Path:
    """The staging folder: beside the data, never in the files store."""
    return settings.data_dir / "imports"


def receive(stream: BinaryIO, *, filename: str | None, settings: Settings) -> incoming.Incoming:
    """The upload streamed to the staging folder and checked: an .xlsx by its name and its content, no
    larger than FILES_MAX_BYTES (413 beyond, 422 for anything but an .xlsx)."""
    return incoming.receive(
        stream, filename=filename, staging=folder(settings), max_bytes=settings.files_max_bytes, allowed=TYPES
    )


def keep(received: incoming.Incoming, *, username: str, settings: Settings) -> Staged:
    """Keep a received sheet for the steps to come; older forgotten ones are removed first."""
    sweep(settings)
    token = secrets.token_urlsafe(24)
    path = folder(settings) / f"{token}.xlsx"
    received.path.replace(path)
    staged = Staged(token, path, received.name, received.sha256, received.size, username, clock.now())
    meta = {
        "name": staged.name,
        "sha256": staged.sha256,
        "size": staged.size,
        "uploaded_by": username,
        "uploaded_at": staged.uploaded_at.isoformat(),
    }
    path.with_suffix(".json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return staged


def get(token: str, *, username: str, settings: Settings) -> Staged:
    """The staged sheet of `token`, for the user who uploaded it; NotFoundError for anyone else."""
    if not TOKEN.fullmatch(token or ""):
        raise NotFoundError(GONE)
    path = folder(settings) / f"{token}.xlsx"
    try:
        meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise NotFoundError(GONE) from None
    if meta.get("uploaded_by") != username or not path.exists():
        raise NotFoundError(GONE)
    return Staged(
        token,
        path,
        meta["name"],
        meta["sha256"],
        meta["size"],
        meta["uploaded_by"],
        datetime.fromisoformat(meta["uploaded_at"]),
    )


def discard(staged: Staged) -> None:
    """Remove a staged sheet once imported."""
    staged.path.unlink(missing_ok=True)
    staged.path.with_suffix(".json").unlink(missing_ok=True)


def sweep(settings: Settings) -> int:
    """Remove staged sheets uploaded more than STAGING_HOURS ago (by the clock); how many."""
    limit = clock.now() - timedelta(hours=STAGING_HOURS)
    removed = 0
    for meta_path in folder(settings).glob("*.json"):
        try:
            uploaded = datetime.fromisoformat(
                json.loads(meta_path.read_text(encoding="utf-8"))["uploaded_at"]
            )
        except (OSError, ValueError, KeyError):
            uploaded = None
        if uploaded is None or uploaded < limit:
            meta_path.with_suffix(".xlsx").unlink(missing_ok=True)
            meta_path.unlink(missing_ok=True)
            removed += 1
    return removed
