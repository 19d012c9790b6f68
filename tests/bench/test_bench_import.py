"""Importing an office's tracking sheet of 50,000 tasks (2,000 in `make test`), mostly history with one
task in fifty still open, on SQLite and PostgreSQL: the check of every row (openpyxl's streaming read, the
directory lookups, the registered tasks), then the write (documents, assignments, units, first updates and
their change history, in chunks of apply.CHUNK_TASKS tasks; one `assignment` process started per open task).

Peak memory is that of Python's allocations (tracemalloc) during a second, traced dry run, so that the
timings are not slowed by tracing: the check holds every parsed row until the whole file is known valid,
which is what grows with the file. The process's peak resident size is printed too, as a ceiling. The cost
of an open task (its process started to its first wait state) is measured apart, on a sheet of open tasks
only, and the cost of a done task derived from the import's write time."""

from __future__ import annotations

import resource
import time
import tracemalloc

import pytest

from engine.imports import service
from tests.bench.conftest import report
from tests.engine.imports.sheets import COLUMN, tracking_sheet

OPEN_EVERY = 50
OPEN_ONLY = 100  # tasks of the sheet that measures what an open task costs (20 in `make test`)


def _run(system, path, **options):
    began = time.perf_counter()
    result = service.run(
        system=system, path=path, file_name=path.name, options=service.Options(**options), actor="cv"
    )
    return result, time.perf_counter() - began


@pytest.mark.postgres
def test_bench_import_a_tracking_sheet(system, directory, tmp_path, full, backend):
    tasks = 50_000 if full else 2_000
    built = time.perf_counter()
    sheet = tracking_sheet(tasks, open_every=OPEN_EVERY)
    path = sheet.save(tmp_path / "theo-doi-50000.xlsx")
    built = time.perf_counter() - built

    checked, check_seconds = _run(system, path, dry_run=True)
    tracemalloc.start()
    try:
        _run(system, path, dry_run=True)
        check_peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    imported, import_seconds = _run(system, path)
    again, again_seconds = _run(system, path)

    opens = tracking_sheet(OPEN_ONLY if full else 20, open_every=1, seed=7)
    for row in opens.rows:  # other documents than the big sheet's
        if row[COLUMN["Số, ký hiệu"]]:
            row[COLUMN["Số, ký hiệu"]] = "M" + row[COLUMN["Số, ký hiệu"]]
    open_only, _ = _run(system, opens.save(tmp_path / "mo.xlsx"))

    assert checked.ok and imported.written.rows_written == tasks
    assert imported.written.processes_started == len(sheet.open_rows)
    assert again.written.rows_written == 0 and again.checked.rows_existing == tasks
    assert open_only.written.processes_started == len(opens.rows)
    per_open = open_only.seconds_writing / len(opens.rows)
    done = tasks - len(sheet.open_rows)
    per_done = (imported.seconds_writing - per_open * len(sheet.open_rows)) / done
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    what = f"{tasks:,} rows ({len(sheet.open_rows):,} open, {sheet.documents:,} documents)"
    report(
        f"import of {what} on {backend}",
        [
            (
                "sheet built (openpyxl, not timed below)",
                f"{built:.1f} s, {path.stat().st_size / 2**20:.1f} MiB",
            ),
            ("check every row (dry run)", f"{check_seconds:.1f} s, {tasks / check_seconds:,.0f} rows/s"),
            ("check's peak memory (tracemalloc)", f"{check_peak:.0f} MiB"),
            ("import: check again", f"{imported.seconds_checking:.1f} s"),
            ("import: write", f"{imported.seconds_writing:.1f} s"),
            ("import in all", f"{import_seconds:.1f} s, {tasks / import_seconds:,.0f} rows/s"),
            ("an open task (its process started)", f"{per_open * 1000:.0f} ms"),
            ("a done task (no process)", f"{per_done * 1000:.1f} ms"),
            ("import again (nothing new)", f"{again_seconds:.1f} s"),
            ("peak resident size of the process", f"{peak_rss:.0f} MiB"),
        ],
    )
