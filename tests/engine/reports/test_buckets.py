"""The buckets as of a date, computed by SQL, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from engine.assignments.models import Assignment, AssignmentTransfer, DeadlineAdjustment, StatusUpdate
from engine.calendar import WorkCalendar
from engine.reports import buckets
from tests.factories import CREATED, add_assignment, add_document

CALENDAR = WorkCalendar()


def at(day: date, hour: int = 3) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


@pytest.fixture
def tasks(system, directory):
    """Assignments of SO_TC and SO_XD in every bucket as of 30/06/2025; returns {name: id}."""
    specs = {
        # name: (lead, effective due, completed on, confirmed at)
        "done_on_time": ("SO_TC", date(2025, 5, 5), date(2025, 5, 5), at(date(2025, 5, 6))),
        "done_late": ("SO_TC", date(2025, 5, 5), date(2025, 5, 20), at(date(2025, 5, 21))),
        "done_no_deadline": ("SO_TC", None, date(2025, 6, 1), at(date(2025, 6, 2))),
        "open_late": ("SO_TC", date(2025, 6, 27), None, None),
        "due_today": ("SO_TC", date(2025, 6, 30), None, None),  # not overdue on its last day (R9)
        "due_in_3": ("SO_TC", date(2025, 7, 3), None, None),  # 3 working days after 30/6: sắp đến hạn
        "due_in_4": ("SO_TC", date(2025, 7, 4), None, None),
        "no_deadline": ("SO_XD", None, None, None),
        # Reported done before 30/6 but confirmed by VP only in July: still open as of 30/6.
        "confirmed_later": ("SO_XD", date(2025, 6, 20), date(2025, 6, 25), at(date(2025, 7, 2))),
        "created_later": ("SO_XD", date(2025, 9, 1), None, None),
    }
    with system.db.transaction() as session:
        document = add_document(session)
        ids = {}
        for seq, (name, (lead, due, completed_on, confirmed_at)) in enumerate(specs.items(), start=1):
            ids[name] = add_assignment(
                session,
                document,
                seq=seq,
                lead=lead,
                content=name,
                due=due,
                coordinating=("SO_NV",) if name == "open_late" else (),
                completed_on=completed_on,
                confirmed_at=confirmed_at,
                created_at=at(date(2025, 7, 10)) if name == "created_later" else CREATED,
            ).id
    return ids


def table(system, as_of, window_from=None):
    with system.db.reading() as session:
        rows = buckets.per_unit(session, as_of=as_of, window_from=window_from, calendar=CALENDAR)
    return {row["unit_code"]: row for row in rows}


@pytest.mark.postgres
def test_each_task_lands_in_its_bucket_as_of_the_date(system, tasks, backend):
    figures = table(system, date(2025, 6, 30))
    tc, xd = figures["SO_TC"], figures["SO_XD"]
    assert (tc["total"], tc["done_on_time"], tc["done_late"], tc["open_late"], tc["open_in_time"]) == (
        7,
        2,
        1,
        1,
        3,
    )
    assert (tc["done"], tc["open"], tc["no_deadline"], tc["due_soon"]) == (3, 4, 0, 2)
    assert tc["open"] == tc["open_in_time"] + tc["open_late"] and tc["total"] == tc["done"] + tc["open"]
    assert tc["not_started"] == 4  # no open task has had a progress report
    # Come due: the 3 done and the 1 overdue. The earlier share divided by all 7 tasks.
    assert tc["come_due"] == 4
    assert (tc["completion_rate"], tc["on_time_rate"], tc["overdue_rate"], tc["on_time_share"]) == (
        75.0,
        round(100 * 2 / 3, 2),
        50.0,
        round(100 * 2 / 7, 2),
    )
    # The task without deadline is never overdue: it counts among "chưa hoàn thành trong hạn".
    assert (xd["total"], xd["no_deadline"], xd["open_in_time"], xd["open_late"], xd["done"]) == (
        2,
        1,
        1,
        1,
        0,
    )
    assert (xd["completion_rate"], xd["on_time_rate"], xd["overdue_rate"]) == (0.0, None, 100.0)
    assert "SO_NV" not in figures  # coordinating units are not counted as leads


@pytest.mark.postgres
def test_a_report_recomputed_later_gives_the_same_answer(system, tasks, clock, backend):
    before = table(system, date(2025, 6, 30))
    with system.db.transaction() as session:
        moved = session.get(Assignment, tasks["open_late"])
        session.add(
            AssignmentTransfer(
                assignment_id=moved.id,
                from_unit="SO_TC",
                to_unit="SO_NV",
                reason="Không thuộc chức năng",
                transferred_at=at(date(2025, 7, 15)),
            )
        )
        moved.lead_unit_code = "SO_NV"
        extended = session.get(Assignment, tasks["due_today"])
        session.add(
            DeadlineAdjustment(
                assignment_id=extended.id,
                old_due_date=extended.due_date,
                old_effective_due_date=extended.effective_due_date,
                new_due_date=date(2025, 9, 30),
                new_effective_due_date=date(2025, 9, 30),
                basis="Ý kiến chỉ đạo của Chủ tịch",
                decided_at=at(date(2025, 7, 20)),
            )
        )
        extended.due_date = extended.effective_due_date = date(2025, 9, 30)
        late = session.get(Assignment, tasks["open_late"])
        late.completed_on, late.confirmed_at = date(2025, 8, 1), at(date(2025, 8, 4))
    assert table(system, date(2025, 6, 30)) == before

    now = table(system, date(2025, 8, 31))
    assert now["SO_NV"]["done_late"] == 1  # the transferred task, done late, now counts for its new lead
    # due_in_3 and due_in_4 are overdue by now; due_today follows its extension to 30/9.
    assert (now["SO_TC"]["total"], now["SO_TC"]["open_late"], now["SO_TC"]["open_in_time"]) == (6, 2, 1)


def test_a_task_is_started_once_progress_was_reported_by_the_cut_off(system, tasks):
    with system.db.transaction() as session:
        for name, progress, day in (
            ("open_late", "in_progress", date(2025, 6, 10)),
            ("due_today", "not_started", date(2025, 6, 12)),  # a difficulty report that started nothing
            ("due_in_3", "in_progress", date(2025, 7, 10)),  # after the cut-off
        ):
            session.add(
                StatusUpdate(
                    assignment_id=tasks[name],
                    unit_code="SO_TC",
                    role="lead",
                    progress=progress,
                    situation="Tình hình",
                    reported_at=at(day),
                )
            )
    assert table(system, date(2025, 6, 30))["SO_TC"]["not_started"] == 3
    assert table(system, date(2025, 7, 10))["SO_TC"]["not_started"] == 2  # due_today and due_in_4 remain


def test_a_window_leaves_out_tasks_done_before_it(system, tasks):
    figures = table(system, date(2025, 6, 30), window_from=date(2025, 5, 15))
    # done_on_time was confirmed on 6/5, before the window: it belongs to the previous period.
    assert figures["SO_TC"]["total"] == 6 and figures["SO_TC"]["done_on_time"] == 1


def test_the_detail_appendix_lists_each_task_with_its_latest_situation(system, tasks):
    with system.db.transaction() as session:
        session.add(
            StatusUpdate(
                assignment_id=tasks["open_late"],
                unit_code="SO_TC",
                role="lead",
                progress="in_progress",
                situation="Đang lấy ý kiến các sở",
                difficulties="Thiếu kinh phí",
                reported_at=at(date(2025, 6, 10)),
            )
        )
        session.add(
            StatusUpdate(
                assignment_id=tasks["open_late"],
                unit_code="SO_TC",
                role="lead",
                progress="in_progress",
                situation="Báo cáo sau ngày chốt",
                reported_at=at(date(2025, 7, 10)),
            )
        )
    with system.db.reading() as session:
        rows = buckets.detail(session, unit_code="SO_TC", as_of=date(2025, 6, 30), calendar=CALENDAR)
        names = dict(session.execute(select(Assignment.id, Assignment.content)).all())
    by_name = {names[row["assignment_id"]]: row for row in rows}
    assert len(rows) == 7
    late = by_name["open_late"]
    assert (late["bucket_label"], late["situation"], late["difficulties"]) == (
        "Chưa hoàn thành quá hạn",
        "Đang lấy ý kiến các sở",
        "Thiếu kinh phí",
    )
    assert late["coordinating_units"] == ["SO_NV"] and late["document_number"] == "15/KH-UBND"
    assert by_name["done_late"]["completed_on"] == date(2025, 5, 20)
    assert by_name["due_in_3"]["due_soon"] and not by_name["due_in_4"]["due_soon"]
    assert not late["not_started"] and by_name["due_in_4"]["not_started"]
