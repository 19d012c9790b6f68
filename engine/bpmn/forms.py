"""What a process declares beyond SpiffWorkflow's reach: its user tasks' forms, the start form and starter
groups of an on-demand process, and properties of the process itself."""

from __future__ import annotations

from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask

from engine.bpmn import camunda
from engine.bpmn.lint import NS
from engine.bpmn.loader import build_specs, parse_xml

FORM_KEYS = ("formJsonSchemaFilename", "formUiSchemaFilename")
_PROPERTY = "bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property"


def form_references(files: list[tuple[str, bytes]], process_id: str) -> dict[str, list[str]]:
    """{element id: [schema file, ui schema file]} for every user task of the process and what it calls,
    and for the process's start event when it has a start form."""
    spec, subprocess_specs = build_specs(files, process_id)
    found: dict[str, list[str]] = {}
    for process_spec in [spec, *[s for s in subprocess_specs.values() if s is not None]]:
        for task_spec in process_spec.task_specs.values():
            if not isinstance(task_spec, UserTask):
                continue
            props = (task_spec.extensions or {}).get("properties", {})
            found[task_spec.bpmn_id] = [props[k] for k in FORM_KEYS if props.get(k)]
    for filename, data in files:
        start = start_properties(data, filename, process_id)
        if start:
            found[start["id"]] = [start[k] for k in FORM_KEYS if start.get(k)]
    return found


def start_properties(data: bytes, filename: str, process_id: str) -> dict[str, str]:
    """The `spiffworkflow:properties` of the process's none start event, plus its id; {} when it has none.

    SpiffWorkflow keeps no extensions on start events, so they are read from the XML. Camunda names the
    same things `camunda:formKey` and `camunda:candidateStarterGroups`; the Camunda adapter maps those."""
    root, _ = parse_xml(data, filename)
    if root is None:
        return {}
    camunda.adapt(root)
    for start in root.iterfind(f"bpmn:process[@id='{process_id}']/bpmn:startEvent", NS):
        if len(start) and any(child.tag.endswith("EventDefinition") for child in start):
            continue  # a timer or message start event has no form
        props = _properties(start)
        if props:
            return {"id": start.get("id"), **props}
    return {}


def process_properties(data: bytes, filename: str, process_id: str) -> dict[str, str]:
    """The `spiffworkflow:properties` of the process element itself (e.g. startAutomatically)."""
    root, _ = parse_xml(data, filename)
    process = root.find(f"bpmn:process[@id='{process_id}']", NS) if root is not None else None
    return _properties(process) if process is not None else {}


def _properties(element) -> dict[str, str]:
    return {prop.get("name"): prop.get("value") for prop in element.iterfind(_PROPERTY, NS)}
