"""The province-wide report exported with its appendix, over 100,000 assignments of 60 units (SQLite): the
time and the peak memory of building the report (engine.reports.document) and of rendering it in each
format of FORMATS. Small by default, full with BENCH_FULL=1.

The assignments are bulk-loaded as in test_bench_buckets (spread over three years); the report covers the
whole span, so that every one of them is a row of the appendix, as in a province's year of that size.
Peak memory is that of Python's allocations (tracemalloc), measured on a second run so that the timing is
not slowed by the tracing."""

from __future__ import annotations

import io
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, timedelta

from openpyxl import load_workbook

from engine.reports import buckets, document, workbook
from tests.bench.conftest import report
from tests.bench.test_bench_buckets import CALENDAR, DAYS, START, load

# One entry per export format: (name, render the report to the file's bytes).
FORMATS: list[tuple[str, Callable[[document.ReportDocument], bytes]]] = [
    ("XLSX", workbook.report_workbook),
]


def measured(fn: Callable[[], object]) -> tuple[float, float, object]:
    """(seconds of one untraced run, peak MiB of Python allocations on a traced run, the result)."""
    began = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - began
    tracemalloc.start()
    try:
        fn()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    return elapsed, peak, result


def test_the_province_wide_report_with_its_appendix_in_every_format(system, full):
    size, unit_count = (100_000, 60) if full else (2_000, 6)
    began = time.perf_counter()
    with system.db.transaction() as session:
        load(session, assignments=size, units=unit_count)
    loaded = time.perf_counter() - began
    period = {
        "as_of": START + timedelta(days=DAYS + 60),  # after the last task was created
        "window_from": START,
        "calendar": CALENDAR,
        "soon_days": 3,
    }

    def build() -> document.ReportDocument:
        with system.db.reading() as session:
            rows = buckets.per_unit(session, **period)
            codes = [row["unit_code"] for row in rows]
            return document.build(
                session, period=period, rows=rows, group="unit", today=date(2026, 3, 1), detail_units=codes
            )

    build_time, build_peak, doc = measured(build)
    tasks = sum(len(rows) for _, rows in doc.detail)
    assert tasks == doc.total["total"] == size  # every assignment is in the period and in the appendix
    figures = [
        ("bulk load", f"{loaded:.1f} s"),
        ("tasks in the report and its appendix", f"{tasks:,}"),
        ("report (SQL, appendix rows)", f"{build_time:.1f} s, peak {build_peak:.0f} MiB"),
    ]
    for name, render in FORMATS:
        render_time, render_peak, body = measured(lambda render=render: render(doc))
        figures.append(
            (name, f"{render_time:.1f} s, peak {render_peak:.0f} MiB, {len(body) / 2**20:.1f} MiB")
        )
        if name == "XLSX":  # read back (streaming): every task is a numbered row of the appendix
            book = load_workbook(io.BytesIO(body), read_only=True)
            numbered = book["Phụ lục chi tiết"].iter_rows(min_row=9, max_col=1, values_only=True)
            assert sum(1 for (number,) in numbered if isinstance(number, int)) == tasks
            book.close()
    report(f"Province-wide report with its appendix over {size:,} assignments, {unit_count} units", figures)
