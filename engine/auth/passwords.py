"""The password policy (pure: no database) and the generator of passwords that meet it.

At least MIN_LENGTH characters, not a common password, not the username or the full name, and more than one
kind of character. Common passwords: Django's list of 20,000 (common-passwords.txt.gz, BSD licence in
common-passwords.LICENSE), compared case-insensitively."""

from __future__ import annotations

import functools
import gzip
import re
import secrets
import string
import unicodedata
from pathlib import Path

MIN_LENGTH = 12
MAX_LENGTH = 128  # argon2 takes any length; this only stops a megabyte "password" from costing a hash
COMMON_PASSWORDS = Path(__file__).resolve().parent / "common-passwords.txt.gz"
# Shorter usernames ("cv", "ct") occur inside too many good passwords to forbid.
MIN_NAME_TO_CHECK = 3
_GENERATED_LENGTH = 16
_GENERATED_ALPHABET = string.ascii_letters + string.digits + "-_.!@#"


def problems(password: str, *, username: str = "", full_name: str = "") -> list[str]:
    """What is wrong with `password`, in Vietnamese; empty when the policy is met."""
    found = []
    if len(password) < MIN_LENGTH:
        found.append(f"Mật khẩu phải có ít nhất {MIN_LENGTH} ký tự.")
    if len(password) > MAX_LENGTH:
        found.append(f"Mật khẩu không được dài quá {MAX_LENGTH} ký tự.")
    if password.strip().lower() in _common():
        found.append(
            "Mật khẩu này nằm trong danh sách mật khẩu phổ biến, dễ bị đoán; hãy chọn mật khẩu khác."
        )
    folded = _fold(password)
    names = [_fold(username), _fold(full_name)]
    if any(len(name) >= MIN_NAME_TO_CHECK and name in folded for name in names):
        found.append("Mật khẩu không được chứa tên đăng nhập hoặc họ tên.")
    if len(_classes(password)) < 2:
        found.append("Mật khẩu phải kết hợp ít nhất hai loại ký tự (chữ thường, chữ hoa, chữ số, ký hiệu).")
    return found


def generate() -> str:
    """A random password that meets the policy (for resets and new users): 16 characters, ~95 bits."""
    while True:
        candidate = "".join(secrets.choice(_GENERATED_ALPHABET) for _ in range(_GENERATED_LENGTH))
        if len(_classes(candidate)) >= 3:
            return candidate


def _classes(password: str) -> set[str]:
    kinds = set()
    for ch in password:
        if ch.isdigit():
            kinds.add("digit")
        elif ch.isalpha():
            kinds.add("upper" if ch.isupper() else "lower")
        else:
            kinds.add("symbol")
    return kinds


def _fold(text: str) -> str:
    """Lower case, diacritics and đ removed, only letters and digits: "Nguyễn Văn An" -> "nguyenvanan"."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return re.sub(r"[^a-z0-9]", "", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


@functools.cache
def _common() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip().lower() for line in lines if line.strip())
