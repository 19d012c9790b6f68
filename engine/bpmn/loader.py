"""The hardened diagram loader: bytes in, every problem and warning out at once, or a Diagram that Spiff
can run. Problems block a deploy; warnings (what the engine ignores) are shown and do not."""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from lxml import etree

from engine.bpmn import camunda, camunda_checks, lint
from engine.bpmn.lint import BPMN_NS, NO_ELEMENT, NS, line_of
from engine.bpmn.operator_check import operator_problems
from engine.bpmn.spiff_check import spiff_problem, spiff_problems
from engine.errors import DiagramProblem, DiagramTooLargeError, InvalidDiagramError

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 256
_MB = 1024 * 1024
_XINCLUDE_NS = ("http://www.w3.org/2001/XInclude", "http://www.w3.org/2003/XInclude")
_DEFINITIONS = f"{{{BPMN_NS}}}definitions"
_SHORT_NS = {f"{{{BPMN_NS}}}": "bpmn:", f"{{{lint.SPIFF_NS}}}": "spiffworkflow:"}
_XSD_DUPLICATE_ID = re.compile(r"attribute 'id': '(.*)' is not a valid value of the atomic type 'xs:ID'")
# lxml's XMLSchema keeps its error log on the schema object, so validations must not interleave.
_XSD_LOCK = threading.Lock()


@dataclass(frozen=True)
class Diagram:
    """A diagram that passed every check and that Spiff parsed."""

    filename: str
    xml: bytes
    process_ids: list[str]
    called_processes: set[str] = field(default_factory=set)
    names: dict[str, str] = field(default_factory=dict)
    warnings: list[DiagramProblem] = field(default_factory=list)


@dataclass(frozen=True)
class Verdict:
    """What `validate` says about one file."""

    filename: str
    status: Literal["valid", "not_executable", "invalid"]
    problems: list[DiagramProblem]
    diagram: Diagram | None = None
    warnings: list[DiagramProblem] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """One line: 'hợp lệ: ...', 'không chạy được: ...', 'không hợp lệ: 3 lỗi', with the warnings."""
        warned = f", {len(self.warnings)} cảnh báo" if self.warnings else ""
        if self.diagram is not None:
            return f"hợp lệ: quy trình chạy được {', '.join(self.diagram.process_ids)}{warned}"
        if self.status == "not_executable":
            ids = ", ".join(p.element_id for p in self.problems)
            return (
                f'không chạy được: không quy trình nào có isExecutable="true" ({ids}); chỉ xem được, '
                f"không chạy được{warned}"
            )
        return f"không hợp lệ: {len(self.problems)} lỗi{warned}"


def load_diagram(
    data: bytes,
    filename: str,
    *,
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
    known_processes: Collection[str] = (),
) -> Diagram:
    """Parse, validate and lint one .bpmn file; raise InvalidDiagramError with every problem found."""
    verdict = _examine(data, filename, max_bytes, max_depth, known_processes)
    if verdict.diagram is None:
        raise InvalidDiagramError(verdict.problems, not_executable=verdict.status == "not_executable")
    return verdict.diagram


def check(data: bytes, filename: str, **options) -> Verdict:
    """load_diagram, as a verdict instead of an exception, with the warnings even when it is invalid."""
    try:
        return _examine(
            data,
            filename,
            options.get("max_bytes", MAX_BYTES),
            options.get("max_depth", MAX_DEPTH),
            options.get("known_processes", ()),
        )
    except DiagramTooLargeError as error:
        return Verdict(filename, "invalid", error.problems)


def _examine(
    data: bytes, filename: str, max_bytes: int, max_depth: int, known_processes: Collection[str]
) -> Verdict:
    """Every problem the XML parse, the XSD, the lint, the operator registry and SpiffWorkflow's parser
    find, in one run, and every warning; SpiffWorkflow parses whenever the XML did."""
    root, problems = parse_xml(data, filename, max_bytes=max_bytes, max_depth=max_depth)
    if root is None:
        return Verdict(filename, "invalid", problems)
    overrides = camunda.adapt(root)
    for step in (_xsd_problems, *lint.CHECKS, operator_problems, camunda_checks.problems):
        problems += _guarded(step, root, filename, known_processes)
    process_ids = [info.id for info in lint.processes(root) if info.executable]
    if process_ids:
        problems += _not_said(_guarded(spiff_problems, root, filename, process_ids), problems)
    not_executable = _guarded(_executable_problems, root, filename, known_processes)
    problems = _unique(problems + not_executable)
    warnings = _unique(
        _guarded(lint.loop_reference_warnings, root, filename, known_processes)
        + _guarded(camunda_checks.warnings, root, filename, overrides)
    )
    if problems:
        status = "not_executable" if set(problems) == set(not_executable) else "invalid"
        return Verdict(filename, status, problems, warnings=warnings)
    diagram = Diagram(
        filename=filename,
        xml=bytes(data),
        process_ids=process_ids,
        called_processes=lint.called_processes(root),
        names={info.id: info.name for info in lint.processes(root)},
        warnings=warnings,
    )
    return Verdict(filename, "valid", [], diagram, warnings)


@dataclass(frozen=True)
class Verdicts:
    """What `theodoi validate FILE...` prints, and whether every file can be deployed."""

    verdicts: list[Verdict]

    @property
    def all_valid(self) -> bool:
        return all(v.status == "valid" for v in self.verdicts)

    @property
    def lines(self) -> list[str]:
        """Per file: one `file:line: element-id: message` line per problem, one `warning: file:line:
        element-id: message` line per warning, then its one-line verdict."""
        return [
            line
            for v in self.verdicts
            for line in [
                *(str(p) for p in v.problems),
                *(f"warning: {w}" for w in v.warnings),
                f"{v.filename}: {v.summary}",
            ]
        ]


def describe_files(files: list[tuple[str, bytes | None]], **options) -> Verdicts:
    """check() for each (name, content) pair; content None means the file could not be read.

    The files are checked as a set that will be deployed together: a call activity may call a process
    that another of the files defines."""
    known = set(options.pop("known_processes", ()))
    for filename, data in files:
        if data is None or len(data) > options.get("max_bytes", MAX_BYTES):
            continue  # its own check reports it
        root, _ = parse_xml(data, filename, **options)
        if root is not None:
            known.update(info.id for info in lint.processes(root))
    verdicts = []
    for filename, data in files:
        if data is None:
            problem = DiagramProblem(filename, None, NO_ELEMENT, "không có tệp này")
            verdicts.append(Verdict(filename, "invalid", [problem]))
        else:
            verdicts.append(check(data, filename, known_processes=known, **options))
    return Verdicts(verdicts)


def build_specs(files: list[tuple[str, bytes]], process_id: str) -> tuple[object, dict]:
    """(spec, subprocess_specs) of `process_id` from its file and the files of the processes it calls.

    Each file goes through the same hardened parse; Spiff gets the parsed tree, never the bytes."""
    from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

    parser = SpiffBpmnParser(validator=None)
    roots = {}
    for filename, data in files:
        root, problems = parse_xml(data, filename)
        if root is None:
            raise InvalidDiagramError(problems)
        camunda.adapt(root)
        roots[filename] = root
        try:
            parser.add_bpmn_xml(root, filename=filename)
        except Exception as error:
            raise InvalidDiagramError([spiff_problem(error, roots, filename)]) from error
    try:
        return parser.get_spec(process_id), parser.get_subprocess_specs(process_id)
    except Exception as error:
        raise InvalidDiagramError([spiff_problem(error, roots, files[0][0])]) from error


def parse_xml(
    data: bytes, filename: str, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH
) -> tuple[etree._Element | None, list[DiagramProblem]]:
    """The root of a BPMN file parsed without DTDs, entities, network or XInclude, or the problems why not."""
    if len(data) > max_bytes:
        message = f"sơ đồ nặng {_size(len(data), max_bytes)}; giới hạn là {_size(max_bytes, len(data))}"
        raise DiagramTooLargeError([DiagramProblem(filename, None, NO_ELEMENT, message)])
    data = bytes(data)

    def refuse(line: int | None, element_id: str, message: str):
        return None, [DiagramProblem(filename, line, element_id, message)]

    text = _decoded(data)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        dtd_validation=False,
        load_dtd=False,
        huge_tree=False,
        remove_comments=False,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        if _doctype_line(text) is not None:
            return refuse(_doctype_line(text), NO_ELEMENT, _DOCTYPE_MESSAGE)
        message = re.sub(r", line \d+, column \d+$", "", error.msg or str(error))
        if message.startswith("Excessive depth in document"):
            return refuse(error.lineno, NO_ELEMENT, _depth_message(min(max_depth, MAX_DEPTH)))
        return refuse(error.lineno, NO_ELEMENT, f"XML sai cú pháp: {message}")
    except ValueError as error:  # e.g. lxml refusing an unusable input
        return refuse(None, NO_ELEMENT, f"XML sai cú pháp: {error}")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        return refuse(_doctype_line(text) or 1, NO_ELEMENT, _DOCTYPE_MESSAGE)
    entity = next(root.iter(etree.Entity), None)  # only possible with a DTD, refused above; kept as a guard
    if entity is not None:
        return refuse(
            line_of(entity), NO_ELEMENT, f"sơ đồ không được dùng tham chiếu thực thể (&{entity.name};)"
        )
    problems = [
        DiagramProblem(filename, line_of(e), _nearest_id(e), "sơ đồ không được dùng XInclude")
        for ns in _XINCLUDE_NS
        for e in root.iter(f"{{{ns}}}*")
    ]
    deep = _too_deep(root, max_depth)
    if deep is not None:
        problems.append(DiagramProblem(filename, line_of(deep), _nearest_id(deep), _depth_message(max_depth)))
    if problems:
        return None, problems
    if root.tag != _DEFINITIONS:
        return refuse(
            line_of(root),
            root.get("id") or NO_ELEMENT,
            f"không phải tệp BPMN 2.0: phần tử gốc là {root.tag}, cần là bpmn:definitions",
        )
    if root.find("bpmn:process", NS) is None:
        return refuse(line_of(root), root.get("id") or NO_ELEMENT, "tệp không định nghĩa bpmn:process nào")
    return root, []


_DOCTYPE_MESSAGE = "sơ đồ không được có khai báo DOCTYPE (nó có thể khai báo thực thể và nạp tệp bên ngoài)"


def _depth_message(limit: int) -> str:
    return f"các phần tử lồng nhau sâu quá {limit} cấp; giới hạn là {limit}"


def _too_deep(root: etree._Element, max_depth: int) -> etree._Element | None:
    depth = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth > max_depth:
            return element
    return None


def _nearest_id(element: etree._Element) -> str:
    """The id of the element or of its closest ancestor that has one."""
    while element is not None:
        if element.get("id"):
            return element.get("id")
        element = element.getparent()
    return NO_ELEMENT


def _decoded(data: bytes) -> str:
    """The text well enough to find a line (newlines are ASCII in every encoding but UTF-16/32)."""
    head = data[:4]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head:
        for codec in ("utf-16", "utf-16-le", "utf-16-be"):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                continue
    return data.decode("latin-1")


def _doctype_line(text: str) -> int | None:
    """Line of a <!DOCTYPE in the prolog (before the root element), if any."""
    match = re.search(r"<!DOCTYPE|<(?![?!])", text)
    if match is None or match.group() != "<!DOCTYPE":
        return None
    return text.count("\n", 0, match.start()) + 1


def _size(size: int, other: int) -> str:
    for unit, scale in (("MB", _MB), ("kB", 1024)):
        if size >= scale and other >= scale:
            shown = f"{size / scale:.1f}".removesuffix(".0")
            if shown != f"{other / scale:.1f}".removesuffix(".0"):
                return f"{shown} {unit}"
    return f"{size} bytes"


def _guarded(step, root: etree._Element, filename: str, extra) -> list[DiagramProblem]:
    """Run one checking step; an unexpected exception becomes a problem instead of a traceback."""
    try:
        return step(root, filename, extra)
    except Exception as error:
        message = f"lỗi nội bộ khi kiểm tra sơ đồ (bước {step.__name__.strip('_')}): "
        return [DiagramProblem(filename, None, NO_ELEMENT, message + f"{type(error).__name__}: {error}")]


@cache
def _xsd() -> tuple[etree.XMLSchema, object]:
    """SpiffWorkflow's bundled BPMN20.xsd with the spiffworkflow extension schema (built once, ~80 ms)."""
    from SpiffWorkflow.spiff.parser.process import VALIDATOR

    return VALIDATOR.validator, VALIDATOR


def _xsd_problems(root: etree._Element, filename: str, _known) -> list[DiagramProblem]:
    schema, validator = _xsd()
    # Spiff renames bpmn.io's correlation expressions before validating; do the same on a copy
    # (deepcopy keeps sourceline) so that the tree Spiff parses later stays as the author wrote it.
    if root.find(".//bpmn:correlationPropertyRetrievalExpression/bpmn:formalExpression", NS) is not None:
        root = copy.deepcopy(root)
        validator.preprocess(root)
    with _XSD_LOCK:
        valid = schema.validate(root)
        errors = list(schema.error_log)
    if valid:
        return []
    # The element the error is about: the first that starts on its line, named by its own or its owner's id.
    by_line: dict[int, str] = {}
    for element in root.iter(etree.Element):
        if element.sourceline is not None and element.sourceline not in by_line:
            by_line[element.sourceline] = _nearest_id(element)
    duplicates = set(lint.duplicate_ids(root))
    imports = {
        e.get("namespace"): e.get("location") for e in root.iterfind("bpmn:import", NS) if e.get("namespace")
    }
    problems = []
    for error in errors:
        duplicate = _XSD_DUPLICATE_ID.search(error.message)
        if duplicate and duplicate.group(1) in duplicates:
            continue  # lint says it better: "id 'x' is used by 2 elements"
        message = error.message
        for long, short in _SHORT_NS.items():
            message = message.replace(long, short)
        for namespace, location in imports.items():
            if namespace in error.message:
                message += (
                    f" (không gian tên {namespace} được nhập từ {location!r}: theodoi không bao giờ nạp lược"
                    " đồ được nhập, nên kiểm tra XSD không dùng được các kiểu của nó)"
                )
        line = error.line or None
        problems.append(
            DiagramProblem(filename, line, by_line.get(line, NO_ELEMENT), f"Lỗi lược đồ XSD: {message}")
        )
    return problems


def _executable_problems(root: etree._Element, filename: str, _known) -> list[DiagramProblem]:
    return lint.not_executable_problems(root, filename)


def _not_said(spiff: list[DiagramProblem], ours: list[DiagramProblem]) -> list[DiagramProblem]:
    """SpiffWorkflow's problems about what our own checks already explained (the same element, or an
    element or value that one of our messages quotes) are left out: ours say it better."""
    said = {p.element_id for p in ours} | {q for p in ours for q in re.findall(r"'([^']+)'", p.message)}
    said.discard(NO_ELEMENT)
    return [
        p
        for p in spiff
        if p.element_id not in said and not any(f"({w})" in p.message or f"'{w}'" in p.message for w in said)
    ]


def _unique(problems: list[DiagramProblem]) -> list[DiagramProblem]:
    return sorted(dict.fromkeys(problems), key=lambda p: p.line or 0)
