"""A minimal diagram for timer tests: start, wait until `fire_at` (process data), one step, end."""

from __future__ import annotations

from datetime import datetime

from engine.definitions import service as definitions
from engine.instances import service as instances

DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    id="definitions_{pid}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="{pid}" name="Thử {pid}" isExecutable="true">
    <bpmn:startEvent id="started"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="wait" name="Chờ đến hạn">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:timerEventDefinition id="wait_timer">
        <bpmn:timeDate xsi:type="bpmn:tFormalExpression">fire_at</bpmn:timeDate>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    {step}
    <bpmn:endEvent id="done"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="started" targetRef="wait" />
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="act" />
    <bpmn:sequenceFlow id="f3" sourceRef="act" targetRef="done" />
  </bpmn:process>
</bpmn:definitions>
"""
SERVICE = """<bpmn:serviceTask id="act" name="Bước có lỗi">
      <bpmn:extensionElements>
        <spiffworkflow:serviceTaskOperator id="{operator}" resultVariable="result">
          <spiffworkflow:parameters>{parameters}</spiffworkflow:parameters>
        </spiffworkflow:serviceTaskOperator>
      </bpmn:extensionElements>
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
    </bpmn:serviceTask>"""
SCRIPT = """<bpmn:scriptTask id="act" name="Bước có lỗi" scriptFormat="python">
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>"""
START_MISSING = (
    '<spiffworkflow:parameter id="process_id" type="str" value="&quot;not_deployed&quot;" />'
    '<spiffworkflow:parameter id="data" type="any" value="{}" />'
)


def deploy(system, pid: str, step: str) -> None:
    with system.db.transaction() as session:
        definitions.deploy(
            session=session,
            settings=system.settings,
            data=DIAGRAM.format(pid=pid, step=step).encode(),
            filename=f"{pid}.bpmn",
            actor="test",
        )


def start(system, pid: str, fire_at: datetime) -> int:
    with system.db.transaction() as session:
        return instances.start(
            session=session,
            engine=system.engine,
            process_id=pid,
            data={"fire_at": fire_at.isoformat()},
            actor="test",
        ).id
