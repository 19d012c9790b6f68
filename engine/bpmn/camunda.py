"""Read Camunda Modeler diagrams where their attributes map cleanly onto ours (Camunda 7 and 8).

Analysts bring existing diagrams: a user task's candidate groups, JSON form and due date, unquoted ISO
timers, and `${...}` / `#{...}` / `=...` expressions that become Python once JUEL's and FEEL's words for
true, false, null and the logical operators are spelled the Python way. The tree is adapted in place before
our checks and SpiffWorkflow see it; anything that does not map is left for the checks to report
(engine/bpmn/camunda_checks.py refuses or warns about what is not mapped)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from lxml import etree

from engine.bpmn.lint import BPMN_NS, SPIFF_NS

CAMUNDA_NS = ("http://camunda.org/schema/1.0/bpmn", "http://activiti.org/bpmn")
ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"
_TIMERS = ("timeDate", "timeDuration", "timeCycle")
# Elements whose text is an expression Camunda evaluates (timers are handled with their ISO values).
_EXPRESSIONS = ("conditionExpression", "condition", "loopCardinality", "completionCondition")
# Unquoted ISO 8601 values as Camunda writes them: durations, repetitions, dates and instants.
_ISO = re.compile(r"^(R\d*/)?(P[\dYMWDTHS.,]+|\d{4}-\d{2}-\d{2}[\dT:.+\-Z]*)(/[\w:.+\-]+)?$")


def is_camunda(root: etree._Element) -> bool:
    """Whether the diagram declares Camunda 7 or Camunda 8 (Zeebe) extensions."""
    return any(uri in (*CAMUNDA_NS, ZEEBE_NS) for uri in root.nsmap.values())


@dataclass(frozen=True)
class Override:
    """A Camunda attribute that a `spiffworkflow:` property of the same meaning overrides."""

    element: etree._Element
    name: str
    ignored: str
    kept: str


def adapt(root: etree._Element) -> list[Override]:
    """Map Camunda attributes onto spiffworkflow properties and Python expressions, in place; returns
    the Camunda attributes that the element's own spiffworkflow properties override."""
    if not is_camunda(root):
        return []
    overrides = []
    for task in root.iter(f"{{{BPMN_NS}}}userTask"):
        overrides += _add_properties(task, _user_task_properties(task))
    for process in root.iter(f"{{{BPMN_NS}}}process"):
        for start in process.iterfind("bpmn:startEvent", {"bpmn": BPMN_NS}):
            overrides += _add_properties(start, _start_properties(process, start))
    for kind in _TIMERS:
        for element in root.iter(f"{{{BPMN_NS}}}{kind}"):
            text = (element.text or "").strip()
            if _ISO.match(text):
                element.text = repr(text)
            elif _python(text) is not None:
                element.text = _python(text)
    for tag in _EXPRESSIONS:
        for element in root.iter(f"{{{BPMN_NS}}}{tag}"):
            python = _python(element.text or "")
            if python is not None:
                element.text = python
    return overrides


def _user_task_properties(task: etree._Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for ns in CAMUNDA_NS:
        _put(found, "candidateGroups", task.get(f"{{{ns}}}candidateGroups"))
        _put(found, "formJsonSchemaFilename", json_form(task.get(f"{{{ns}}}formKey")))
        _put(found, "dueDate", due(task.get(f"{{{ns}}}dueDate")))
    for extension in task.iterfind("bpmn:extensionElements/*", {"bpmn": BPMN_NS}):
        if extension.tag == f"{{{ZEEBE_NS}}}assignmentDefinition":
            _put(found, "candidateGroups", _feel_literal(extension.get("candidateGroups")))
        elif extension.tag == f"{{{ZEEBE_NS}}}formDefinition":
            _put(found, "formJsonSchemaFilename", json_form(extension.get("formKey")))
        elif extension.tag == f"{{{ZEEBE_NS}}}taskSchedule":
            _put(found, "dueDate", due(extension.get("dueDate")))
    return found


def _start_properties(process: etree._Element, start: etree._Element) -> dict[str, str]:
    """A start form (`formKey`) and who may start the process (`candidateStarterGroups`)."""
    found: dict[str, str] = {}
    for ns in CAMUNDA_NS:
        _put(found, "formJsonSchemaFilename", json_form(start.get(f"{{{ns}}}formKey")))
        _put(found, "candidateStarterGroups", process.get(f"{{{ns}}}candidateStarterGroups"))
    return found


def _add_properties(task: etree._Element, values: dict[str, str]) -> list[Override]:
    """Add what the task's own spiffworkflow properties do not already say; return what they override."""
    if not values:
        return []
    extensions = task.find(f"{{{BPMN_NS}}}extensionElements")
    if extensions is None:
        extensions = etree.Element(f"{{{BPMN_NS}}}extensionElements")
        documentation = task.findall(f"{{{BPMN_NS}}}documentation")  # the XSD puts them first
        task.insert(len(documentation), extensions)
    properties = extensions.find(f"{{{SPIFF_NS}}}properties")
    if properties is None:
        properties = etree.SubElement(extensions, f"{{{SPIFF_NS}}}properties")
    present = {p.get("name"): p.get("value") or "" for p in properties}
    overrides = []
    for name, value in values.items():
        if name not in present:
            etree.SubElement(properties, f"{{{SPIFF_NS}}}property", name=name, value=value)
        elif present[name] != value:
            overrides.append(Override(task, name, value, present[name]))
    return overrides


def _put(found: dict[str, str], name: str, value: str | None) -> None:
    if value and name not in found:
        found[name] = value


def json_form(key: str | None) -> str | None:
    """A form key naming a JSON schema file ('embedded:deployment:forms/x.json') gives its file name."""
    if not key or not key.lower().endswith(".json"):
        return None
    return re.split(r"[:/]", key)[-1]


def due(value: str | None) -> str | None:
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
    """The Python for `${...}` / `#{...}` (JUEL) or `=...` (FEEL), or None when it is not Python even after
    mapping the literals and operators the two languages spell differently."""
    text = text.strip()
    match = re.fullmatch(r"[$#]\{(.*)\}", text, flags=re.S)
    inner = match.group(1) if match else text[1:] if text.startswith("=") else None
    if inner is None:
        return None
    # String literals are kept as they are; only the code between them is rewritten.
    parts = re.split(r"""('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""", inner)
    python = "".join(part if i % 2 else _mapped(part) for i, part in enumerate(parts))
    python = re.sub(r"\s+", " ", python).strip()
    try:
        ast.parse(python, mode="eval")
    except SyntaxError:
        return None
    return python


# JUEL and FEEL spellings with a Python equivalent. `empty x` is true for null and empty values: `not x`.
_WORDS = {
    "true": "True",
    "false": "False",
    "null": "None",
    "eq": "==",
    "ne": "!=",
    "lt": "<",
    "gt": ">",
    "le": "<=",
    "ge": ">=",
    "empty": "not",
}
_WORD = re.compile(rf"(?<![\w.])({'|'.join(_WORDS)})(?!\w)")


def _mapped(code: str) -> str:
    code = code.replace("&&", " and ").replace("||", " or ")
    code = re.sub(r"!(?!=)", " not ", code)
    return _WORD.sub(lambda m: f" {_WORDS[m[1]]} ", code)
