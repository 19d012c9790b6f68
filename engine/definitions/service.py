"""Deploy diagrams: identical content is the same version, new content a new version."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from engine import clock
from engine.bpmn.form_check import form_problems
from engine.bpmn.forms import FORM_KEYS, form_references
from engine.bpmn.lint import NS, called_processes, processes
from engine.bpmn.loader import Verdict, check, parse_xml
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
    """What deploy() would refuse in this upload (diagram and forms) and what it ignores, without
    deploying anything."""
    checked = _check_upload(session, settings, data, filename, forms)
    return ValidationReport(
        problems=checked.problems,
        warnings=checked.verdict.warnings,
        process_ids=checked.verdict.diagram.process_ids if not checked.problems else [],
    )


@dataclass(frozen=True)
class _Checked:
    """An upload checked: the diagram's verdict, each process's parsed forms, the versions of the
    processes it calls, and every problem of diagram and forms."""

    verdict: Verdict
    forms: dict[str, dict[str, object]]
    dependencies: dict[str, int]
    problems: list[DiagramProblem]


def _check_upload(
    session: Session, settings: Settings, data: bytes, filename: str, uploaded: dict[str, bytes] | None
) -> _Checked:
    """The diagram and its forms, checked together: the forms are read even when the diagram has
    problems, as long as SpiffWorkflow can still say which forms its user tasks name."""
    known = set(session.scalars(select(ProcessDefinition.process_id).distinct()))
    verdict = check(
        data,
        filename,
        max_bytes=settings.max_diagram_bytes,
        max_depth=settings.max_xml_depth,
        known_processes=known,
    )
    try:
        root, _ = parse_xml(
            data, filename, max_bytes=settings.max_diagram_bytes, max_depth=settings.max_xml_depth
        )
    except InvalidDiagramError:
        root = None  # too large: the verdict says so
    forms: dict[str, dict[str, object]] = {}
    dependencies: dict[str, int] = {}
    problems = list(verdict.problems)
    try:
        # A caller is pinned to the newest version of what it calls when it is deployed.
        dependencies = {
            called: latest_or_raise(session=session, process_id=called).id
            for called in sorted(called_processes(root) if root is not None else ())
        }
    except NotFoundError:
        root = None  # it calls what is not deployed (in the verdict): its forms cannot be resolved
    for process_id in [info.id for info in processes(root) if info.executable] if root is not None else []:
        files = [(filename, data), *_dependency_files(session, dependencies)]
        try:
            forms[process_id], found = _collect_forms(settings, filename, process_id, files, uploaded)
        except InvalidDiagramError:
            continue  # SpiffWorkflow cannot read the diagram: in the verdict
        problems += [_located(p, root) for p in found if p not in problems]
    return _Checked(verdict, forms, dependencies, problems)


def _located(problem: DiagramProblem, root) -> DiagramProblem:
    """A form problem on the line of the element that names the form."""
    found = root.xpath("//*[@id=$value]", value=problem.element_id)
    return replace(problem, line=found[0].sourceline) if found else problem


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
    note: str | None = None,
) -> list[Deployed]:
    """Validate and deploy every executable process of one diagram; refuse it whole on any problem.

    Forms come from `forms` (uploaded with the diagram) or from forms_dir/<process_id>/, and are stored
    with the version, so a running instance keeps the forms it was started with. `note` stays with each
    new version (why it was deployed although scenario tests failed)."""
    checked = _check_upload(session, settings, data, filename, forms)
    if checked.problems:
        raise InvalidDiagramError(checked.problems, not_executable=checked.verdict.status == "not_executable")
    diagram = checked.verdict.diagram
    results = []
    dependencies = checked.dependencies
    for process_id in diagram.process_ids:
        form_files = checked.forms[process_id]
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
            deploy_note=note,
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


def latest_id_or_raise(*, session: Session, process_id: str) -> int:
    """The id of the newest version of `process_id`, without loading its diagram and forms (a start
    needs only the id; the runtime parses the diagram once per version)."""
    found = session.scalar(_newest(select(ProcessDefinition.id), process_id))
    if found is None:
        raise NotFoundError(f"no deployed process {process_id!r}")
    return found


def _latest(session: Session, process_id: str) -> ProcessDefinition | None:
    return session.scalar(_newest(select(ProcessDefinition), process_id))


def _newest(query: Select, process_id: str) -> Select:
    return (
        query.where(ProcessDefinition.process_id == process_id)
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
) -> tuple[dict[str, object], list[DiagramProblem]]:
    """Every form the process names, parsed, and the problems of those that are missing or broken:
    a JSON Schema is checked as one, a UI schema as a UI schema."""
    forms: dict[str, object] = {}
    problems = []
    ui_names = _ui_schema_names(files)
    for task_id, names in form_references(files, process_id).items():
        for name in names:
            if uploaded is not None and name in uploaded:
                raw = uploaded[name]
            else:
                path = Path(settings.forms_dir) / process_id / name
                if not path.is_file():
                    message = f"không tìm thấy tệp biểu mẫu {process_id}/{name}"
                    problems.append(DiagramProblem(filename, None, task_id, message))
                    continue
                raw = path.read_bytes()
            form, found = form_problems(name, raw, ui=name in ui_names)
            problems += [DiagramProblem(filename, None, task_id, message) for message in found]
            if not found:
                forms[name] = form
    return forms, problems


def _ui_schema_names(files: list[tuple[str, bytes]]) -> set[str]:
    """The form files that user tasks and start events name as their UI schema."""
    names = set()
    for filename, data in files:
        root, _ = parse_xml(data, filename)
        if root is not None:
            names.update(
                root.xpath(f"//spiffworkflow:property[@name='{FORM_KEYS[1]}']/@value", namespaces=NS)
            )
    return names


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
