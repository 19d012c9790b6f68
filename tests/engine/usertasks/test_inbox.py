"""The inbox's saved filters: mine, my groups', due today, due soon (counted in working days, over weekends
and holidays), overdue; each with its count, combined with the procedure, search and sort."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from engine.auth.service import Principal
from engine.calendar import WorkCalendar
from engine.documents.service import register_document
from engine.search.fold import words
from engine.search.sql import Sort
from engine.usertasks import inbox
from engine.usertasks import service as usertasks
from engine.usertasks.models import UserTaskRow
from tests.conftest import two_task_document

CALENDAR = WorkCalendar()


def end_of(day: date) -> datetime:
    """The instant a deadline on `day` ends (24:00 local), as the user-task index stores it."""
    return CALENDAR.end_of_day(day).astimezone(UTC)


def at_local(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=CALENDAR.tz).astimezone(UTC)


FRIDAY = date(2025, 3, 7)


@pytest.mark.parametrize(
    ("due", "mark"),
    [
        (end_of(date(2025, 3, 6)), inbox.OVERDUE),  # Thursday's deadline ended at midnight
        (at_local(FRIDAY, 10), inbox.OVERDUE),  # an instant deadline already passed at 10:00
        (end_of(FRIDAY), inbox.TODAY),
        (end_of(date(2025, 3, 8)), inbox.SOON),  # Saturday, before Monday
        (end_of(date(2025, 3, 10)), inbox.SOON),  # Monday: 1 working day after Friday
        (end_of(date(2025, 3, 11)), None),  # Tuesday: 2 working days
        (None, None),
    ],
)
def test_a_friday_task_due_monday_is_due_within_one_working_day(due, mark):
    windows = inbox.DueWindows.of(CALENDAR, at_local(FRIDAY, 10), soon_days=1)
    assert windows.mark(due) == mark


def test_due_soon_counts_working_days_across_tet():
    """Friday 24/01/2025: Tết keeps 27–31/01 off, so the next working day is Monday 03/02."""
    friday = date(2025, 1, 24)
    one = inbox.DueWindows.of(CALENDAR, at_local(friday, 9), soon_days=1)
    assert one.mark(end_of(date(2025, 2, 3))) == inbox.SOON
    assert one.mark(end_of(date(2025, 2, 4))) is None
    three = inbox.DueWindows.of(CALENDAR, at_local(friday, 9), soon_days=3)
    assert three.mark(end_of(date(2025, 2, 5))) == inbox.SOON
    assert three.mark(end_of(date(2025, 2, 6))) is None


def test_a_make_up_saturday_is_a_working_day():
    """Saturday 26/04/2025 was worked (làm bù): from Friday 25/04, one working day reaches only it."""
    windows = inbox.DueWindows.of(CALENDAR, at_local(date(2025, 4, 25), 9), soon_days=1)
    assert windows.mark(end_of(date(2025, 4, 26))) == inbox.SOON
    assert windows.mark(end_of(date(2025, 4, 28))) is None


DUES = {  # document number -> the deadline of its intake task, as of Friday 24/01/2025 09:00 local
    "1/KH-UBND": end_of(date(2025, 1, 23)),  # overdue
    "2/KH-UBND": end_of(date(2025, 1, 24)),  # today
    "3/KH-UBND": end_of(date(2025, 2, 3)),  # soon: Tết between
    "4/KH-UBND": end_of(date(2025, 2, 5)),  # soon: the 3rd working day
    "5/KH-UBND": end_of(date(2025, 2, 6)),  # later
    "6/CV-UBND": None,  # no deadline
}


@pytest.fixture
def inbox_rows(system, directory, clock):
    """Six intake tasks for cv with the deadlines of DUES (the clock: Friday 24/01/2025 09:00 local); the
    fourth claimed by cv. Returns {document number: user task id}."""
    ids = {}
    for number in DUES:
        with system.db.transaction() as session:
            register_document(
                session=session,
                engine=system.engine,
                payload=two_task_document(number=number, title=f"Văn bản {number}"),
                actor="cv",
            )
    with system.db.transaction() as session:
        for row in session.scalars(select(UserTaskRow)):
            number = next(n for n in DUES if n in row.subject)
            row.due_at = DUES[number]
            ids[number] = row.id
    with system.db.transaction() as session:
        usertasks.claim(session=session, task_id=ids["4/KH-UBND"], user=directory["cv"])
    return ids


def numbers(rows, ids) -> list[str]:
    by_id = {v: k for k, v in ids.items()}
    return [by_id[r.id] for r in rows]


@pytest.mark.postgres
def test_each_tab_and_its_count(system, directory, inbox_rows, clock, backend):
    cv = directory["cv"]
    windows = inbox.DueWindows.of(CALENDAR, clock.now(), soon_days=3)
    with system.db.reading() as session:

        def tab(view, **more):
            rows = usertasks.inbox(session=session, user=cv, view=view, windows=windows, **more)
            return numbers(rows, inbox_rows)

        assert tab(None) == list(DUES)  # soonest deadline first, none last
        assert tab(inbox.OVERDUE) == ["1/KH-UBND"]
        assert tab(inbox.TODAY) == ["2/KH-UBND"]
        assert tab(inbox.SOON) == ["3/KH-UBND", "4/KH-UBND"]
        assert tab(inbox.MINE) == ["4/KH-UBND"]
        assert tab(inbox.GROUP) == ["1/KH-UBND", "2/KH-UBND", "3/KH-UBND", "5/KH-UBND", "6/CV-UBND"]
        assert tab(inbox.SOON, words=words("3/kh")) == ["3/KH-UBND"]  # with a search
        assert tab(None, words=words("cv-ubnd")) == ["6/CV-UBND"]
        assert tab(None, words=words("tiep nhan van ban")) == list(DUES)  # the procedure's name
        assert tab(None, sort=Sort("subject", True))[0] == "6/CV-UBND"

        filters = inbox.InboxFilters()
        counts = inbox.view_counts(session, user=cv, filters=filters, windows=windows)
        assert counts == {"": 6, "mine": 1, "group": 5, "today": 1, "soon": 2, "overdue": 1}
        searched = inbox.InboxFilters(view=inbox.SOON, words=words("kh-ubnd"))
        assert inbox.view_counts(session, user=cv, filters=searched, windows=windows)[""] == 5
        assert inbox.process_counts(session, user=cv, filters=searched, windows=windows) == {"intake": 2}
        assert inbox.count(session, user=cv, filters=searched, windows=windows) == 2


@pytest.mark.postgres
def test_another_unit_sees_none_of_them(system, directory, inbox_rows, clock, backend):
    windows = inbox.DueWindows.of(CALENDAR, clock.now(), soon_days=3)
    with system.db.reading() as session:
        counts = inbox.view_counts(
            session, user=directory["sotc"], filters=inbox.InboxFilters(), windows=windows
        )
    assert counts == {"": 0, "mine": 0, "group": 0, "today": 0, "soon": 0, "overdue": 0}


def test_a_deadline_tab_without_windows_is_a_programming_error():
    cv = Principal("cv", "Nguyễn Thị Theo Dõi", frozenset({"vp_specialist"}), "VP_UBND")
    with pytest.raises(ValueError, match="due windows"):
        inbox.view_condition(inbox.SOON, cv, None)
