"""Receiving one upload: stream it to a temporary file while counting its size against the limit and
computing its SHA-256, then check that its content is what its extension says. Nothing of a refused
file stays on disk."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from engine.errors import FileTooLargeError, FileTypeRefused, ValidationError
from engine.files import kinds

CHUNK = 1 << 16


@dataclass(frozen=True)
class Incoming:
    """A received, checked file waiting in the staging folder to be stored."""

    path: Path
    name: str
    kind: kinds.Kind
    size: int
    sha256: str


def receive(
    stream: BinaryIO, *, filename: str | None, staging: Path, max_bytes: int, allowed: frozenset[str]
) -> Incoming:
    """Stream `stream` into `staging` and check it; FileTooLargeError (413) or FileTypeRefused (422)."""
    name = kinds.display_name(filename)
    if not name:
        raise ValidationError("Tệp không có tên; vui lòng chọn lại tệp", fields={"file": "thiếu tên tệp"})
    extension = kinds.extension_of(name)
    if extension not in allowed:
        shown = f"“.{extension}”" if extension else "không có phần mở rộng"
        raise FileTypeRefused(
            f"Không nhận tệp “{name}”: loại tệp {shown} không được phép đính kèm. "
            f"Các loại được nhận: {kinds.allowed_labels(allowed)}.",
            fields={"file": "loại tệp không được phép"},
        )
    kind = kinds.KINDS[extension]
    staging.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=staging, prefix="upload-")
    path = Path(temp)
    try:
        digest, size = hashlib.sha256(), 0
        with os.fdopen(fd, "wb") as out:
            while block := stream.read(CHUNK):
                size += len(block)
                if size > max_bytes:
                    raise too_large(name, max_bytes)
                digest.update(block)
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        if size == 0:
            raise ValidationError(f"Tệp “{name}” rỗng", fields={"file": "tệp rỗng"})
        if not kinds.matches(path, extension):
            raise FileTypeRefused(
                f"Không nhận tệp “{name}”: nội dung tệp không phải {kind.label} như phần mở rộng "
                f".{extension} cho biết.",
                fields={"file": "nội dung không khớp với loại tệp"},
            )
        return Incoming(path=path, name=name, kind=kind, size=size, sha256=digest.hexdigest())
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def too_large(name: str | None, max_bytes: int) -> FileTooLargeError:
    """The 413 of a file above the limit, naming the limit."""
    what = f"Tệp “{name}”" if name else "Tệp"
    return FileTooLargeError(
        f"{what} vượt quá dung lượng cho phép (tối đa {kinds.format_size(max_bytes)} mỗi tệp).",
        details={"max_bytes": max_bytes},
    )
