"""What each searchable row's `search_text` holds: the folded words of its fields, joined by spaces.
Pure, so that the write hook (engine.search.upkeep) and the backfill of migration 0016 compose the same."""

from __future__ import annotations

from collections.abc import Iterable

from engine.search.fold import fold


def joined(parts: Iterable[str | None]) -> str:
    """The folded parts, blanks left out. A search word has no spaces, so none matches across parts."""
    return fold(" ".join(p for p in parts if p))


def document_text(
    *, number: str, title: str, signer: str | None, doc_type: str, submitting_agency: str | None
) -> str:
    """Số, ký hiệu · trích yếu · người ký · loại văn bản · cơ quan trình (Đ5.1.a-b)."""
    return joined([number, title, signer, doc_type, submitting_agency])


def assignment_text(
    *,
    document_number: str,
    content: str,
    unit_names: Iterable[str],
    signer: str | None,
    specialist_name: str | None,
) -> str:
    """The document's number and signer, the content, the lead and coordinating units by name and the
    tracking specialist by full name: what people remember of a task, never a code or a username."""
    return joined([document_number, content, *unit_names, signer, specialist_name])


def user_task_text(*, name: str, subject: str | None) -> str:
    """A user task's name and subject (which carries the document number and the task's content)."""
    return joined([name, subject])
