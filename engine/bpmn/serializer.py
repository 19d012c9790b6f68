"""One configured serializer: the spec is stored once per deployed version, an instance keeps a key to it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from uuid import UUID

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

# (spec, subprocess_specs) of a deployed definition, by its key (the definition id).
SpecResolver = Callable[[int], tuple[object, dict]]


class SpecRefWorkflowConverter(BpmnWorkflowConverter):
    """Writes `spec_key` where the stock converter embeds the whole spec (about half of every payload)."""

    resolve_spec: SpecResolver

    def to_dict(self, workflow: BpmnWorkflow) -> dict:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["spec_key"] = workflow.spec_key
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict) -> BpmnWorkflow:
        spec_key = dct.pop("spec_key")
        spec, subprocess_specs = self.resolve_spec(spec_key)
        dct["spec"] = None  # the stock converter restores these two; ours come from the cache
        dct["subprocess_specs"] = {}
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.spec_key = spec_key
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def make_serializer(resolve_spec: SpecResolver) -> BpmnWorkflowSerializer:
    """The serializer every instance is saved with; `resolve_spec` turns a stored key back into specs."""
    config = dict(SPIFF_CONFIG)
    converter = type("BoundSpecRefWorkflowConverter", (SpecRefWorkflowConverter,), {})
    converter.resolve_spec = staticmethod(resolve_spec)
    config[BpmnWorkflow] = converter
    registry = BpmnWorkflowSerializer.configure(config)
    registry.register(date, lambda v: {"value": v.isoformat()}, lambda v: date.fromisoformat(v["value"]))
    registry.register(Decimal, lambda v: {"value": str(v)}, lambda v: Decimal(v["value"]))
    return BpmnWorkflowSerializer(registry)
