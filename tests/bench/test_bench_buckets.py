"""The quarterly bucket table per unit and one unit's detail appendix over 100,000 assignments of 60
units and 3 years of history (transfers, deadline extensions, status updates), on SQLite.

Aim: under one second each."""

from __future__ import annotations

import time
from datetime import date

from sqlalchemy import func, select

from engine.assignments.models import Assignment
from engine.reports import buckets
from tests.bench.conftest import report
from tests.bench.scale import CALENDAR, load, timed


def test_quarter_buckets_and_detail_over_three_years(system, full):
    size, unit_count = (100_000, 60) if full else (5_000, 12)
    began = time.perf_counter()
    with system.db.transaction() as session:
        codes = load(session, assignments=size, units=unit_count)
    loaded = time.perf_counter() - began
    quarter = {"as_of": date(2025, 9, 14), "window_from": date(2025, 6, 15), "calendar": CALENDAR}
    with system.db.reading() as session:
        table_time, table = timed(lambda: buckets.per_unit(session, **quarter))
        detail_time, detail = timed(lambda: buckets.detail(session, unit_code=codes[0], **quarter))
        in_period = session.scalar(
            select(func.count())
            .select_from(Assignment)
            .where(
                Assignment.created_at <= CALENDAR.end_of_day(quarter["as_of"]),
                (Assignment.confirmed_at.is_(None))
                | (Assignment.confirmed_at >= CALENDAR.end_of_day(date(2025, 6, 14))),
            )
        )
    assert len(table) == unit_count
    assert sum(row["total"] for row in table) == in_period
    for row in table:
        assert row["total"] == row["done"] + row["open"]
        assert row["open"] == row["open_in_time"] + row["open_late"]  # no deadline: among the in time
    assert len(detail) == next(row["total"] for row in table if row["unit_code"] == codes[0])
    report(
        f"Buckets for Q3 2025 over {size:,} assignments, {unit_count} units, 3 years (SQLite)",
        [
            ("load", f"{loaded:.1f} s"),
            ("tasks in the period", f"{in_period:,}"),
            ("per-unit table (best of 3)", f"{table_time * 1000:.0f} ms"),
            (f"detail appendix of {codes[0]} ({len(detail)} rows)", f"{detail_time * 1000:.0f} ms"),
        ],
    )
