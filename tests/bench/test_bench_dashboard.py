"""Bảng điều hành over the benchmark's three years of assignments (tests/bench/test_bench_buckets.py's
load), on SQLite: today's overview, the per-unit table, overdue per signer and the twelve months.

Aim: the page's figures in about a second at full size (the leadership lands on it)."""

from __future__ import annotations

import time
from datetime import date

from engine.dashboard import figures
from tests.bench.conftest import report
from tests.bench.scale import CALENDAR, load, timed

TODAY = date(2025, 9, 14)


def test_dashboard_figures_over_three_years(system, full):
    size, unit_count = (100_000, 60) if full else (5_000, 12)
    with system.db.transaction() as session:
        load(session, assignments=size, units=unit_count)
    period = figures.today_period(CALENDAR, TODAY, 3)
    today = {"calendar": CALENDAR, "today": TODAY, "soon_days": 3}
    with system.db.reading() as session:
        overview_time, overview = timed(lambda: figures.overview(session, period=period))
        units_time, units = timed(lambda: figures.by_unit(session, **today))
        signers_time, signers = timed(lambda: figures.overdue_by_signer(session, period=period))
        months_time, months = timed(lambda: figures.by_month(session, **today))
        began = time.perf_counter()  # what the leadership's landing page asks for
        figures.by_unit(session, **today)
        figures.overdue_by_signer(session, period=period)
        figures.by_month(session, **today)
        landing = time.perf_counter() - began
        began = time.perf_counter()  # and a unit leader's page
        mine = figures.overview(session, period=period, unit=units[0].unit_code)
        figures.overdue_by_signer(session, period=period, unit=units[0].unit_code)
        figures.by_month(session, **today, unit=units[0].unit_code)
        unit_page = time.perf_counter() - began
    assert sum((u.counts for u in units), figures.Counts()) == overview
    assert mine == units[0].counts
    assert sum(s.open_late for s in signers) == overview.open_late
    assert len(months) == figures.MONTHS and months[-1].as_of == TODAY
    report(
        f"Bảng điều hành as of {TODAY:%d/%m/%Y} over {size:,} assignments, {unit_count} units (SQLite)",
        [
            ("tasks given so far", f"{overview.total:,}"),
            ("overview (best of 3)", f"{overview_time * 1000:.0f} ms"),
            ("per-unit table", f"{units_time * 1000:.0f} ms"),
            ("overdue per signer", f"{signers_time * 1000:.0f} ms"),
            ("12 months of trend", f"{months_time * 1000:.0f} ms"),
            ("the leadership's page: units + signers + months", f"{landing * 1000:.0f} ms"),
            ("a unit leader's page: overview + signers + months", f"{unit_page * 1000:.0f} ms"),
        ],
    )
