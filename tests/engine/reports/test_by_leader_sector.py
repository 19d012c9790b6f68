"""Biểu tổng hợp per leader who gave the task and per sector: the same buckets as per unit, each row's
counts equal to a direct count over the assignments, the totals equal to the table by unit, as of any
date; tasks recorded without one under "(Chưa xác định)"; a unit sees only the tasks it leads."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

import pytest

from engine.directory import leaders
from engine.reports import buckets
from engine.workdays import service as workdays
from tests.factories import add_assignment, add_document
from tests.web.test_pages import html, login

LATER = datetime(2025, 3, 20, 2, 0, tzinfo=UTC)
# (lead, leader, sector, due, completed_on, confirmed_at, created_at)
ROWS = [
    ("SO_TC", "PCT1", "KT", date(2025, 3, 10), date(2025, 3, 9), datetime(2025, 3, 9, 3, tzinfo=UTC), None),
    ("SO_TC", "PCT1", "YT", date(2025, 3, 10), date(2025, 3, 12), datetime(2025, 3, 12, 3, tzinfo=UTC), None),
    ("SO_XD", "TT", "KT", date(2025, 3, 5), None, None, None),
    ("SO_XD", "TT", "KT", date(2025, 4, 30), None, None, None),
    ("SO_NV", None, None, None, None, None, None),
    ("SO_NV", "PCT1", "YT", date(2025, 3, 6), None, None, LATER),  # created after the first cut-off
]


@pytest.fixture
def table(system, directory):
    with system.db.transaction() as session:
        leaders.create_sector(session=session, code="KT", name="Kinh tế", actor="admin")
        leaders.create_sector(session=session, code="YT", name="Y tế", actor="admin")
        leaders.create_leader(session=session, values={"code": "TT", "kind": "collective"}, actor="admin")
        leaders.create_leader(
            session=session,
            values={"code": "PCT1", "kind": "vice_chairman", "person_name": "Hoàng Quốc Khánh"},
            actor="admin",
        )
        document = add_document(session)
        for seq, (lead, leader, sector, due, completed, confirmed, created) in enumerate(ROWS, start=1):
            extra = {"created_at": created} if created else {}
            add_assignment(
                session,
                document,
                seq=seq,
                lead=lead,
                due=due,
                completed_on=completed,
                confirmed_at=confirmed,
                leader_code=leader,
                sector_code=sector,
                **extra,
            )
    return system


def _tables(system, as_of: date, unit_codes=None):
    with system.db.reading() as session:
        calendar = workdays.calendar(session=session, settings=system.settings)
        period = {"as_of": as_of, "calendar": calendar, "soon_days": 3}
        by_unit = buckets.per_unit(session, unit_codes=unit_codes, **period)
        grouped = {
            by: buckets.per_group(
                session,
                by=by,
                order=list(names.items()),
                unit_codes=unit_codes,
                **period,
            )
            for by, names in (
                ("leader", leaders.leader_names(session=session)),
                ("sector", leaders.sector_names(session=session)),
            )
        }
        direct = {
            row.id: row.bucket
            for row in session.execute(buckets.classified(buckets.Period.of(calendar, as_of, None, 3)))
        }
    return by_unit, grouped, direct


@pytest.mark.parametrize("as_of", [date(2025, 3, 14), date(2025, 3, 28)])
def test_grouped_counts_equal_a_direct_count(table, as_of):
    by_unit, grouped, direct = _tables(table, as_of)
    seqs = {i + 1: row for i, row in enumerate(ROWS)}  # assignment ids follow seq in a fresh database
    for by, column in (("leader", 1), ("sector", 2)):
        expected = Counter()
        for assignment_id, bucket in direct.items():
            key = seqs[assignment_id][column]
            expected[key, "total"] += 1
            expected[key, bucket] += 1
            if bucket == "no_deadline":  # never overdue: the tables count it among the open in time
                expected[key, "open_in_time"] += 1
        for row in grouped[by]:
            for name in ("total", *buckets.BUCKETS):
                assert row[name] == expected[row["group_code"], name], (by, row["group_name"], name)
        assert sum(r["total"] for r in grouped[by]) == len(direct)
        summed, by_units = buckets.totals(grouped[by]), buckets.totals(by_unit)
        assert {k: v for k, v in summed.items() if k != "unit_name"} == {
            k: v for k, v in by_units.items() if k != "unit_name"
        }
    names = [r["group_name"] for r in grouped["leader"]]
    assert names == ["UBND tỉnh (tập thể)", "Phó Chủ tịch UBND tỉnh Hoàng Quốc Khánh", "(Chưa xác định)"]
    assert [r["group_name"] for r in grouped["sector"]] == ["Kinh tế", "Y tế", "(Chưa xác định)"]


def test_a_unit_sees_only_the_tasks_it_leads(table):
    _, grouped, _ = _tables(table, date(2025, 3, 28), unit_codes=["SO_TC"])
    assert [(r["group_code"], r["total"], r["done_on_time"], r["done_late"]) for r in grouped["sector"]] == [
        ("KT", 1, 1, 0),
        ("YT", 1, 0, 1),
    ]


def test_the_report_page_offers_the_three_groupings(table, app):
    client = app.test_client()
    login(client, "ldvp")
    page = html(client.get("/reports?as_of=2025-03-28&group=sector"))
    assert "Biểu tổng hợp theo lĩnh vực" in page and "Y tế" in page and "(Chưa xác định)" in page
    assert '<option value="sector" selected>Lĩnh vực</option>' in page
    by_leader = html(client.get("/reports?as_of=2025-03-28&group=leader"))
    assert "Phó Chủ tịch UBND tỉnh Hoàng Quốc Khánh" in by_leader
    assert "Sở Tài chính" in html(client.get("/reports?as_of=2025-03-28&group=nonsense"))  # by unit
