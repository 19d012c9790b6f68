"""The chart of a publication (Công khai kết quả): one stacked bar per unit, done on time, done late, open
in time, open late, as inline SVG drawn on the server (the public page and its embeddable view run no
script). Drawn with the dashboard's helpers (engine/dashboard/charts.py), so that it looks like the charts
of Điều hành; unlike them its segments link nowhere: the public sees aggregates only.

The four segments add up to the row's total as the table counts it: tasks without deadline are among
"Chưa hoàn thành trong hạn" (R8). The SVG names itself with <title> and <desc> (read by screen readers),
the desc giving every figure in words; each segment has its own <title> as a tooltip."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from engine.dashboard import charts
from engine.definitions.svg_draw import add
from engine.reports.buckets import BUCKETS
from engine.web.pages.filters import vn_number

SEGMENTS = ("done_on_time", "done_late", "open_in_time", "open_late")
TITLE = "Kết quả thực hiện nhiệm vụ theo cơ quan, đơn vị"


def unit_bars(rows: Sequence[dict], *, ident: str) -> Markup:
    """Stacked horizontal bars of the publication's `rows` on one scale (the longest bar is the unit with
    the most tasks); `ident` makes the ids of its title and desc unique in the page."""
    scale = max((row["total"] or 0 for row in rows), default=0)
    svg = charts._svg(len(rows) * charts.ROW, TITLE)
    del svg.attrib["aria-label"]  # named by its <title> and <desc> instead, which say more
    svg.set("aria-labelledby", f"{ident}-title {ident}-desc")
    add(svg, "title", TITLE, id=f"{ident}-title")
    add(svg, "desc", describe(rows), id=f"{ident}-desc")
    for index, row in enumerate(rows):
        top = index * charts.ROW
        charts._name(svg, row["unit_name"], top)
        x = 0.0
        for key in SEGMENTS:
            count = row.get(key) or 0
            if not count:
                continue
            width = charts._width(count, scale)
            rect = add(
                svg,
                "rect",
                x=x,
                y=top + charts.BAR_TOP,
                width=width,
                height=charts.BAR,
                fill=charts.BUCKET_COLOURS[key],
                class_=f"segment segment-{key}",
            )
            add(rect, "title", f"{row['unit_name']} — {BUCKETS[key]}: {vn_number(count)} nhiệm vụ")
            x += width
        charts._total(svg, row["total"] or 0, x, top)
    return charts._markup(svg)


def describe(rows: Sequence[dict]) -> str:
    """Every bar in words: "Sở Tài chính: tổng số 5 nhiệm vụ; đã hoàn thành đúng hạn 1, ..."."""
    return " ".join(
        f"{row['unit_name']}: tổng số {vn_number(row['total'] or 0)} nhiệm vụ; "
        + ", ".join(f"{BUCKETS[key].lower()} {vn_number(row.get(key) or 0)}" for key in SEGMENTS)
        + "."
        for row in rows
    )


def legend() -> Markup:
    """The four segments' colours and names, as the dashboard draws its legends."""
    return charts.legend([(BUCKETS[key], charts.BUCKET_COLOURS[key]) for key in SEGMENTS])
