"""The versions of a process as analysts see them: how many instances each runs, and making an earlier
version the newest again (a rollback in one step)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import clock
from engine.definitions import service
from engine.definitions.models import ProcessDefinition
from engine.errors import ConflictError
from engine.instances.models import ProcessInstance


def instance_counts(
    *, session: Session, process_id: str | None = None
) -> dict[tuple[str, int], dict[str, int]]:
    """{(process id, version): {instance status: how many}}, for one process or all; one GROUP BY query."""
    query = (
        select(ProcessDefinition.process_id, ProcessDefinition.version, ProcessInstance.status, func.count())
        .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
        .group_by(ProcessDefinition.process_id, ProcessDefinition.version, ProcessInstance.status)
    )
    if process_id is not None:
        query = query.where(ProcessDefinition.process_id == process_id)
    counts: dict[tuple[str, int], dict[str, int]] = defaultdict(dict)
    for pid, version, status, count in session.execute(query):
        counts[(pid, version)][status] = count
    return dict(counts)


def make_newest(*, session: Session, definition_id: int, actor: str) -> ProcessDefinition:
    """Deploy an earlier version's diagram, forms and called versions again as a new, newest version.

    deploy() would bind the called processes to their newest versions, so the copy would no longer be the
    version that ran; the row is copied instead, content hash included, so deploy() later recognises it
    (uploading the same file again is "unchanged")."""
    old = service.get_or_raise(session=session, definition_id=definition_id)
    newest = service.latest_or_raise(session=session, process_id=old.process_id)
    if newest.id == old.id:
        raise ConflictError(
            f"Phiên bản v{old.version} đã là phiên bản mới nhất.", details={"definition_id": old.id}
        )
    copy = ProcessDefinition(
        process_id=old.process_id,
        version=newest.version + 1,
        name=old.name,
        filename=old.filename,
        content_hash=old.content_hash,
        bpmn_xml=old.bpmn_xml,
        forms=old.forms,
        dependencies=old.dependencies,
        deployed_at=clock.now(),
        deployed_by=actor,
        source_definition_id=old.id,
    )
    session.add(copy)
    session.flush()
    return copy
