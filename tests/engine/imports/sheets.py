"""Tracking sheets as offices keep them, built with openpyxl: a heading, the header row, a row numbering
the columns, then one row per task, a document's number, date and title merged down its tasks on some
documents and repeated on others, dates as Excel dates or typed dd/mm/yyyy, units by name or by code.
Shared by the import's engine, page, browser and benchmark tests."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook

HEADER = [
    "STT",
    "Số, ký hiệu",
    "Ngày ban hành",
    "Trích yếu",
    "Người ký",
    "Nội dung nhiệm vụ",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Thời hạn hoàn thành",
    "Tình trạng",
    "Ngày hoàn thành",
    "Tình hình thực hiện",
    "Độ mật",
]
COLUMN = {title: i for i, title in enumerate(HEADER)}
HEADING = [["UBND TỈNH LÀO CAI"], ["BẢNG THEO DÕI NHIỆM VỤ UBND TỈNH GIAO"], []]
FIRST_ROW = len(HEADING) + 3  # heading, header, the row numbering the columns, then the tasks
UNITS = [
    ("SO_TC", "Sở Tài chính"),
    ("SO_XD", "Sở Xây dựng"),
    ("SO_NV", "Sở Nội vụ"),
    ("XA_BX", "UBND xã Bát Xát"),
]
TYPES = [("QĐ", "Quyết định"), ("CT", "Chỉ thị"), ("KH", "Kế hoạch"), ("UBND-TH", "Công văn")]
SIGNERS = ["Chủ tịch UBND tỉnh", "Phó Chủ tịch UBND tỉnh"]


@dataclass
class Sheet:
    """The rows of a sheet (cells as written, header order), the tasks' documents, which rows are open."""

    rows: list[list]
    document_of: list[int]  # per row: its document's index
    open_rows: set[int]  # indexes of the open tasks' rows

    def row_number(self, index: int) -> int:
        """The sheet's row number of the task row at `index`."""
        return FIRST_ROW + index

    def single_task_rows(self) -> list[int]:
        """Indexes of rows that are their document's only task."""
        sizes: dict[int, int] = {}
        for d in self.document_of:
            sizes[d] = sizes.get(d, 0) + 1
        return [i for i, d in enumerate(self.document_of) if sizes[d] == 1]

    @property
    def documents(self) -> int:
        return len(set(self.document_of))

    def xlsx(self) -> bytes:
        book = Workbook()
        ws = book.active
        ws.title = "Theo dõi nhiệm vụ"
        for line in HEADING:
            ws.append(line)
        ws.append(HEADER)
        ws.append([f"({n})" for n in range(1, len(HEADER) + 1)])
        for row in self.rows:
            ws.append(row)
        body = io.BytesIO()
        book.save(body)
        return body.getvalue()

    def save(self, path: Path) -> Path:
        path.write_bytes(self.xlsx())
        return path


def tracking_sheet(
    tasks: int, *, open_every: int = 16, seed: int = 35, today: date = date(2025, 1, 24)
) -> Sheet:
    """`tasks` rows of documents of 1 to 4 tasks; every `open_every`-th task is open (offices' sheets are
    mostly history), the others done before `today`."""
    rng = random.Random(seed)
    rows: list[list] = []
    document_of: list[int] = []
    open_rows: set[int] = set()
    document = 0
    while len(rows) < tasks:
        size = min(rng.choice((1, 1, 2, 3, 4)), tasks - len(rows))
        issued = today - timedelta(days=rng.randint(40, 700))
        abbreviation, _ = TYPES[document % len(TYPES)]
        number = f"{100 + document}/{abbreviation}" + ("" if "-" in abbreviation else "-UBND")
        title = f"Về việc triển khai nhiệm vụ số {document + 1} của UBND tỉnh"
        merged = document % 3 == 0  # a third of the documents keep their cells merged down their tasks
        for n in range(size):
            index = len(rows)
            code, name = UNITS[(document + n) % len(UNITS)]
            coordinating = UNITS[(document + n + 1) % len(UNITS)][1] if rng.random() < 0.4 else None
            due = issued + timedelta(days=rng.randint(20, 200)) if rng.random() < 0.85 else None
            is_open = (index + 1) % open_every == 0
            completed = None
            if not is_open:
                completed = min(issued + timedelta(days=rng.randint(5, 250)), today - timedelta(days=1))
            first = n == 0 or not merged
            rows.append(
                [
                    index + 1,
                    number if first else None,
                    _day(issued, rng) if first else None,
                    title if first else None,
                    SIGNERS[document % 2] if first else None,
                    f"Nhiệm vụ {n + 1} của văn bản {number}: tổ chức thực hiện và báo cáo kết quả",
                    name if rng.random() < 0.7 else code,
                    coordinating,
                    _day(due, rng) if due else "Thường xuyên",
                    "Đã hoàn thành" if completed else "Đang thực hiện",
                    _day(completed, rng) if completed else None,
                    f"Đã triển khai; kết quả đến ngày {today:%d/%m/%Y}" if rng.random() < 0.5 else None,
                    "Thường" if rng.random() < 0.3 else None,
                ]
            )
            document_of.append(document)
            if is_open:
                open_rows.add(index)
        document += 1
    return Sheet(rows, document_of, open_rows)


def _day(day: date, rng: random.Random):
    """A date as Excel keeps it (a date cell), or as typed text dd/mm/yyyy in one cell of five."""
    return day.strftime("%d/%m/%Y") if rng.random() < 0.2 else datetime(day.year, day.month, day.day)


def workbook(rows: list[list], *, header: list[str] = HEADER, title: str = "Trang tính 1") -> bytes:
    """A workbook of one sheet: the header row, then `rows`."""
    book = Workbook()
    ws = book.active
    ws.title = title
    ws.append(header)
    for row in rows:
        ws.append(row)
    body = io.BytesIO()
    book.save(body)
    return body.getvalue()


def task_row(
    *,
    number: str | None = "15/KH-UBND",
    issued: object = "05/03/2024",
    title: str | None = "Kế hoạch cải cách hành chính năm 2024",
    signer: str | None = None,
    content: str = "Rà soát thủ tục hành chính nội bộ",
    lead: str | None = "Sở Tài chính",
    coordinating: str | None = None,
    due: object = "30/06/2024",
    status: str | None = "Đã hoàn thành",
    completed: object = "20/06/2024",
    situation: str | None = None,
    secrecy: str | None = None,
) -> list:
    """One row in HEADER's order, a done task of a plan by default."""
    return [
        None,
        number,
        issued,
        title,
        signer,
        content,
        lead,
        coordinating,
        due,
        status,
        completed,
        situation,
        secrecy,
    ]
