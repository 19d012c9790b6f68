"""Deploy diagrams: identical content is the same version, new content a new version."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import clock
from engine.bpmn.forms import form_references
from engine.bpmn.loader import load_diagram
from engine.config import Settings
from engine.definitions.models import ProcessDefinition
from engine.definitions.svg import render_svg
from engine.errors import DiagramProblem, InvalidDiagramError, NotFoundError


@dataclass(frozen=True)
class ValidationReport:
    """Everything said about an upload before it is deployed: `problems` block it, `warnings` do not."""

    problems: list[DiagramProblem]
    warnings: list[DiagramProblem]
    process_ids: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def validate_upload(
    *, session: Session, settings: Settings, data: bytes, filename: str, forms: dict[str, bytes] | None = None
) -> ValidationReport:
    """What deploy() would refuse in this upload (diagram and forms), without deploying anything."""
    try:
        with session.begin_nested() as savepoint:
            results = deploy(
                session=session, settings=settings, data=data, filename=filename, actor=None, forms=forms
            )
            process_ids = [r.definition.process_id for r in results]
            savepoint.rollback()
    except InvalidDiagramError as exc:
        return ValidationReport(problems=exc.problems, warnings=[], process_ids=[])
    return ValidationReport(problems=[], warnings=[], process_ids=process_ids)


@dataclass(frozen=True)
class Deployed:
    definition: ProcessDefinition
    created: bool


def deploy(
    *,
    session: Session,
    settings: Settings,
    data: bytes,
    filename: str,
    actor: str | None,
    forms: dict[str, bytes] | None = None,
) -> list[Deployed]:
    """Validate and deploy every executable process of one diagram; refuse it whole on any problem.

    Forms come from `forms` (uploaded with the diagram) or from forms_dir/<process_id>/, and are stored
    with the version, so a running instance keeps the forms it was started with."""
    known = set(session.scalars(select(ProcessDefinition.process_id).distinct()))
    diagram = load_diagram(
        data,
        filename,
        max_bytes=settings.max_diagram_bytes,
        max_depth=settings.max_xml_depth,
        known_processes=known,
    )
    if not diagram.process_ids:
        raise InvalidDiagramError(
            [DiagramProblem(filename, None, "-", "no executable process: nothing to deploy")],
            not_executable=True,
        )
    results = []
    for process_id in diagram.process_ids:
        dependencies = {
            called: latest_or_raise(session=session, process_id=called).id
            for called in sorted(diagram.called_processes)
        }
        files = [(filename, data), *_dependency_files(session, dependencies)]
        form_files = _collect_forms(settings, filename, process_id, files, forms)
        content_hash = _hash(data, form_files, dependencies)
        newest = _latest(session, process_id)
        if newest is not None and newest.content_hash == content_hash:
            results.append(Deployed(newest, created=False))
            continue
        # The same content as an older version makes that version the newest again (a rollback).
        source = session.scalar(
            select(ProcessDefinition.id)
            .where(ProcessDefinition.process_id == process_id, ProcessDefinition.content_hash == content_hash)
            .order_by(ProcessDefinition.version.desc())
            .limit(1)
        )
        version = (newest.version if newest is not None else 0) + 1
        definition = ProcessDefinition(
            process_id=process_id,
            version=version,
            name=diagram.names.get(process_id) or process_id,
            filename=filename,
            content_hash=content_hash,
            bpmn_xml=data,
            forms=form_files,
            dependencies=dependencies,
            deployed_at=clock.now(),
            deployed_by=actor,
            source_definition_id=source,
        )
        session.add(definition)
        session.flush()
        results.append(Deployed(definition, created=True))
    return results


def deploy_directory(*, session: Session, settings: Settings, actor: str | None = None) -> list[Deployed]:
    """Deploy processes_dir/*.bpmn, called processes before their callers."""
    pending = {path.name: path.read_bytes() for path in sorted(Path(settings.processes_dir).glob("*.bpmn"))}
    results: list[Deployed] = []
    while pending:
        progressed, problems = False, []
        for name, data in list(pending.items()):
            try:
                with session.begin_nested():
                    results.extend(
                        deploy(session=session, settings=settings, data=data, filename=name, actor=actor)
                    )
            except InvalidDiagramError as exc:
                problems.extend(exc.problems)
                continue
            del pending[name]
            progressed = True
        if not progressed:
            raise InvalidDiagramError(problems)
    return results


def latest_or_raise(*, session: Session, process_id: str) -> ProcessDefinition:
    """The newest version of `process_id`: new instances always start on it."""
    definition = _latest(session, process_id)
    if definition is None:
        raise NotFoundError(f"no deployed process {process_id!r}")
    return definition


def _latest(session: Session, process_id: str) -> ProcessDefinition | None:
    return session.scalar(
        select(ProcessDefinition)
        .where(ProcessDefinition.process_id == process_id)
        .order_by(ProcessDefinition.version.desc())
        .limit(1)
    )


def get_or_raise(*, session: Session, definition_id: int) -> ProcessDefinition:
    definition = session.get(ProcessDefinition, definition_id)
    if definition is None:
        raise NotFoundError(f"no process definition {definition_id}")
    return definition


def list_(
    *, session: Session, process_id: str | None = None, latest_only: bool = False
) -> list[ProcessDefinition]:
    """Deployed versions, newest first; `latest_only` keeps the newest of each process."""
    query = select(ProcessDefinition).order_by(ProcessDefinition.process_id, ProcessDefinition.version.desc())
    if process_id is not None:
        query = query.where(ProcessDefinition.process_id == process_id)
    if latest_only:
        newest = (
            select(ProcessDefinition.process_id, func.max(ProcessDefinition.version).label("version"))
            .group_by(ProcessDefinition.process_id)
            .subquery()
        )
        query = query.join(
            newest,
            (newest.c.process_id == ProcessDefinition.process_id)
            & (newest.c.version == ProcessDefinition.version),
        )
    return list(session.scalars(query))


def files_for(*, session: Session, definition_id: int) -> tuple[str, list[tuple[str, bytes]]]:
    """(process id, [(filename, xml)]) of a definition and the versions it calls, for the runtime."""
    definition = get_or_raise(session=session, definition_id=definition_id)
    return definition.process_id, [
        (definition.filename, definition.bpmn_xml),
        *_dependency_files(session, definition.dependencies),
    ]


def _dependency_files(session: Session, dependencies: dict[str, int]) -> list[tuple[str, bytes]]:
    files = []
    for definition_id in dependencies.values():
        _, nested = files_for(session=session, definition_id=definition_id)
        files.extend(f for f in nested if f not in files)
    return files


def _collect_forms(
    settings: Settings,
    filename: str,
    process_id: str,
    files: list[tuple[str, bytes]],
    uploaded: dict[str, bytes] | None,
) -> dict[str, object]:
    """Every form the process names, parsed; a missing or broken form refuses the deploy."""
    forms: dict[str, object] = {}
    problems = []
    for task_id, names in form_references(files, process_id).items():
        for name in names:
            if uploaded is not None and name in uploaded:
                raw = uploaded[name]
            else:
                path = Path(settings.forms_dir) / process_id / name
                if not path.is_file():
                    problems.append(
                        DiagramProblem(filename, None, task_id, f"form file {process_id}/{name} not found")
                    )
                    continue
                raw = path.read_bytes()
            try:
                schema = json.loads(raw)
                _check_schema(bytes(raw))
            except ValueError as exc:
                problems.append(
                    DiagramProblem(filename, None, task_id, f"form {name} is not valid JSON: {exc}")
                )
                continue
            except SchemaError as exc:
                problems.append(
                    DiagramProblem(
                        filename, None, task_id, f"form {name} is not a valid JSON Schema: {exc.message}"
                    )
                )
                continue
            forms[name] = schema
    if problems:
        raise InvalidDiagramError(problems)
    return forms


@functools.lru_cache(maxsize=512)
def _check_schema(raw: bytes) -> None:
    """Check a form once per content: the meta-schema walk costs ~10 ms a form, and every deploy of
    processes/ (each start-up, each test) sees the same files again."""
    Draft202012Validator.check_schema(json.loads(raw))


def _hash(data: bytes, forms: dict[str, object], dependencies: dict[str, int]) -> str:
    digest = hashlib.sha256(data)
    digest.update(json.dumps([forms, dependencies], sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


def diagram_svg(*, session: Session, definition_id: int, states: dict[str, str] | None = None) -> str:
    """The definition's diagram as SVG, its elements marked with `states`."""
    definition = get_or_raise(session=session, definition_id=definition_id)
    return render_svg(
        definition.bpmn_xml,
        process_id=definition.process_id,
        states=states,
        title=f"{definition.name} (v{definition.version})",
        filename=definition.filename,
    )
