"""One import, as the command line, the API and the upload page run it: find the table, map its columns,
check every row, and write only when the whole file is valid (or when the user asked for the valid rows
alone); every import that is not a dry run leaves its record in `imports`."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.auth.models import User
from engine.config import Settings
from engine.errors import ValidationError
from engine.imports import apply, columns, reader, validate
from engine.imports.lookups import Directory
from engine.imports.models import FAILED, IMPORTED, REFUSED, RUNNING, DataImport
from engine.imports.report import Report
from engine.imports.rows import Problem
from engine.sheets import cell_text
from engine.system import System

PREVIEW_ROWS = 10  # rows the upload page shows as they will be read
IMPORTERS = frozenset({"vp_specialist"})  # who imports: VP's tracking specialists, and administrators
# A phase of the work with its size: yields the callable that advances it (the CLI's progress bar).
Phase = Callable[[str, int], AbstractContextManager[Callable[[int], None]]]


@contextlib.contextmanager
def _quiet(_label: str, _total: int) -> Iterator[Callable[[int], None]]:
    yield lambda _n: None


@dataclass(frozen=True)
class Options:
    """What the user chose: the sheet; columns for fields over the guess ({field: header title, column
    letter or index}, "" for none); a dry run; importing only the valid rows; the room and the specialist
    of rows that name none."""

    sheet: str | None = None
    mapping: dict[str, str | int] = field(default_factory=dict)
    dry_run: bool = False
    valid_only: bool = False
    tracking_room: str | None = None
    tracking_specialist: str | None = None


def parse_map(items: list[str] | tuple[str, ...]) -> dict[str, str]:
    """{field: header} from "FIELD=Header" items (--map, the API's map); ValidationError for another form."""
    found = {}
    for item in items:
        name, sign, header = item.partition("=")
        if not sign or not name.strip():
            raise ValidationError(
                f"“{item}”: ghi theo dạng TRƯỜNG=Tiêu đề cột, ví dụ lead_unit=Cơ quan chủ trì",
                fields={"map": "TRƯỜNG=Tiêu đề cột"},
            )
        found[name.strip()] = header.strip()
    return found


def importer_problem(session: Session, username: str) -> str | None:
    """Why `username` may not import (no such active user, not a VP specialist nor an administrator)."""
    account = session.scalar(select(User).where(User.username == username))
    if account is None or not account.active:
        return f"không có người dùng “{username}” đang hoạt động"
    if not (IMPORTERS | {"admin"}) & set(account.roles or []):
        return f"{account.full_name} không phải chuyên viên theo dõi của Văn phòng hay quản trị hệ thống"
    return None


def today_of(settings: Settings) -> date:
    """Today, local (R3): what open tasks are checked against."""
    return clock.now().astimezone(ZoneInfo(settings.timezone)).date()


def note_for(file_name: str) -> str:
    """What change_history says of the rows an import wrote."""
    return f"Nhập từ tệp Excel {file_name}"


def run(
    *, system: System, path: Path, file_name: str, options: Options, actor: str | None, phase: Phase = _quiet
) -> Report:
    """Check the file at `path` (shown as `file_name`) and, unless a dry run or refused, write it."""
    where = reader.layout(path, options.sheet)
    began = time.perf_counter()
    with phase("Đọc và kiểm tra", where.rows_estimate) as advance:
        mapping, checked = check(
            system=system, path=path, where=where, options=options, actor=actor, progress=advance
        )
    report = Report(
        file_name=file_name,
        sha256=_sha256(path),
        layout=where,
        mapping=mapping,
        checked=checked,
        dry_run=options.dry_run,
        valid_only=options.valid_only,
        seconds_checking=time.perf_counter() - began,
    )
    if options.dry_run:
        return report
    if report.refused:
        report.import_id = _record(system, report, actor, REFUSED)
        return report
    report.import_id = _record(system, report, actor, RUNNING)
    began = time.perf_counter()
    try:
        with phase("Ghi dữ liệu", len(checked.new_tasks)) as advance:
            report.written = apply.write(
                system=system,
                plans=checked.plans,
                import_id=report.import_id,
                actor=actor,
                note=note_for(file_name),
                progress=advance,
            )
    except BaseException:
        _finish(system, report.import_id, FAILED)
        raise
    report.seconds_writing = time.perf_counter() - began
    _finish(system, report.import_id, IMPORTED)
    return report


def check(
    *,
    system: System,
    path: Path,
    where: reader.Layout,
    options: Options,
    actor: str | None,
    rows: list[tuple[int, tuple]] | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[dict[str, int], validate.Checked]:
    """The mapping and every row of the sheet checked (or only `rows`, for a preview), the problems of the
    whole file first. Rows are not read while a required field has no column: each would only say so."""
    mapping, problems = mapping_for(where, options.mapping)
    today = today_of(system.settings)
    readable = all(key in mapping for key in columns.REQUIRED)
    if rows is None:
        rows = reader.data_rows(path, where) if readable else []
    with system.db.reading() as session:
        directory = Directory(session, today)
        checked = validate.check(
            session,
            rows=rows if readable else [],
            mapping=mapping,
            titles=where.titles,
            defaults=_defaults(directory, options, mapping, actor, problems),
            directory=directory,
            today=today,
            progress=progress,
        )
    checked.problems[:0] = problems
    return mapping, checked


@dataclass(frozen=True)
class PreviewRow:
    """A row of the preview: its cells as read, by field, and what the import would make of it."""

    row: int
    values: dict[str, str]
    verdict: str
    problems: tuple[str, ...]


def preview(
    *, system: System, path: Path, where: reader.Layout, options: Options, actor: str | None
) -> tuple[dict[str, int], validate.Checked, list[PreviewRow]]:
    """The first PREVIEW_ROWS rows as they will be read and checked."""
    rows = list(itertools.islice(reader.data_rows(path, where), PREVIEW_ROWS)) if where.titles else []
    mapping, checked = check(system=system, path=path, where=where, options=options, actor=actor, rows=rows)
    problems: dict[int, list[str]] = {}
    for p in checked.problems:
        if p.row is not None:
            problems.setdefault(p.row, []).append(
                f"{columns.BY_KEY[p.field].label}: {p.message}" if p.field else p.message
            )
    new = {t.row: t for t in checked.new_tasks}
    shown = []
    for number, cells in rows:
        values = {key: cell_text(cells[i]) if i < len(cells) else None for key, i in mapping.items()}
        if not any(values.values()):
            continue
        if number in problems:
            verdict = "Có lỗi, không nhập"
        elif number in new:
            task = new[number]
            state = f"đã hoàn thành ngày {task.completed_on:%d/%m/%Y}" if task.done else "đang thực hiện"
            verdict = f"Nhiệm vụ mới, {state}"
        else:
            verdict = "Đã có, bỏ qua"
        shown.append(
            PreviewRow(
                number, {k: v or "" for k, v in values.items()}, verdict, tuple(problems.get(number, ()))
            )
        )
    return mapping, checked, shown


def mapping_for(where: reader.Layout, wanted: dict[str, str | int]) -> tuple[dict[str, int], list[Problem]]:
    """{field: column index}: the guess from the header row, then the user's choices over it; a file
    problem for a header row not found, a choice naming no column, a column chosen twice, a required
    field left without one."""
    problems: list[Problem] = []
    if not where.titles:
        fields = ", ".join(f.label for f in columns.FIELDS if f.required)
        problems.append(
            Problem(
                None,
                f"không tìm thấy dòng tiêu đề trong {reader.HEADER_SCAN} dòng đầu (cần các cột {fields})",
            )
        )
        return {}, problems
    mapping = columns.guess(where.titles)
    for name, header in wanted.items():
        target = columns.field_named(name)
        if target is None:
            problems.append(Problem(None, f"không có trường “{name}” để chọn cột"))
            continue
        if isinstance(header, int):
            index = header if 0 <= header < len(where.titles) else None
        elif not header.strip():
            mapping.pop(target.key, None)
            continue
        else:
            index = columns.column_index(header, where.titles)
        if index is None:
            problems.append(Problem(None, f"không có cột “{header}” cho {target.label}", target.key))
        else:
            mapping[target.key] = index
    by_column: dict[int, list[str]] = {}
    for key, index in mapping.items():
        by_column.setdefault(index, []).append(columns.BY_KEY[key].label)
    for index, labels in sorted(by_column.items()):
        if len(labels) > 1:
            shown = columns.column_name(index, where.titles[index] if index < len(where.titles) else "")
            problems.append(Problem(None, f"cột {shown} được chọn cho nhiều trường: {', '.join(labels)}"))
    for key in columns.REQUIRED:
        if key not in mapping:
            problems.append(Problem(None, f"chưa chọn cột cho {columns.BY_KEY[key].label}", key))
    return mapping, problems


def _defaults(
    directory: Directory,
    options: Options,
    mapping: dict[str, int],
    actor: str | None,
    problems: list[Problem],
) -> validate.Defaults:
    """The room and the specialist of rows that name none: the user's choice, else the first active room
    and the importing user when a VP specialist; a file problem when a row could be left without one."""
    room = specialist = None
    if options.tracking_room:
        room, problem = directory.room(options.tracking_room)
        if problem:
            problems.append(Problem(None, problem, "tracking_room"))
    else:
        room = directory.first_room()
        if room is None and "tracking_room" not in mapping:
            problems.append(Problem(None, "danh mục chưa có phòng theo dõi của Văn phòng", "tracking_room"))
    if options.tracking_specialist:
        specialist, problem = directory.specialist(options.tracking_specialist)
        if problem:
            problems.append(Problem(None, problem, "tracking_specialist"))
    elif actor and actor.casefold() in directory.specialists:
        specialist = directory.specialists[actor.casefold()]
    elif "tracking_specialist" not in mapping:
        problems.append(
            Problem(
                None,
                "chưa có chuyên viên theo dõi: chọn chuyên viên theo dõi chung cho tệp, hoặc thêm cột "
                "Chuyên viên theo dõi",
                "tracking_specialist",
            )
        )
    return validate.Defaults(room, specialist)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 16):
            digest.update(block)
    return digest.hexdigest()


def _record(system: System, report: Report, actor: str | None, status: str) -> int:
    with system.db.transaction() as session:
        row = DataImport(
            imported_by=actor,
            imported_at=clock.now(),
            finished_at=clock.now() if status == REFUSED else None,
            file_name=report.file_name[:255],
            sha256=report.sha256,
            sheet=report.layout.sheet[:100],
            header_row=report.layout.header_row,
            mapping=report.mapping_titles(),
            valid_only=report.valid_only,
            status=status,
            rows_read=report.checked.rows_read,
            rows_written=0,
            rows_skipped=report.checked.rows_existing,
            rows_bad=len(report.checked.bad_rows),
            documents_created=0,
            processes_started=0,
        )
        session.add(row)
        session.flush()
        return row.id


def _finish(system: System, import_id: int, status: str) -> None:
    with system.db.transaction() as session:
        row = session.get(DataImport, import_id)
        row.status, row.finished_at = status, clock.now()
