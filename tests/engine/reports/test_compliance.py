"""P10 compliance figures (Đ26.1): exact figures for a year around Tết and a make-up Saturday, the values
in force at the cut-off, and agreement with a direct count over random small data sets."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from engine.assignments.models import (
    Assignment,
    AssignmentReturn,
    AssignmentTransfer,
    DeadlineAdjustment,
    DifficultyReport,
    StatusUpdate,
    Urging,
)
from engine.calendar import WorkCalendar
from engine.directory.models import Leader, Sector, Unit
from engine.reports import compliance
from engine.reports.models import ReportRound, ReportSubmission
from tests.conftest import UNITS as UNITS_OF_CONFTEST
from tests.factories import add_assignment, add_document

CALENDAR = WorkCalendar()
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
AS_OF = date(2026, 12, 1)


def local(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """`hour`:`minute` local time on `day`, as UTC."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL).astimezone(UTC)


def add_leaders_and_sectors(session) -> None:
    session.add_all(
        [
            Leader(code="CT", kind="chairman", title="Chủ tịch UBND tỉnh", person_name="Trịnh Văn Chiến"),
            Leader(code="PCT1", kind="vice_chairman", title="Phó Chủ tịch UBND tỉnh", position=1),
            Sector(code="TC", name="Tài chính"),
            Sector(code="XD", name="Xây dựng"),
        ]
    )
    session.flush()


def update(session, a: Assignment, unit: str, at: datetime, *, result: bool = False) -> None:
    session.add(
        StatusUpdate(
            assignment_id=a.id,
            unit_code=unit,
            role="lead",
            progress="done" if result else "in_progress",
            situation="Đang triển khai",
            is_result_report=result,
            reported_at=at,
        )
    )


def urge(session, kind: str, unit: str, a: Assignment | None, at: datetime) -> None:
    # The day of the urging (Đ11.3-4) arrives with migration 0022; the figures count the recorded instant.
    day = {"urged_on": at.astimezone(LOCAL).date()} if hasattr(Urging, "urged_on") else {}
    session.add(
        Urging(
            kind=kind,
            unit_code=unit,
            assignment_id=a.id if a else None,
            content="Đôn đốc",
            issued_at=at,
            **day,
        )
    )


def add_round(session, period: int, opened: datetime, due: date, sent: dict[str, datetime | None]) -> None:
    row = ReportRound(
        kind="quarter",
        year=2026,
        period=period,
        label=f"Kỳ {period}",
        window_from=date(2026, 1, 1),
        window_to=due,
        unit_due=due,
        consolidation_due=due + timedelta(days=5),
        opened_at=opened,
    )
    session.add(row)
    session.flush()
    session.add_all(
        ReportSubmission(round_id=row.id, unit_code=code, due_date=due, submitted_at=at)
        for code, at in sent.items()
    )


@pytest.fixture
def units(system):
    """The units of tests/conftest.py, without deploying the processes (these figures need none)."""
    with system.db.transaction() as session:
        session.add_all(Unit(code=c, name=n, unit_type=t) for c, n, t in UNITS_OF_CONFTEST)


@pytest.fixture
def year_2026(system, units, clock):
    """The hand-built year: see the expected figures in the tests below."""
    clock.move_to(local(date(2026, 1, 5)))
    jan5 = local(date(2026, 1, 5))
    with system.db.transaction() as session:
        add_leaders_and_sectors(session)
        doc = add_document(session, issued_on=date(2025, 10, 1), created_at=local(date(2025, 10, 1)))

        def task(seq, lead, due=None, created=jan5, **fields):
            return add_assignment(session, doc, seq=seq, lead=lead, due=due, created_at=created, **fields)

        # Due Friday 13/02, before Tết (16-20/02 off): T2 is Wednesday 25/02, not 18/02.
        a1 = task(1, "SO_TC", date(2026, 2, 13), leader_code="CT", sector_code="TC")
        update(session, a1, "SO_TC", local(date(2026, 2, 25), 16))  # on T2's last day: in time
        a2 = task(
            2,
            "SO_TC",
            date(2026, 2, 13),
            leader_code="CT",
            sector_code="TC",
            completed_on=date(2026, 3, 10),
            confirmed_at=local(date(2026, 3, 11)),
        )
        update(session, a2, "SO_TC", local(date(2026, 2, 26), 8))  # a day after T2: late
        update(session, a2, "SO_TC", local(date(2026, 3, 10)), result=True)
        # Due Wednesday 19/08: Saturday 22/08 is a make-up working day, so T2 is 22/08, not Monday 24/08.
        a3 = task(3, "SO_TC", date(2026, 8, 19), leader_code="PCT1", sector_code="XD")
        update(session, a3, "SO_TC", local(date(2026, 8, 24), 8))
        update(session, a3, "SO_NV", local(date(2026, 8, 20)))  # another unit's update does not count
        a4 = task(
            4,
            "SO_TC",
            date(2026, 6, 30),
            leader_code="CT",
            sector_code="XD",
            completed_on=date(2026, 6, 25),
            confirmed_at=local(date(2026, 6, 26)),
        )
        update(session, a4, "SO_TC", local(date(2026, 6, 25)), result=True)
        task(5, "SO_XD", None, created=local(date(2025, 11, 1)))  # carried over, without deadline
        task(  # done in 2025: not in 2026's figures
            6,
            "SO_XD",
            date(2025, 12, 15),
            created=local(date(2025, 10, 1)),
            completed_on=date(2025, 12, 19),
            confirmed_at=local(date(2025, 12, 20)),
        )
        a8 = task(8, "SO_NV", date(2026, 11, 30), created=local(date(2026, 1, 10)))
        session.add(
            AssignmentReturn(
                assignment_id=a8.id,
                unit_code="SO_NV",
                reason_kind="wrong_content",
                reason="Nội dung chưa rõ",
                returned_at=local(date(2026, 1, 15)),
            )
        )
        session.add(  # transferred from SO_NV on 10/12, after the cut-off: SO_NV's task on 1/12
            AssignmentTransfer(
                assignment_id=a8.id,
                from_unit="SO_NV",
                to_unit="SO_XD",
                transferred_at=local(date(2026, 12, 10)),
            )
        )
        a9 = task(9, "SO_XD", date(2027, 3, 31), leader_code="PCT1", sector_code="XD")
        session.add(  # extended on 15/12 from 30/10: on 1/12 the deadline in force is 30/10
            DeadlineAdjustment(
                assignment_id=a9.id,
                old_due_date=date(2026, 10, 30),
                old_effective_due_date=date(2026, 10, 30),
                new_due_date=date(2027, 3, 31),
                new_effective_due_date=date(2027, 3, 31),
                basis="Ý kiến chỉ đạo",
                decided_at=local(date(2026, 12, 15)),
            )
        )
        task(10, "SO_XD", date(2026, 12, 31), created=local(date(2026, 12, 5)))  # after the cut-off

        urge(session, "update_reminder", "SO_TC", a2, local(date(2026, 2, 16)))
        urge(session, "urging_letter", "SO_TC", a2, local(date(2026, 2, 26)))
        urge(session, "direction_request", "SO_TC", a2, local(date(2026, 3, 1)))
        urge(session, "urging_letter", "SO_TC", a1, local(date(2025, 12, 20)))  # the year before
        urge(session, "urging_letter", "SO_TC", a1, local(date(2026, 12, 3)))  # after the cut-off
        urge(session, "urging_letter", "SO_XD", a9, local(date(2026, 11, 5)))
        session.add(
            DifficultyReport(
                assignment_id=a2.id,
                unit_code="SO_TC",
                difficulties="Thiếu kinh phí",
                reported_at=local(date(2026, 2, 20)),
            )
        )
        add_round(
            session,
            1,
            local(date(2026, 3, 2), 8),
            date(2026, 3, 19),
            {"SO_TC": local(date(2026, 3, 18)), "SO_XD": local(date(2026, 3, 20), 10), "SO_NV": None},
        )
        add_round(
            session,
            3,
            local(date(2026, 9, 1), 8),
            date(2026, 9, 21),
            {"SO_TC": local(date(2026, 9, 21), 16), "SO_XD": None, "SO_NV": local(date(2026, 12, 2))},
        )
        # December's round opens at the very moment of the cut-off: not sent, not due yet, so not counted.
        add_round(session, 4, local(date(2026, 12, 1), 8), date(2026, 12, 21), {"SO_TC": None})
        ids = {"a8": a8.id, "a9": a9.id}
    clock.move_to(local(date(2026, 12, 10)))
    with system.db.transaction() as session:  # after the cut-off: moved to SO_XD (see the transfer above)
        session.get(Assignment, ids["a8"]).lead_unit_code = "SO_XD"
    clock.move_to(local(date(2026, 12, 15)))
    with system.db.transaction() as session:  # after the cut-off: the Chairman takes a9 over, extended
        a9 = session.get(Assignment, ids["a9"])
        a9.leader_code, a9.sector_code = "CT", "TC"
    return ids


def figures(system, as_of=AS_OF, year=2026):
    with system.db.reading() as session:
        return compliance.figures(session, year=year, as_of=as_of, calendar=CALENDAR)


def pick(row: dict, keys=compliance.UNIT_KEYS) -> tuple:
    return tuple(row[k] for k in keys)


# In the directory's order: tasks, assigned, completed, on time, overdue, late updates; reports due, late,
# missing; urgings: reminders, letters, direction requests, all; difficulties, returns
UNIT_FIGURES = (
    ("SO_NV", (1, 1, 0, 0, 1, 0, 2, 0, 2, 0, 0, 0, 0, 0, 1)),
    ("SO_TC", (4, 4, 2, 1, 3, 2, 2, 0, 0, 1, 1, 1, 3, 1, 0)),
    ("SO_XD", (2, 1, 0, 0, 1, 1, 2, 1, 1, 0, 1, 0, 1, 0, 0)),
)


def test_each_unit_s_figures_as_of_1_december_around_tet_and_a_make_up_saturday(system, year_2026):
    found = figures(system)
    assert [(row["unit_code"], pick(row)) for row in found["units"]] == list(UNIT_FIGURES)
    assert found["totals"]["tasks"] == 7 and found["totals"]["reports_missing"] == 3
    tc = found["units"][1]
    # Come due: the one done on time and the three overdue (one of them done late).
    rates = ("completion_rate", "on_time_rate", "overdue_rate", "reports_on_time_rate")
    assert (tc["unit_name"], *(tc[k] for k in rates)) == ("Sở Tài chính", 50.0, 50.0, 75.0, 100.0)


def test_per_leader_and_per_sector_use_the_values_in_force_at_the_cut_off(system, year_2026):
    found = figures(system)
    keys = ("tasks", "assigned", "completed", "completed_on_time", "overdue", "late_updates", "urgings")
    leaders = {row["name"]: pick(row, keys) for row in found["leaders"]}
    assert leaders == {
        "Chủ tịch UBND tỉnh Trịnh Văn Chiến": (3, 3, 2, 1, 2, 1, 3),
        "Phó Chủ tịch UBND tỉnh": (2, 2, 0, 0, 2, 2, 1),
        "Chưa xác định người giao": (2, 1, 0, 0, 1, 0, 0),
    }
    sectors = {row["name"]: pick(row, keys) for row in found["sectors"]}
    assert sectors == {
        "Tài chính": (2, 2, 1, 0, 2, 1, 3),
        "Xây dựng": (3, 3, 1, 1, 2, 2, 1),
        "Chưa xác định lĩnh vực": (2, 1, 0, 0, 1, 0, 0),
    }
    later = figures(system, as_of=date(2026, 12, 20))
    assert {row["name"]: row["tasks"] for row in later["leaders"]}["Chủ tịch UBND tỉnh Trịnh Văn Chiến"] == 4


def test_the_update_deadline_counts_working_days_only(system, year_2026):
    # As of 24/02 (before Tết's T2 ended) no late update; as of 26/02 one (a2); a1 updated on 25/02 in time.
    assert figures(system, as_of=date(2026, 2, 24))["totals"]["late_updates"] == 0
    assert figures(system, as_of=date(2026, 2, 26))["totals"]["late_updates"] == 1
    # a3's T2 is the make-up Saturday 22/08: late from 23/08 on, though its update came on Monday 24/08.
    assert figures(system, as_of=date(2026, 8, 22))["units"][1]["late_updates"] == 1
    assert figures(system, as_of=date(2026, 8, 23))["units"][1]["late_updates"] == 2


def test_a_date_before_the_year_is_refused(system, year_2026):
    from engine.errors import ValidationError

    with pytest.raises(ValidationError):
        figures(system, as_of=date(2025, 12, 31))


# --- property: the SQL agrees with a direct count over the rows --------------------------------------

UNITS = ("SO_TC", "SO_XD", "SO_NV")
DAYS = st.dates(min_value=date(2025, 12, 1), max_value=date(2027, 1, 15))
TIMES = st.builds(lambda d, h: local(d, h), DAYS, st.integers(min_value=0, max_value=23))

task_rows = st.lists(
    st.fixed_dictionaries(
        {
            "lead": st.sampled_from(UNITS),
            "created": TIMES,
            "due": st.none() | DAYS,
            "confirmed": st.none() | TIMES,
            "completed_on": DAYS,
            "leader": st.sampled_from([None, "CT", "PCT1"]),
            "sector": st.sampled_from([None, "TC", "XD"]),
            # Updates near the deadline (days after it, hour), where T2 decides: result report? by the lead?
            "updates": st.lists(
                st.tuples(st.integers(-2, 9), st.integers(0, 23), st.booleans(), st.booleans()), max_size=3
            ),
            "urgings": st.lists(
                st.tuples(st.sampled_from(["update_reminder", "urging_letter", "direction_request"]), TIMES),
                max_size=2,
            ),
            "difficulties": st.lists(TIMES, max_size=1),
            "returns": st.lists(TIMES, max_size=1),
        }
    ),
    max_size=8,
)
submission_rows = st.lists(
    st.tuples(st.sampled_from(UNITS), st.none() | TIMES), max_size=3, unique_by=lambda s: s[0]
)


def build(session, tasks, round_opened, round_due, submissions) -> None:
    doc = add_document(session)
    for seq, t in enumerate(tasks, start=1):
        a = add_assignment(
            session,
            doc,
            seq=seq,
            lead=t["lead"],
            due=t["due"],
            created_at=t["created"],
            completed_on=t["completed_on"] if t["confirmed"] else None,
            confirmed_at=t["confirmed"],
            leader_code=t["leader"],
            sector_code=t["sector"],
        )
        for days, hour, result, by_lead in t["updates"]:
            at = local((t["due"] or t["created"].date()) + timedelta(days=days), hour)
            update(session, a, t["lead"] if by_lead else "XA_BX", at, result=result)
        for kind, at in t["urgings"]:
            urge(session, kind, t["lead"], a, at)
        for at in t["difficulties"]:
            session.add(
                DifficultyReport(assignment_id=a.id, unit_code=t["lead"], difficulties="x", reported_at=at)
            )
        for at in t["returns"]:
            session.add(
                AssignmentReturn(
                    assignment_id=a.id,
                    unit_code=t["lead"],
                    reason_kind="wrong_content",
                    reason="x",
                    returned_at=at,
                )
            )
    add_round(session, 2, round_opened, round_due, dict(submissions))
    session.flush()


def direct_count(session, year: int, as_of: date) -> dict[str, Counter]:
    """The unit figures counted row by row in Python, by the definitions in compliance.py's docstring."""
    day = min(as_of, date(year, 12, 31))
    start, end = local(date(year, 1, 1), 0), local(day, 0) + timedelta(days=1)
    counts: dict[str, Counter] = {}
    for a in session.scalars(select(Assignment)):
        if a.created_at > end or (a.confirmed_at is not None and a.confirmed_at < start):
            continue
        c = counts.setdefault(a.lead_unit_code, Counter())
        done = a.confirmed_at is not None and a.confirmed_at <= end
        due = a.effective_due_date
        on_time = done and (due is None or a.completed_on <= due)
        c["tasks"] += 1
        c["assigned"] += a.created_at >= start
        c["completed"] += done
        c["completed_on_time"] += on_time
        c["overdue"] += (done and not on_time) or (not done and due is not None and due < day)
        if due is None:
            continue
        t2_end = local(CALENDAR.add_working_days(due, 3), 0) + timedelta(days=1)
        if not (start <= t2_end < end) or (a.confirmed_at is not None and a.confirmed_at <= t2_end):
            continue
        updates = session.scalars(
            select(StatusUpdate).where(
                StatusUpdate.assignment_id == a.id, StatusUpdate.unit_code == a.lead_unit_code
            )
        )
        c["late_updates"] += not any(
            u.reported_at <= t2_end and (u.is_result_report or u.reported_at >= local(due, 0))
            for u in updates
        )
    for model, stamp, figure in (
        (Urging, "issued_at", None),
        (DifficultyReport, "reported_at", "difficulties"),
        (AssignmentReturn, "returned_at", "returns"),
    ):
        for row in session.scalars(select(model)):
            if start <= getattr(row, stamp) < end:
                c = counts.setdefault(row.unit_code, Counter())
                if figure is None:
                    c["urgings"] += 1
                    c[compliance.URGING_KINDS[row.kind]] += 1
                else:
                    c[figure] += 1
    for s in session.scalars(select(ReportSubmission)):
        r = session.get(ReportRound, s.round_id)
        if r.year != year or r.opened_at > end:
            continue
        t6_end = local(s.due_date, 0) + timedelta(days=1)
        sent = s.submitted_at is not None and s.submitted_at <= end
        if not sent and t6_end >= end:
            continue
        c = counts.setdefault(s.unit_code, Counter())
        c["reports_due"] += 1
        if sent:
            c["reports_late"] += s.submitted_at > t6_end
        else:
            c["reports_missing"] += 1
    return counts


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    tasks=task_rows,
    round_opened=TIMES,
    round_due=DAYS,
    submissions=submission_rows,
    as_of=st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 1, 20)),
)
@example(
    tasks=[], round_opened=local(date(2026, 6, 1)), round_due=date(2026, 6, 19), submissions=[], as_of=AS_OF
)
@example(  # updated on T2's last day (Thursday 05/03 for Monday 02/03): in time
    tasks=[
        {
            "lead": "SO_TC",
            "created": local(date(2026, 1, 5)),
            "due": date(2026, 3, 2),
            "confirmed": None,
            "completed_on": date(2026, 3, 2),
            "leader": None,
            "sector": None,
            "updates": [(3, 15, False, True)],
            "urgings": [],
            "difficulties": [],
            "returns": [],
        }
    ],
    round_opened=local(date(2026, 6, 1)),
    round_due=date(2026, 6, 19),
    submissions=[],
    as_of=date(2026, 3, 10),
)
def test_the_figures_equal_a_direct_count_of_the_rows(
    system, units, tasks, round_opened, round_due, submissions, as_of
):
    with system.db.sessions() as session:
        session.begin()
        if session.get(Leader, "CT") is None:
            add_leaders_and_sectors(session)
        build(session, tasks, round_opened, round_due, submissions)
        found = compliance.figures(session, year=2026, as_of=as_of, calendar=CALENDAR)
        expected = direct_count(session, 2026, as_of)
        session.rollback()
    units = {row["unit_code"]: {k: row[k] for k in compliance.UNIT_KEYS} for row in found["units"]}
    assert units == {code: {k: c[k] for k in compliance.UNIT_KEYS} for code, c in expected.items()}
    for key in ("leaders", "sectors"):  # every task of the year is in exactly one leader's and sector's row
        for figure in ("tasks", "completed", "overdue", "late_updates"):
            assert sum(row[figure] for row in found[key]) == found["totals"][figure]
