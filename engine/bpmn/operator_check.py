"""Service tasks checked against the operator registry at deploy, not when an instance reaches them."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from lxml import etree

from engine.bpmn.lint import NO_ELEMENT, NS, line_of, processes
from engine.errors import DiagramProblem

if TYPE_CHECKING:
    from engine.operators import OperatorSpec

_OPERATOR = "bpmn:extensionElements/spiffworkflow:serviceTaskOperator"


def registry() -> dict[str, OperatorSpec]:
    """Every registered operator by name.

    Operators register when the modules that define them are imported; engine.system imports them all,
    so importing it here makes the check see what a running system calls. Imported late: those modules
    import the engine, which imports this package."""
    import engine.system  # noqa: F401
    from engine import operators

    return {spec.name: spec for spec in operators.describe()}


def operator_problems(root: etree._Element, filename: str, _known=()) -> list[DiagramProblem]:
    """An operator that is not registered, a parameter it does not take, a required one left out."""
    tasks = [
        (task, operator)
        for info in processes(root)
        if info.executable
        for task in info.element.iter(f"{{{NS['bpmn']}}}*")
        if (operator := task.find(_OPERATOR, NS)) is not None
    ]
    if not tasks:
        return []
    known = registry()
    problems = []
    for task, operator in tasks:
        owner, line = task.get("id") or NO_ELEMENT, line_of(operator)
        name = operator.get("id") or ""
        spec = known.get(name)
        if spec is None:
            problems.append(DiagramProblem(filename, line, owner, _unknown(name, known)))
            continue
        given = [
            p.get("id") or ""
            for p in operator.iterfind("spiffworkflow:parameters/spiffworkflow:parameter", NS)
        ]
        accepted = {p.name for p in spec.parameters}
        for parameter in given:
            if parameter not in accepted and not spec.accepts_any:
                takes = ", ".join(sorted(accepted)) or "không có tham số nào"
                message = f"thao tác {_named(spec)} không nhận tham số {parameter!r} (thao tác nhận: {takes})"
                problems.append(DiagramProblem(filename, line, owner, message))
        missing = [p.name for p in spec.parameters if p.required and p.name not in given]
        if missing:
            message = f"thao tác {_named(spec)} thiếu tham số bắt buộc: {', '.join(missing)}"
            problems.append(DiagramProblem(filename, line, owner, message))
    return problems


def _unknown(name: str, known: dict[str, OperatorSpec]) -> str:
    if not name:
        return "spiffworkflow:serviceTaskOperator không có id: hãy ghi tên một thao tác đã đăng ký"
    close = difflib.get_close_matches(name, known, n=3)
    hint = f"; có phải là {', '.join(_named(known[c]) for c in close)}?" if close else ""
    return f"thao tác {name!r} chưa được đăng ký trong theodoi{hint}"


def _named(spec: OperatorSpec) -> str:
    """An operator as the analyst knows it: its name in the diagram, then what it does."""
    return f"{spec.name!r} ({spec.title})" if spec.title else repr(spec.name)
