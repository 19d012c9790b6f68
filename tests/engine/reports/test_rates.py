"""The report's columns add up and its rates compare (issue: rates that compare), for any counts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from engine.reports import buckets

counts = st.integers(min_value=0, max_value=10_000)
partitions = st.fixed_dictionaries({name: counts for name in buckets.BUCKETS})


def row(partition: dict, extra: st.DataObject) -> dict:
    open_ = partition["open_in_time"] + partition["open_late"] + partition["no_deadline"]
    not_started = extra.draw(st.integers(0, open_))
    due_soon = extra.draw(st.integers(0, partition["open_in_time"]))
    return buckets.figures(partition, not_started, due_soon)


@given(partitions, st.data())
def test_the_columns_add_up(partition, extra):
    r = row(partition, extra)
    assert r["total"] == sum(partition.values())
    assert r["total"] == r["done"] + r["open"]
    assert r["done"] == r["done_on_time"] + r["done_late"]
    assert r["open"] == r["open_in_time"] + r["open_late"]
    assert r["no_deadline"] <= r["open_in_time"] and r["not_started"] <= r["open"]
    assert r["come_due"] == r["done"] + r["open_late"]


@given(partitions, st.data())
def test_each_rate_is_its_definition_and_a_percentage(partition, extra):
    r = row(partition, extra)
    for key in buckets.RATE_KEYS:
        assert r[key] is None or 0 <= r[key] <= 100
    if r["come_due"]:
        assert r["completion_rate"] == round(100 * r["done"] / r["come_due"], 2)
        # A task come due is done on time, done late or overdue: the three shares make 100%.
        on_time_share_of_due = 100 * r["done_on_time"] / r["come_due"]
        assert abs(on_time_share_of_due + r["overdue_rate"] - 100) < 0.011
    else:
        assert r["completion_rate"] is None and r["overdue_rate"] is None
    assert r["on_time_rate"] == (round(100 * r["done_on_time"] / r["done"], 2) if r["done"] else None)


@given(st.lists(partitions, min_size=1, max_size=8), st.data())
def test_the_totals_row_recomputes_its_rates_from_the_sums(parts, extra):
    rows = [row(p, extra) for p in parts]
    summed = {name: sum(p[name] for p in parts) for name in buckets.BUCKETS}
    expected = buckets.figures(summed, sum(r["not_started"] for r in rows), sum(r["due_soon"] for r in rows))
    total = buckets.totals(rows)
    assert {key: total[key] for key in expected} == expected
    assert total["unit_name"] == buckets.TOTAL_LABEL
