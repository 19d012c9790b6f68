"""The one fold of search: idempotent, blind to case and to every Vietnamese tone and mark, đ as d, however
the text was typed (precomposed or combining marks, as keyboards differ)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.errors import ValidationError
from engine.search.fold import MAX_QUERY, MAX_WORDS, fold, words

# Every letter of the Vietnamese alphabet with every tone, both cases (precomposed, as most keyboards type).
VOWELS = "aăâeêioôơuưy"
TONES = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]  # huyền, sắc, ngã, hỏi, nặng
VIETNAMESE_LETTERS = sorted(
    {unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES}
    | set("bcdđghklmnpqrstvx")
    | set("fjwz")
)
ALPHABET = "".join(VIETNAMESE_LETTERS) + "".join(VIETNAMESE_LETTERS).upper() + "0123456789 /-.,\t\n"
vietnamese = st.text(alphabet=ALPHABET, max_size=80)


@given(st.text(max_size=80))
def test_folding_twice_changes_nothing(text):
    assert fold(fold(text)) == fold(text)


@given(vietnamese)
def test_folding_ignores_case(text):
    assert fold(text.upper()) == fold(text.lower()) == fold(text)


@given(vietnamese)
def test_folding_strips_every_tone_and_mark_and_d_with_stroke(text):
    folded = fold(text)
    assert folded.isascii()
    assert folded == folded.lower()
    assert "đ" not in folded and "Đ" not in folded


@given(vietnamese)
def test_folding_does_not_care_how_the_marks_were_typed(text):
    """Unikey and the like send "ế" as one character or as e + ̂ + ́: the same words either way."""
    assert fold(unicodedata.normalize("NFD", text)) == fold(unicodedata.normalize("NFC", text))


@given(vietnamese)
def test_folding_keeps_the_words_one_space_apart(text):
    folded = fold(text)
    assert folded == folded.strip() and "  " not in folded and "\n" not in folded and "\t" not in folded
    assert len(folded.split()) == len(text.split())


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Sở Tài chính", "so tai chinh"),
        ("TÀI CHÍNH", "tai chinh"),
        ("  Nguyễn   Thị Theo Dõi ", "nguyen thi theo doi"),
        ("ĐẮK LẮK, Điện Biên", "dak lak, dien bien"),
        ("12/QĐ-UBND", "12/qd-ubnd"),
        ("Ủy ban nhân dân tỉnh Lào Cai", "uy ban nhan dan tinh lao cai"),
        ("", ""),
        (None, ""),
    ],
)
def test_known_folds(text, folded):
    assert fold(text) == folded


def test_words_are_folded_once_each_and_an_empty_box_has_none():
    assert words("Tài  chính tai CHÍNH") == ["tai", "chinh"]
    assert words("   ") == [] and words(None) == []


def test_a_query_too_long_or_of_too_many_words_is_refused_in_vietnamese():
    with pytest.raises(ValidationError, match="dài quá") as long:
        words("a" * (MAX_QUERY + 1))
    assert long.value.fields == {"q": f"at most {MAX_QUERY} characters"}
    with pytest.raises(ValidationError, match="tối đa"):
        words(" ".join(f"w{i}" for i in range(MAX_WORDS + 1)))
    assert len(words(" ".join(f"w{i}" for i in range(MAX_WORDS)))) == MAX_WORDS
