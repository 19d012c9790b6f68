"""Checking every row of a sheet before anything is written: each row read (parse.py), rows gathered into
their documents (same number and issue date; a row with neither continues the document above, as merged
cells leave it), what the rows of one document say about it compared, and each task looked up among those
already registered, by (number, issue date, content): those are skipped, and reported if they differ."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.assignments.models import CONFIRMED, COORDINATING, Assignment, AssignmentUnit
from engine.documents.models import Document
from engine.imports import parse, reader
from engine.imports.columns import BY_KEY
from engine.imports.lookups import Directory
from engine.imports.rows import (
    Difference,
    DocumentFields,
    DocumentPlan,
    Problem,
    TaskRow,
    content_key,
    number_key,
)
from engine.instances.models import RUNNING, ProcessInstance

PROGRESS_EVERY = 250  # rows between two calls of the progress callback
IN_CLAUSE = 500  # values per IN (...) when looking up what is registered


@dataclass(frozen=True)
class Defaults:
    """What a row without its own Phòng theo dõi / Chuyên viên theo dõi gets."""

    tracking_room: str | None = None
    tracking_specialist: str | None = None


@dataclass
class Checked:
    """Every row checked: the problems, the tasks already registered (and how they differ), and the new
    tasks by document, in the sheet's order."""

    rows_read: int = 0
    problems: list[Problem] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    plans: list[DocumentPlan] = field(default_factory=list)
    existing: list[int] = field(default_factory=list)  # rows whose task is registered already

    @property
    def rows_existing(self) -> int:
        return len(self.existing)

    @property
    def bad_rows(self) -> set[int]:
        return {p.row for p in self.problems if p.row is not None}

    @property
    def file_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.row is None]

    @property
    def new_tasks(self) -> list[TaskRow]:
        return [t for plan in self.plans for t in plan.tasks]


@dataclass
class _Draft:
    """A document as its rows describe it, until every row is read."""

    first_row: int
    number: str
    issued_on: date
    typed: dict = field(default_factory=dict)  # field -> (value, row that typed it)
    rows: list[tuple[int, parse.Task]] = field(default_factory=list)
    failed: Problem | None = None  # a problem of the whole document (secret, no title…)
    unread: set[str] = field(default_factory=set)  # its fields a row typed but wrong (reported there)


def check(
    session: Session,
    *,
    rows: Iterable[tuple[int, tuple]],
    mapping: dict[str, int],
    titles: tuple[str, ...],
    defaults: Defaults,
    directory: Directory,
    today: date,
    progress: Callable[[int], None] | None = None,
) -> Checked:
    """Check every row (sheet row number, cells) against the directory and what is registered."""
    checked = Checked()
    drafts: dict[tuple[str, date], _Draft] = {}
    above: tuple[int, tuple[str, date] | None] | None = None  # the document of the row above, by row
    names = parse.column_names(mapping, titles)
    for number, cells in _counted(rows, checked, progress):
        found = parse.cells_of(number, cells, mapping, names)
        if found.empty:
            checked.rows_read -= 1  # a heading inside the table ("I. Văn bản của UBND tỉnh"): not a task
            continue
        refusal = parse.secret(found)
        key = parse.document_key(found, today)
        if key is False:  # merged cells: the document of the row above
            key = _continued(found, above)
        above = (number, key)
        if key is None:
            checked.problems += found.problems
            continue
        draft = drafts.get(_identity(key))
        if draft is None:
            draft = drafts[_identity(key)] = _Draft(number, key[0], key[1])
        if refusal is not None:
            draft.failed = draft.failed or Problem(number, refusal, "secrecy")
            checked.problems += found.problems
            continue
        task = parse.task(found, key[1], directory, today)
        typed = parse.document_fields(found, directory, open_task=task.completed_on is None)
        _merge(draft, typed, found)
        _defaults(task, defaults, found)
        if found.problems:
            checked.problems += found.problems
            draft.unread.update(p.field for p in found.problems)
        else:
            draft.rows.append((number, task))
    for draft in drafts.values():
        _finish(draft, directory, checked)
    _against_registered(session, drafts, directory, checked)
    checked.problems.sort(key=lambda p: (p.row is not None, p.row or 0))
    return checked


def _counted(rows, checked: Checked, progress) -> Iterator[tuple[int, tuple]]:
    for number, cells in rows:
        checked.rows_read += 1
        if checked.rows_read > reader.MAX_ROWS:
            checked.rows_read -= 1
            checked.problems.append(
                Problem(
                    None, f"tệp có hơn {reader.MAX_ROWS:,} dòng: hãy chia thành nhiều tệp".replace(",", ".")
                )
            )
            return
        if progress is not None and checked.rows_read % PROGRESS_EVERY == 0:
            progress(PROGRESS_EVERY)
        yield number, cells
    if progress is not None:
        progress(checked.rows_read % PROGRESS_EVERY)


def _identity(key: tuple[str, date]) -> tuple[str, date]:
    return number_key(key[0]), key[1]


def _continued(found: parse.Cells, above) -> tuple[str, date] | None:
    if above is None:
        found.problem("number", "thiếu Số, ký hiệu và Ngày ban hành, và dòng trên không có văn bản")
        return None
    row, key = above
    if key is None:
        found.problem("number", f"thuộc văn bản ở dòng {row}, nhưng số, ngày của văn bản đó có lỗi")
    return key


def _merge(draft: _Draft, typed: dict, found: parse.Cells) -> None:
    """What this row says of its document must agree with what earlier rows said."""
    for key, value in typed.items():
        if key == "signer":
            draft.typed.setdefault(key, (value, found.row))
            continue
        earlier = draft.typed.get(key)
        if earlier is None:
            draft.typed[key] = (value, found.row)
        elif earlier[0] != value:
            column = "leader" if key == "leader_code" else key
            found.problem(column, f"{BY_KEY[column].label} khác với dòng {earlier[1]} của cùng văn bản")


def _defaults(task: parse.Task, defaults: Defaults, found: parse.Cells) -> None:
    """The file's room and specialist where the row names none. Without a default, an empty cell of a
    mapped column is the row's problem; a file without the column and without a default is refused once,
    as a whole (engine.imports.service)."""
    task.tracking_room = task.tracking_room or defaults.tracking_room
    task.tracking_specialist = task.tracking_specialist or defaults.tracking_specialist
    for key, value in (
        ("tracking_room", task.tracking_room),
        ("tracking_specialist", task.tracking_specialist),
    ):
        if value is None and key in found.values and found.text(key) is None:
            found.problem(key, f"thiếu {BY_KEY[key].label}")


def _finish(draft: _Draft, directory: Directory, checked: Checked) -> None:
    """The document's own problems (no title, no leader where the directory has leaders); a document that
    cannot be written takes its rows with it, each reported."""
    if draft.failed is None and "title" not in draft.typed and "title" not in draft.unread:
        draft.failed = Problem(draft.first_row, "thiếu Trích yếu của văn bản", "title")
    missing_leader = "leader_code" not in draft.typed and "leader" not in draft.unread
    if draft.failed is None and directory.has_leaders and missing_leader:
        draft.failed = Problem(
            draft.first_row, "thiếu lãnh đạo giao nhiệm vụ (danh mục đã có lãnh đạo)", "leader"
        )
    if draft.failed is None:
        return
    if draft.failed.field != "secrecy":
        checked.problems.append(draft.failed)
    for row, _ in draft.rows:
        if row != draft.failed.row:
            why = "có độ mật" if draft.failed.field == "secrecy" else "có lỗi"
            checked.problems.append(
                Problem(row, f"văn bản của nhiệm vụ này {why} (dòng {draft.failed.row}): không nhập được")
            )
    draft.rows.clear()


def _fields(draft: _Draft) -> DocumentFields:
    typed = {key: value for key, (value, _) in draft.typed.items()}
    return DocumentFields(
        number=draft.number,
        issued_on=draft.issued_on,
        doc_type=typed.get("doc_type") or parse.inferred_type(draft.number),
        title=typed["title"],
        signer=typed.get("signer", ""),
        leader_code=typed.get("leader_code"),
    )


def _against_registered(
    session: Session, drafts: dict[tuple[str, date], _Draft], directory: Directory, checked: Checked
) -> None:
    """New tasks into plans; tasks already registered skipped (and compared); a repeated row refused."""
    kept = {key: draft for key, draft in drafts.items() if draft.rows}
    documents = registered_documents(session, kept)
    tasks = registered_tasks(session, [d.id for d in documents.values()])
    units = coordinating_units(session, [a.id for a in tasks.values()])
    seen: dict[tuple, int] = {}
    for key, draft in kept.items():
        fields = _fields(draft)
        document = documents.get(key)
        if document is not None and document.intake_running:
            for row, _ in draft.rows:
                checked.problems.append(
                    Problem(
                        row,
                        f"văn bản số {document.number} ngày {document.issued_on:%d/%m/%Y} đã được tiếp "
                        "nhận và đang chờ phân loại: phân loại tại Việc cần làm thay vì nhập",
                        "number",
                    )
                )
            continue
        plan = DocumentPlan(fields, document.id if document else None)
        for row, task in draft.rows:
            made = _task_row(row, fields, task)
            if made.key in seen:
                checked.problems.append(
                    Problem(
                        row,
                        f"trùng nhiệm vụ ở dòng {seen[made.key]} (cùng văn bản, cùng nội dung)",
                        "content",
                    )
                )
                continue
            seen[made.key] = row
            existing = tasks.get((document.id, made.key[2])) if document else None
            if existing is None:
                plan.tasks.append(made)
                continue
            checked.existing.append(row)
            changes = differences(made, existing, units.get(existing.id, ()), directory)
            if changes:
                checked.differences.append(Difference(row, existing.id, tuple(changes)))
        if plan.tasks:
            checked.plans.append(plan)


def _task_row(row: int, fields: DocumentFields, task: parse.Task) -> TaskRow:
    return TaskRow(
        row=row,
        document=fields,
        content=task.content,
        lead_unit=task.lead_unit,
        coordinating=task.coordinating,
        due_date=task.due_date,
        sector_code=task.sector_code,
        completed_on=task.completed_on,
        situation=task.situation,
        tracking_room=task.tracking_room,
        tracking_specialist=task.tracking_specialist,
    )


@dataclass(frozen=True)
class Registered:
    """A registered document as the import compares with it."""

    id: int
    number: str
    issued_on: date
    intake_running: bool


def registered_documents(
    session: Session, keys: Iterable[tuple[str, date]]
) -> dict[tuple[str, date], Registered]:
    """The first registered document of each (number key, issue date); `intake_running` when VP has not
    classified it yet."""
    wanted = set(keys)
    found: dict[tuple[str, date], Registered] = {}
    for days in _chunks(sorted({day for _, day in wanted})):
        query = (
            select(Document.id, Document.number, Document.issued_on, ProcessInstance.status)
            .outerjoin(ProcessInstance, ProcessInstance.id == Document.intake_instance_id)
            .where(Document.issued_on.in_(days))
            .order_by(Document.id)
        )
        for row in session.execute(query):
            key = (number_key(row.number), row.issued_on)
            if key in wanted and key not in found:
                found[key] = Registered(row.id, row.number, row.issued_on, row.status == RUNNING)
    return found


def registered_tasks(session: Session, document_ids: list[int]) -> dict[tuple[int, str], Assignment]:
    """{(document id, content key): assignment} of those documents."""
    found: dict[tuple[int, str], Assignment] = {}
    for ids in _chunks(sorted(document_ids)):
        for a in session.scalars(
            select(Assignment).where(Assignment.document_id.in_(ids)).order_by(Assignment.id)
        ):
            found.setdefault((a.document_id, content_key(a.content)), a)
    return found


def coordinating_units(session: Session, assignment_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """{assignment id: its coordinating units' codes, sorted}."""
    found: dict[int, list[str]] = {}
    for ids in _chunks(sorted(assignment_ids)):
        query = select(AssignmentUnit.assignment_id, AssignmentUnit.unit_code).where(
            AssignmentUnit.assignment_id.in_(ids), AssignmentUnit.role == COORDINATING
        )
        for assignment_id, code in session.execute(query):
            found.setdefault(assignment_id, []).append(code)
    return {key: tuple(sorted(codes)) for key, codes in found.items()}


def differences(
    row: TaskRow, a: Assignment, coordinating: tuple[str, ...], directory: Directory
) -> list[str]:
    """What the row says differently from the registered task, in words: "Thời hạn: 30/04/2025 → …"."""
    changes = []

    def day(value: date | None) -> str:
        return f"{value:%d/%m/%Y}" if value else "không có"

    if a.lead_unit_code != row.lead_unit:
        changes.append(
            f"Đơn vị chủ trì: {directory.unit_name(a.lead_unit_code)} → {directory.unit_name(row.lead_unit)}"
        )
    if tuple(sorted(row.coordinating)) != coordinating:
        names = [
            ", ".join(directory.unit_name(c) for c in codes) or "không có"
            for codes in (coordinating, row.coordinating)
        ]
        changes.append(f"Đơn vị phối hợp: {names[0]} → {names[1]}")
    if a.due_date != row.due_date:
        changes.append(f"Thời hạn: {day(a.due_date)} → {day(row.due_date)}")
    if (a.stage == CONFIRMED) != row.done or (row.done and a.completed_on != row.completed_on):
        was = f"đã hoàn thành ngày {day(a.completed_on)}" if a.stage == CONFIRMED else "chưa hoàn thành"
        now = f"đã hoàn thành ngày {day(row.completed_on)}" if row.done else "chưa hoàn thành"
        changes.append(f"Tình trạng: {was} → {now}")
    if row.sector_code and a.sector_code != row.sector_code:
        changes.append(
            f"Lĩnh vực: {directory.sector_name(a.sector_code)} → {directory.sector_name(row.sector_code)}"
        )
    return changes


def _chunks(values: list) -> Iterator[list]:
    for start in range(0, len(values), IN_CLAUSE):
        yield values[start : start + IN_CLAUSE]
