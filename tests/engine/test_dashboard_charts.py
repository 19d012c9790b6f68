"""The SVG charts of Bảng điều hành (engine/dashboard/charts.py), pure: well-formed, escaped, accessible,
numbers in Vietnamese, every segment linking where the link builder says."""

from __future__ import annotations

from datetime import date

import pytest
from lxml import etree

from engine.dashboard import charts
from engine.dashboard.figures import Counts, MonthFigures, SignerFigures, UnitFigures, _last_day

SVG = "{http://www.w3.org/2000/svg}"


def link(**filters) -> str:
    return "/assignments?" + "&".join(f"{key}={value}" for key, value in filters.items())


def parse(markup) -> etree._Element:
    return etree.fromstring(str(markup))


def test_unit_bars_are_escaped_accessible_and_link_each_bucket():
    hostile = 'Sở <b>"Thử"</b> & Co'
    units = [
        UnitFigures("SO_TC", hostile, Counts(total=1234, done_on_time=1000, open_late=233, no_deadline=1)),
        UnitFigures("SO_XD", "Sở Xây dựng", Counts(total=2, open_in_time=2, due_soon=1)),
    ]
    svg = parse(charts.unit_bars(units, link=link))
    assert svg.get("role") == "img" and svg.get("width") == "100%"
    assert svg.get("viewBox") == f"0 0 {charts.WIDTH} {2 * charts.ROW}"
    assert f"{hostile}: 1.234 nhiệm vụ, 233 quá hạn" in svg.get("aria-label")
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert hostile in texts and "1.234" in texts  # the dot groups thousands
    hrefs = [a.get("href") for a in svg.iter(f"{SVG}a")]
    assert hrefs == [
        "/assignments?unit=SO_TC&bucket=done_on_time",
        "/assignments?unit=SO_TC&bucket=open_late",
        "/assignments?unit=SO_TC&bucket=no_deadline",
        "/assignments?unit=SO_XD&bucket=open_in_time",
    ]
    rects = {r.get("class"): r for r in svg.iter(f"{SVG}rect")}
    assert float(rects["segment segment-no_deadline"].get("width")) == charts.MIN_SEGMENT  # 1 of 1.234
    titles = [t.text for t in svg.iter(f"{SVG}title")]
    assert f"{hostile} — Chưa hoàn thành quá hạn: 233 nhiệm vụ" in titles
    assert "<b>" not in str(charts.unit_bars(units, link=link))


def test_a_long_name_is_cut_with_an_ellipsis_and_kept_whole_in_its_tooltip():
    name = "Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp tỉnh Lào Cai"
    svg = parse(charts.unit_bars([UnitFigures("BQL", name, Counts(total=1, open_late=1))], link=link))
    label = next(t for t in svg.iter(f"{SVG}text") if t.text.startswith("Ban"))
    assert label.text.endswith("…") and len(label.text) < len(name)
    assert label.find(f"{SVG}title").text == name


def test_signer_bars_link_the_overdue_part_only_and_not_a_missing_signer():
    signers = [
        SignerFigures("Trịnh Xuân Trường", open=10, open_late=4),
        SignerFigures("", open=1, open_late=1),
    ]
    svg = parse(charts.signer_bars(signers, link=link))
    assert [a.get("href") for a in svg.iter(f"{SVG}a")] == [
        "/assignments?signer=Trịnh Xuân Trường&bucket=open_late"
    ]
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts == ["Trịnh Xuân Trường", "4 / 10", charts.NO_SIGNER, "1 / 1"]
    titles = [t.text for t in svg.iter(f"{SVG}title")]
    assert "Trịnh Xuân Trường — trong hạn hoặc không có thời hạn: 6 nhiệm vụ" in titles


def months(values: list[tuple[int, int, int]]) -> list[MonthFigures]:
    firsts = [date(2025, 11, 1), date(2025, 12, 1)] + [date(2026, m, 1) for m in range(1, 11)]
    return [
        MonthFigures(first, _last_day(first), *value) for first, value in zip(firsts, values, strict=True)
    ]


def test_the_trend_has_a_bar_per_month_and_series_and_labels_the_year_where_it_starts():
    values = [(n, n // 2, n % 3) for n in range(12)]
    svg = parse(charts.trend_bars(months(values)))
    assert svg.get("role") == "img" and "Tháng 11/2025: giao mới 0, hoàn thành 0" in svg.get("aria-label")
    bars = [r for r in svg.iter(f"{SVG}rect")]
    assert len(bars) == 12 * len(charts.SERIES)
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts.count("2025") == 1 and texts.count("2026") == 1  # the first month, then January
    assert [t for t in texts if t.startswith("T")] == ["T11", "T12"] + [f"T{m}" for m in range(1, 11)]
    assert "Tháng 3/2026 — Giao mới: 4 nhiệm vụ" in [t.text for t in svg.iter(f"{SVG}title")]


def test_an_empty_trend_still_draws_its_axis():
    svg = parse(charts.trend_bars(months([(0, 0, 0)] * 12)))
    assert [t.text for t in svg.iter(f"{SVG}text")][:2] == ["0", "1"]
    assert all(float(r.get("height")) == 0 for r in svg.iter(f"{SVG}rect"))


@pytest.mark.parametrize(
    ("peak", "step"), [(0, 1), (5, 1), (6, 2), (10, 2), (11, 5), (25, 5), (26, 10), (120, 50), (14068, 5000)]
)
def test_the_axis_has_at_most_five_round_steps(peak, step):
    assert charts._tick_step(peak) == step


def test_the_legends_are_html_lists_with_svg_swatches():
    legend = str(charts.bucket_legend())
    assert legend.startswith('<ul class="chart-legend">') and legend.count("<li>") == 5
    assert 'fill="#991b1b"' in legend and "Chưa hoàn thành quá hạn" in legend
    assert etree.fromstring(legend) is not None
