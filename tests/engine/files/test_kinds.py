"""What may be attached: kinds by extension AND content, names made safe, sizes in Vietnamese, and the
receiving of an upload within its limit (engine.files.kinds, engine.files.incoming)."""

from __future__ import annotations

import hashlib
import io
from urllib.parse import unquote

import pytest

from engine.errors import FileTooLargeError, FileTypeRefused, ValidationError
from engine.files import incoming, kinds
from tests.engine.files import samples

ALL = kinds.parse_types(kinds.DEFAULT_TYPES)


@pytest.mark.parametrize(
    ("extension", "content"),
    [
        ("pdf", samples.pdf()),
        ("png", samples.png()),
        ("jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32),
        ("docx", samples.docx()),
        ("odt", samples.odt()),
        ("doc", samples.doc()),
        ("txt", "Báo cáo tình hình thực hiện\r\n\tQuý IV năm 2026\n".encode()),
    ],
)
def test_each_kind_is_recognised_by_its_content(tmp_path, extension, content):
    path = tmp_path / f"tep.{extension}"
    path.write_bytes(content)
    assert kinds.matches(path, extension)


@pytest.mark.parametrize(
    ("extension", "content"),
    [
        ("pdf", samples.exe()),  # an executable renamed .pdf
        ("png", samples.pdf()),
        ("docx", samples.odt()),  # a zip, but not a Word document
        ("xlsx", samples.docx()),
        ("odt", samples.docx()),
        ("xls", samples.doc()),  # a compound file, but a Word one
        ("txt", samples.exe()),
        ("txt", "Báo cáo".encode("utf-16")),  # not UTF-8
        ("doc", samples.exe()),
    ],
)
def test_content_that_is_not_what_its_extension_says_is_refused(tmp_path, extension, content):
    path = tmp_path / f"tep.{extension}"
    path.write_bytes(content)
    assert not kinds.matches(path, extension)


def test_the_allowed_kinds_are_a_setting_checked_at_start():
    assert kinds.parse_types(" PDF, .docx ") == {"pdf", "docx"}
    for bad in ("exe", "pdf,zip", ""):
        with pytest.raises(ValueError, match="THEODOI_FILES_TYPES"):
            kinds.parse_types(bad)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("C:\\Users\\vt\\Báo cáo quý IV.pdf", "Báo cáo quý IV.pdf"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("hoa\u0301 đơn\u202egpj.exe", "hoá đơngpj.exe"),  # NFC; the right-to-left override is gone
        ('a<b>:"c"|?*.pdf', "a_b___c____.pdf"),
        ("  ..kế   hoạch.docx.  ", "kế hoạch.docx"),
        ("x" * 300 + ".pdf", "x" * 251 + ".pdf"),
        (None, ""),
    ],
)
def test_names_are_made_safe_for_display(raw, shown):
    assert kinds.display_name(raw) == shown


def test_the_download_name_keeps_vietnamese_through_rfc_5987():
    header = kinds.content_disposition('Báo cáo số 88/BC-STC "đã ký".pdf', inline=False)
    plain, encoded = header.split("; filename*=UTF-8''")
    assert plain == 'attachment; filename="Bao cao so 88_BC-STC _da ky_.pdf"'
    assert unquote(encoded) == 'Báo cáo số 88/BC-STC "đã ký".pdf'
    assert kinds.content_disposition("ảnh.png", inline=True).startswith('inline; filename="anh.png"')


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 B"),
        (1023, "1.023 B"),
        (1536, "1,5 KB"),
        (1_048_575, "1 MB"),
        (20 * 1024 * 1024, "20 MB"),
        (1_024_000, "1.000 KB"),
        (3 * 1024**3 // 2, "1,5 GB"),
    ],
)
def test_sizes_read_in_vietnamese_units(size, text):
    assert kinds.format_size(size) == text


def _receive(tmp_path, content: bytes, name: str, max_bytes: int = 1000):
    return incoming.receive(
        io.BytesIO(content), filename=name, staging=tmp_path / "in", max_bytes=max_bytes, allowed=ALL
    )


def test_an_upload_is_streamed_with_its_checksum_and_size(tmp_path):
    content = samples.pdf()
    got = _receive(tmp_path, content, "Báo cáo.pdf", max_bytes=len(content))  # exactly the limit
    assert (got.name, got.size, got.kind.content_type) == ("Báo cáo.pdf", len(content), "application/pdf")
    assert got.sha256 == hashlib.sha256(content).hexdigest()
    assert got.path.read_bytes() == content


def test_too_large_wrong_kind_and_empty_uploads_leave_nothing_behind(tmp_path):
    with pytest.raises(FileTooLargeError, match="tối đa 1.000 B"):
        _receive(tmp_path, b"%PDF-" + b"x" * 996, "lon.pdf")  # 1001 bytes
    with pytest.raises(FileTypeRefused, match="nội dung tệp không phải PDF"):
        _receive(tmp_path, samples.exe(), "bao-cao.pdf")
    with pytest.raises(FileTypeRefused, match="loại tệp “.exe” không được phép"):
        _receive(tmp_path, samples.exe(), "setup.exe")
    with pytest.raises(FileTypeRefused, match="không có phần mở rộng"):
        _receive(tmp_path, samples.pdf(), "bao-cao")
    with pytest.raises(ValidationError, match="rỗng"):
        _receive(tmp_path, b"", "trong.txt")
    assert list((tmp_path / "in").iterdir()) == []
