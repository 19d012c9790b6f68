"""Colours a modeller set on a shape or flow, drawn as the modeller shows them.

bpmn-js writes `bioc:stroke` / `bioc:fill` (bpmn-js-color) and the OMG's non-normative colour extension
`color:border-color` / `color:background-color` on BPMNShape and BPMNEdge, and `color:color` on a
BPMNLabel; when both are there the OMG ones win, as in bpmn-js. Only plain colour values are taken:
anything else (a `url(...)` that would fetch a resource, script text) is ignored."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from engine.definitions.svg_draw import INK

BIOC_NS = "http://bpmn.io/schema/bpmn/biocolor/1.0"
COLOR_NS = "http://www.omg.org/spec/BPMN/non-normative/color/1.0"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
WHITE = "#ffffff"
_COLOR = re.compile(r"#[0-9a-fA-F]{3,8}|rgba?\(\s*[0-9.%\s,]+\)|hsla?\(\s*[0-9.%deg\s,]+\)|[a-zA-Z]{3,20}")


@dataclass(frozen=True)
class Colors:
    """The modeller's colours of one element; None keeps the renderer's own."""

    stroke: str | None = None
    fill: str | None = None
    label: str | None = None

    def __bool__(self) -> bool:
        return any((self.stroke, self.fill, self.label))


def _color(value: str | None) -> str | None:
    value = (value or "").strip()
    return value if _COLOR.fullmatch(value) else None


def di_colors(di: etree._Element) -> Colors:
    """The colours set on a BPMNShape or BPMNEdge (and on its BPMNLabel)."""
    label = di.find(f"{{{BPMNDI_NS}}}BPMNLabel")
    stroke = _color(di.get(f"{{{COLOR_NS}}}border-color")) or _color(di.get(f"{{{BIOC_NS}}}stroke"))
    return Colors(
        stroke=stroke,
        fill=_color(di.get(f"{{{COLOR_NS}}}background-color")) or _color(di.get(f"{{{BIOC_NS}}}fill")),
        label=(_color(label.get(f"{{{COLOR_NS}}}color")) if label is not None else None) or stroke,
    )


def paint(g: etree._Element, colors: Colors) -> None:
    """Recolour what was drawn into `g` in the default ink and white: outlines, markers, fills, text.

    Filled markers (throwing events, arrowheads) take the stroke colour and the white inside them the
    fill colour, as bpmn-js draws them; the white halo around labels stays white."""
    if not colors:
        return
    for node in g.iter():
        if not isinstance(node.tag, str) or etree.QName(node).localname in ("title", "tspan"):
            continue
        if "bpmn-label" in (node.get("class") or "").split():
            if colors.label:
                node.set("fill", colors.label)
            continue
        for attribute in ("stroke", "fill"):
            value = node.get(attribute)
            if value == INK and colors.stroke:
                node.set(attribute, colors.stroke)
            elif value == WHITE and colors.fill:
                node.set(attribute, colors.fill)
