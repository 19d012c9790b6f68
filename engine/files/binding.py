"""Files in form data: which fields of a form hold files, and the check made when a form is completed or a
document registered. Every file a form names must exist and have been uploaded by the person submitting,
for that very user task (or for a new document, or for the start form of that very process and not yet
bound to an instance); the form then carries the server's name, size, type and SHA-256 of it, whatever the
browser sent.

A field holds files when its JSON schema is an array whose items have a `file_id` property:
{"file_id": integer, "name", "size", "content_type", "sha256"} ("ui:widget": "files" in the UI schema)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import ValidationError
from engine.files.models import (
    ASSIGNMENT,
    DOCUMENT,
    FOR_COORDINATION,
    FOR_DOCUMENT,
    FOR_START,
    FOR_TASK,
    StoredFile,
)
from engine.usertasks.models import UserTaskRow

# The JSON schema of a list of files in a form or an API body (the forms in forms/ spell out the same).
FILE_REF = {
    "type": "object",
    "title": "Tệp",
    "additionalProperties": False,
    "required": ["file_id"],
    "properties": {
        "file_id": {"type": "integer", "minimum": 1, "title": "Mã tệp"},
        "name": {"type": "string", "maxLength": 255, "title": "Tên tệp"},
        "size": {"type": "integer", "minimum": 0, "title": "Dung lượng (byte)"},
        "content_type": {"type": "string", "maxLength": 100, "title": "Loại tệp"},
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$", "title": "Mã kiểm tra SHA-256"},
    },
}
MAX_FILES = 20  # files in one field: a report and its annexes, not an archive


def file_list(title: str, description: str) -> dict:
    """The schema of a field holding files (upload each first, then name it by its file_id)."""
    return {
        "type": "array",
        "title": title,
        "description": description,
        "maxItems": MAX_FILES,
        "items": FILE_REF,
    }


NOT_YOURS = "tệp không tồn tại hoặc không được bạn tải lên cho công việc này"
NOT_FOR_DOCUMENT = "tệp không tồn tại, không do bạn tải lên hoặc đã thuộc văn bản khác"
NOT_YOURS_HERE = "tệp không tồn tại hoặc không được bạn tải lên cho nhiệm vụ này"
NOT_FOR_START = "tệp không tồn tại, không do bạn tải lên cho biểu mẫu này hoặc đã thuộc quy trình khác"
TWICE = "tệp đã có trong danh sách"


def metadata(row: StoredFile) -> dict[str, Any]:
    """A file as forms, process data and the API carry it."""
    return {
        "file_id": row.id,
        "name": row.name,
        "size": row.size,
        "content_type": row.content_type,
        "sha256": row.sha256,
    }


def file_fields(schema: dict | None) -> list[tuple[str, ...]]:
    """The paths of the fields of `schema` that hold files ("*" for every item of an array)."""
    return [path for path, _ in _fields(schema or {}, ())]


def attach_task_files(
    *, session: Session, schema: dict | None, data: dict[str, Any], task_id: str, username: str, now: datetime
) -> dict[str, Any]:
    """`data` (valid against `schema`) with each file replaced by the server's metadata, the files marked
    attached; ValidationError naming each file that was not uploaded by `username` for `task_id`, or sent
    with an earlier round of the same step of the same instance: a report the unit leader returned comes
    back with the files it carried, and whoever sends it again may keep them."""
    earlier = _earlier_rounds(session, task_id)

    def belongs(row: StoredFile) -> bool:
        if row.purpose != FOR_TASK:
            return False
        if row.task_id == task_id:
            return row.uploaded_by == username
        return row.task_id in earlier and row.attached_at is not None

    return _attach(session, schema, data, belongs, NOT_YOURS, now)


def _earlier_rounds(session: Session, task_id: str) -> set[str]:
    """The other user tasks of the same step (BPMN element) in the same instance as `task_id`."""
    row = session.get(UserTaskRow, task_id)
    if row is None:
        return set()
    query = select(UserTaskRow.id).where(
        UserTaskRow.instance_id == row.instance_id,
        UserTaskRow.bpmn_id == row.bpmn_id,
        UserTaskRow.id != task_id,
    )
    return set(session.scalars(query))


def attach_coordination_files(
    *, session: Session, data: dict[str, Any], assignment_id: int, username: str, now: datetime
) -> dict[str, Any]:
    """A coordinating unit's update (Đ9.2.b) with its files, which `username` uploaded for it."""
    schema = {"properties": {"attachments": {"type": "array", "items": FILE_REF}}}

    def belongs(row: StoredFile) -> bool:
        return (
            row.purpose == FOR_COORDINATION
            and (row.subject, row.subject_id) == (ASSIGNMENT, assignment_id)
            and row.uploaded_by == username
        )

    return _attach(session, schema, data, belongs, NOT_YOURS_HERE, now)


def attach_document_files(
    *, session: Session, refs: list[dict] | None, username: str | None, now: datetime
) -> list[StoredFile]:
    """The files a new document names, uploaded by `username` for a document and not yet part of one;
    ValidationError naming each other one. Bind them with `bind_to_document` once the document has an id."""
    schema = {"properties": {"attachments": {"type": "array", "items": {"properties": {"file_id": {}}}}}}
    found: list[StoredFile] = []

    def belongs(row: StoredFile) -> bool:
        ok = row.purpose == FOR_DOCUMENT and row.uploaded_by == username and row.subject is None
        if ok:
            found.append(row)
        return ok

    _attach(session, schema, {"attachments": refs or []}, belongs, NOT_FOR_DOCUMENT, now)
    return found


def attach_start_files(
    *,
    session: Session,
    schema: dict | None,
    data: dict[str, Any],
    process_id: str,
    username: str,
    now: datetime,
) -> tuple[dict[str, Any], list[StoredFile]]:
    """A start form's `data` with its files' metadata, and the files: each uploaded by `username` for the
    start form of `process_id` and not yet bound to an instance; ValidationError naming each other one.
    Bind them with `bind_to_instance` once the instance has started."""
    found: list[StoredFile] = []

    def belongs(row: StoredFile) -> bool:
        ok = (
            row.purpose == FOR_START
            and row.process_id == process_id
            and row.uploaded_by == username
            and row.instance_id is None
            and row.subject is None
        )
        if ok:
            found.append(row)
        return ok

    return _attach(session, schema, data, belongs, NOT_FOR_START, now), found


def bind_to_instance(rows: list[StoredFile], instance_id: int, subject: str, subject_id: int) -> None:
    """Make a start form's files part of the started instance and of what it is about (the record its
    first step created): those who may see that record may read them from now on."""
    for row in rows:
        row.instance_id, row.subject, row.subject_id = instance_id, subject, subject_id


def bind_to_document(rows: list[StoredFile], document_id: int) -> None:
    """Make the files part of the registered document: its readers may read them from now on."""
    for row in rows:
        row.subject, row.subject_id = DOCUMENT, document_id


def _attach(session, schema, data, belongs, refusal: str, now: datetime) -> dict[str, Any]:
    data = copy.deepcopy(data)
    lists = [(path, items) for path, items in _lists(schema or {}, data, ())]
    wanted = {ref.get("file_id") for _, items in lists for ref in items if isinstance(ref, dict)}
    wanted = sorted(i for i in wanted if isinstance(i, int) and not isinstance(i, bool))
    rows = {}
    if wanted:
        rows = {r.id: r for r in session.scalars(select(StoredFile).where(StoredFile.id.in_(wanted)))}
    problems: dict[str, str] = {}
    for path, items in lists:
        seen: set[int] = set()
        for i, ref in enumerate(items):
            where = "/".join([*map(str, path), str(i), "file_id"])
            row = rows.get(ref.get("file_id")) if isinstance(ref, dict) else None
            if row is None or not belongs(row):
                problems[where] = refusal
            elif row.id in seen:
                problems[where] = TWICE
            else:
                seen.add(row.id)
                items[i] = metadata(row)
                row.attached_at = row.attached_at or now
    if problems:
        raise ValidationError("Tệp đính kèm không hợp lệ", fields=problems)
    return data


def _fields(schema: dict, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], dict]]:
    if not isinstance(schema, dict):
        return
    items = schema.get("items")
    if isinstance(items, dict):
        if "file_id" in (items.get("properties") or {}):
            yield path, schema
            return
        yield from _fields(items, (*path, "*"))
    for key, sub in (schema.get("properties") or {}).items():
        yield from _fields(sub, (*path, key))


def _lists(schema: dict, data: Any, path: tuple) -> Iterator[tuple[tuple, list]]:
    """(path, the list) of every file field present in `data`, following the schema."""
    if not isinstance(schema, dict):
        return
    items = schema.get("items")
    if isinstance(items, dict) and isinstance(data, list):
        if "file_id" in (items.get("properties") or {}):
            yield path, data
            return
        for i, value in enumerate(data):
            yield from _lists(items, value, (*path, i))
    if isinstance(data, dict):
        for key, sub in (schema.get("properties") or {}).items():
            if key in data:
                yield from _lists(sub, data[key], (*path, key))
