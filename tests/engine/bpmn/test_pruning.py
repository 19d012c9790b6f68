"""Pruning finished loop rounds keeps the state bounded and changes nothing the instance does next."""

from __future__ import annotations

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.bpmn.loader import build_specs
from engine.bpmn.pruning import prune
from engine.bpmn.serializer import make_serializer

# A standing user task in a loop beside a parallel branch that waits on a timer (as an assignment's
# updates run beside its deadline watch); each round appends a note and counts.
DIAGRAM = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    id="definitions_looping" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="looping" isExecutable="true">
    <bpmn:startEvent id="started" />
    <bpmn:scriptTask id="init" scriptFormat="python"><bpmn:script>rounds = 0
notes = []</bpmn:script></bpmn:scriptTask>
    <bpmn:parallelGateway id="fork" />
    <bpmn:intermediateCatchEvent id="watch">
      <bpmn:timerEventDefinition id="watch_timer">
        <bpmn:timeDate xsi:type="bpmn:tFormalExpression">"2999-01-01T00:00:00+00:00"</bpmn:timeDate>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="watched" />
    <bpmn:exclusiveGateway id="join_loop" />
    <bpmn:userTask id="work" />
    <bpmn:scriptTask id="tally" scriptFormat="python"><bpmn:script>rounds += 1
notes = notes + [note]</bpmn:script></bpmn:scriptTask>
    <bpmn:exclusiveGateway id="more" default="again" />
    <bpmn:endEvent id="finished"><bpmn:terminateEventDefinition id="stop" /></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="started" targetRef="init" />
    <bpmn:sequenceFlow id="f2" sourceRef="init" targetRef="fork" />
    <bpmn:sequenceFlow id="f3" sourceRef="fork" targetRef="watch" />
    <bpmn:sequenceFlow id="f4" sourceRef="watch" targetRef="watched" />
    <bpmn:sequenceFlow id="f5" sourceRef="fork" targetRef="join_loop" />
    <bpmn:sequenceFlow id="f6" sourceRef="join_loop" targetRef="work" />
    <bpmn:sequenceFlow id="f7" sourceRef="work" targetRef="tally" />
    <bpmn:sequenceFlow id="f8" sourceRef="tally" targetRef="more" />
    <bpmn:sequenceFlow id="again" sourceRef="more" targetRef="join_loop" />
    <bpmn:sequenceFlow id="done" sourceRef="more" targetRef="finished">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">rounds &gt;= 40</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
  </bpmn:process>
</bpmn:definitions>
"""
SPECS = build_specs([("looping.bpmn", DIAGRAM)], "looping")
SERIALIZER = make_serializer(lambda key: SPECS)
ENGINE = PythonScriptEngine()


def started() -> BpmnWorkflow:
    workflow = BpmnWorkflow(*SPECS, script_engine=ENGINE)
    workflow.spec_key = 1
    workflow.do_engine_steps()
    return workflow


def work(workflow: BpmnWorkflow, note: str) -> None:
    [task] = workflow.get_tasks(state=TaskState.READY, manual=True)
    task.data["note"] = note
    task.run()
    workflow.do_engine_steps()


def saved_and_restored(workflow: BpmnWorkflow) -> BpmnWorkflow:
    prune(workflow)
    restored = SERIALIZER.deserialize_json(SERIALIZER.serialize_json(workflow))
    restored.script_engine = ENGINE
    return restored


def test_the_tree_stops_growing_after_the_first_round():
    workflow = started()
    sizes = []
    for n in range(30):
        work(workflow, f"lần {n}")
        workflow = saved_and_restored(workflow)
        sizes.append(len(workflow.tasks))
    assert sizes[1] == sizes[-1]
    [task] = workflow.get_tasks(state=TaskState.READY, manual=True)
    assert task.data["rounds"] == 30 and task.data["notes"] == [f"lần {n}" for n in range(30)]


def test_a_pruned_instance_does_what_the_unpruned_one_does():
    pruned, kept = started(), started()
    for n in range(40):
        work(pruned, f"lần {n}")
        work(kept, f"lần {n}")
        pruned = saved_and_restored(pruned)
        assert _live(pruned) == _live(kept)
        assert pruned.last_task.data == kept.last_task.data
        assert {t.task_spec.name for t in pruned.get_tasks()} == {t.task_spec.name for t in kept.get_tasks()}
    assert pruned.is_completed() and kept.is_completed()
    assert pruned.last_task.data == kept.last_task.data


def test_the_last_completed_task_and_the_parents_of_live_tasks_stay():
    workflow = started()
    for n in range(5):
        work(workflow, f"lần {n}")
    last, parents = workflow.last_task, {t.parent.id for t in _live_tasks(workflow)}
    assert prune(workflow) > 0
    assert workflow.last_task is last and last.id in workflow.tasks
    assert parents <= set(workflow.tasks)


def _live_tasks(workflow: BpmnWorkflow) -> list:
    return [t for t in workflow.get_tasks() if t.state != TaskState.COMPLETED]


def _live(workflow: BpmnWorkflow) -> list:
    """What decides the next steps: each unfinished task, its data and its ancestors by element."""
    return sorted(
        (t.task_spec.name, t.state, repr(sorted(t.data.items())), _ancestor_elements(t))
        for t in _live_tasks(workflow)
    )


def _ancestor_elements(task) -> list[str]:
    names, parent = [], task.parent
    while parent is not None:
        if parent.task_spec.name not in names:
            names.append(parent.task_spec.name)
        parent = parent.parent
    return names
