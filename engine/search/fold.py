"""The one fold that search text and search words both go through, so that "tai chinh", "TÀI CHÍNH" and
"Tài chính" are the same words. Pure: no database, no Flask."""

from __future__ import annotations

import unicodedata

from engine.errors import ValidationError

# A search box is for a few words, not a paragraph: more than this is refused (422), never run.
MAX_QUERY = 200
MAX_WORDS = 12


def fold(text: str | None) -> str:
    """Lower case without tones or other marks, đ as d, one space between words, none at the ends."""
    if not text:
        return ""
    # casefold first: some capitals fold into a letter plus a combining mark (İ -> i + dot above), which
    # the decomposition then strips, so folding twice changes nothing.
    decomposed = unicodedata.normalize("NFD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    # đ has no decomposition (it is its own letter, not d + a mark): it folds by hand.
    return " ".join(bare.replace("đ", "d").split())


def words(query: str | None) -> list[str]:
    """The folded words of a search box, each to be found (AND); [] for an empty box. A query longer
    than MAX_QUERY characters or MAX_WORDS words is refused with a ValidationError."""
    if query is None:
        return []
    if len(query) > MAX_QUERY:
        raise ValidationError(
            f"Từ khóa tìm kiếm dài quá {MAX_QUERY} ký tự", fields={"q": f"at most {MAX_QUERY} characters"}
        )
    found = list(dict.fromkeys(fold(query).split()))  # a repeated word adds nothing
    if len(found) > MAX_WORDS:
        raise ValidationError(
            f"Tìm theo tối đa {MAX_WORDS} từ mỗi lần", fields={"q": f"at most {MAX_WORDS} words"}
        )
    return found
