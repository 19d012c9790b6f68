"""The charts of Bảng điều hành as inline SVG drawn on the server from engine.dashboard.figures: no script.

Pure: figures and a link builder in, markup out. Every text goes through lxml, which escapes it. Each chart
has a viewBox and fills its container's width (width 100%), so it shrinks to a phone's screen; its font
sizes are chosen for the page's chart width (about 21rem on a phone, at most 30rem: dashboard.css).
Colours are presentation attributes taken from theodoi.css (the CSP allows no <style> element) and every
mark has a <title> the browser shows as a tooltip."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lxml import etree
from markupsafe import Markup

from engine.dashboard.figures import KEYS, MonthFigures, SignerFigures, UnitFigures
from engine.definitions.svg_draw import SVG_NS, add, text_width
from engine.reports.buckets import BUCKETS
from engine.web.pages.filters import vn_number

# theodoi.css: --ok, the danger border (#fca5a5), --link, the button border (#9aa5b1), --danger, --line.
BUCKET_COLOURS = {
    "done_on_time": "#166534",
    "done_late": "#fca5a5",
    "open_in_time": "#1d4ed8",
    "open_late": "#991b1b",
    "no_deadline": "#9aa5b1",
}
REST_COLOUR = "#d5dbe3"
INK, MUTED, GRID = "#1f2933", "#5f6b7a", "#d5dbe3"
# The trend's series: (key of MonthFigures, label, colour).
SERIES = (
    ("assigned", "Giao mới", "#1d4ed8"),
    ("completed", "Hoàn thành", "#166534"),
    ("became_overdue", "Phát sinh quá hạn", "#991b1b"),
)
NO_SIGNER = "Chưa ghi người ký"

WIDTH = 440  # viewBox units; the page shows a chart 340 to 480 px wide, so 1 unit is 0.77 to 1.09 px
NAME_SIZE, LABEL_SIZE, AXIS_SIZE = 17, 15, 14
ROW, BAR, BAR_TOP = 50, 18, 24  # a bar chart's row: name line, then the bar
NUMBER_ROOM = 56  # right of the bars: the row's total
MIN_SEGMENT = 3  # a segment of one task among thousands stays visible and clickable

Link = Callable[..., str]


def unit_bars(units: Sequence[UnitFigures], *, link: Link) -> Markup:
    """Stacked horizontal bars, one per unit, one segment per bucket linking to the filtered list:
    `link(unit=code, bucket=key)`. Bars share one scale, so the longest is the unit with most tasks."""
    scale = max((u.counts.total for u in units), default=0)
    summary = "; ".join(
        f"{u.unit_name}: {_tasks(u.counts.total)}, {vn_number(u.counts.open_late)} quá hạn" for u in units
    )
    svg = _svg(len(units) * ROW, f"Tình hình thực hiện nhiệm vụ theo đơn vị chủ trì. {summary}")
    for row, unit in enumerate(units):
        top = row * ROW
        _name(svg, unit.unit_name, top)
        segments = [(key, getattr(unit.counts, key)) for key in KEYS]
        x = 0.0
        for key, count in segments:
            if not count:
                continue
            width = _width(count, scale)
            what = f"{unit.unit_name} — {BUCKETS[key]}: {_tasks(count)}"
            anchor = add(svg, "a", href=link(unit=unit.unit_code, bucket=key), aria_label=what)
            rect = add(
                anchor,
                "rect",
                x=x,
                y=top + BAR_TOP,
                width=width,
                height=BAR,
                fill=BUCKET_COLOURS[key],
                class_=f"segment segment-{key}",
            )
            add(rect, "title", what)
            x += width
        _total(svg, unit.counts.total, x, top)
    return _markup(svg)


def signer_bars(
    signers: Sequence[SignerFigures],
    *,
    link: Link,
    title: str = "Nhiệm vụ đang thực hiện quá hạn theo người ký văn bản",
    hrefs: Sequence[str | None] | None = None,
) -> Markup:
    """One bar per signer: the overdue tasks (linking to the list filtered by signer and overdue), then
    the rest of the open tasks in grey; labelled "overdue / open". The leader chart draws the same bars
    with its own `title` and `hrefs` (one per row, None: no link)."""
    if hrefs is None:
        hrefs = [link(signer=s.signer, bucket="open_late") if s.signer else None for s in signers]
    scale = max((s.open for s in signers), default=0)
    summary = "; ".join(
        f"{_signer(s)}: {vn_number(s.open_late)} quá hạn trên {_tasks(s.open)} đang thực hiện"
        for s in signers
    )
    svg = _svg(len(signers) * ROW, f"{title}. {summary}")
    for row, signer in enumerate(signers):
        top = row * ROW
        _name(svg, _signer(signer), top)
        late = _width(signer.open_late, scale)
        what = f"{_signer(signer)} — {BUCKETS['open_late']}: {_tasks(signer.open_late)}"
        parent = add(svg, "a", href=hrefs[row], aria_label=what) if hrefs[row] else svg
        rect = add(
            parent,
            "rect",
            x=0,
            y=top + BAR_TOP,
            width=late,
            height=BAR,
            fill=BUCKET_COLOURS["open_late"],
            class_="segment segment-open_late",
        )
        add(rect, "title", what)
        rest = signer.open - signer.open_late
        end = late
        if rest:
            end += _width(rest, scale)
            grey = add(svg, "rect", x=late, y=top + BAR_TOP, width=end - late, height=BAR, fill=REST_COLOUR)
            add(grey, "title", f"{_signer(signer)} — trong hạn hoặc không có thời hạn: {_tasks(rest)}")
        label = f"{vn_number(signer.open_late)} / {vn_number(signer.open)}"
        add(svg, "text", label, x=end + 6, y=top + BAR_TOP + BAR - 3, font_size=LABEL_SIZE, fill=INK)
    return _markup(svg)


def trend_bars(months: Sequence[MonthFigures]) -> Markup:
    """Grouped columns per month (given, completed, newly overdue) on one axis, months oldest first."""
    peak = max((getattr(m, key) for m in months for key, *_ in SERIES), default=0)
    step = _tick_step(peak)
    ceiling = step * max(1, -(-peak // step))
    # Room for the axis numbers on the left, the top tick's half line, the month and year labels below.
    left, top, bottom = text_width(vn_number(ceiling), AXIS_SIZE) + 8, 12, 40
    plot_w, plot_h = WIDTH - left - 4, 170
    height = top + plot_h + bottom
    summary = "; ".join(
        f"{_month(m)}: "
        + ", ".join(f"{label.lower()} {vn_number(getattr(m, key))}" for key, label, _ in SERIES)
        for m in months
    )
    svg = _svg(height, f"Số nhiệm vụ giao mới, hoàn thành và phát sinh quá hạn theo tháng. {summary}")
    for value in range(0, ceiling + 1, step):
        y = top + plot_h - plot_h * value / ceiling
        add(svg, "line", x1=left, x2=WIDTH, y1=y, y2=y, stroke=GRID, stroke_width=1)
        add(
            svg,
            "text",
            vn_number(value),
            x=left - 4,
            y=y + 4,
            font_size=AXIS_SIZE,
            fill=MUTED,
            text_anchor="end",
        )
    group = plot_w / max(len(months), 1)
    bar = (group - 6) / len(SERIES)
    for index, month in enumerate(months):
        x0 = left + index * group + 3
        for series, (key, label, colour) in enumerate(SERIES):
            value = getattr(month, key)
            h = plot_h * value / ceiling
            rect = add(
                svg, "rect", x=x0 + series * bar, y=top + plot_h - h, width=bar - 1, height=h, fill=colour
            )
            note = " (đến hôm nay)" if month.partial else ""
            add(rect, "title", f"{_month(month)}{note} — {label}: {_tasks(value)}")
        centre = x0 + (group - 6) / 2
        below = {"x": centre, "font_size": AXIS_SIZE, "text_anchor": "middle"}
        add(svg, "text", f"T{month.first.month}", y=top + plot_h + 17, fill=INK, **below)
        if index == 0 or month.first.month == 1:
            add(svg, "text", str(month.first.year), y=top + plot_h + 35, fill=MUTED, **below)
    return _markup(svg)


def legend(items: Sequence[tuple[str, str]]) -> Markup:
    """An HTML legend, (label, colour) per item: a swatch drawn as a tiny SVG, then the label."""
    html = etree.Element("ul", {"class": "chart-legend"})
    for label, colour in items:
        item = etree.SubElement(html, "li")
        swatch = etree.SubElement(item, f"{{{SVG_NS}}}svg", nsmap={None: SVG_NS})
        for name, value in {
            "viewBox": "0 0 10 10",
            "width": "12",
            "height": "12",
            "aria-hidden": "true",
        }.items():
            swatch.set(name, value)
        add(swatch, "rect", width=10, height=10, fill=colour)
        swatch.tail = label
    return Markup(etree.tostring(html, encoding="unicode"))


def bucket_legend() -> Markup:
    return legend([(BUCKETS[key], BUCKET_COLOURS[key]) for key in KEYS])


def trend_legend() -> Markup:
    return legend([(label, colour) for _, label, colour in SERIES])


# ---- drawing helpers -------------------------------------------------------------------------------------


def _svg(height: float, label: str) -> etree._Element:
    svg = etree.Element(f"{{{SVG_NS}}}svg", nsmap={None: SVG_NS})
    for name, value in {
        "viewBox": f"0 0 {WIDTH} {max(height, 1)}",
        "width": "100%",
        "role": "img",
        "aria-label": label,
        "class": "chart",
        "font-family": "'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif",
    }.items():
        svg.set(name, value)
    return svg


def _name(svg: etree._Element, name: str, top: float) -> None:
    """The row's name on the line above its bar, cut with "…" if wider than the chart (the tooltip and
    the table below keep it whole)."""
    shown = name
    while len(shown) > 1 and text_width(shown + "…", NAME_SIZE) > WIDTH:
        shown = shown[:-1]
    cut = shown if shown == name else shown.rstrip() + "…"
    text = add(svg, "text", cut, x=0, y=top + 18, font_size=NAME_SIZE, fill=INK)
    if shown != name:
        add(text, "title", name)


def _total(svg: etree._Element, total: int, end: float, top: float) -> None:
    add(svg, "text", vn_number(total), x=end + 6, y=top + BAR_TOP + BAR - 3, font_size=LABEL_SIZE, fill=MUTED)


def _width(count: int, scale: int) -> float:
    """A segment's length: its share of the longest bar, at least MIN_SEGMENT when not empty."""
    if not count or not scale:
        return 0.0
    return max(MIN_SEGMENT, (WIDTH - NUMBER_ROOM) * count / scale)


def _tick_step(peak: int) -> int:
    """A round step giving at most five grid lines above zero: 1, 2, 5, 10, 20, 50..."""
    step = 1
    while peak / step > 5:
        for factor in (2, 2.5, 2):
            step = int(step * factor)
            if peak / step <= 5:
                break
    return step


def _tasks(count: int) -> str:
    return f"{vn_number(count)} nhiệm vụ"


def _signer(signer: SignerFigures) -> str:
    return signer.signer or NO_SIGNER


def _month(month: MonthFigures) -> str:
    return f"Tháng {month.first.month}/{month.first.year}"


def _markup(svg: etree._Element) -> Markup:
    return Markup(etree.tostring(svg, encoding="unicode"))
