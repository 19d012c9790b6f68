"""The scratch system scenarios run in: a temporary SQLite file, migrated, with processes/ (and an upload
on top) deployed and a directory of units and users loaded once; every scenario gets a copy of it, so
scenarios never see each other, and the real database is never opened."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from engine import clock, migrate
from engine.bpmn.lint import NS
from engine.bpmn.loader import parse_xml
from engine.config import Settings
from engine.definitions import service as definitions
from engine.definitions.models import ProcessDefinition
from engine.demo import DEMO, directory_rows
from engine.directory import service as directory_service
from engine.migrate import MIGRATIONS
from engine.system import System, build

# Base databases by content (engine/migrations, processes/, forms/, the directory, the first day).
CACHE = Path(tempfile.gettempdir()) / "theodoi-scenarios"


@dataclass(frozen=True)
class Upload:
    """A diagram (and its forms) deployed over processes/ as the newest version of its processes."""

    data: bytes
    filename: str
    forms: dict[str, bytes] | None = None


@dataclass(frozen=True)
class Template:
    settings: Settings  # of the scratch database the copies start from
    folder: Path
    process_ids: list[str]  # what the upload defines (empty without an upload)
    user_tasks: dict[str, set[str]]  # process id -> ids and names of the user tasks of its newest version

    @contextlib.contextmanager
    def copy(self, name: str) -> Iterator[System]:
        """A system on a fresh copy of the template database, removed afterwards."""
        path = self.folder / f"{name}.db"
        shutil.copyfile(self.folder / "template.db", path)
        system = build(dataclasses.replace(self.settings, database_url=f"sqlite:///{path}"))
        try:
            yield system
        finally:
            system.db.dispose()
            path.unlink(missing_ok=True)


@contextlib.contextmanager
def template(
    settings: Settings, *, directory: dict | None, today: date, upload: Upload | None = None
) -> Iterator[Template]:
    """Build the template in a temporary folder; everything in it is deleted on leaving.

    Raises InvalidDiagramError (processes/ or the upload cannot be deployed) or InvalidDirectoryError."""
    spec = directory or json.loads(DEMO.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="theodoi-scenarios-") as folder:
        path = Path(folder) / "template.db"
        scratch = dataclasses.replace(
            settings,
            database_url=f"sqlite:///{path}",
            data_dir=Path(folder),
            deploy_on_start=False,
            broker_url="",
        )
        shutil.copyfile(_base(scratch, spec, today), path)
        system = build(scratch)
        try:
            process_ids = _deploy_upload(system, upload) if upload is not None else []
            with system.db.reading() as session:
                user_tasks = _user_tasks(definitions.list_(session=session, latest_only=True))
        finally:
            system.db.dispose()
        yield Template(scratch, Path(folder), process_ids, user_tasks)


def _base(scratch: Settings, spec: dict, today: date) -> Path:
    """A migrated database with processes/ deployed and the directory loaded, built once per content and
    kept in the temporary folder: the directory's password hashes alone take seconds (argon2 is slow on
    purpose), and every run of the analyst pages and every test would pay them again."""
    key = hashlib.sha256(json.dumps([spec, today.isoformat()], sort_keys=True).encode())
    for folder in (MIGRATIONS / "versions", Path(scratch.processes_dir), Path(scratch.forms_dir)):
        for file in sorted(folder.rglob("*")):
            if file.is_file() and "__pycache__" not in file.parts:
                key.update(str(file.relative_to(folder)).encode() + b"\0" + file.read_bytes())
    cached = CACHE / f"{key.hexdigest()}.db"
    if cached.exists():
        return cached
    CACHE.mkdir(parents=True, exist_ok=True)
    building = CACHE / f"{cached.stem}.{uuid.uuid4().hex}.tmp"
    url = f"sqlite:///{building}"
    migrate.upgrade(url)
    system = build(dataclasses.replace(scratch, database_url=url))
    try:
        _fill(system, spec, today)
    finally:
        system.db.dispose()
    building.replace(cached)  # atomic: a concurrent run sees the whole file or none
    return cached


def _fill(system: System, spec: dict, today: date) -> None:
    spec = {"units": spec["units"], "users": [{"unit": None, **u} for u in spec["users"]]}
    with system.db.transaction() as session:
        definitions.deploy_directory(session=session, settings=system.settings, actor="scenarios")
        directory_service.import_directory(
            session=session,
            parsed=directory_rows(spec),
            today=today,
            now=clock.now(),
            actor=None,
            new_password=lambda: "scenario-only",
        )


def _deploy_upload(system: System, upload: Upload) -> list[str]:
    with system.db.transaction() as session:
        deployed = definitions.deploy(
            session=session,
            settings=system.settings,
            data=upload.data,
            filename=upload.filename,
            actor="scenarios",
            forms=upload.forms,
        )
        return [d.definition.process_id for d in deployed]


def _user_tasks(newest: list[ProcessDefinition]) -> dict[str, set[str]]:
    """{process id: ids and names of its user tasks}: a step naming none of them is a mistake in the file."""
    known = {}
    for definition in newest:
        root, _ = parse_xml(bytes(definition.bpmn_xml), definition.filename)
        tasks = root.iterfind(".//bpmn:userTask", NS) if root is not None else []
        known[definition.process_id] = {
            name for task in tasks for name in (task.get("id"), task.get("name")) if name
        }
    return known
