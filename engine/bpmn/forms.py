"""Which form files the user tasks of a process name (read from the parsed spec)."""

from __future__ import annotations

from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask

from engine.bpmn.loader import build_specs


def form_references(files: list[tuple[str, bytes]], process_id: str) -> dict[str, list[str]]:
    """{user task id: [schema file, ui schema file]} for every user task of the process and what it calls."""
    spec, subprocess_specs = build_specs(files, process_id)
    found: dict[str, list[str]] = {}
    for process_spec in [spec, *[s for s in subprocess_specs.values() if s is not None]]:
        for task_spec in process_spec.task_specs.values():
            if not isinstance(task_spec, UserTask):
                continue
            props = (task_spec.extensions or {}).get("properties", {})
            names = [props[k] for k in ("formJsonSchemaFilename", "formUiSchemaFilename") if props.get(k)]
            found[task_spec.bpmn_id] = names
    return found
