"""The structural checks SpiffWorkflow lacks, run on the lxml tree: ids, references, scripts, timers."""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime

from jinja2 import TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from engine.errors import DiagramProblem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS}
NO_ELEMENT = "-"
# Namespaces whose `id` attributes are xs:ID; extensions (spiffworkflow:parameter, vendor data) reuse ids.
ID_NAMESPACES = (
    BPMN_NS,
    "http://www.omg.org/spec/BPMN/20100524/DI",
    "http://www.omg.org/spec/DD/20100524/DI",
)

# (xpath inside a process, compile mode, what the author calls it). Spiff evaluates or executes each of
# these with the script engine, so each must compile and pass the sandbox policy.
_EXPRESSIONS = (
    (".//bpmn:scriptTask/bpmn:script", "exec", "script"),
    (".//bpmn:extensionElements/spiffworkflow:preScript", "exec", "preScript"),
    (".//bpmn:extensionElements/spiffworkflow:postScript", "exec", "postScript"),
    (".//bpmn:sequenceFlow/bpmn:conditionExpression", "eval", "condition"),
    (".//bpmn:conditionalEventDefinition/bpmn:condition", "eval", "condition"),
    (".//bpmn:standardLoopCharacteristics/bpmn:loopCondition", "eval", "loop condition"),
    (".//bpmn:multiInstanceLoopCharacteristics/bpmn:loopCardinality", "eval", "loop cardinality"),
    (".//bpmn:multiInstanceLoopCharacteristics/bpmn:completionCondition", "eval", "completion condition"),
    (".//spiffworkflow:messagePayload", "eval", "message payload"),
)
_TIMER_KINDS = ("timeDate", "timeDuration", "timeCycle")

# Attribute references and the element kinds that carry them; QName-typed ones may have a prefix.
_ATTRIBUTE_REFS = (
    ("sequenceFlow", ("sourceRef", "targetRef")),
    ("messageFlow", ("sourceRef", "targetRef")),
    ("association", ("sourceRef", "targetRef")),
    ("boundaryEvent", ("attachedToRef",)),
    ("messageEventDefinition", ("messageRef",)),
    ("signalEventDefinition", ("signalRef",)),
    ("errorEventDefinition", ("errorRef",)),
    ("escalationEventDefinition", ("escalationRef",)),
)
_DEFAULT_FLOW_OWNERS = (
    "exclusiveGateway inclusiveGateway complexGateway task userTask manualTask scriptTask serviceTask "
    "sendTask receiveTask businessRuleTask callActivity subProcess transaction adHocSubProcess"
).split()

_ISO_NUMBER = r"\d+(?:[.,]\d+)?"
_ISO_DURATION_PATTERN = (
    rf"P(?=\d|T\d)(?:{_ISO_NUMBER}Y)?(?:{_ISO_NUMBER}M)?(?:{_ISO_NUMBER}W)?(?:{_ISO_NUMBER}D)?"
    rf"(?:T(?=\d)(?:{_ISO_NUMBER}H)?(?:{_ISO_NUMBER}M)?(?:{_ISO_NUMBER}S)?)?"
)
_ISO_DURATION = re.compile(_ISO_DURATION_PATTERN, re.IGNORECASE)  # Spiff accepts "pt2h" too
# Text an author meant as an ISO value but did not quote (a duration, a repeating interval, a date);
# upper case only, so that a variable such as `p2` stays an expression.
_LOOKS_ISO = re.compile(rf"{_ISO_DURATION_PATTERN}|R\d*/(?:P|\d{{4}}-)\S*|\d{{4}}-\d{{2}}-\d{{2}}\S*")
_EXAMPLES = {
    "timeDuration": 'an ISO 8601 duration; write it like "P3D", "PT2H" or "PT2H30M"',
    "timeDate": 'an ISO 8601 date or date-time; write it like "2024-05-07" or "2024-05-07T08:00:00+07:00"',
    "timeCycle": 'an ISO 8601 repeating interval; write it like "R3/PT1H" or "R/2024-05-07T08:00+07:00/P1D"',
}


@dataclass(frozen=True)
class ProcessInfo:
    """One bpmn:process of the file."""

    id: str
    name: str
    executable: bool
    element: etree._Element


def line_of(element: etree._Element | None) -> int | None:
    """The element's line in the source file, if lxml knows it."""
    return getattr(element, "sourceline", None) if element is not None else None


def processes(root: etree._Element) -> list[ProcessInfo]:
    """Every process with an id, and whether Spiff will run it (isExecutable="true", exactly)."""
    found = []
    for element in root.iterfind("bpmn:process", NS):
        pid = element.get("id")
        if pid:
            name = element.get("name") or pid
            found.append(ProcessInfo(pid, name, element.get("isExecutable") == "true", element))
    return found


def not_executable_problems(root: etree._Element, filename: str) -> list[DiagramProblem]:
    """One problem per process when none of them is executable; none otherwise."""
    infos = processes(root)
    if any(info.executable for info in infos):
        return []
    return [
        DiagramProblem(
            filename,
            line_of(info.element),
            info.id,
            f"process {info.id} is not executable (isExecutable is not true): it can be viewed but not run",
        )
        for info in infos
    ]


def duplicate_ids(root: etree._Element) -> dict[str, list[etree._Element]]:
    """Each id used by more than one element, with those elements in document order."""
    seen: dict[str, list[etree._Element]] = {}
    for element in _id_elements(root):
        seen.setdefault(element.get("id"), []).append(element)
    return {value: elements for value, elements in seen.items() if len(elements) > 1}


def lint(
    root: etree._Element, filename: str, *, known_processes: Collection[str] = ()
) -> list[DiagramProblem]:
    """Every structural and expression problem of the file (executability is reported by the caller)."""
    return [problem for check in CHECKS for problem in check(root, filename, known_processes)]


def called_processes(root: etree._Element) -> set[str]:
    """calledElement of every call activity that this file does not define itself."""
    defined = {info.id for info in processes(root)}
    called = {_strip_prefix(e.get("calledElement", "")) for e in root.iterfind(".//bpmn:callActivity", NS)}
    return {name for name in called if name and name not in defined}


def duplicate_id_problems(root: etree._Element, filename: str, _known=()) -> list[DiagramProblem]:
    """One problem per id that more than one BPMN element uses."""
    problems = []
    for value, elements in duplicate_ids(root).items():
        lines = ", ".join(str(line_of(e)) for e in elements)
        problems.append(
            DiagramProblem(
                filename,
                line_of(elements[1]),
                value,
                f"id {value!r} is used by {len(elements)} elements (lines {lines}); ids must be unique",
            )
        )
    return problems


def reference_problems(root: etree._Element, filename: str, _known=()) -> list[DiagramProblem]:
    """Flows, boundary events, default flows, lanes and event definitions that point at nothing."""
    ids = {element.get("id") for element in _id_elements(root)}
    problems = []

    def check(element: etree._Element, attribute: str, value: str | None) -> None:
        target = _strip_prefix(value or "")
        if target and target not in ids:
            kind = _words(etree.QName(element).localname)
            owner = element.get("id") or _owner_id(element)
            problems.append(
                DiagramProblem(
                    filename,
                    line_of(element),
                    owner,
                    f"{kind} {owner}: {attribute} {target!r} does not match any element of this file",
                )
            )

    for tag, attributes in _ATTRIBUTE_REFS:
        for element in root.iterfind(f".//bpmn:{tag}", NS):
            for attribute in attributes:
                check(element, attribute, element.get(attribute))
    for tag in _DEFAULT_FLOW_OWNERS:
        for element in root.iterfind(f".//bpmn:{tag}[@default]", NS):
            check(element, "default flow", element.get("default"))
    for element in root.iterfind(".//bpmn:laneSet//bpmn:flowNodeRef", NS):
        check(element.getparent(), "flowNodeRef", (element.text or "").strip())
    return problems


def call_activity_problems(
    root: etree._Element, filename: str, known: Collection[str] = ()
) -> list[DiagramProblem]:
    """Call activities of executable processes that call nothing, or a process nobody defines."""
    defined = {info.id for info in processes(root)}
    problems = []
    calls = [
        e
        for info in processes(root)
        if info.executable
        for e in info.element.iterfind(".//bpmn:callActivity", NS)
    ]
    for element in calls:
        called = _strip_prefix(element.get("calledElement", "")).strip()
        owner = element.get("id") or NO_ELEMENT
        if not called:
            message = "call activity has no calledElement: say which process it calls"
        elif called not in defined and called not in known:
            message = f"call activity calls process {called!r}, which is neither in this file nor deployed"
        else:
            continue
        problems.append(DiagramProblem(filename, line_of(element), owner, message))
    return problems


def expression_problems(root: etree._Element, filename: str, _known=()) -> list[DiagramProblem]:
    """Syntax and sandbox policy of every script and expression, and timer values, of executable processes.

    Non-executable processes are documentation: their conditions are often prose, not Python."""
    problems = []
    for info in processes(root):
        if not info.executable:
            continue
        for owner, source, mode, label, element, in_text in _expressions(info.element):
            problems += _source_problems(filename, owner, source, mode, label, element, in_text)
        for instructions in info.element.iterfind(".//spiffworkflow:instructionsForEndUser", NS):
            problems += _template_problems(filename, instructions)
        for timer in info.element.iterfind(".//bpmn:timerEventDefinition", NS):
            for kind in _TIMER_KINDS:
                for element in timer.iterfind(f"bpmn:{kind}", NS):
                    problems += _timer_problems(filename, _owner_id(element), kind, element)
    return problems


_EVALUATED_PROPERTIES = ("dueDate", "subject", "candidateUnit")
_TEMPLATES = SandboxedEnvironment()

CHECKS = (duplicate_id_problems, reference_problems, call_activity_problems, expression_problems)


def _expressions(process: etree._Element) -> Iterator[tuple[str, str, str, str, etree._Element, bool]]:
    """(owner id, source, mode, label, element, source is the element's text) of each expression."""
    for path, mode, label in _EXPRESSIONS:
        for found in process.iterfind(path, NS):
            if found.text is not None and found.text.strip():
                yield _owner_id(found), found.text, mode, label, found, True
    for param in process.iterfind(
        ".//bpmn:extensionElements/spiffworkflow:serviceTaskOperator/spiffworkflow:parameter[@value]", NS
    ):
        label = f"parameter {param.get('id', '?')}"
        yield _owner_id(param), param.get("value", ""), "eval", label, param, False
    for prop in process.iterfind(
        ".//bpmn:userTask/bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS
    ):
        # The user-task properties the runtime evaluates (engine/bpmn/runtime.py: _user_task_info).
        if prop.get("name") in _EVALUATED_PROPERTIES and prop.get("value", "").strip():
            yield _owner_id(prop), prop.get("value", ""), "eval", f"{prop.get('name')} property", prop, False


def _template_problems(filename: str, element: etree._Element) -> list[DiagramProblem]:
    """Jinja syntax of a user task's instructions (rendered for every inbox entry)."""
    try:
        _TEMPLATES.parse(element.text or "")
    except TemplateSyntaxError as error:
        line = (line_of(element) or 1) + (error.lineno or 1) - 1
        return [
            DiagramProblem(
                filename, line, _owner_id(element), f"instructions: template error: {error.message}"
            )
        ]
    return []


def _source_problems(
    filename: str, owner: str, source: str, mode: str, label: str, element: etree._Element, in_text: bool
) -> list[DiagramProblem]:
    from engine.bpmn.scripting import check_source

    problems = []
    hint = _language_hint(element, source)
    for line, message in check_source(source, mode=mode):
        file_line = line_of(element)
        if in_text and line is not None and file_line is not None:
            # lxml's sourceline is where the start tag ends, which is where the text's line 1 begins.
            file_line += line - 1
        problems.append(DiagramProblem(filename, file_line, owner, f"{label}: {message}{hint}"))
    return problems


def _language_hint(element: etree._Element, source: str) -> str:
    """Why an expression written for another engine (FEEL, JUEL, XPath) does not compile here."""
    text = source.strip()
    if text.startswith("${") or text.startswith("#{"):
        return " (this looks like JUEL, Camunda 7's expression language; theodoi evaluates Python)"
    if text.startswith("="):
        return " (this looks like FEEL, Camunda 8's expression language; theodoi evaluates Python)"
    language = element.get("language") or element.getroottree().getroot().get("expressionLanguage") or ""
    if language and "python" not in language.lower():
        return f" (the diagram declares the expression language {language}; theodoi evaluates Python)"
    return ""


def _timer_problems(filename: str, owner: str, kind: str, element: etree._Element) -> list[DiagramProblem]:
    def problem(message: str) -> list[DiagramProblem]:
        return [DiagramProblem(filename, line_of(element), owner, message)]

    source = element.text or ""
    text = source.strip()
    if not text:
        return problem(f'{kind} is empty: write a quoted ISO 8601 value such as "P3D", or an expression')
    if _LOOKS_ISO.fullmatch(text):
        return problem(f'timer expressions are Python: write "{text}" with quotes')
    problems = _source_problems(filename, owner, source, "eval", kind, element, True)
    if problems:
        return problems
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        return []  # check_source reports syntax; an odd mismatch is not worth a second message
    if not isinstance(tree.body, ast.Constant):
        return []  # computed at run time (e.g. add_working_days(...).isoformat())
    value = tree.body.value
    if not isinstance(value, str):
        return problem(f'{kind} must give a string such as "P3D", not {type(value).__name__} {value!r}')
    message = iso_timer_problem(kind, value)
    return problem(message) if message else []


def iso_timer_problem(kind: str, value: str) -> str | None:
    """Why `value` is not a valid ISO 8601 value for a timer of this kind, or None when it is."""
    from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition as Timer

    value = value.strip()
    try:
        if kind == "timeDuration":
            ok = bool(_ISO_DURATION.fullmatch(value)) and Timer.parse_iso_duration(value) is not None
        elif kind == "timeDate":
            if value.upper().startswith("P"):
                return f'timeDate "{value}" is a duration: use timeDuration for it, or give a date-time'
            ok = isinstance(Timer.parse_time_or_duration(value), datetime)
        else:
            parts = value.split("/")
            ok = (
                re.fullmatch(r"R\d*", parts[0], re.IGNORECASE) is not None
                and len(parts) in (2, 3)
                and sum(bool(_ISO_DURATION.fullmatch(p)) for p in parts[1:]) == 1
                and Timer.parse_iso_recurring_interval(value) is not None
            )
    except Exception:  # Spiff's own parsers raise bare Exception, ValueError, AttributeError, ...
        ok = False
    return None if ok else f'{kind} "{value}" is not {_EXAMPLES[kind]}'


def _owner_id(element: etree._Element) -> str:
    """The id of the flow element an expression belongs to (an event, not its event definition)."""
    node = element.getparent()
    while node is not None:
        localname = etree.QName(node).localname
        skipped = localname.endswith("EventDefinition") or localname.endswith("LoopCharacteristics")
        if node.get("id") and not skipped and etree.QName(node).namespace == BPMN_NS:
            return node.get("id")
        node = node.getparent()
    return NO_ELEMENT


def _id_elements(root: etree._Element) -> Iterator[etree._Element]:
    prefixes = tuple(f"{{{namespace}}}" for namespace in ID_NAMESPACES)
    for element in root.iter(etree.Element):
        if element.get("id") is not None and element.tag.startswith(prefixes):
            yield element


def _strip_prefix(value: str) -> str:
    return value.split(":", 1)[1] if ":" in value else value


def _words(localname: str) -> str:
    """'sequenceFlow' -> 'sequence flow'."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", localname).lower()
