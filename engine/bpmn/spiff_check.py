"""SpiffWorkflow's own parse as a check: every problem it finds, not only the first.

Spiff's parser stops at the first problem of a process. To go on, the element it complained about is
replaced, in a copy of the tree, by a stand-in that Spiff accepts (a plain gateway or event with the
same id and flows), and the process is parsed again, until Spiff accepts it or repeats itself."""

from __future__ import annotations

import copy
import re

from lxml import etree

from engine.bpmn.lint import BPMN_NS, NO_ELEMENT, NS
from engine.errors import DiagramProblem

SPIFF_LEAD = "SpiffWorkflow không đọc được sơ đồ: "
# Enough for any diagram an analyst draws by hand; a parse costs ~3 ms.
MAX_ROUNDS = 30
_FLOW_CHILDREN = (f"{{{BPMN_NS}}}incoming", f"{{{BPMN_NS}}}outgoing")


def spiff_problems(root: etree._Element, filename: str, process_ids: list[str]) -> list[DiagramProblem]:
    """What SpiffWorkflow's parser says about each executable process, per element."""
    problems: list[DiagramProblem] = []
    for process_id in process_ids:
        tree = _without_dangling_flows(root)
        seen: set[str] = set()
        for _ in range(MAX_ROUNDS):
            error = _first_error(tree, filename, process_id)
            if error is None:
                break
            problem = spiff_problem(error, {filename: root}, filename)
            if problem not in problems:
                problems.append(problem)
            if problem.element_id in seen or not _stand_in(tree, problem.element_id):
                break
            seen.add(problem.element_id)
    return problems


def _first_error(tree: etree._Element, filename: str, process_id: str) -> Exception | None:
    from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

    parser = SpiffBpmnParser(validator=None)  # the XSD already ran, with its errors located
    try:
        parser.add_bpmn_xml(tree, filename=filename)
        parser.get_spec(process_id)
        parser.get_subprocess_specs(process_id, require_call_activity_specs=False)
    except Exception as error:  # Spiff raises ValidationException, but also bare KeyError & co.
        return error
    return None


def _without_dangling_flows(root: etree._Element) -> etree._Element:
    """A copy without the sequence flows that point at nothing (the lint reports them, better)."""
    tree = copy.deepcopy(root)
    ids = {e.get("id") for e in tree.iter(etree.Element) if e.get("id")}
    for flow in tree.iterfind(".//bpmn:sequenceFlow", NS):
        if flow.get("sourceRef") not in ids or flow.get("targetRef") not in ids:
            flow.getparent().remove(flow)
    return tree


def _stand_in(tree: etree._Element, element_id: str) -> bool:
    """Replace the flow node `element_id` by one Spiff accepts; False when it is not a flow node."""
    found = tree.xpath("//*[@id=$value]", value=element_id) if element_id != NO_ELEMENT else []
    if not found or etree.QName(found[0]).namespace != BPMN_NS:
        return False
    element = found[0]
    localname = etree.QName(element).localname
    if localname in ("process", "definitions", "sequenceFlow") or element.getparent() is None:
        return False
    # An event stays an event (a start event must stay one), without its definitions; anything else
    # becomes a parallel gateway, which takes any number of incoming and outgoing flows.
    tag = element.tag if localname.endswith("Event") and localname != "boundaryEvent" else None
    stand_in = etree.Element(tag or f"{{{BPMN_NS}}}parallelGateway", id=element_id)
    for child in element:
        if child.tag in _FLOW_CHILDREN:
            stand_in.append(copy.deepcopy(child))
    if localname == "boundaryEvent":
        # A boundary event cannot become a gateway: drop it and the flows leaving it.
        stand_in = None
        for flow in tree.xpath("//bpmn:sequenceFlow[@sourceRef=$value]", namespaces=NS, value=element_id):
            flow.getparent().remove(flow)
    parent = element.getparent()
    if stand_in is None:
        parent.remove(element)
    else:
        parent.replace(element, stand_in)
    return True


def spiff_problem(error: Exception, roots: dict[str, etree._Element], default_file: str) -> DiagramProblem:
    """A Spiff ValidationException, located: its line_number is empty for node errors (3.2.0 reads
    `node.line_number`, which lxml calls `sourceline`), so the element is looked up by id.
    Any other exception is Spiff failing on something we did not foresee: reported, never raised."""
    from SpiffWorkflow.exceptions import SpiffWorkflowException

    if not isinstance(error, SpiffWorkflowException):
        return DiagramProblem(default_file, None, NO_ELEMENT, f"{SPIFF_LEAD}{type(error).__name__}: {error}")
    filename = getattr(error, "file_name", "") or default_file
    element_id = getattr(error, "id", "") or NO_ELEMENT
    line = getattr(error, "line_number", "") or None
    text = error.args[0] if error.args else type(error).__name__
    query, value = "//*[@id=$value]", element_id
    store = re.fullmatch(r"Data Store with name (.+) has no implementation", str(text))
    if element_id == NO_ELEMENT and store:  # raised without its node
        query, value = "//bpmn:dataStore[@name=$value]", store.group(1)
    if line is None and value != NO_ELEMENT:
        for root in [roots.get(filename)] + list(roots.values()):
            found = root.xpath(query, namespaces=NS, value=value) if root is not None else []
            if found:
                line, element_id = found[0].sourceline, found[0].get("id") or element_id
                break
    notes = getattr(error, "notes", [])
    message = " ".join([str(text).rstrip(".") + "."] + [str(n).rstrip(".") + "." for n in notes])
    return DiagramProblem(filename, int(line) if line else None, element_id, SPIFF_LEAD + message)
