"""The structural checks SpiffWorkflow lacks, run on the lxml tree: ids, references, scripts, timers."""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime

from jinja2 import TemplateSyntaxError
from lxml import etree

from engine.bpmn.instructions import environment as instructions_environment
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
    (".//bpmn:sequenceFlow/bpmn:conditionExpression", "eval", "điều kiện"),
    (".//bpmn:conditionalEventDefinition/bpmn:condition", "eval", "điều kiện"),
    (".//bpmn:standardLoopCharacteristics/bpmn:loopCondition", "eval", "điều kiện lặp (loopCondition)"),
    (".//bpmn:multiInstanceLoopCharacteristics/bpmn:loopCardinality", "eval", "số lần lặp (loopCardinality)"),
    (
        ".//bpmn:multiInstanceLoopCharacteristics/bpmn:completionCondition",
        "eval",
        "điều kiện hoàn thành (completionCondition)",
    ),
    (".//spiffworkflow:messagePayload", "eval", "messagePayload"),
)
_TIMER_KINDS = ("timeDate", "timeDuration", "timeCycle")
_PYTHON_ONLY = "theodoi chỉ chạy Python"

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
    "timeDuration": 'một khoảng thời gian ISO 8601; hãy viết như "P3D", "PT2H" hoặc "PT2H30M"',
    "timeDate": 'một ngày hoặc ngày giờ ISO 8601; hãy viết như "2024-05-07" hoặc "2024-05-07T08:00:00+07:00"',
    "timeCycle": 'một chu kỳ lặp ISO 8601; hãy viết như "R3/PT1H" hoặc "R/2024-05-07T08:00+07:00/P1D"',
}
# A Quartz cron expression, as Camunda 7 accepts in timeCycle: six or seven fields, seconds first.
_QUARTZ = re.compile(r"[\d*?/,\-LW#A-Z]+(\s+[\d*?/,\-LW#A-Z]+){5,6}", re.IGNORECASE)


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
            f"quy trình {info.id} không chạy được (isExecutable không phải true): chỉ xem được, không chạy"
            " được",
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
                f"id {value!r} được dùng cho {len(elements)} phần tử (dòng {lines}); mỗi id phải là duy nhất",
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
            kind = etree.QName(element).localname
            owner = element.get("id") or _owner_id(element)
            problems.append(
                DiagramProblem(
                    filename,
                    line_of(element),
                    owner,
                    f"{kind} {owner}: {attribute} {target!r} không trỏ tới phần tử nào của tệp này",
                )
            )

    for tag, attributes in _ATTRIBUTE_REFS:
        for element in root.iterfind(f".//bpmn:{tag}", NS):
            for attribute in attributes:
                check(element, attribute, element.get(attribute))
    for tag in _DEFAULT_FLOW_OWNERS:
        for element in root.iterfind(f".//bpmn:{tag}[@default]", NS):
            check(element, "default", element.get("default"))
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
            message = "callActivity không có calledElement: hãy ghi quy trình mà nó gọi"
        elif called not in defined and called not in known:
            message = (
                f"callActivity gọi quy trình {called!r}, quy trình này không có trong tệp và chưa được"
                " triển khai"
            )
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


def loop_reference_warnings(root: etree._Element, filename: str, _known=()) -> list[DiagramProblem]:
    """A multi-instance loopDataInputRef / loopDataOutputRef that names no element of the diagram.

    SpiffWorkflow reads such a name as a task-data variable, so it runs; but BPMN declares the two as
    element references, and bpmn-moddle (bpmn.io, Camunda Modeler) drops an unresolved one on save."""
    ids = {element.get("id") for element in root.iter(etree.Element) if element.get("id")}
    warnings = []
    for kind in ("loopDataInputRef", "loopDataOutputRef"):
        for element in root.iterfind(f".//bpmn:multiInstanceLoopCharacteristics/bpmn:{kind}", NS):
            name = (element.text or "").strip()
            if not name or name in ids:
                continue
            message = (
                f"{kind} {name!r} không trỏ tới phần tử nào của sơ đồ: theodoi đọc nó là biến {name!r} trong"
                " dữ liệu của bước, nhưng bpmn.io và Camunda Modeler sẽ xóa tham chiếu này khi lưu sơ đồ;"
                f" khai báo một bpmn:dataObject có id {name!r} trong quy trình để giữ nó"
            )
            warnings.append(DiagramProblem(filename, line_of(element), _owner_id(element), message))
    return warnings


_EVALUATED_PROPERTIES = ("dueDate", "subject", "candidateUnit")
_TEMPLATES = instructions_environment()

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
        label = f"tham số {param.get('id', '?')}"
        yield _owner_id(param), param.get("value", ""), "eval", label, param, False
    for prop in process.iterfind(
        ".//bpmn:userTask/bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS
    ):
        # The user-task properties the runtime evaluates (engine/bpmn/runtime.py: _user_task_info).
        if prop.get("name") in _EVALUATED_PROPERTIES and prop.get("value", "").strip():
            yield (
                _owner_id(prop),
                prop.get("value", ""),
                "eval",
                f"thuộc tính {prop.get('name')}",
                prop,
                False,
            )


def _template_problems(filename: str, element: etree._Element) -> list[DiagramProblem]:
    """Jinja syntax of a user task's instructions (rendered for every inbox entry)."""
    try:
        _TEMPLATES.compile(element.text or "")  # compiled, not only parsed: an unknown filter is refused too
    except TemplateSyntaxError as error:
        line = (line_of(element) or 1) + (error.lineno or 1) - 1
        return [
            DiagramProblem(
                filename, line, _owner_id(element), f"instructionsForEndUser: lỗi mẫu Jinja: {error.message}"
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
    """Why an expression written for another engine (FEEL, JUEL, XPath) does not compile here, naming it.

    engine/bpmn/camunda.py has already converted what JUEL and FEEL share with Python."""
    text = source.strip()
    shown = text if len(text) <= 80 else text[:77] + "..."
    if text.startswith("${") or text.startswith("#{"):
        return f" (biểu thức JUEL của Camunda 7 `{shown}` không chuyển được sang Python; {_PYTHON_ONLY})"
    if text.startswith("="):
        return f" (biểu thức FEEL của Camunda 8 `{shown}` không chuyển được sang Python; {_PYTHON_ONLY})"
    owner = element.getparent()
    language = (
        element.get("language")
        or (owner.get("scriptFormat") if owner is not None else None)
        or element.getroottree().getroot().get("expressionLanguage")
        or ""
    )
    if language and "python" not in language.lower():
        return f" (sơ đồ khai báo ngôn ngữ {language}; {_PYTHON_ONLY})"
    return ""


def _timer_problems(filename: str, owner: str, kind: str, element: etree._Element) -> list[DiagramProblem]:
    def problem(message: str) -> list[DiagramProblem]:
        return [DiagramProblem(filename, line_of(element), owner, message)]

    source = element.text or ""
    text = source.strip()
    if not text:
        return problem(
            f'{kind} để trống: hãy ghi một giá trị ISO 8601 trong dấu nháy như "P3D", hoặc một biểu thức'
        )
    if _LOOKS_ISO.fullmatch(text):
        return problem(f'biểu thức hẹn giờ là Python: hãy viết "{text}" trong dấu nháy')
    if kind == "timeCycle" and _QUARTZ.fullmatch(text):
        return problem(
            f'timeCycle "{text}" là biểu thức cron Quartz của Camunda, theodoi không đọc được: hãy viết'
            ' một chu kỳ ISO 8601 trong dấu nháy, ví dụ "R/2027-01-04T09:00:00+07:00/P1D" (9 giờ sáng'
            " mỗi ngày), hoặc tính thời điểm bằng biểu thức, ví dụ với add_working_days(...)"
        )
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
        return problem(f'{kind} phải cho ra một chuỗi như "P3D", không phải {type(value).__name__} {value!r}')
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
                return f'timeDate "{value}" là khoảng thời gian: hãy dùng timeDuration, hoặc ghi một ngày giờ'
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
    return None if ok else f'{kind} "{value}" không phải {_EXAMPLES[kind]}'


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
