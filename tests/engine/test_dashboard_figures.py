"""Bảng điều hành's figures (engine/dashboard/figures.py) on a known set of assignments built through the
real services (register, classify, accept, report the result, confirm) with the injected clock, on SQLite
and PostgreSQL: today's buckets, per unit, per signer, the twelve months, and the rate's definition."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from engine.assignments import service as assignments
from engine.calendar import WorkCalendar
from engine.dashboard import figures
from engine.dashboard.figures import Counts, MonthFigures, SignerFigures
from engine.documents import service as document_service
from engine.usertasks import service as usertasks
from engine.usertasks.models import READY
from tests.conftest import complete_task, two_task_document

TODAY = date(2025, 6, 16)  # a Monday: "Sắp đến hạn" runs to Thursday 19/06 (3 working days)
NOW = datetime(2025, 6, 16, 3, 0, tzinfo=UTC)  # 10:00 local
CHAIRMAN, VICE = "Trịnh Xuân Trường", "Nguyễn Thành Sinh"
CALENDAR = WorkCalendar()

# key: (document, lead unit, due date, content), as classified; the documents are registered in this order.
TASKS = {
    "a1_done_on_time": ("A", "SO_TC", "2025-02-28", "Lập dự toán chuyển đổi số (hoàn thành đúng hạn)"),
    "a2_done_late": ("A", "SO_TC", "2025-03-14", "Bố trí kinh phí năm 2025 (hoàn thành quá hạn)"),
    "a3_overdue": ("A", "SO_TC", "2025-03-31", "Quyết toán dự án kho dữ liệu (quá hạn)"),
    "a4_no_deadline": ("A", "SO_XD", None, "Theo dõi chất lượng công trình (không có thời hạn)"),
    "b1_due_soon": ("B", "SO_XD", "2025-06-18", "Báo cáo tiến độ khu tái định cư (sắp đến hạn)"),
    "b2_in_time": ("B", "SO_NV", "2025-09-30", "Sắp xếp tổ chức bộ máy (trong hạn)"),
    "b3_overdue": ("B", "SO_XD", "2025-05-30", "Rà soát quy hoạch xây dựng vùng huyện (quá hạn)"),
    "c1_overdue_no_signer": (
        "C",
        "SO_NV",
        "2025-06-02",
        "Tổng hợp biên chế năm 2025 (quá hạn, chưa ghi người ký)",
    ),
}
CONTENT = {key: content for key, (*_, content) in TASKS.items()}
DOCUMENTS = {
    # document: (number, issued on, signer, classified at)
    "A": ("12/QĐ-UBND", "2025-01-24", CHAIRMAN, datetime(2025, 1, 24, 2, 0, tzinfo=UTC)),
    "B": ("20/KH-UBND", "2025-02-10", VICE, datetime(2025, 2, 10, 2, 0, tzinfo=UTC)),
    "C": ("31/TB-VPUBND", "2025-05-05", None, datetime(2025, 5, 5, 2, 0, tzinfo=UTC)),
}
UNIT_USERS = {"SO_TC": "sotc", "SO_XD": "soxd"}


def build_known_set(system, directory, clock) -> dict[str, int]:
    """The eight tasks of TASKS in three documents; a1 done on time and a2 done late, both reported by
    Sở Tài chính and confirmed by VP; the clock left at NOW. Returns {key: assignment id}."""
    ids: dict[str, int] = {}
    for name, (number, issued_on, signer, classified_at) in DOCUMENTS.items():
        clock.move_to(classified_at)
        keys = [key for key, (document, *_) in TASKS.items() if document == name]
        payload = two_task_document(
            number=number,
            issued_on=issued_on,
            tasks=[{"content": CONTENT[key], "lead_unit": TASKS[key][1]} for key in keys],
        )
        if signer:
            payload["signer"] = signer
        else:
            del payload["signer"]
        with system.db.transaction() as session:
            document_id = document_service.register_document(
                session=session, engine=system.engine, payload=payload, actor="cv"
            ).id
        [classify] = _ready(system, directory["cv"], "classify")
        data = {
            "tracking_room": "Phòng Tổng hợp",
            "tracking_specialist": "cv",
            "tasks": [_item(key) for key in keys],
        }
        complete_task(system, classify.id, directory["cv"], data)
        with system.db.reading() as session:
            for a in assignments.assignments_of(session=session, document_id=document_id):
                ids[next(key for key in keys if CONTENT[key] == a.content)] = a.id
    _complete(
        system, directory, clock, ids["a1_done_on_time"], "2025-02-20", datetime(2025, 2, 21, 2, tzinfo=UTC)
    )
    _complete(
        system, directory, clock, ids["a2_done_late"], "2025-03-20", datetime(2025, 3, 21, 2, tzinfo=UTC)
    )
    clock.move_to(NOW)
    return ids


def _item(key: str) -> dict:
    _, lead, due, content = TASKS[key]
    return {
        "content": content,
        "lead_unit": lead,
        "coordinating_units": [],
        "has_deadline": due is not None,
        "due_date": due,
        "deadline_kind": "completion" if due else None,
        "must_report": False,
    }


def _ready(system, principal, bpmn_id: str, assignment_id: int | None = None):
    with system.db.reading() as session:
        rows = [t for t in usertasks.inbox(session=session, user=principal) if t.bpmn_id == bpmn_id]
        if assignment_id is not None:
            instance_id = assignments.get_or_raise(
                session, user=principal, assignment_id=assignment_id
            ).instance_id
            rows = [t for t in rows if t.instance_id == instance_id]
    assert all(t.state == READY for t in rows)
    return rows


def _complete(
    system, directory, clock, assignment_id: int, completed_on: str, confirmed_at: datetime
) -> None:
    """The lead unit accepts and reports the result on `completed_on`; VP confirms at `confirmed_at`."""
    unit_user = directory["sotc"]
    clock.move_to(datetime.fromisoformat(completed_on).replace(hour=2, tzinfo=UTC))
    [review] = _ready(system, unit_user, "review", assignment_id)
    complete_task(system, review.id, unit_user, {"decision": "accept"})
    [update] = _ready(system, unit_user, "update", assignment_id)
    result = {"kind": "result", "result": "Đã hoàn thành", "completed_on": completed_on}
    complete_task(system, update.id, unit_user, result)
    clock.move_to(confirmed_at)
    [confirm] = _ready(system, directory["cv"], "confirm", assignment_id)
    complete_task(system, confirm.id, directory["cv"], {"decision": "confirm"})


@pytest.fixture
def known(system, directory, clock):
    return build_known_set(system, directory, clock)


def today_args() -> dict:
    return {"calendar": CALENDAR, "today": TODAY, "soon_days": 3}


EXPECTED = Counts(
    total=8, done_on_time=1, done_late=1, open_in_time=2, open_late=3, no_deadline=1, due_soon=1
)


@pytest.mark.postgres
def test_the_buckets_of_today_overall_per_unit_and_per_signer(system, known, backend):
    period = figures.today_period(**today_args())
    with system.db.reading() as session:
        overall = figures.overview(session, period=period)
        units = figures.by_unit(session, **today_args())
        signers = figures.overdue_by_signer(session, period=period)
    assert overall == EXPECTED
    assert (overall.done, overall.open, overall.rate) == (2, 6, 50.0)
    # Every unit has one overdue task: the busiest first, then by name (Sở Tài chính before Sở Xây dựng).
    assert [(u.unit_code, u.counts) for u in units] == [
        ("SO_TC", Counts(total=3, done_on_time=1, done_late=1, open_late=1)),
        ("SO_XD", Counts(total=3, open_in_time=1, open_late=1, no_deadline=1, due_soon=1)),
        ("SO_NV", Counts(total=2, open_in_time=1, open_late=1)),
    ]
    assert sum((u.counts for u in units), Counts()) == overall
    assert signers == [
        SignerFigures(VICE, open=3, open_late=1),
        SignerFigures(CHAIRMAN, open=2, open_late=1),
        SignerFigures("", open=1, open_late=1),
    ]
    assert sum(s.open_late for s in signers) == overall.open_late


@pytest.mark.postgres
def test_twelve_months_of_tasks_given_completed_and_newly_overdue(system, known, backend):
    with system.db.reading() as session:
        months = figures.by_month(session, **today_args())
    assert [m.first for m in months] == [date(2024, 7 + n, 1) for n in range(6)] + [
        date(2025, n, 1) for n in range(1, 7)
    ]
    assert [m.as_of for m in months[-2:]] == [date(2025, 5, 31), TODAY]
    assert [m.partial for m in months[-2:]] == [False, True]
    busy = {
        m.first.month: (m.assigned, m.completed, m.became_overdue) for m in months if m.first.year == 2025
    }
    assert busy == {
        1: (4, 0, 0),  # document A classified on 24/01
        2: (3, 1, 0),  # document B; a1 confirmed on 21/02, done before its deadline
        3: (0, 1, 1),  # a2 due 14/03, done 20/03: overdue from 15/03, then confirmed late on 21/03
        4: (0, 0, 1),  # a3 due 31/03: overdue from 01/04
        5: (1, 0, 1),  # document C; b3 due 30/05: overdue from 31/05
        6: (0, 0, 1),  # c1 due 02/06; b1 is due on 18/06, not yet overdue
    }
    assert all(
        (m.assigned, m.completed, m.became_overdue) == (0, 0, 0) for m in months if m.first.year == 2024
    )
    assert sum(m.assigned for m in months) == EXPECTED.total
    assert sum(m.completed for m in months) == EXPECTED.done


@pytest.mark.postgres
def test_a_unit_leader_sees_his_units_figures_only(system, known, backend):
    period = figures.today_period(**today_args())
    with system.db.reading() as session:
        mine = figures.overview(session, period=period, unit="SO_TC")
        units = figures.by_unit(session, **today_args(), unit="SO_TC")
        signers = figures.overdue_by_signer(session, period=period, unit="SO_TC")
        months = figures.by_month(session, **today_args(), unit="SO_TC")
    assert mine == Counts(total=3, done_on_time=1, done_late=1, open_late=1)
    assert [u.counts for u in units] == [mine]
    assert signers == [SignerFigures(CHAIRMAN, open=1, open_late=1)]
    assert sum(m.assigned for m in months) == 3 and sum(m.became_overdue for m in months) == 2


def test_each_figure_counts_the_tasks_its_link_lists(system, directory, known):
    """A segment links to the Nhiệm vụ list filtered by unit and bucket, or signer and bucket: the list
    shows exactly the tasks the figure counts."""
    today = today_args()
    chairman = directory["ct"]
    with system.db.reading() as session:
        units = figures.by_unit(session, **today)
        signers = figures.overdue_by_signer(session, period=figures.today_period(**today))

        def listed(**filters) -> set[int]:
            rows = assignments.list_(
                session, user=chairman, **today, limit=1000, filters=assignments.Filters(**filters)
            )
            return {a.id for a, *_ in rows}

        for unit in units:
            for key in figures.KEYS:
                assert len(listed(unit=unit.unit_code, bucket=key)) == getattr(unit.counts, key)
        for signer in signers:
            if signer.signer:
                assert len(listed(signer=signer.signer, bucket="open_late")) == signer.open_late
        assert listed(signer=VICE, bucket="open_late") == {known["b3_overdue"]}
        assert listed(unit="SO_XD", bucket="due_soon") == {known["b1_due_soon"]}


def test_the_on_time_rate_is_done_on_time_over_done():
    assert figures.on_time_rate(1, 2) == 50.0
    assert figures.on_time_rate(2, 3) == 66.67
    assert figures.on_time_rate(0, 0) is None  # nothing done yet: no rate, not 0 % nor 100 %
    assert Counts(total=10, done_on_time=3, done_late=1, open_late=6).rate == 75.0  # open tasks do not count
    assert "÷ số nhiệm vụ đã hoàn thành" in figures.RATE_DEFINITION


def test_the_current_month_is_partial_and_months_cross_the_year():
    months = [figures._month_start(date(2026, 2, 10), back) for back in (0, 1, 2, 13)]
    assert months == [date(2026, 2, 1), date(2026, 1, 1), date(2025, 12, 1), date(2025, 1, 1)]
    assert figures._last_day(date(2024, 2, 1)) == date(2024, 2, 29)
    assert MonthFigures(date(2025, 12, 1), date(2025, 12, 31), 0, 0, 0).partial is False
    assert MonthFigures(date(2025, 12, 1), date(2025, 12, 30), 0, 0, 0).partial is True
