"""The password policy: length, common passwords, the user's own names, more than one kind of character."""

from __future__ import annotations

import pytest

from engine.auth import passwords
from tests.conftest import PASSWORD


@pytest.mark.parametrize(
    ("password", "words"),
    [
        ("aaaaaaaa", "ít nhất 12 ký tự"),
        ("aaaaaaaaaaaa", "hai loại ký tự"),
        ("123456789012", "hai loại ký tự"),
        ("Password1234", "phổ biến"),
        ("nguyenvanan-2026", "họ tên"),
        ("NguyễnVănAn#1", "họ tên"),
        ("cv.theodoi-2026", "tên đăng nhập"),
        ("x" * 129 + "1", "dài quá"),
    ],
)
def test_a_weak_password_is_refused_with_the_reason_in_vietnamese(password, words):
    found = passwords.problems(password, username="cv.theodoi", full_name="Nguyễn Văn An")
    assert any(words in problem for problem in found), found


def test_a_good_password_passes_and_the_shared_test_password_meets_the_policy():
    assert passwords.problems("Sáng-mai-đi-làm", username="an", full_name="Nguyễn Văn An") == []
    assert passwords.problems(PASSWORD, username="admin", full_name="Quản Trị") == []


def test_generated_passwords_meet_the_policy_and_differ():
    generated = {passwords.generate() for _ in range(50)}
    assert len(generated) == 50
    assert all(passwords.problems(p, username="cv", full_name="Nguyễn Văn An") == [] for p in generated)


def test_the_common_list_ships_with_its_licence():
    assert passwords.COMMON_PASSWORDS.exists()
    assert (
        passwords.COMMON_PASSWORDS.with_name("common-passwords.LICENSE").read_text().startswith("Copyright")
    )
