"""A BPMN diagram's interchange (BPMNDI) drawn as SVG, with completed/active/waiting/error/cancelled markers.

Pure: bytes in, text out; no database, no Flask, no SpiffWorkflow. Every string from the diagram goes into the
SVG through lxml, which escapes it; nothing is pasted into markup by hand."""

from __future__ import annotations

import math
from collections.abc import Mapping

from lxml import etree

from engine.bpmn.lint import BPMN_NS, NO_ELEMENT, line_of
from engine.bpmn.loader import parse_xml
from engine.definitions.svg_colors import di_colors, paint
from engine.definitions.svg_draw import FONT_SIZE, INK, SVG_NS, Box, Extent, add, envelope, poly
from engine.definitions.svg_shapes import (
    SUBPROCESSES,
    Shape,
    element_name,
    external_label,
    local,
)
from engine.definitions.svg_shapes import draw as draw_shape
from engine.errors import DiagramProblem, InvalidDiagramError

MARGIN = 20
FONT_FAMILY = "'Noto Sans', 'DejaVu Sans', 'Segoe UI', Arial, sans-serif"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"
ENVELOPE = (20, 14)  # width, height of the message drawn on a message flow, as bpmn-js sizes it
_LIMIT = 1e7  # coordinates beyond this are broken DI, not a drawing
# state: (stroke, fill, stroke width or None to keep the shape's own). Page CSS may override the rules built
# from it; they are embedded so that the SVG file looks right when opened on its own.
STATE_COLORS = {
    "completed": ("#2e7d32", "#e8f5e9", None),
    "active": ("#ef6c00", "#fff3e0", 4),
    "waiting": ("#1565c0", "#e3f2fd", 3),
    "error": ("#c62828", "#ffebee", 4),
    "cancelled": ("#9e9e9e", "#f5f5f5", None),
}


def _state_rules(state: str, stroke: str, fill: str, width: float | None) -> str:
    shape_width = f" stroke-width: {width}px;" if width else ""
    return (
        f".state-{state} .bpmn-shape {{ stroke: {stroke}; fill: {fill};{shape_width} }}\n"
        f".state-{state} .bpmn-line {{ stroke: {stroke}; stroke-width: {min(width or 2.5, 3)}px; }}\n"
        f".state-{state} .bpmn-arrow {{ stroke: {stroke}; }}\n"
        f".state-{state} .bpmn-arrow-filled {{ fill: {stroke}; }}"
    )


STYLE = "\n".join(
    [
        ".bpmn-label { pointer-events: none; }",
        *(_state_rules(state, *colors) for state, colors in STATE_COLORS.items()),
        ".state-cancelled .bpmn-shape { stroke-dasharray: 6 3; }",
        ".state-cancelled .bpmn-label { fill: #757575; }",
        ".bpmn-element .bpmn-inner { stroke-width: 1.2px; fill: none; }",
    ]
)


STATES = tuple(STATE_COLORS)


def render_svg(
    xml: bytes,
    *,
    process_id: str | None = None,
    states: Mapping[str, str] | None = None,
    title: str | None = None,
    filename: str = "diagram.bpmn",
) -> str:
    """The diagram of `process_id` (else the first plane) as a standalone SVG document, states marked.

    `states` maps element ids to one of STATES; ids the plane does not draw are ignored. Raises
    InvalidDiagramError when the file cannot be parsed safely or has no diagram interchange to draw."""
    states = dict(states or {})
    for element_id, state in states.items():
        if state not in STATES:
            raise ValueError(f"state of {element_id!r} must be one of {', '.join(STATES)}, got {state!r}")
    root, problems = parse_xml(xml, filename)
    if root is None:
        raise InvalidDiagramError(problems)
    index: dict[str, etree._Element] = {}
    for element in root.iter(f"{{{BPMN_NS}}}*"):
        index.setdefault(element.get("id") or "", element)
    plane = _plane(root, index, process_id, filename)
    shapes = [s for s in (_shape(di, index) for di in plane.iter(f"{{{BPMNDI_NS}}}BPMNShape")) if s]
    edges = list(plane.iter(f"{{{BPMNDI_NS}}}BPMNEdge"))
    if not shapes and not edges:
        raise _problem(filename, plane, "phần bố cục của sơ đồ không vẽ gì: BPMNPlane không có hình nào")
    _mark_expanded(shapes)
    _clear_boundary(shapes)

    svg = etree.Element(f"{{{SVG_NS}}}svg", nsmap={None: SVG_NS})
    svg.set("class", "bpmn-diagram")
    svg.set("font-family", FONT_FAMILY)
    svg.set("font-size", str(FONT_SIZE))
    names = (
        element_name(index.get(process_id or "")),
        element_name(index.get(plane.get("bpmnElement") or "")),
        _diagram_name(plane),
        *(element_name(p) for p in root.iter(f"{{{BPMN_NS}}}process")),
    )
    add(svg, "title", title or next((n for n in names if n.strip()), "BPMN diagram"))
    add(svg, "style", STYLE)
    extent = Extent()

    def group(element_id: str, kind: str, name: str) -> etree._Element:
        classes = f"bpmn-element bpmn-{kind or 'unknown'}"
        if element_id in states:
            classes += f" state-{states[element_id]}"
        g = add(svg, "g", class_=classes, data_element_id=element_id, data_element_type=kind or None)
        add(g, "title", f"{name} ({element_id})" if name.strip() else element_id)
        return g

    # Containers first, largest first, so that what they contain is drawn over them; then flows, then
    # nodes, boundary events over their activities, and groups (an unfilled frame) over everything.
    containers = sorted((s for s in shapes if _is_container(s)), key=lambda s: -s.box.area)
    rank = {"boundaryEvent": 1, "group": 2}
    nodes = sorted((s for s in shapes if not _is_container(s)), key=lambda s: rank.get(s.kind, 0))
    for label in plane.iter(f"{{{BPMNDI_NS}}}BPMNLabel"):
        box = _box(label.find(f"{{{DC_NS}}}Bounds"))
        if box is not None:  # the view covers every bound of the layout, drawn text or not
            extent.add_box(box)
    for shape in containers:
        _draw(group(shape.element_id, shape.kind, shape.name), shape, extent)
    for di in edges:
        element_id = di.get("bpmnElement") or di.get("id") or ""
        element = index.get(di.get("bpmnElement") or "")
        g = group(element_id, local(element), element_name(element))
        _edge(g, di, element, index, extent)
        paint(g, di_colors(di))
    for shape in nodes:
        _draw(group(shape.element_id, shape.kind, shape.name), shape, extent)

    if extent.x1 > extent.x2:
        extent.add(0, 0, 100, 100)
    # Whole units, rounded outwards, so that two-decimal coordinates never fall outside the view.
    x, y = math.floor(extent.x1 - MARGIN), math.floor(extent.y1 - MARGIN)
    width, height = math.ceil(extent.x2 + MARGIN) - x, math.ceil(extent.y2 + MARGIN) - y
    svg.set("viewBox", f"{x} {y} {width} {height}")
    svg.set("width", str(width))
    svg.set("height", str(height))
    return etree.tostring(svg, encoding="unicode")


def _draw(g: etree._Element, shape: Shape, extent: Extent) -> None:
    draw_shape(g, shape, extent)
    paint(g, shape.extras["colors"])


def _problem(filename: str, element: etree._Element, message: str) -> InvalidDiagramError:
    return InvalidDiagramError(
        [DiagramProblem(filename, line_of(element), element.get("id") or NO_ELEMENT, message)]
    )


def _plane(
    root: etree._Element, index: dict[str, etree._Element], process_id: str | None, filename: str
) -> etree._Element:
    """The plane showing `process_id` directly or through its collaboration, else the first plane."""
    planes = [
        plane
        for diagram in root.iter(f"{{{BPMNDI_NS}}}BPMNDiagram")
        for plane in diagram.iter(f"{{{BPMNDI_NS}}}BPMNPlane")
    ]
    if not planes:
        message = (
            "tệp không có phần bố cục sơ đồ (bpmndi:BPMNDiagram với BPMNPlane) nên không có gì để vẽ; "
            "mở và lưu tệp trong một công cụ vẽ sơ đồ (ví dụ bpmn.io) để thêm bố cục"
        )
        raise _problem(filename, root, message)
    if process_id is None:
        return planes[0]
    processes = [p.get("id") for p in root.iter(f"{{{BPMN_NS}}}process")]
    if process_id not in processes:
        known = ", ".join(repr(p) for p in processes)
        raise _problem(filename, root, f"tệp không có quy trình {process_id!r}; tệp định nghĩa {known}")
    for plane in planes:
        shown = index.get(plane.get("bpmnElement") or "")
        if shown is None:
            continue
        if shown.get("id") == process_id:
            return plane
        if local(shown) == "collaboration" and any(
            p.get("processRef") == process_id for p in shown.iter(f"{{{BPMN_NS}}}participant")
        ):
            return plane
    return planes[0]


def _diagram_name(plane: etree._Element) -> str:
    parent = plane.getparent()
    return (parent.get("name") or "") if parent is not None else ""


def _number(value: str | None) -> float | None:
    try:
        number = float(value) if value is not None else None
    except ValueError:
        return None
    return number if number is not None and math.isfinite(number) and abs(number) < _LIMIT else None


def _box(bounds: etree._Element | None) -> Box | None:
    if bounds is None:
        return None
    numbers = [_number(bounds.get(k)) for k in ("x", "y", "width", "height")]
    if any(n is None for n in numbers) or numbers[2] < 0 or numbers[3] < 0:
        return None
    return Box(*numbers)


def _shape(di: etree._Element, index: dict[str, etree._Element]) -> Shape | None:
    """The drawable Shape of one BPMNShape, or None when its bounds are missing or unusable."""
    box = _box(di.find(f"{{{DC_NS}}}Bounds"))
    if box is None:
        return None
    element = index.get(di.get("bpmnElement") or "")
    label = di.find(f"{{{BPMNDI_NS}}}BPMNLabel/{{{DC_NS}}}Bounds")
    shape = Shape(
        element_id=di.get("bpmnElement") or di.get("id") or "",
        element=element,
        kind=local(element),
        box=box,
        label_box=_box(label),
        horizontal=di.get("isHorizontal") != "false",
    )
    shape.extras["expanded_attr"] = di.get("isExpanded")
    shape.extras["colors"] = di_colors(di)
    shape.extras["marker_visible"] = di.get("isMarkerVisible") != "false"
    if shape.kind == "group" and element is not None:
        value = index.get(element.get("categoryValueRef") or "")
        shape.extras["name"] = (value.get("value") if value is not None else "") or element.get("name") or ""
    return shape


def _mark_expanded(shapes: list[Shape]) -> None:
    """Sub-processes are expanded when the DI says so, or (when it is silent) when they hold other shapes."""
    for shape in shapes:
        if shape.kind not in SUBPROCESSES:
            continue
        flag = shape.extras["expanded_attr"]
        if flag is not None:
            shape.expanded = flag == "true"
        else:
            shape.expanded = any(
                o is not shape and shape.box.contains(o.box) and o.box.area < shape.box.area for o in shapes
            )


def _clear_boundary(shapes: list[Shape]) -> None:
    """Tell each activity where the boundary events on its bottom and top edges are: they are drawn over
    it, so its label keeps clear of them."""
    by_id = {s.element_id: s for s in shapes}
    for event in shapes:
        activity = (
            by_id.get(event.element.get("attachedToRef") or "") if event.kind == "boundaryEvent" else None
        )
        if activity is None:
            continue
        if event.box.cy >= activity.box.y + activity.box.h - 3:
            clear = min(activity.extras.get("clear_bottom", math.inf), event.box.y + 3)
            activity.extras["clear_bottom"] = clear
        elif event.box.cy <= activity.box.y + 3:
            activity.extras.setdefault("top_events", []).append(event.box)


def _is_container(shape: Shape) -> bool:
    return shape.kind in ("participant", "lane") or (shape.kind in SUBPROCESSES and shape.expanded)


def _edge(
    g: etree._Element,
    di: etree._Element,
    element: etree._Element | None,
    index: dict[str, etree._Element],
    extent: Extent,
) -> None:
    """A flow or association: polyline through its waypoints, with the ends its kind calls for."""
    points = []
    for waypoint in di.iter(f"{{{DI_NS}}}waypoint"):
        x, y = _number(waypoint.get("x")), _number(waypoint.get("y"))
        if x is not None and y is not None and (not points or points[-1] != (x, y)):
            points.append((x, y))
    if len(points) < 2:
        return
    for x, y in points:
        extent.add(x, y, x, y)
    kind = local(element)
    label_gap = 0.0
    dash = {"messageFlow": "8 5", "association": "2 4"}.get(kind)
    if kind in ("dataInputAssociation", "dataOutputAssociation"):
        dash = "2 4"
    line = {"class_": "bpmn-line", "fill": "none", "stroke": INK, "stroke_width": 1.5}
    add(g, "polyline", points=poly(points), stroke_dasharray=dash, stroke_linejoin="round", **line)
    # A wide invisible stroke makes thin lines easy to point at when a page links them.
    add(g, "polyline", points=poly(points), fill="none", stroke="#000000", stroke_opacity=0, stroke_width=10)
    end, before = points[-1], points[-2]
    if kind == "sequenceFlow" or not kind:
        _arrow(g, before, end, filled=True)
        source = index.get(element.get("sourceRef") or "") if element is not None else None
        if source is not None and source.get("default") == element.get("id"):
            _default_slash(g, points[0], points[1])
    elif kind == "messageFlow":
        add(
            g,
            "circle",
            class_="bpmn-arrow",
            cx=points[0][0],
            cy=points[0][1],
            r=4,
            fill="#ffffff",
            stroke=INK,
        )
        _arrow(g, before, end, filled=False)
        if element is not None and (element.get("messageRef") or di.get("messageVisibleKind")):
            # The message it carries, as modellers draw it: white when it starts the exchange.
            x, y = _midpoint(points)
            dark = di.get("messageVisibleKind") == "non_initiating"
            envelope(g, x - ENVELOPE[0] / 2, y - ENVELOPE[1] / 2, *ENVELOPE, filled=dark)
            label_gap = ENVELOPE[1] / 2
    elif kind in ("dataInputAssociation", "dataOutputAssociation"):
        _arrow(g, before, end, filled=None)
    elif kind == "association" and element.get("associationDirection") in ("One", "Both"):
        _arrow(g, before, end, filled=None)
        if element.get("associationDirection") == "Both":
            _arrow(g, points[1], points[0], filled=None)
    name = element_name(element).strip()
    if name:
        _edge_label(g, di, name, points, extent, gap=label_gap)


def _arrow(g, start: tuple[float, float], end: tuple[float, float], *, filled: bool | None) -> None:
    """An arrowhead at `end`: filled (sequence flow), hollow (message flow) or open lines (None)."""
    (x1, y1), (x2, y2) = start, end
    length = math.hypot(x2 - x1, y2 - y1) or 1
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    size, half = 11, 4.5
    left = (x2 - ux * size - uy * half, y2 - uy * size + ux * half)
    right = (x2 - ux * size + uy * half, y2 - uy * size - ux * half)
    common = {"stroke": INK, "stroke_width": 1.3, "stroke_linejoin": "round"}
    if filled is None:
        add(g, "polyline", class_="bpmn-arrow", points=poly([left, end, right]), fill="none", **common)
    elif filled:
        add(
            g,
            "polygon",
            class_="bpmn-arrow bpmn-arrow-filled",
            points=poly([left, end, right]),
            fill=INK,
            **common,
        )
    else:
        add(g, "polygon", class_="bpmn-arrow", points=poly([left, end, right]), fill="#ffffff", **common)


def _default_slash(g, start: tuple[float, float], after: tuple[float, float]) -> None:
    (x1, y1), (x2, y2) = start, after
    length = math.hypot(x2 - x1, y2 - y1) or 1
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    mx, my = x1 + ux * 10, y1 + uy * 10
    ends = [(mx - ux * 4 + uy * 5, my - uy * 4 - ux * 5), (mx + ux * 4 - uy * 5, my + uy * 4 + ux * 5)]
    add(g, "polyline", class_="bpmn-arrow", points=poly(ends), fill="none", stroke=INK, stroke_width=1.5)


def _edge_label(
    g, di: etree._Element, name: str, points: list[tuple[float, float]], extent: Extent, *, gap: float
) -> None:
    """A flow's name at its DI label bounds, else just above the middle of its path (and its envelope)."""
    box = _box(di.find(f"{{{BPMNDI_NS}}}BPMNLabel/{{{DC_NS}}}Bounds"))
    x, y = _midpoint(points)
    external_label(g, name, extent, box=box, x=x, top=y - 4 - gap, above=True)


def _midpoint(points: list[tuple[float, float]]) -> tuple[float, float]:
    lengths = [math.hypot(b[0] - a[0], b[1] - a[1]) for a, b in zip(points, points[1:], strict=False)]
    remaining = sum(lengths) / 2
    for (a, b), length in zip(zip(points, points[1:], strict=False), lengths, strict=True):
        if remaining <= length and length:
            t = remaining / length
            return a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t
        remaining -= length
    return points[-1]
