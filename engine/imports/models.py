"""The record of each import of a tracking sheet: who, when, which file, and what came of it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime

# What came of an import: still writing, everything written, refused (a bad file: nothing written), or
# stopped by an unexpected error after some chunks were written (importing the file again goes on).
RUNNING, IMPORTED, REFUSED, FAILED = "running", "imported", "refused", "failed"
STATUS_NAMES = {
    RUNNING: "Đang nhập",
    IMPORTED: "Đã nhập",
    REFUSED: "Không nhập (tệp có lỗi)",
    FAILED: "Dừng giữa chừng do lỗi hệ thống",
}


class DataImport(Base):
    """One import of a sheet (a dry run, which only checks, leaves none). Not a tracked row: it is itself
    the audit record, and the rows it wrote carry its note in change_history."""

    __tablename__ = "imports"
    __table_args__ = (Index("ix_imports_imported_at", "imported_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    imported_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    sheet: Mapped[str] = mapped_column(String(100))
    header_row: Mapped[int] = mapped_column(Integer)
    # {field: the header title (or column letter) it was read from}, as the user confirmed it.
    mapping: Mapped[dict] = mapped_column(JSON)
    valid_only: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20))
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_written: Mapped[int] = mapped_column(Integer, default=0)
    rows_skipped: Mapped[int] = mapped_column(Integer, default=0)  # already in the system
    rows_bad: Mapped[int] = mapped_column(Integer, default=0)
    documents_created: Mapped[int] = mapped_column(Integer, default=0)
    processes_started: Mapped[int] = mapped_column(Integer, default=0)
