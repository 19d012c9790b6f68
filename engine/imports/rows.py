"""A sheet's rows as the import sees them once read and checked: the document a row belongs to, the task
it gives, and what is wrong with it, named by the sheet's own row number and column."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date

from engine.documents.service import _number_key as number_key  # one number, however it is spaced or cased


@dataclass(frozen=True)
class DocumentFields:
    """Đ5.1.a of the document a row belongs to; rows with the same number and issue date share it."""

    number: str
    issued_on: date
    doc_type: str
    title: str
    signer: str
    leader_code: str | None

    @property
    def key(self) -> tuple[str, date]:
        return number_key(self.number), self.issued_on


@dataclass(slots=True)
class TaskRow:
    """One valid row: a task of its document, open or done, ready to be written."""

    row: int
    document: DocumentFields
    content: str
    lead_unit: str
    coordinating: tuple[str, ...]
    due_date: date | None
    sector_code: str | None
    completed_on: date | None  # set: the task is done
    situation: str | None
    tracking_room: str
    tracking_specialist: str

    @property
    def done(self) -> bool:
        return self.completed_on is not None

    @property
    def key(self) -> tuple[str, date, str]:
        """What makes a task the same task: its document's number and issue date, and its content."""
        return (*self.document.key, content_key(self.content))


def content_key(content: str) -> str:
    """A task's content as compared: composed Unicode, no letter case, one space between words, no final
    full stop. Tones stay: "bán" and "bàn" are different words."""
    return " ".join(unicodedata.normalize("NFC", content).casefold().split()).rstrip(" .;")


@dataclass(frozen=True, order=True)
class Problem:
    """Something wrong with a row (the sheet's row number) in a column, or with the whole file (row None)."""

    row: int | None
    message: str
    field: str | None = None
    column: str | None = None  # "E — Đơn vị chủ trì"

    def __str__(self) -> str:
        where = "tệp" if self.row is None else f"dòng {self.row}"
        if self.column:
            where += f", cột {self.column}"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict:
        return {"row": self.row, "field": self.field, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class Difference:
    """A row whose task is already in the system with other values: reported, never written over (the
    change goes through VP's Điều chỉnh thông tin, which moves the timers and tells the unit)."""

    row: int
    assignment_id: int
    changes: tuple[str, ...]  # "Thời hạn: 30/04/2025 → 15/05/2025"

    def __str__(self) -> str:
        return f"dòng {self.row}: nhiệm vụ đã có (số {self.assignment_id}), khác: {'; '.join(self.changes)}"

    def as_dict(self) -> dict:
        return {"row": self.row, "assignment_id": self.assignment_id, "changes": list(self.changes)}


@dataclass
class DocumentPlan:
    """A document and the new tasks of it the file gives; `existing_id` when the document is registered."""

    fields: DocumentFields
    existing_id: int | None
    tasks: list[TaskRow] = field(default_factory=list)
