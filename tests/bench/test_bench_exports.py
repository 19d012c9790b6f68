"""The province-wide report exported with its appendix, over 100,000 assignments of 60 units (SQLite): the
time and the peak memory of building the report (engine.reports.document) and of rendering it in each
format of FORMATS. Small by default, full with BENCH_FULL=1.

The assignments are bulk-loaded as in test_bench_buckets (spread over three years); the report covers the
whole span, so that every one of them is a row of the appendix, as in a province's year of that size.
Peak memory is that of Python's allocations (tracemalloc), measured on a second run so that the timing is
not slowed by the tracing, and the growth of the process's resident memory during the first run (Linux's
VmHWM, reset before it): lxml's trees (the Word file) and pango's layouts (the PDF) live outside Python's
allocator, where tracemalloc does not see them."""

from __future__ import annotations

import io
import re
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from docx import Document
from openpyxl import load_workbook

from engine.reports import buckets, document, docx_report, pdf, workbook
from tests.bench.conftest import report
from tests.bench.scale import CALENDAR, DAYS, START, load

# One entry per export format: (name, render the report to the file's bytes).
FORMATS: list[tuple[str, Callable[[document.ReportDocument], bytes]]] = [
    ("XLSX", workbook.report_workbook),
    ("DOCX", docx_report.report_docx),
    # The print view's PDF as served: the appendix's first PRINTED_TASKS tasks (in a request context).
    (f"PDF (the first {pdf.PRINTED_TASKS} tasks of the appendix)", pdf.report_pdf),
]
# Tasks of the appendix laid out in one PDF to measure WeasyPrint's time per task, had the PDF no cap.
PDF_SAMPLE = 1_000


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    """(seconds of one run, its result)."""
    began = time.perf_counter()
    result = fn()
    return time.perf_counter() - began, result


def resident(field: str) -> float:
    """The process's resident memory (VmRSS) or its peak (VmHWM), in MiB."""
    status = Path("/proc/self/status").read_text()
    return int(re.search(rf"{field}:\s+(\d+) kB", status)[1]) / 1024


def measured(fn: Callable[[], object]) -> tuple[float, float, float, object]:
    """(seconds of one untraced run, peak MiB of Python allocations on a traced run, MiB the resident
    memory grew to at most during the untraced run, the result)."""
    with open("/proc/self/clear_refs", "w") as reset:
        reset.write("5")  # Linux: the peak (VmHWM) starts again from the current resident size
    before = resident("VmRSS")
    elapsed, result = timed(fn)
    grown = max(resident("VmHWM") - before, 0.0)
    tracemalloc.start()
    try:
        fn()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    return elapsed, peak, grown, result


def memory(seconds: float, python_peak: float, grown: float) -> str:
    return f"{seconds:.1f} s, peak {python_peak:.0f} MiB in Python, resident +{grown:.0f} MiB"


def test_the_province_wide_report_with_its_appendix_in_every_format(app, system, full):
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

    build_time, build_peak, build_grown, doc = measured(build)
    tasks = sum(len(rows) for _, rows in doc.detail)
    assert tasks == doc.total["total"] == size  # every assignment is in the period and in the appendix
    figures = [
        ("bulk load", f"{loaded:.1f} s"),
        ("tasks in the report and its appendix", f"{tasks:,}"),
        ("report (SQL, appendix rows)", memory(build_time, build_peak, build_grown)),
    ]
    for name, render in FORMATS:
        with app.test_request_context():  # the PDF renders the print view's template
            render_time, render_peak, render_grown, body = measured(lambda render=render: render(doc))
        figures.append(
            (name, f"{memory(render_time, render_peak, render_grown)}, {len(body) / 2**20:.1f} MiB")
        )
        if name == "XLSX":  # read back (streaming): every task is a numbered row of the appendix
            book = load_workbook(io.BytesIO(body), read_only=True)
            numbered = book["Phụ lục chi tiết"].iter_rows(min_row=9, max_col=1, values_only=True)
            assert sum(1 for (number,) in numbered if isinstance(number, int)) == tasks
            book.close()
        if name == "DOCX":  # every task is a row of an appendix table (under its header row)
            word = Document(io.BytesIO(body))
            assert sum(len(table.rows) - 1 for table in word.tables[3:]) == tasks
    # What the PDF would cost without its cap: the time a task adds, beyond a PDF without appendix.
    sample = min(tasks, PDF_SAMPLE if full else 50)
    with app.test_request_context():
        (without, _), (with_sample, _) = (
            timed(lambda n=n: pdf.report_pdf(doc, printed_tasks=n)) for n in (0, sample)
        )
    per_task = (with_sample - without) / sample
    figures.append(
        (
            f"PDF with {sample:,} tasks of the appendix",
            f"{with_sample:.1f} s: {per_task * 1000:.0f} ms a task, all {tasks:,} would take "
            f"~{per_task * tasks / 60:.0f} min",
        )
    )
    report(f"Province-wide report with its appendix over {size:,} assignments, {unit_count} units", figures)
