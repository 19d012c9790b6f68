"""Độ mật (Đ5.2): the closed list of levels, and the one check every way in runs (API, registration page,
classification form). Only "Thường" enters the system; any other value, even one we do not know, is
refused as secret, so a misspelt or disguised marking can never slip past a list of forbidden words."""

from __future__ import annotations

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
