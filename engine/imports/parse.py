"""One row of a sheet into the values of a task and its document, with a problem for each cell that cannot
be read: dates, the status, the units and people named, Đ5.2's secret marks. The document's identity and
what rows share (merged cells, repeated fields) are settled across rows in validate.py."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from engine.documents import secrecy
from engine.documents.schemas import DOCUMENT_IN, DRAFT_TASK
from engine.documents.service import before_issue, deadline_problems, issue_date_problems
from engine.errors import SecretDocumentRefused, ValidationError
from engine.imports.columns import BY_KEY, column_name
from engine.imports.lookups import Directory
from engine.imports.rows import Problem
from engine.search.fold import fold
from engine.sheets import cell_day, cell_text, fold_title
from engine.validation import refuse_unstorable

# The longest texts the registration API takes (engine.documents.schemas); the situation as an update does.
MAX_LENGTH = {
    "number": DOCUMENT_IN["properties"]["number"]["maxLength"],
    "doc_type": DOCUMENT_IN["properties"]["doc_type"]["maxLength"],
    "title": DOCUMENT_IN["properties"]["title"]["maxLength"],
    "leader": DOCUMENT_IN["properties"]["signer"]["maxLength"],
    "content": DRAFT_TASK["properties"]["content"]["maxLength"],
    "situation": 8000,
}
# A Thời hạn cell that says the task has none (R8: never overdue).
NO_DEADLINE = frozenset(
    fold_title(t) for t in ("Không có thời hạn", "Không thời hạn", "Không", "Thường xuyên", "-")
)
# Tình trạng: the words of a done task, and of an open one (checked first: "chưa hoàn thành").
OPEN_WORDS = ("chua", "dang", "qua han", "trong han", "tiep tuc")
DONE_WORDS = ("da hoan thanh", "hoan thanh", "da xong", "xong")
# Document types by the abbreviation in the number (Nghị định 30/2020, Phụ lục III); a number without one
# ("3721/UBND-KT") is a công văn.
TYPE_BY_ABBREVIATION = {
    "qd": "Quyết định",
    "ct": "Chỉ thị",
    "ctr": "Chương trình",
    "kh": "Kế hoạch",
    "tb": "Thông báo kết luận",
    "cd": "Công điện",
}
DEFAULT_TYPE = "Công văn"
# Đ5.2's marks inside the texts: "(Mật)", "[TỐI MẬT]", "Độ mật: Mật", and a stamp in capitals opening or
# closing a text ("MẬT - Kế hoạch …"). The word alone is not a mark: "bảo vệ bí mật nhà nước" is a task.
_LEVEL = "tuyệt mật|tối mật|mật"
MARKS = (
    re.compile(rf"[(\[]\s*({_LEVEL})\s*[)\]]", re.IGNORECASE),
    re.compile(rf"độ\s+mật\s*[:=]\s*({_LEVEL})\b", re.IGNORECASE),
    re.compile(r"^\s*(TUYỆT MẬT|TỐI MẬT|MẬT)(?=\s*[-–:.,;]|\s*$)"),
    re.compile(r"[-–:.,;(\[]\s*(TUYỆT MẬT|TỐI MẬT|MẬT)\s*$"),
)
LEVEL_CODES = {fold_title(name): code for code, name in secrecy.LEVELS.items()}
MARKED_FIELDS = ("number", "doc_type", "title", "content", "situation")


@dataclass
class Cells:
    """The mapped cells of one row as values and as text (each read once), and the problems found."""

    row: int
    values: dict[str, object]
    texts: dict[str, str | None]
    columns: dict[str, str]  # field -> "E — Đơn vị chủ trì"
    problems: list = field(default_factory=list)

    def text(self, key: str) -> str | None:
        return self.texts.get(key)

    @property
    def empty(self) -> bool:
        return all(t is None for t in self.texts.values())

    def problem(self, key: str | None, message: str) -> None:
        self.problems.append(Problem(self.row, message, key, self.columns.get(key) if key else None))


def column_names(mapping: dict[str, int], titles: tuple[str, ...]) -> dict[str, str]:
    """{field: its column as problems name it}."""
    return {key: column_name(i, titles[i] if i < len(titles) else "") for key, i in mapping.items()}


def cells_of(row: int, cells: tuple, mapping: dict[str, int], names: dict[str, str]) -> Cells:
    """The row's cells by field, with a problem for text a database cannot store (NUL, broken Unicode)."""
    values = {key: cells[i] if i < len(cells) else None for key, i in mapping.items()}
    found = Cells(row, values, {key: cell_text(v) for key, v in values.items()}, names)
    for key, value in values.items():
        if isinstance(value, str):
            try:
                refuse_unstorable(value, where=key)
            except ValidationError:
                found.problem(key, "ô chứa ký tự không hợp lệ (NUL hoặc mã Unicode lỗi)")
                found.values[key] = found.texts[key] = None
    return found


def secret(cells: Cells) -> str | None:
    """Đ5.2: the refusal of a row marked secret (its Độ mật, or a mark in its texts), recorded as its
    problem, or None."""
    found = _secret_level(cells)
    if found is None:
        return None
    key, code = found
    try:
        secrecy.refuse_secret(code)
    except SecretDocumentRefused as refused:
        cells.problem(key, refused.message)
        return refused.message
    return None


def _secret_level(cells: Cells) -> tuple[str, str] | None:
    """(the field, the level's code) of the row's secret mark; any Độ mật but Thường (or empty) is one."""
    level = cells.text("secrecy")
    if level is not None and (code := LEVEL_CODES.get(fold_title(level), level)) != secrecy.NORMAL:
        return "secrecy", code
    for key in MARKED_FIELDS:
        typed = unicodedata.normalize("NFC", cells.text(key) or "")
        for pattern in MARKS:
            if found := pattern.search(typed):
                return key, LEVEL_CODES[fold_title(found.group(1))]
    return None


def document_key(cells: Cells, today: date) -> tuple[str, date] | None | bool:
    """(number, issue date) the row names; False when both are empty (the document of the row above);
    None when they cannot be read (the problems recorded)."""
    number, typed_day = cells.text("number"), cells.text("issued_on")
    if number is None and typed_day is None:
        return False
    issued = _day(cells, "issued_on")
    if number is None:
        cells.problem("number", "thiếu Số, ký hiệu của văn bản")
    elif len(number) > MAX_LENGTH["number"]:
        cells.problem("number", f"Số, ký hiệu dài quá {MAX_LENGTH['number']} ký tự")
        number = None
    if issued is None and typed_day is None:
        cells.problem("issued_on", "thiếu Ngày ban hành của văn bản")
    elif issued is not None and (problem := issue_date_problems(issued.isoformat(), today)):
        cells.problem("issued_on", f"Ngày ban hành {issued:%d/%m/%Y}: {problem['issued_on']}")
        issued = None
    return (number, issued) if number is not None and issued is not None else None


@dataclass
class Task:
    """The task fields of a row, as read; `open_task` decides how strictly the directory is checked."""

    content: str | None = None
    lead_unit: str | None = None
    coordinating: tuple[str, ...] = ()
    due_date: date | None = None
    sector_code: str | None = None
    completed_on: date | None = None
    situation: str | None = None
    tracking_room: str | None = None
    tracking_specialist: str | None = None


def task(cells: Cells, issued_on: date, directory: Directory, today: date) -> Task:
    """The task of the row, every cell checked; problems recorded on `cells`."""
    found = Task(content=_bounded(cells, "content"), situation=_bounded(cells, "situation"))
    if found.content is None:
        cells.problem("content", "thiếu Nội dung nhiệm vụ")
    found.completed_on = _completion(cells, issued_on, today)
    open_task = found.completed_on is None
    lead = cells.text("lead_unit")
    if lead is None:
        cells.problem("lead_unit", "thiếu Đơn vị chủ trì")
    else:
        found.lead_unit, problem = directory.unit(lead, open_task=open_task)
        if problem:
            cells.problem("lead_unit", problem)
    if (listed := cells.text("coordinating_units")) is not None:
        codes, problems = directory.unit_list(listed, open_task=open_task)
        found.coordinating = tuple(c for c in codes if c != found.lead_unit)
        for problem in problems:
            cells.problem("coordinating_units", problem)
    found.due_date = _deadline(cells, issued_on, today)
    found.sector_code, problem = directory.sector(cells.text("sector"), open_task=open_task)
    if problem:
        cells.problem("sector", problem)
    if (room := cells.text("tracking_room")) is not None:
        found.tracking_room, problem = directory.room(room)
        if problem:
            cells.problem("tracking_room", problem)
    if (person := cells.text("tracking_specialist")) is not None:
        found.tracking_specialist, problem = directory.specialist(person)
        if problem:
            cells.problem("tracking_specialist", problem)
    return found


def document_fields(cells: Cells, directory: Directory, *, open_task: bool) -> dict:
    """The document fields the row types ({} for those it leaves empty): type, title, leader and signer."""
    typed: dict = {}
    for key in ("doc_type", "title"):
        if (value := _bounded(cells, key)) is not None:
            typed[key] = value
    if (leader := _bounded(cells, "leader")) is not None:
        code, signer, problem = directory.leader(leader, open_task=open_task)
        if problem:
            cells.problem("leader", problem)
        else:
            typed["leader_code"], typed["signer"] = code, signer
    return typed


def inferred_type(number: str) -> str:
    """The document type a number's abbreviation gives ("15/CT-UBND": Chỉ thị), else Công văn."""
    after = number.split("/", 1)[1] if "/" in number else ""
    abbreviation = fold_title(after.split("-", 1)[0]) if after else ""
    return TYPE_BY_ABBREVIATION.get(abbreviation, DEFAULT_TYPE)


def _bounded(cells: Cells, key: str) -> str | None:
    typed = cells.text(key)
    if typed is not None and len(typed) > MAX_LENGTH[key]:
        cells.problem(key, f"{BY_KEY[key].label} dài quá {MAX_LENGTH[key]} ký tự")
        return None
    return typed


def _day(cells: Cells, key: str) -> date | None:
    try:
        return cell_day(cells.values.get(key))
    except ValueError:
        shown = cells.text(key)
        cells.problem(key, f"{BY_KEY[key].label} “{shown}” không phải ngày hợp lệ (ngày/tháng/năm)")
        return None


def _deadline(cells: Cells, issued_on: date, today: date) -> date | None:
    typed = cells.text("due_date")
    if typed is None or fold_title(typed) in NO_DEADLINE:
        return None
    due = _day(cells, "due_date")
    if due is None:
        return None
    if problems := deadline_problems([{"due_date": due.isoformat()}], today):
        cells.problem("due_date", f"Thời hạn {due:%d/%m/%Y}: {problems['tasks/0/due_date']}")
        return None
    if problem := before_issue(due, issued_on):
        cells.problem("due_date", f"Thời hạn {due:%d/%m/%Y}: {problem}")
        return None
    return due


def _completion(cells: Cells, issued_on: date, today: date) -> date | None:
    """The completion date of a done task; None for an open one. The status and the date must agree."""
    typed = cells.text("status")
    done = None
    if typed is not None:
        words = fold(typed)
        if words.startswith(OPEN_WORDS):
            done = False
        elif words.startswith(DONE_WORDS):
            done = True
        else:
            cells.problem(
                "status",
                f"không hiểu Tình trạng “{typed}”: ghi “Đã hoàn thành” hoặc “Đang thực hiện”, "
                "“Chưa hoàn thành”, “Chưa thực hiện”",
            )
    completed = _day(cells, "completed_on")
    if completed is None:
        if done and cells.text("completed_on") is None:
            cells.problem("completed_on", "nhiệm vụ đã hoàn thành cần có Ngày hoàn thành")
        return None
    if done is False:
        cells.problem(
            "completed_on", f"có Ngày hoàn thành {completed:%d/%m/%Y} nhưng Tình trạng là “{typed}”"
        )
        return None
    if completed > today:
        cells.problem("completed_on", f"Ngày hoàn thành {completed:%d/%m/%Y} sau hôm nay ({today:%d/%m/%Y})")
        return None
    if completed < issued_on:
        cells.problem(
            "completed_on",
            f"Ngày hoàn thành {completed:%d/%m/%Y} trước ngày ban hành văn bản ({issued_on:%d/%m/%Y})",
        )
        return None
    return completed
