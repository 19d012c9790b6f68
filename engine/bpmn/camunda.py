"""Read Camunda Modeler diagrams where their attributes map cleanly onto ours (Camunda 7 and 8).

Analysts bring existing diagrams: a user task's candidate groups, JSON form and due date, unquoted ISO
timers, and `${...}` / `=...` expressions that are plain Python too. The tree is adapted in place before
our checks and SpiffWorkflow see it; anything that does not map is left for the checks to report."""

from __future__ import annotations

import ast
import re

from lxml import etree

from engine.bpmn.lint import BPMN_NS, SPIFF_NS

CAMUNDA_NS = ("http://camunda.org/schema/1.0/bpmn", "http://activiti.org/bpmn")
ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"
_TIMERS = ("timeDate", "timeDuration", "timeCycle")
# Unquoted ISO 8601 values as Camunda writes them: durations, repetitions, dates and instants.
_ISO = re.compile(r"^(R\d*/)?(P[\dYMWDTHS.,]+|\d{4}-\d{2}-\d{2}[\dT:.+\-Z]*)(/[\w:.+\-]+)?$")


def is_camunda(root: etree._Element) -> bool:
    """Whether the diagram declares Camunda 7 or Camunda 8 (Zeebe) extensions."""
    return any(uri in (*CAMUNDA_NS, ZEEBE_NS) for uri in root.nsmap.values())


def adapt(root: etree._Element) -> None:
    """Map Camunda attributes onto spiffworkflow properties and Python expressions, in place."""
    if not is_camunda(root):
        return
    for task in root.iter(f"{{{BPMN_NS}}}userTask"):
        _add_properties(task, _user_task_properties(task))
    for process in root.iter(f"{{{BPMN_NS}}}process"):
        for start in process.iterfind("bpmn:startEvent", {"bpmn": BPMN_NS}):
            _add_properties(start, _start_properties(process, start))
    for kind in _TIMERS:
        for element in root.iter(f"{{{BPMN_NS}}}{kind}"):
            text = (element.text or "").strip()
            if _ISO.match(text):
                element.text = repr(text)
    for element in root.iter(f"{{{BPMN_NS}}}conditionExpression"):
        python = _python(element.text or "")
        if python is not None:
            element.text = python


def _user_task_properties(task: etree._Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for ns in CAMUNDA_NS:
        _put(found, "candidateGroups", task.get(f"{{{ns}}}candidateGroups"))
        _put(found, "formJsonSchemaFilename", _json_form(task.get(f"{{{ns}}}formKey")))
        _put(found, "dueDate", _due(task.get(f"{{{ns}}}dueDate")))
    for extension in task.iterfind("bpmn:extensionElements/*", {"bpmn": BPMN_NS}):
        if extension.tag == f"{{{ZEEBE_NS}}}assignmentDefinition":
            _put(found, "candidateGroups", _feel_literal(extension.get("candidateGroups")))
        elif extension.tag == f"{{{ZEEBE_NS}}}formDefinition":
            _put(found, "formJsonSchemaFilename", _json_form(extension.get("formKey")))
        elif extension.tag == f"{{{ZEEBE_NS}}}taskSchedule":
            _put(found, "dueDate", _due(extension.get("dueDate")))
    return found


def _start_properties(process: etree._Element, start: etree._Element) -> dict[str, str]:
    """A start form (`formKey`) and who may start the process (`candidateStarterGroups`)."""
    found: dict[str, str] = {}
    for ns in CAMUNDA_NS:
        _put(found, "formJsonSchemaFilename", _json_form(start.get(f"{{{ns}}}formKey")))
        _put(found, "candidateStarterGroups", process.get(f"{{{ns}}}candidateStarterGroups"))
    return found


def _add_properties(task: etree._Element, values: dict[str, str]) -> None:
    """Add what the task's own spiffworkflow properties do not already say."""
    if not values:
        return
    extensions = task.find(f"{{{BPMN_NS}}}extensionElements")
    if extensions is None:
        extensions = etree.Element(f"{{{BPMN_NS}}}extensionElements")
        documentation = task.findall(f"{{{BPMN_NS}}}documentation")  # the XSD puts them first
        task.insert(len(documentation), extensions)
    properties = extensions.find(f"{{{SPIFF_NS}}}properties")
    if properties is None:
        properties = etree.SubElement(extensions, f"{{{SPIFF_NS}}}properties")
    present = {p.get("name") for p in properties}
    for name, value in values.items():
        if name not in present:
            etree.SubElement(properties, f"{{{SPIFF_NS}}}property", name=name, value=value)


def _put(found: dict[str, str], name: str, value: str | None) -> None:
    if value and name not in found:
        found[name] = value


def _json_form(key: str | None) -> str | None:
    """A form key naming a JSON schema file ('embedded:deployment:forms/x.json') gives its file name."""
    if not key or not key.lower().endswith(".json"):
        return None
    return re.split(r"[:/]", key)[-1]


def _due(value: str | None) -> str | None:
    """An ISO date becomes a quoted literal; `${var}` or `=var` an expression; anything else is left out."""
    if not value:
        return None
    if _ISO.match(value.strip()):
        return repr(value.strip())
    return _python(value)


def _feel_literal(value: str | None) -> str | None:
    """Zeebe's candidateGroups: a plain list 'a, b', or a FEEL literal list '=["a","b"]'."""
    if not value or not value.startswith("="):
        return value
    try:
        parsed = ast.literal_eval(value[1:].strip())
    except (ValueError, SyntaxError):
        return None
    return ",".join(parsed) if isinstance(parsed, list) and all(isinstance(g, str) for g in parsed) else None


def _python(text: str) -> str | None:
    """The Python inside `${...}` (JUEL) or after '=' (FEEL) when it is plain Python as well."""
    text = text.strip()
    match = re.fullmatch(r"\$\{(.*)\}", text, flags=re.S)
    inner = match.group(1) if match else text[1:] if text.startswith("=") else None
    if inner is None:
        return None
    try:
        ast.parse(inner.strip(), mode="eval")
    except SyntaxError:
        return None
    return inner.strip()
