"""The kinds of files that may be attached, and how each is recognised by its content.

Pure: names and bytes in, answers out. A file is accepted only when its extension is allowed AND its
content is what that extension says (an .exe renamed .pdf is refused). The type a file is served with is
always the canonical one of its kind, never what the browser claimed."""

from __future__ import annotations

import codecs
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound-file container of .doc and .xls
PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff"
PDF = b"%PDF-"
ZIP = b"PK\x03\x04"


@dataclass(frozen=True)
class Kind:
    """One allowed kind: its extension, the type it is served with, a name people read."""

    extension: str
    content_type: str
    label: str
    preview: bool = False  # shown inside the page (PDF, images); everything else is only downloaded


KINDS = {
    k.extension: k
    for k in (
        Kind("pdf", "application/pdf", "PDF", preview=True),
        Kind("png", "image/png", "ảnh PNG", preview=True),
        Kind("jpg", "image/jpeg", "ảnh JPEG", preview=True),
        Kind("jpeg", "image/jpeg", "ảnh JPEG", preview=True),
        Kind("doc", "application/msword", "Word (.doc)"),
        Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word"),
        Kind("xls", "application/vnd.ms-excel", "Excel (.xls)"),
        Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"),
        Kind("odt", "application/vnd.oasis.opendocument.text", "văn bản OpenDocument"),
        Kind("ods", "application/vnd.oasis.opendocument.spreadsheet", "bảng tính OpenDocument"),
        Kind("txt", "text/plain", "văn bản thuần (UTF-8)"),
    )
}
# Archives (.zip, .rar) are left out on purpose: they can carry any file, executables included, past this
# list, and nothing in them can be previewed or checked.
DEFAULT_TYPES = "pdf,png,jpg,jpeg,doc,docx,xls,xlsx,odt,ods,txt"
PREVIEW_TYPES = frozenset(k.content_type for k in KINDS.values() if k.preview)
MAX_NAME = 255  # characters of a file name, as most file systems allow


def parse_types(raw: str) -> frozenset[str]:
    """ "pdf, docx" -> {"pdf", "docx"}; a kind this module cannot recognise is a configuration error."""
    wanted = {part.strip().lower().lstrip(".") for part in raw.split(",") if part.strip()}
    unknown = sorted(wanted - KINDS.keys())
    if unknown or not wanted:
        raise ValueError(
            f"THEODOI_FILES_TYPES must be extensions among {', '.join(KINDS)} separated by commas, "
            f"got {raw!r}"
        )
    return frozenset(wanted)


def extension_of(name: str) -> str:
    """The lower-case extension of a file name without its dot, or ""."""
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def allowed_labels(allowed: Iterable[str]) -> str:
    """ ".pdf, .docx, ..." in the order of KINDS, for messages and the file chooser."""
    return ", ".join(f".{ext}" for ext in KINDS if ext in allowed)


def display_name(raw: str | None) -> str:
    """The name to show and to store: no folders, no control or invisible formatting characters (a
    right-to-left override can make "hd\u202efdp.exe" read as "hdexe.pdf"), none of <>:"|?* and at most
    MAX_NAME characters with its extension kept."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r'[<>:"|?*]', "_", name)
    name = re.sub(r"\s+", " ", name).strip().strip(".").strip()
    if len(name) > MAX_NAME:
        ext = extension_of(name)
        suffix = f".{ext}" if ext and len(ext) <= 10 else ""
        name = name[: MAX_NAME - len(suffix)].rstrip() + suffix
    return name


def content_disposition(name: str, *, inline: bool) -> str:
    """The Content-Disposition header: an ASCII fallback name, and the real one as RFC 5987 filename*."""
    folded = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    ascii_name = re.sub(r"[^A-Za-z0-9._ ()-]", "_", folded.encode("ascii", "ignore").decode()).strip()
    return (
        f'{"inline" if inline else "attachment"}; filename="{ascii_name or "tep"}"; '
        f"filename*=UTF-8''{quote(name, safe='')}"
    )


def matches(path: Path, extension: str) -> bool:
    """Whether the content of the file at `path` is what `extension` says it is."""
    with path.open("rb") as f:
        head = f.read(8)
    check = {
        "pdf": lambda: head.startswith(PDF),
        "png": lambda: head.startswith(PNG),
        "jpg": lambda: head.startswith(JPEG),
        "jpeg": lambda: head.startswith(JPEG),
        "doc": lambda: head == OLE2 and _contains(path, _ole_name("WordDocument")),
        "xls": lambda: (
            head == OLE2 and (_contains(path, _ole_name("Workbook")) or _contains(path, _ole_name("Book")))
        ),
        "docx": lambda: head.startswith(ZIP) and _zip_has(path, "[Content_Types].xml", "word/document.xml"),
        "xlsx": lambda: head.startswith(ZIP) and _zip_has(path, "[Content_Types].xml", "xl/workbook.xml"),
        "odt": lambda: head.startswith(ZIP) and _odf_is(path, "application/vnd.oasis.opendocument.text"),
        "ods": lambda: (
            head.startswith(ZIP) and _odf_is(path, "application/vnd.oasis.opendocument.spreadsheet")
        ),
        "txt": lambda: _is_text(path),
    }.get(extension)
    return bool(check and check())


def _ole_name(name: str) -> bytes:
    # A compound file's directory holds its stream names in UTF-16LE ("WordDocument" in a .doc).
    return name.encode("utf-16-le")


def _contains(path: Path, needle: bytes, chunk: int = 1 << 20) -> bool:
    with path.open("rb") as f:
        tail = b""
        while block := f.read(chunk):
            if needle in tail + block:
                return True
            tail = block[-len(needle) :]
    return False


def _zip_has(path: Path, *members: str) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return all(m in names for m in members)


def _odf_is(path: Path, mimetype: str) -> bool:
    # OpenDocument: the first member is "mimetype", stored, holding the document's type.
    try:
        with zipfile.ZipFile(path) as archive:
            first = archive.infolist()[0] if archive.infolist() else None
            if first is None or first.filename != "mimetype":
                return False
            with archive.open(first) as member:
                return member.read(len(mimetype) + 1).decode("ascii", "replace") == mimetype
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


# Text may hold tabs, line and page breaks; any other control character means a binary file.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _is_text(path: Path, chunk: int = 1 << 16) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        with path.open("rb") as f:
            while block := f.read(chunk):
                if _CONTROL.search(decoder.decode(block)):
                    return False
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def format_size(size: int) -> str:
    """A size as people read it in Vietnamese: 512 B, 1,5 KB, 20 MB (comma decimals, dot thousands)."""
    value, unit = float(size), "B"
    for bigger in ("KB", "MB", "GB"):
        if round(value, 1) < 1024:  # 1023,96 KB reads as 1 MB, not as 1.024 KB
            break
        value, unit = value / 1024, bigger
    if unit == "B":
        return f"{size:,} B".replace(",", ".")
    text = f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{text.removesuffix(',0')} {unit}"
