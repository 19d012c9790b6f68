"""Drawing of BPMN shapes and their labels for the diagram view (pure: lxml elements in, nothing else)."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from engine.bpmn.lint import BPMN_NS
from engine.definitions.svg_draw import (
    FONT_SIZE,
    INK,
    LABEL_SIZE,
    LINE_HEIGHT,
    Box,
    Extent,
    activity_markers,
    add,
    event_marker,
    fit,
    fmt,
    gateway_marker,
    path,
    poly,
    task_icon,
    text_block,
    text_width,
    wrap,
)

BAND = 30  # the name band of pools and lanes, as modelling tools draw it
EVENTS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
GATEWAYS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}
TASKS = {
    "task",
    "userTask",
    "serviceTask",
    "scriptTask",
    "sendTask",
    "receiveTask",
    "manualTask",
    "businessRuleTask",
}
SUBPROCESSES = {"subProcess", "transaction", "adHocSubProcess", "callActivity"}
DATA = {"dataObjectReference", "dataObject", "dataInput", "dataOutput", "dataStoreReference", "dataStore"}
_THROWING = {"endEvent", "intermediateThrowEvent"}


@dataclass
class Shape:
    """One BPMNShape with the semantic element it shows (None when the reference is dangling)."""

    element_id: str
    element: etree._Element | None
    kind: str
    box: Box
    label_box: Box | None = None
    expanded: bool = False
    horizontal: bool = True
    extras: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.extras.get("name") or element_name(self.element)


def local(element: etree._Element | None) -> str:
    """The local tag name of an element, '' for None or a comment."""
    if element is None or not isinstance(element.tag, str):
        return ""
    return etree.QName(element).localname


def element_name(element: etree._Element | None) -> str:
    """What a shape shows as its label: the name, an annotation's text, or a group's category value."""
    if element is None:
        return ""
    if local(element) == "textAnnotation":
        text = element.find(f"{{{BPMN_NS}}}text")
        return (text.text or "").strip() if text is not None else ""
    return element.get("name") or ""


def external_label(
    g, text: str, extent: Extent, *, box: Box | None = None, x: float = 0, top: float = 0, above: bool = False
) -> None:
    """A label outside any shape (event, gateway, data, flow): in its DI bounds if any, else at (x, top)."""
    if box is not None and box.w > 0:
        # The exporting tool sized the bounds for its own font: widen a little rather than break words.
        intended = max(1, round(box.h / 14))
        for factor in (1, 1.2, 1.4, 1.7):
            width = box.w * factor + 4
            lines = wrap(text, width, LABEL_SIZE)
            if len(lines) <= intended and all(text_width(w, LABEL_SIZE) <= width for w in text.split()):
                break
        x, top = box.cx, box.y
    else:
        lines = wrap(text, 100, LABEL_SIZE)
        if above:
            top -= len(lines) * LABEL_SIZE * LINE_HEIGHT
    bottom = text_block(g, lines, x, top, size=LABEL_SIZE, halo=True)
    half = max(text_width(line, LABEL_SIZE) for line in lines) / 2
    extent.add(x - half, top, x + half, bottom)


def _rect(g, b: Box, **attrs) -> None:
    add(g, "rect", class_="bpmn-shape", x=b.x, y=b.y, width=b.w, height=b.h, **attrs)


def _outside_label(g, shape: Shape, extent: Extent) -> None:
    """The label of an event, gateway or data element: at its DI label bounds, else centred below."""
    if shape.name.strip():
        b = shape.box
        external_label(g, shape.name, extent, box=shape.label_box, x=b.cx, top=b.y + b.h + 4)


def _event(g, shape: Shape, extent: Extent) -> None:
    b, kind = shape.box, shape.kind
    r = min(b.w, b.h) / 2
    dashed = (kind == "boundaryEvent" and shape.element.get("cancelActivity") == "false") or (
        kind == "startEvent" and shape.element.get("isInterrupting") == "false"
    )
    style = {
        "class_": "bpmn-shape",
        "fill": "#ffffff",
        "stroke": INK,
        "stroke_dasharray": "4 2" if dashed else None,
    }
    width = {"startEvent": 1.5, "endEvent": 4}.get(kind, 1.5)
    add(g, "circle", cx=b.cx, cy=b.cy, r=r, stroke_width=width, **style)
    if kind not in ("startEvent", "endEvent"):
        add(
            g,
            "circle",
            cx=b.cx,
            cy=b.cy,
            r=r - 3,
            stroke_width=1.2,
            **{**style, "class_": "bpmn-shape bpmn-inner"},
        )
    definitions = [local(d) for d in shape.element if local(d).endswith("EventDefinition")]
    definitions += ["EventDefinition"] * len(shape.element.findall(f"{{{BPMN_NS}}}eventDefinitionRef"))
    if len(definitions) > 1:
        marker = "parallelMultiple" if shape.element.get("parallelMultiple") == "true" else "multiple"
    else:
        marker = definitions[0].removesuffix("EventDefinition") if definitions else ""
    event_marker(g, marker, b.cx, b.cy, r, filled=kind in _THROWING)
    _outside_label(g, shape, extent)


def _gateway(g, shape: Shape, extent: Extent) -> None:
    b, element = shape.box, shape.element
    diamond = [(b.cx, b.y), (b.x + b.w, b.cy), (b.cx, b.y + b.h), (b.x, b.cy)]
    add(g, "polygon", class_="bpmn-shape", points=poly(diamond), fill="#ffffff", stroke=INK, stroke_width=1.5)
    gateway_marker(
        g,
        shape.kind,
        b.cx,
        b.cy,
        min(b.w, b.h),
        marker=shape.extras.get("marker_visible", True),
        parallel=element.get("eventGatewayType") == "Parallel",
        instantiate=element.get("instantiate") == "true",
    )
    _outside_label(g, shape, extent)


def _activity(g, shape: Shape, extent: Extent) -> None:
    b, kind, element = shape.box, shape.kind, shape.element
    rect = {"class_": "bpmn-shape", "x": b.x, "y": b.y, "width": b.w, "height": b.h, "rx": 10, "stroke": INK}
    width = 4 if kind == "callActivity" else 1.5
    dashed = "2 3" if element.get("triggeredByEvent") == "true" else None
    add(g, "rect", fill="#ffffff", stroke_width=width, stroke_dasharray=dashed, **rect)
    if kind == "transaction":
        inner = {**rect, "x": b.x + 3, "y": b.y + 3, "width": b.w - 6, "height": b.h - 6, "rx": 7}
        add(g, "rect", fill="none", stroke_width=1.2, **inner)
    if kind in TASKS:
        task_icon(g, kind, b.x, b.y)
    markers = []
    if kind in SUBPROCESSES and not shape.expanded:
        markers.append("collapsed")
    loop = next((local(c) for c in element if local(c).endswith("LoopCharacteristics")), "")
    if loop == "standardLoopCharacteristics":
        markers.append("loop")
    elif loop == "multiInstanceLoopCharacteristics":
        sequential = next(c for c in element if local(c) == loop).get("isSequential") == "true"
        markers.append("sequential" if sequential else "parallel")
    if kind == "adHocSubProcess":
        markers.append("adhoc")
    if element.get("isForCompensation") == "true":
        markers.append("compensation")
    activity_markers(g, markers, b.cx, b.y + b.h)
    if not shape.name.strip():
        return
    if shape.expanded:
        lines = wrap(shape.name, b.w - 16)
        text_block(g, lines, b.x + 8, _title_top(shape, lines, b.x + 8, b.y + 6), anchor="start")
        return
    # Centred above the markers; pushed below the type icon only when the first line would run into it.
    region_bottom = b.y + b.h - (18 if markers else 4)
    # Boundary events sitting on the bottom edge would hide the last line; keep the text above them.
    clear = shape.extras.get("clear_bottom")
    if clear is not None and clear - b.y >= 2 * FONT_SIZE * LINE_HEIGHT + 8:
        region_bottom = min(region_bottom, clear)
    # Boundary events on the top edge likewise, when the text still has room below them.
    floor = max((e.y + e.h for e in shape.extras.get("top_events", [])), default=b.y)
    floor = floor if region_bottom - floor >= 2 * FONT_SIZE * LINE_HEIGHT + 8 else b.y
    has_icon = kind in TASKS and kind != "task"
    options = []
    for region_top in (max(b.y + 4, floor), max(b.y + 22, floor)) if has_icon else (max(b.y + 4, floor),):
        lines, size = fit(shape.name, b.w - 10, max(region_bottom - region_top, FONT_SIZE * LINE_HEIGHT))
        top = (region_top + region_bottom) / 2 - len(lines) * size * LINE_HEIGHT / 2
        clear = not has_icon or top >= b.y + 21 or text_width(lines[0], size) <= b.w - 56
        cut = lines[-1].endswith("…") and not shape.name.rstrip().endswith("…")
        options.append((cut, not clear, len(options), lines, size, top))
    # A whole name a little over the icon beats a name cut short to clear it.
    *_, lines, size, top = min(options, key=lambda option: option[:3])
    text_block(g, lines, b.cx, top, size=size)


def _title_top(shape: Shape, lines: list[str], x: float, top: float) -> float:
    """Where an expanded sub-process's title starts: below any boundary event on the top edge that would
    cover it (the events are drawn over the sub-process)."""
    right = x + max(text_width(line) for line in lines)
    bottom = top + len(lines) * FONT_SIZE * LINE_HEIGHT
    covering = [
        e for e in shape.extras.get("top_events", []) if e.x < right and e.x + e.w > x and e.y < bottom
    ]
    return max([top, *(e.y + e.h + 2 for e in covering)])


def _container(g, shape: Shape, extent: Extent) -> None:
    """Pools and lanes: a rectangle with the name in a band on the left (or on top when vertical)."""
    b, is_pool = shape.box, shape.kind == "participant"
    _rect(g, b, fill="#ffffff" if is_pool else "none", stroke=INK, stroke_width=1.5 if is_pool else 1)
    black_box = is_pool and not shape.element.get("processRef")
    if is_pool and not black_box:
        band = (
            path("M", b.x + BAND, b.y, "v", b.h) if shape.horizontal else path("M", b.x, b.y + BAND, "h", b.w)
        )
        add(g, "path", class_="bpmn-shape", d=band, fill="none", stroke=INK, stroke_width=1)
    if not shape.name.strip():
        return
    if black_box:
        lines, size = fit(shape.name, b.w - 20, b.h - 6)
        text_block(g, lines, b.cx, b.cy - len(lines) * size * LINE_HEIGHT / 2, size=size)
    elif shape.horizontal:
        lines, size = fit(shape.name, b.h - 10, BAND - 4)
        # Laid out horizontally around the band's centre, then turned to read bottom-to-top there.
        bx, by = b.x + BAND / 2, b.cy
        rotate = f"rotate(-90 {fmt(bx)} {fmt(by)})"
        text_block(g, lines, bx, by - len(lines) * size * LINE_HEIGHT / 2, size=size, transform=rotate)
    else:
        lines, size = fit(shape.name, b.w - 10, BAND - 4)
        text_block(g, lines, b.cx, b.y + BAND / 2 - len(lines) * size * LINE_HEIGHT / 2, size=size)


def _data(g, shape: Shape, extent: Extent) -> None:
    b, kind = shape.box, shape.kind
    style = {"class_": "bpmn-shape", "fill": "#ffffff", "stroke": INK, "stroke_width": 1.3}
    if kind in ("dataStoreReference", "dataStore"):
        ry = min(b.h / 8, 8)
        rx, side = b.w / 2, b.h - 2 * ry
        arc = ("a", rx, ry, "0 0 0")
        body = path("M", b.x, b.y + ry, "v", side, *arc, b.w, 0, "v", -side, *arc, -b.w, 0, *arc, b.w, 0)
        add(g, "path", d=body, **style)
        rim = path("M", b.x, b.y + 2 * ry, *arc, b.w, 0, "M", b.x, b.y + 3 * ry, *arc, b.w, 0)
        add(g, "path", d=rim, **{**style, "fill": "none"})
    else:
        fold = min(b.w, b.h) / 3
        page = [
            (b.x, b.y),
            (b.x + b.w - fold, b.y),
            (b.x + b.w, b.y + fold),
            (b.x + b.w, b.y + b.h),
            (b.x, b.y + b.h),
        ]
        add(g, "polygon", points=poly(page), **style)
        corner = [(b.x + b.w - fold, b.y), (b.x + b.w - fold, b.y + fold), (b.x + b.w, b.y + fold)]
        add(g, "polyline", points=poly(corner), **{**style, "fill": "none"})
        if kind in ("dataInput", "dataOutput"):
            arrow = [
                (b.x + 4, b.y + 7),
                (b.x + 10, b.y + 7),
                (b.x + 10, b.y + 4),
                (b.x + 15, b.y + 9.5),
                (b.x + 10, b.y + 15),
                (b.x + 10, b.y + 12),
                (b.x + 4, b.y + 12),
            ]
            add(
                g,
                "polygon",
                class_="bpmn-icon",
                points=poly(arrow),
                stroke=INK,
                stroke_width=1,
                fill=INK if kind == "dataOutput" else "#ffffff",
            )
    _outside_label(g, shape, extent)


def _annotation(g, shape: Shape, extent: Extent) -> None:
    b = shape.box
    _rect(g, b, fill="#ffffff", fill_opacity=0, stroke="none")
    bracket = path("M", b.x + 12, b.y, "h-12 v", b.h, "h12")
    add(g, "path", class_="bpmn-shape", d=bracket, fill="none", stroke=INK, stroke_width=1.3)
    lines = wrap(shape.name, max(b.w - 10, 40))
    bottom = text_block(g, lines, b.x + 6, b.y + 4, anchor="start")
    extent.add(b.x, b.y, b.x + max([b.w, *(text_width(x) + 10 for x in lines)]), bottom)


def _group(g, shape: Shape, extent: Extent) -> None:
    b = shape.box
    _rect(g, b, rx=10, fill="none", stroke=INK, stroke_width=1.3, stroke_dasharray="8 4 2 4")
    if shape.name.strip():
        box = shape.label_box or Box(b.x, b.y + 4, b.w, 20)
        text_block(g, wrap(shape.name, max(box.w, 60)), box.cx, box.y)


def _unknown(g, shape: Shape, extent: Extent) -> None:
    b = shape.box
    _rect(g, b, fill="none", stroke="#9e9e9e", stroke_dasharray="3 3")
    if shape.name.strip():
        lines, size = fit(shape.name, b.w - 6, b.h - 4)
        text_block(g, lines, b.cx, b.cy - len(lines) * size * LINE_HEIGHT / 2, size=size)


def draw(g: etree._Element, shape: Shape, extent: Extent) -> None:
    """Draw one shape (and its label) into its group, widening `extent` by what is drawn."""
    extent.add_box(shape.box)
    kind = shape.kind
    if shape.element is None:
        _unknown(g, shape, extent)
    elif kind in EVENTS:
        _event(g, shape, extent)
    elif kind in GATEWAYS:
        _gateway(g, shape, extent)
    elif kind in TASKS or kind in SUBPROCESSES:
        _activity(g, shape, extent)
    elif kind in ("participant", "lane"):
        _container(g, shape, extent)
    elif kind in DATA:
        _data(g, shape, extent)
    elif kind == "textAnnotation":
        _annotation(g, shape, extent)
    elif kind == "group":
        _group(g, shape, extent)
    else:
        _unknown(g, shape, extent)
