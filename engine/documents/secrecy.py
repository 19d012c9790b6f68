"""Độ mật (Đ5.2): the closed list of levels, and the one check every way in runs (API, registration page,
classification form). Only "Thường" enters the system; any other value, even one we do not know, is
refused as secret, so a misspelt or disguised marking can never slip past a list of forbidden words."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from engine.errors import SecretDocumentRefused

NORMAL = "normal"
# API code -> the name the administration uses (Luật Bảo vệ bí mật nhà nước: Mật, Tối mật, Tuyệt mật).
LEVELS = {NORMAL: "Thường", "confidential": "Mật", "secret": "Tối mật", "top_secret": "Tuyệt mật"}

# Marks a schema property as độ mật: engine.validation refuses a value outside it as secret (every form and
# body that carries the marker, the classification form included), not as an ordinary invalid value.
MARKER = "x-secrecy"
SCHEMA = {
    MARKER: True,
    "type": ["string", "null"],
    "enum": [*LEVELS, None],
    "title": "Độ mật",
    "description": "normal (Thường) hoặc để trống; confidential (Mật), secret (Tối mật), "
    "top_secret (Tuyệt mật) và mọi giá trị khác bị từ chối, không thông tin nào được lưu "
    "(khoản 2 Điều 5 Quy chế 35/2015/QĐ-UBND).",
}


def refuse_secret(secrecy: Any, *, field: str = "secrecy") -> None:
    """Đ5.2: unless `secrecy` is absent or "normal", nothing of the document may be stored."""
    if secrecy is None or secrecy == NORMAL:
        return
    shown = LEVELS.get(secrecy) if isinstance(secrecy, str) else None
    what = f"độ mật {shown}" if shown else "độ mật không thuộc danh mục (Thường, Mật, Tối mật, Tuyệt mật)"
    raise SecretDocumentRefused(
        f"Văn bản có {what} không được cập nhật vào hệ thống (Điều 5 khoản 2 Quy chế 35/2015/QĐ-UBND); "
        "không có thông tin nào của văn bản được lưu.",
        fields={field: "chỉ văn bản độ mật Thường được nhập vào hệ thống (Đ5.2)"},
    )


def choices() -> list[dict]:
    """The levels as form choices: the code is stored, the Vietnamese name is shown."""
    return [{"const": code, "title": name} for code, name in LEVELS.items()]


# A secret mark in free text (Đ5.2): the level written as a marking. "Tối mật" and "Tuyệt mật" in any case;
# "Mật" only as a marking: in brackets ("(Mật)"), after "Độ mật", or as the stamp MẬT in capitals, which in
# capitals is no mark after BÍ, BẢO or ĐỘ (BÍ MẬT NHÀ NƯỚC, BẢO MẬT, CHẾ ĐỘ MẬT name the regime, not a level).
_MARKINGS = re.compile(
    r"(?<!\w)(?:tối|tuyệt)\s+mật(?!\w)|[(\[]\s*mật\s*[)\]]|(?<!\w)độ\s+mật\s*[:\-–]?\s*mật(?!\w)",
    re.IGNORECASE,
)
_STAMP = re.compile(r"(?<!\w)(?<!BÍ )(?<!BẢO )(?<!ĐỘ )MẬT(?!\w)")


def has_secret_mark(text: str) -> bool:
    """Whether `text` carries a secret mark (Mật, Tối mật, Tuyệt mật as a marking), however it is encoded."""
    text = unicodedata.normalize("NFC", text)
    return bool(_MARKINGS.search(text) or _STAMP.search(text))


def refuse_secret_marks(texts: dict[str, str | None]) -> None:
    """Đ5.2: free text carrying a secret mark is refused, naming each such field; nothing of it is stored."""
    marked = {field: text for field, text in texts.items() if isinstance(text, str) and has_secret_mark(text)}
    if marked:
        raise SecretDocumentRefused(
            "Nội dung có dấu chỉ độ mật (Mật, Tối mật, Tuyệt mật): thông tin mật không được cập nhật vào hệ "
            "thống (Điều 5 khoản 2 Quy chế 35/2015/QĐ-UBND); không có thông tin nào được lưu.",
            fields=dict.fromkeys(marked, "có dấu chỉ độ mật: không nhập thông tin mật vào hệ thống (Đ5.2)"),
        )
