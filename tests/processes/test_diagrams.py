"""Generic checks for every deployed diagram in `processes/*.bpmn`.

Each file holds one executable process whose id is the file stem. It must validate against SpiffWorkflow's
bundled BPMN 2.0 XSD (with the `spiffworkflow` extension schema), parse with `SpiffBpmnParser`, name its user
tasks' candidate groups and forms (the forms live in `forms/<process_id>/`), and carry a complete, tidy
diagram interchange part so that it opens cleanly in bpmn.io / Camunda Modeler.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import jsonschema
import pytest
from lxml import etree
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = ROOT / "processes"
FORMS = ROOT / "forms"
BPMN_FILES = sorted(PROCESSES.glob("*.bpmn"))

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN, "bpmndi": BPMNDI, "dc": DC, "di": DI, "spiffworkflow": SPIFF}
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"

EVENTS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
ACTIVITIES = set(
    "task userTask manualTask scriptTask serviceTask sendTask receiveTask businessRuleTask"
    " callActivity subProcess transaction adHocSubProcess".split()
)
GATEWAYS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}
FLOW_NODES = EVENTS | ACTIVITIES | GATEWAYS
CONTAINERS = {"subProcess", "transaction", "adHocSubProcess"}
EDGES = "bpmndi:BPMNDiagram/bpmndi:BPMNPlane/bpmndi:BPMNEdge"
TOLERANCE = 3.0  # px: how far an edge end or a boundary event centre may sit from the border it belongs to


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _ns(el: etree._Element) -> str:
    return etree.QName(el).namespace or ""


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @classmethod
    def of(cls, bounds: etree._Element) -> Box:
        return cls(*(float(bounds.get(k)) for k in ("x", "y", "width", "height")))

    def overlaps(self, other: Box) -> bool:
        """True when the interiors intersect (shapes that merely touch do not overlap)."""
        return (
            self.x < other.x + other.w
            and other.x < self.x + self.w
            and self.y < other.y + other.h
            and other.y < self.y + self.h
        )

    def encloses(self, other: Box) -> bool:
        """True when `other` lies wholly inside (a label inside an expanded subprocess)."""
        return (
            self.x <= other.x
            and other.x + other.w <= self.x + self.w
            and self.y <= other.y
            and other.y + other.h <= self.y + self.h
        )

    def contains(self, px: float, py: float, tol: float = TOLERANCE) -> bool:
        return self.x - tol <= px <= self.x + self.w + tol and self.y - tol <= py <= self.y + self.h + tol

    def on_border(self, px: float, py: float, tol: float = TOLERANCE) -> bool:
        if not self.contains(px, py, tol):
            return False
        gaps = (abs(px - self.x), abs(px - self.x - self.w), abs(py - self.y), abs(py - self.y - self.h))
        return min(gaps) <= tol


def _load(path: Path) -> etree._ElementTree:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    return etree.parse(str(path), parser)


@pytest.fixture(scope="module", params=BPMN_FILES, ids=[p.stem for p in BPMN_FILES])
def diagram(request) -> tuple[Path, etree._ElementTree]:
    return request.param, _load(request.param)


def _process(tree: etree._ElementTree) -> etree._Element:
    processes = tree.getroot().findall("bpmn:process", NS)
    assert len(processes) == 1, f"one process per file, found {len(processes)}"
    return processes[0]


def _flow_nodes(tree: etree._ElementTree) -> list[etree._Element]:
    return [el for el in _process(tree).iter(f"{{{BPMN}}}*") if _local(el) in FLOW_NODES]


def _planes(tree: etree._ElementTree) -> list[etree._Element]:
    return tree.getroot().findall("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)


def _shapes_by_plane(tree: etree._ElementTree) -> list[dict[str, etree._Element]]:
    return [
        {shape.get("bpmnElement"): shape for shape in plane.findall("bpmndi:BPMNShape", NS)}
        for plane in _planes(tree)
    ]


def _all_shapes(tree: etree._ElementTree) -> dict[str, etree._Element]:
    merged: dict[str, etree._Element] = {}
    for shapes in _shapes_by_plane(tree):
        merged.update(shapes)
    return merged


def _properties(task: etree._Element) -> dict[str, str]:
    props = task.findall("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS)
    return {p.get("name"): p.get("value") for p in props}


# --- schema, parser, identity ----------------------------------------------------------------------------


def test_there_are_diagrams():
    assert BPMN_FILES, "processes/ holds no .bpmn file"


def test_validates_against_bundled_xsd(diagram):
    path, tree = diagram
    schema = VALIDATOR.validator
    ok = schema.validate(tree)
    problems = [f"{path.name}:{e.line}: {e.message}" for e in schema.error_log]
    assert ok, "\n".join(problems)


def test_one_executable_process_named_after_the_file(diagram):
    path, tree = diagram
    process = _process(tree)
    assert process.get("id") == path.stem
    assert process.get("isExecutable") == "true"


def test_spiff_parses_it(diagram):
    path, _ = diagram
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_file(str(path))
    assert path.stem in parser.get_process_ids()
    spec = parser.get_spec(path.stem)
    assert spec.name == path.stem


def test_all_diagrams_load_together_and_call_activities_resolve():
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_files([str(p) for p in BPMN_FILES])  # duplicate process ids across files raise here
    for path in BPMN_FILES:
        parser.get_subprocess_specs(path.stem)


def test_extension_ids_do_not_shadow_bpmn_ids(diagram):
    """Spiff 3.2.0 indexes *every* element with an `id` (ProcessParser._index_process_nodes), so e.g. a
    `spiffworkflow:serviceTaskOperator id="x"` inside the task `x` replaces that task in the index and
    parsing fails with "There is no support implemented for this task type"."""
    _, tree = diagram
    process = _process(tree)
    bpmn_ids = {el.get("id") for el in process.iter() if _ns(el) == BPMN and el.get("id")}
    clashes = sorted(
        f"{_local(el)} id={el.get('id')!r} (line {el.sourceline})"
        for el in process.iter()
        if isinstance(el.tag, str) and _ns(el) != BPMN and el.get("id") in bpmn_ids
    )
    assert not clashes, f"extension element ids equal to BPMN element ids: {clashes}"


def test_expressions_and_scripts_compile(diagram):
    path, tree = diagram
    process = _process(tree)
    problems = []

    def check(source: str | None, mode: str, where: etree._Element, what: str) -> None:
        if source is None or not source.strip():
            problems.append(f"{path.name}:{where.sourceline}: {what}: empty")
            return
        try:
            compile(source.strip() if mode == "eval" else source, f"<{what}>", mode)
        except SyntaxError as exc:
            problems.append(f"{path.name}:{where.sourceline}: {what}: {exc.msg}")

    for script in process.iterfind(".//bpmn:scriptTask/bpmn:script", NS):
        check(script.text, "exec", script, f"script of {script.getparent().get('id')}")
    for tag in ("preScript", "postScript"):
        for script in process.iterfind(f".//spiffworkflow:{tag}", NS):
            if script.text and script.text.strip():  # the Spiff modeler writes empty ones
                check(script.text, "exec", script, f"{tag} of {script.getparent().getparent().get('id')}")
    for tag in ("timeDate", "timeDuration", "timeCycle"):
        for expr in process.iterfind(f".//bpmn:{tag}", NS):
            check(expr.text, "eval", expr, f"{tag} of {expr.getparent().getparent().get('id')}")
    for cond in process.iterfind(".//bpmn:sequenceFlow/bpmn:conditionExpression", NS):
        check(cond.text, "eval", cond, f"condition of {cond.getparent().get('id')}")
    for param in process.iterfind(".//spiffworkflow:parameter", NS):
        check(param.get("value"), "eval", param, f"parameter {param.get('id')}")
    for task in process.iterfind(".//bpmn:userTask", NS):
        due = _properties(task).get("dueDate")
        if due is not None:
            check(due, "eval", task, f"dueDate of {task.get('id')}")
    assert not problems, "\n".join(problems)


# --- user tasks and their forms --------------------------------------------------------------------------


def test_user_tasks_have_groups_and_valid_forms(diagram):
    path, tree = diagram
    problems = []
    for task in _process(tree).iterfind(".//bpmn:userTask", NS):
        tid, props = task.get("id"), _properties(task)
        if not (props.get("candidateGroups") or "").strip():
            problems.append(f"{tid}: no candidateGroups")
        schema_name = props.get("formJsonSchemaFilename")
        if not schema_name:
            problems.append(f"{tid}: no formJsonSchemaFilename")
            continue
        schema_path = FORMS / path.stem / schema_name
        if not schema_path.is_file():
            problems.append(f"{tid}: {schema_path.relative_to(ROOT)} does not exist")
            continue
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        if schema.get("$schema", DRAFT_2020_12) != DRAFT_2020_12:
            problems.append(f"{tid}: {schema_name} declares {schema['$schema']}, not draft 2020-12")
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as exc:
            problems.append(f"{tid}: {schema_name} is not a valid draft 2020-12 schema: {exc.message}")
        ui_name = props.get("formUiSchemaFilename")
        if ui_name:
            ui_path = FORMS / path.stem / ui_name
            if not ui_path.is_file():
                problems.append(f"{tid}: {ui_path.relative_to(ROOT)} does not exist")
            elif not isinstance(json.loads(ui_path.read_text(encoding="utf-8")), dict):
                problems.append(f"{tid}: {ui_name} is not a JSON object")
    assert not problems, "\n".join(problems)


# --- names ----------------------------------------------------------------------------------------------


def test_flow_nodes_lanes_and_participants_are_named(diagram):
    """Staff see element names. Joining gateways (one way out) may stay unnamed."""
    _, tree = diagram
    unnamed = []
    for node in _flow_nodes(tree):
        kind = _local(node)
        if kind in GATEWAYS and len(node.findall("bpmn:outgoing", NS)) < 2:
            continue
        if not (node.get("name") or "").strip():
            unnamed.append(f"{kind} {node.get('id')}")
    root = tree.getroot()
    for el in [*root.iterfind(".//bpmn:lane", NS), *root.iterfind(".//bpmn:participant", NS)]:
        if not (el.get("name") or "").strip():
            unnamed.append(f"{_local(el)} {el.get('id')}")
    assert not unnamed, f"elements without a name: {unnamed}"


# --- diagram interchange --------------------------------------------------------------------------------


def test_di_is_complete(diagram):
    _, tree = diagram
    root = tree.getroot()
    assert _planes(tree), "no BPMNDiagram/BPMNPlane"
    shapes = _all_shapes(tree)
    needed = [node.get("id") for node in _flow_nodes(tree)]
    needed += [el.get("id") for el in root.iterfind(".//bpmn:lane", NS)]
    needed += [el.get("id") for el in root.iterfind(".//bpmn:participant", NS)]
    missing = [i for i in needed if i not in shapes]
    assert not missing, f"no BPMNShape for {missing}"
    for shape in shapes.values():
        assert shape.find("dc:Bounds", NS) is not None, f"BPMNShape {shape.get('id')} has no dc:Bounds"

    edges = {edge.get("bpmnElement"): edge for edge in root.iterfind(EDGES, NS)}
    problems = []
    for flow in _process(tree).iterfind(".//bpmn:sequenceFlow", NS):
        edge = edges.get(flow.get("id"))
        if edge is None:
            problems.append(f"no BPMNEdge for {flow.get('id')}")
        elif len(edge.findall("di:waypoint", NS)) < 2:
            problems.append(f"BPMNEdge for {flow.get('id')} has fewer than 2 waypoints")
    assert not problems, problems


def test_no_flow_node_shapes_overlap(diagram):
    _, tree = diagram
    nodes = {node.get("id"): node for node in _flow_nodes(tree)}
    host_of = {i: n.get("attachedToRef") for i, n in nodes.items() if _local(n) == "boundaryEvent"}

    def nested(a: str, b: str) -> bool:  # a node drawn inside an expanded subprocess
        return any(anc is nodes[b] for anc in nodes[a].iterancestors()) or any(
            anc is nodes[a] for anc in nodes[b].iterancestors()
        )

    overlaps = []
    for shapes in _shapes_by_plane(tree):
        boxes = {i: Box.of(s.find("dc:Bounds", NS)) for i, s in shapes.items() if i in nodes}
        for a, b in combinations(sorted(boxes), 2):
            if host_of.get(a) == b or host_of.get(b) == a or nested(a, b):
                continue
            if boxes[a].overlaps(boxes[b]):
                overlaps.append((a, b))
    assert not overlaps, f"overlapping shapes: {overlaps}"


def test_boundary_events_sit_on_their_host_border(diagram):
    _, tree = diagram
    shapes = _all_shapes(tree)
    off = []
    for event in _process(tree).iterfind(".//bpmn:boundaryEvent", NS):
        ev = Box.of(shapes[event.get("id")].find("dc:Bounds", NS))
        host = Box.of(shapes[event.get("attachedToRef")].find("dc:Bounds", NS))
        if not host.on_border(ev.x + ev.w / 2, ev.y + ev.h / 2):
            off.append(event.get("id"))
    assert not off, f"boundary events not centred on their host's border: {off}"


def test_edges_are_orthogonal_and_attached(diagram):
    _, tree = diagram
    shapes = _all_shapes(tree)
    flows = {f.get("id"): f for f in _process(tree).iterfind(".//bpmn:sequenceFlow", NS)}
    problems = []
    for edge in tree.getroot().iterfind(EDGES, NS):
        flow = flows.get(edge.get("bpmnElement"))
        if flow is None:
            continue
        points = [(float(w.get("x")), float(w.get("y"))) for w in edge.findall("di:waypoint", NS)]
        for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
            if x1 != x2 and y1 != y2:
                problems.append(f"{flow.get('id')}: diagonal segment ({x1},{y1})->({x2},{y2})")
        for end, ref in ((points[0], "sourceRef"), (points[-1], "targetRef")):
            shape = shapes.get(flow.get(ref))
            if shape is not None and not Box.of(shape.find("dc:Bounds", NS)).on_border(*end):
                problems.append(f"{flow.get('id')}: waypoint {end} is not on the border of {flow.get(ref)}")
    assert not problems, "\n".join(problems)


def test_labels_do_not_cover_other_shapes(diagram):
    _, tree = diagram
    node_ids = {node.get("id") for node in _flow_nodes(tree)}
    containers = {node.get("id") for node in _flow_nodes(tree) if _local(node) in CONTAINERS}
    covered = []
    for shapes in _shapes_by_plane(tree):
        boxes = {i: Box.of(s.find("dc:Bounds", NS)) for i, s in shapes.items() if i in node_ids}
        for owner, shape in shapes.items():
            label = shape.find("bpmndi:BPMNLabel/dc:Bounds", NS)
            if label is None:
                continue
            label_box = Box.of(label)
            covered += [
                (owner, o)
                for o, box in boxes.items()
                if o != owner
                and label_box.overlaps(box)
                and not (o in containers and box.encloses(label_box))  # drawn inside its subprocess
            ]
    assert not covered, f"labels drawn over other shapes (label owner, covered shape): {covered}"
