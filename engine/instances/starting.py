"""On-demand processes (local feedback, data correction, inspection): who may start one, and its start form.

The diagram says both on its none start event: `candidateStarterGroups` (roles) and a start form
(`formJsonSchemaFilename`), as Camunda does. The submitted form becomes the instance's data together
with `starter` (who started it and from which unit), which the diagram uses for routing. The files the form
names are the starter's uploads for this start form (engine.files.binding); once started they belong to
the instance and to the record its first steps created (engine.files.service.subject_of_instance)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from engine import clock
from engine.auth.service import Principal
from engine.bpmn.forms import start_properties
from engine.definitions import service as definitions
from engine.definitions.models import ProcessDefinition
from engine.errors import PermissionDeniedError
from engine.files import binding
from engine.files import service as files
from engine.instances import service as instances
from engine.instances.models import ProcessInstance
from engine.validation import validate


@dataclass(frozen=True)
class StartForm:
    definition: ProcessDefinition
    starter_groups: tuple[str, ...]
    schema: dict | None
    ui_schema: dict | None

    def can_start(self, user: Principal) -> bool:
        return bool(self.starter_groups) and user.in_any(self.starter_groups)


def start_form(*, session: Session, process_id: str) -> StartForm:
    """The start form of the newest version of `process_id` (schema None when it takes no input)."""
    definition = definitions.latest_or_raise(session=session, process_id=process_id)
    return _form_of(definition)


def startable(*, session: Session, user: Principal) -> list[StartForm]:
    """The processes `user` may start by hand, newest versions only."""
    forms = (_form_of(d) for d in definitions.list_(session=session, latest_only=True))
    return [form for form in forms if form.can_start(user)]


def start_on_demand(
    *, session: Session, engine: instances.Engine, process_id: str, data: dict[str, Any], user: Principal
) -> ProcessInstance:
    """Start `process_id` for `user` with the data of its start form, checked against the form first."""
    form = start_form(session=session, process_id=process_id)
    if not form.can_start(user):
        groups = ", ".join(form.starter_groups) or "no group (the diagram names no candidateStarterGroups)"
        details = {"roles": list(form.starter_groups)}
        raise PermissionDeniedError(f"process {process_id!r} may be started by: {groups}", details=details)
    if form.schema is not None:
        validate(form.schema, data, message="Dữ liệu khởi tạo quy trình không hợp lệ")
        # Every field of the form becomes a process variable, so the diagram can name an optional
        # field the user left empty (browsers leave it out): its default, else None.
        fields = form.schema.get("properties", {})
        data = {**{name: spec.get("default") for name, spec in fields.items()}, **data}
    data, uploads = binding.attach_start_files(
        session=session,
        schema=form.schema,
        data=data,
        process_id=form.definition.process_id,
        username=user.username,
        now=clock.now(),
    )
    starter = {"username": user.username, "full_name": user.full_name, "unit_code": user.unit_code}
    instance = instances.start(
        session=session,
        engine=engine,
        process_id=process_id,
        data={**data, "starter": starter},
        actor=user.username,
    )
    if uploads:
        binding.bind_to_instance(uploads, instance.id, *files.subject_of_instance(session, instance.id))
    return instance


def _form_of(definition: ProcessDefinition) -> StartForm:
    props = start_properties(bytes(definition.bpmn_xml), definition.filename, definition.process_id)
    forms = definition.forms or {}
    groups = tuple(g.strip() for g in props.get("candidateStarterGroups", "").split(",") if g.strip())
    return StartForm(
        definition,
        groups,
        forms.get(props.get("formJsonSchemaFilename", "")),
        forms.get(props.get("formUiSchemaFilename", "")),
    )
