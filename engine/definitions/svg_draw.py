"""Drawing primitives of the diagram view: SVG elements, text layout without font metrics, BPMN glyphs."""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

from lxml import etree

SVG_NS = "http://www.w3.org/2000/svg"
INK = "#222222"
FONT_SIZE = 12
LABEL_SIZE = 11  # labels outside shapes, as modelling tools draw them
LINE_HEIGHT = 1.2
# Characters XML 1.0 cannot carry; lxml refuses them, so they are dropped from caller-supplied text.
_NOT_XML = {c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)} | {0xFFFE, 0xFFFF}


@dataclass(frozen=True)
class Box:
    """A rectangle of the layout: top-left corner, width and height."""

    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def area(self) -> float:
        return self.w * self.h

    def contains(self, other: Box) -> bool:
        return self.x <= other.cx <= self.x + self.w and self.y <= other.cy <= self.y + self.h


@dataclass
class Extent:
    """The smallest rectangle holding everything drawn so far."""

    x1: float = math.inf
    y1: float = math.inf
    x2: float = -math.inf
    y2: float = -math.inf

    def add(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.x1, self.y1 = min(self.x1, x1, x2), min(self.y1, y1, y2)
        self.x2, self.y2 = max(self.x2, x1, x2), max(self.y2, y1, y2)

    def add_box(self, box: Box) -> None:
        self.add(box.x, box.y, box.x + box.w, box.y + box.h)


def fmt(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def clean(text: str) -> str:
    """Text that XML can carry (drops control characters), NFC-normalised so Vietnamese marks compose."""
    text = "".join(c for c in text if ord(c) not in _NOT_XML and not 0xD800 <= ord(c) <= 0xDFFF)
    return unicodedata.normalize("NFC", text)


def add(parent: etree._Element, tag: str, text: str | None = None, **attrs) -> etree._Element:
    """Append an SVG element; keyword `class_` is `class`, other underscores become hyphens."""
    node = etree.SubElement(parent, f"{{{SVG_NS}}}{tag}")
    for key, value in attrs.items():
        if value is None:
            continue
        name = "class" if key == "class_" else key.replace("_", "-")
        node.set(name, fmt(value) if isinstance(value, int | float) else str(value))
    if text is not None:
        node.text = clean(text)
    return node


def path(*parts: str | float) -> str:
    """Path data from commands and numbers: path("M", x, y, "h", 10)."""
    return " ".join(part if isinstance(part, str) else fmt(part) for part in parts)


def poly(points: list[tuple[float, float]]) -> str:
    """The `points` attribute of a polygon or polyline."""
    return " ".join(f"{fmt(x)},{fmt(y)}" for x, y in points)


def char_width(char: str, size: float) -> float:
    """A glyph's advance, measured on DejaVu Sans (one of the wider sans-serif fonts, so wrapping is safe)."""
    if unicodedata.combining(char):
        return 0
    base = unicodedata.normalize("NFD", char)[0]  # Vietnamese letters are as wide as their base letter
    for chars, em in _WIDTHS:
        if base in chars:
            return em * size
    if base.isupper():
        return 0.7 * size
    if unicodedata.east_asian_width(base) in ("W", "F"):
        return size
    return 0.62 * size


_WIDTHS = (("iIjlJ'", 0.28), (" .,:;|!", 0.33), ("()[]-rtf", 0.4), ("sczFLTY", 0.57), ("mwMW@%", 0.94))


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """Estimated width of one line of text."""
    return sum(char_width(c, size) for c in text)


def wrap(text: str, width: float, size: float = FONT_SIZE) -> list[str]:
    """Break text into lines no wider than `width` (by estimate), honouring explicit line breaks."""
    lines: list[str] = []
    for paragraph in text.replace("\r\n", "\n").split("\n"):
        line = ""
        for word in paragraph.split():
            while text_width(word, size) > width and len(word) > 1:
                if line:
                    lines.append(line)
                    line = ""
                cut = len(word) - 1
                while cut > 1 and text_width(word[:cut], size) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            candidate = f"{line} {word}" if line else word
            if line and text_width(candidate, size) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        if line:
            lines.append(line)
    return lines


def fit(text: str, width: float, height: float) -> tuple[list[str], float]:
    """Lines and font size so that text fits a box: shrink a little, then cut with an ellipsis."""
    words = text.split()
    for size in (FONT_SIZE, FONT_SIZE - 1, FONT_SIZE - 2):
        lines = wrap(text, width, size)
        whole = all(text_width(word, size) <= width for word in words)
        if len(lines) * size * LINE_HEIGHT <= height and (whole or size == FONT_SIZE - 2):
            return lines, size
    keep = max(1, int(height // (size * LINE_HEIGHT)))
    if len(lines) > keep:
        last = lines[keep - 1]
        while last and text_width(last + "…", size) > width:
            last = last[:-1]
        lines = [*lines[: keep - 1], last.rstrip() + "…"]
    return lines, size


def text_block(
    g,
    lines: list[str],
    x: float,
    top: float,
    *,
    size: float = FONT_SIZE,
    anchor: str = "middle",
    halo: bool = False,
    **attrs,
) -> float:
    """Write lines starting at `top` (the top of the first line); return the bottom of the block.

    `halo` outlines the letters in white, for labels that lie over lines drawn by the layout."""
    if not lines:
        return top
    step = size * LINE_HEIGHT
    if halo:
        attrs.update(stroke="#ffffff", stroke_width=3, stroke_linejoin="round", paint_order="stroke")
    text = add(
        g, "text", class_="bpmn-label", x=x, y=top, font_size=size, text_anchor=anchor, fill=INK, **attrs
    )
    for i, line in enumerate(lines):
        add(text, "tspan", line, x=x, y=top + size * 0.95 + i * step)
    return top + len(lines) * step


def _scaled(points, cx, cy, s):
    return poly([(cx + x * s, cy + y * s) for x, y in points])


# Event markers, drawn in a box of about ±10 units around the centre of an 18-unit radius event.
_SIGNAL = [(0, -10), (9, 6), (-9, 6)]
_ERROR = [(-8, 8), (-3, -8), (2, 2), (8, -8), (3, 8), (-2, -2)]
_ESCALATION = [(0, -10), (7, 8), (0, 2), (-7, 8)]
_LINK = [(-9, -3), (2, -3), (2, -8), (10, 0), (2, 8), (2, 3), (-9, 3)]
_COMPENSATE = ([(-10, 0), (-1, -7), (-1, 7)], [(-1, 0), (8, -7), (8, 7)])
_PENTAGON = [(0, -9), (8.6, -2.8), (5.3, 7.3), (-5.3, 7.3), (-8.6, -2.8)]
_PLUS = [
    tuple(map(float, p.split(",")))
    for p in "-3,-9 3,-9 3,-3 9,-3 9,3 3,3 3,9 -3,9 -3,3 -9,3 -9,-3 -3,-3".split()
]


def event_marker(g: etree._Element, kind: str, cx: float, cy: float, r: float, *, filled: bool) -> None:
    """The marker inside an event circle; `filled` for throwing events (end, intermediate throw)."""
    s = r / 18
    fill = INK if filled else "#ffffff"
    common = {"class_": "bpmn-icon", "stroke": INK, "stroke_width": 1.5, "stroke_linejoin": "round"}
    if kind == "message":
        w, h = 9 * s, 6.5 * s
        envelope(g, cx - w, cy - h, 2 * w, 2 * h, filled=filled, stroke_width=1.5)
    elif kind == "timer":
        add(g, "circle", cx=cx, cy=cy, r=11 * s, fill="#ffffff", **common)
        ticks = []
        for i in range(12):
            a = i * math.pi / 6
            ticks.append(path("M", cx + 8.5 * s * math.cos(a), cy + 8.5 * s * math.sin(a)))
            ticks.append(path("L", cx + 10.5 * s * math.cos(a), cy + 10.5 * s * math.sin(a)))
        hands = path("M", cx, cy - 7 * s, "L", cx, cy, "L", cx + 5 * s, cy + 2 * s)
        add(g, "path", d=" ".join(ticks) + " " + hands, fill="none", **{**common, "stroke_width": 1})
    elif kind == "terminate":
        add(g, "circle", cx=cx, cy=cy, r=11 * s, fill=INK, **common)
    elif kind == "conditional":
        add(g, "rect", x=cx - 7 * s, y=cy - 9 * s, width=14 * s, height=18 * s, fill="#ffffff", **common)
        lines = " ".join(path("M", cx - 4 * s, cy + dy * s, "h", 8 * s) for dy in (-5, -1.5, 2, 5.5))
        add(g, "path", d=lines, fill="none", **{**common, "stroke_width": 1})
    elif kind == "cancel":
        d = path("M", cx - 7 * s, cy - 7 * s, "l", 14 * s, 14 * s, "m", 0, -14 * s, "l", -14 * s, 14 * s)
        add(g, "path", d=d, fill="none", **{**common, "stroke_width": 3.5 * s})
    elif kind == "compensate":
        for shape in _COMPENSATE:
            add(g, "polygon", points=_scaled(shape, cx, cy, s), fill=fill, **common)
    else:
        shape = {
            "signal": _SIGNAL,
            "error": _ERROR,
            "escalation": _ESCALATION,
            "link": _LINK,
            "multiple": _PENTAGON,
            "parallelMultiple": _PLUS,
        }.get(kind)
        if shape is not None:
            add(g, "polygon", points=_scaled(shape, cx, cy, s), fill=fill, **common)


def envelope(g: etree._Element, x: float, y: float, w: float, h: float, *, filled: bool, **attrs) -> None:
    """A letter with its top-left corner at (x, y): dark when sent or thrown, white when received."""
    common = {"class_": "bpmn-icon", "stroke": INK, "stroke_width": 1.2, "stroke_linejoin": "round", **attrs}
    add(g, "rect", x=x, y=y, width=w, height=h, fill=INK if filled else "#ffffff", **common)
    flap = poly([(x, y), (x + w / 2, y + h * 0.6), (x + w, y)])
    add(g, "polyline", points=flap, fill="none", **{**common, "stroke": "#ffffff" if filled else INK})


def gateway_marker(g: etree._Element, kind: str, cx: float, cy: float, size: float, **options) -> None:
    """X, +, O, * or the event-based circles and pentagon in the middle of a gateway diamond."""
    s = size / 50
    thick = {"class_": "bpmn-icon", "stroke": INK, "stroke_width": 3.5 * s, "stroke_linecap": "round"}
    k = 9 * s

    def line(x1, y1, x2, y2):
        add(g, "line", x1=cx + x1, y1=cy + y1, x2=cx + x2, y2=cy + y2, **thick)

    if kind == "exclusiveGateway" and options.get("marker", True):
        line(-k, -k, k, k)
        line(-k, k, k, -k)
    elif kind == "parallelGateway":
        line(0, -1.3 * k, 0, 1.3 * k)
        line(-1.3 * k, 0, 1.3 * k, 0)
    elif kind == "inclusiveGateway":
        add(g, "circle", cx=cx, cy=cy, r=11 * s, fill="none", **{**thick, "stroke_width": 2.5 * s})
    elif kind == "complexGateway":
        line(0, -1.3 * k, 0, 1.3 * k)
        line(-1.3 * k, 0, 1.3 * k, 0)
        line(-k, -k, k, k)
        line(-k, k, k, -k)
    elif kind == "eventBasedGateway":
        thin = {"class_": "bpmn-icon", "stroke": INK, "stroke_width": 1.2, "fill": "none"}
        add(g, "circle", cx=cx, cy=cy, r=12.5 * s, **thin)
        if options.get("parallel"):
            add(g, "polygon", points=_scaled(_PLUS, cx, cy, 0.8 * s), **thin)
            return
        if not options.get("instantiate"):
            add(g, "circle", cx=cx, cy=cy, r=10.5 * s, **thin)
        add(g, "polygon", points=_scaled(_PENTAGON, cx, cy, 0.75 * s), **thin)


def task_icon(g: etree._Element, kind: str, x: float, y: float) -> None:
    """The type icon in the top-left corner of a task whose corner is (x, y)."""
    common = {"class_": "bpmn-icon", "stroke": INK, "stroke_width": 1.2, "stroke_linejoin": "round"}
    ox, oy = x + 6, y + 5
    if kind == "userTask":
        add(g, "path", d=path("M", ox, oy + 17, "q0,-8 8,-8 q8,0 8,8 z"), fill="#ffffff", **common)
        add(g, "circle", cx=ox + 8, cy=oy + 5, r=4, fill="#ffffff", **common)
    elif kind == "serviceTask":
        cx, cy = ox + 8, oy + 8
        rays = [(math.cos(i * math.pi / 4), math.sin(i * math.pi / 4)) for i in range(8)]
        spokes = " ".join(path("M", cx + 4 * u, cy + 4 * v, "L", cx + 8 * u, cy + 8 * v) for u, v in rays)
        add(g, "path", d=spokes, fill="none", **{**common, "stroke_width": 3})
        add(g, "circle", cx=cx, cy=cy, r=5.5, fill="#ffffff", **common)
        add(g, "circle", cx=cx, cy=cy, r=2, fill="#ffffff", **common)
    elif kind == "scriptTask":
        scroll = path("M", ox + 3, oy, "h11 c-4,4 -4,6 0,9 s4,5 0,9 h-11 c4,-4 4,-6 0,-9 s-4,-5 0,-9 z")
        lines = " ".join(path("M", ox + 4, oy + dy, "h7") for dy in (4, 8, 12))
        add(g, "path", d=scroll, fill="#ffffff", **common)
        add(g, "path", d=lines, fill="none", **common)
    elif kind in ("sendTask", "receiveTask"):
        envelope(g, ox, oy + 2, 17, 12, filled=kind == "sendTask")
    elif kind == "manualTask":
        hand = (
            path("M", ox, oy + 6) + " h9 m-9,0 v9 h12 a1.5,1.5 0 0 0 0,-3 h-4 h5 a1.5,1.5 0 0 0 0,-3 h-5 "
            "h5 a1.5,1.5 0 0 0 0,-3 h-5 h4 a1.5,1.5 0 0 0 0,-3 h-8"
        )
        add(g, "path", d=hand, fill="#ffffff", **common)
    elif kind == "businessRuleTask":
        add(g, "rect", x=ox, y=oy + 2, width=17, height=13, fill="#ffffff", **common)
        add(g, "rect", x=ox, y=oy + 2, width=17, height=4, fill="#9e9e9e", **common)
        grid = path("M", ox, oy + 10.5, "h17 M", ox + 5, oy + 6, "v9")
        add(g, "path", d=grid, fill="none", **common)


def activity_markers(g: etree._Element, markers: list[str], cx: float, bottom: float) -> None:
    """Markers centred at the bottom of an activity: collapsed (+), loop, multi-instance, ad hoc."""
    common = {"class_": "bpmn-icon", "stroke": INK, "stroke_width": 1.3, "fill": "none"}
    size, gap = 14, 4
    x = cx - (len(markers) * size + (len(markers) - 1) * gap) / 2
    y = bottom - size - 3
    for marker in markers:
        if marker == "collapsed":
            add(g, "rect", x=x, y=y, width=size, height=size, **common)
            add(g, "path", d=path("M", x + 3, y + 7, "h8 M", x + 7, y + 3, "v8"), **common)
        elif marker == "loop":
            arc = path("M", x + 4, y + 11.5, "A5.5,5.5 0 1 1", x + 10, y + 11.5)
            tip = poly([(x + 10, y + 8), (x + 10, y + 11.5), (x + 13.5, y + 11.5)])
            add(g, "path", d=arc, **common)
            add(g, "polyline", points=tip, **common)
        elif marker in ("parallel", "sequential"):
            bars = (
                " ".join(path("M", x + dx, y + 1, "v12") for dx in (3, 7, 11))
                if marker == "parallel"
                else " ".join(path("M", x + 1, y + dy, "h12") for dy in (3, 7, 11))
            )
            add(g, "path", d=bars, **{**common, "stroke_width": 2})
        elif marker == "adhoc":
            add(g, "path", d=path("M", x, y + 8, "q3.5,-5 7,0 t7,0"), **{**common, "stroke_width": 2})
        elif marker == "compensation":
            for shape in _COMPENSATE:
                add(g, "polygon", points=_scaled(shape, x + 8, y + 7, 0.7), **common)
        x += size + gap
