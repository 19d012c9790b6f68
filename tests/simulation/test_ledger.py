"""The ledger is the witness the bucket report is checked against: its recount must itself follow DOMAIN.md
§4 (done on confirmation as of the reported date, the lead unit and deadline in force, R9, "Sắp đến hạn")."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from engine.calendar import WorkCalendar
from engine.simulation.ledger import Ledger

CALENDAR = WorkCalendar()


def local(day: str, hour: int = 9) -> datetime:
    """`hour` o'clock in Hà Nội on `day`, in UTC."""
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC) - timedelta(hours=7)


def ledger() -> Ledger:
    book = Ledger()

    def new(aid: int, created: str, lead: str, due: str | None):
        return book.created(
            assignment_id=aid,
            at=local(created),
            lead=lead,
            due=date.fromisoformat(due) if due else None,
            calendar=CALENDAR,
        )

    new(1, "2027-03-01", "SO_A", "2027-03-10")  # done on time: completed 08/03, confirmed 09/03
    book.result_reported(1, completed_on=date(2027, 3, 8))
    book.confirmed(1, at=local("2027-03-09"))
    new(2, "2027-03-01", "SO_A", "2027-03-10")  # overdue until the Chairman extends it on 20/03
    book.deadline_set(2, at=local("2027-03-20"), due=date(2027, 4, 30), calendar=CALENDAR)
    new(3, "2027-03-01", "SO_B", None)  # no deadline, transferred to SO_C on 20/03
    book.transferred(3, at=local("2027-03-20"), to_unit="SO_C")
    new(4, "2027-04-02", "SO_A", "2027-05-05")  # created after 31/03
    new(5, "2027-02-01", "SO_A", "2027-02-20")  # a Saturday: due Monday 22/02 (R4); done 23/02, late
    book.result_reported(5, completed_on=date(2027, 2, 23))
    book.confirmed(5, at=local("2027-02-24"))
    new(6, "2027-03-15", "SO_B", "2027-04-02")  # due Friday 02/04: "Sắp đến hạn" on Wednesday 31/03
    new(7, "2027-03-01", "SO_B", "2027-03-12")  # reported on time but confirmed only on 01/04
    book.result_reported(7, completed_on=date(2027, 3, 12))
    book.confirmed(7, at=local("2027-04-01"))
    return book


def counts(row: dict, *keys: str) -> tuple:
    return tuple(row[k] for k in keys)


BUCKETS = ("done_on_time", "done_late", "open_in_time", "open_late", "no_deadline", "due_soon")


def test_as_of_15_march_the_deadline_and_lead_in_force_then_count():
    table = ledger().recount(as_of=date(2027, 3, 15), calendar=CALENDAR, soon_days=3)
    assert set(table) == {"SO_A", "SO_B"}
    assert counts(table["SO_A"], *BUCKETS) == (1, 1, 0, 1, 0, 0)  # 2 is overdue (R9) before its extension
    # 3 is still SO_B's; 6 is open in time; 7, due 12/03, awaits VP's confirmation: open and overdue
    # the task without deadline (SO_B's 3) counts among the open in time as well
    assert counts(table["SO_B"], *BUCKETS) == (0, 0, 2, 1, 1, 0)
    assert table["SO_A"]["total"] == 3 and table["SO_A"]["on_time_share"] == 33.33
    assert (table["SO_A"]["come_due"], table["SO_A"]["completion_rate"], table["SO_A"]["on_time_rate"]) == (
        3,
        66.67,
        50.0,
    )


def test_as_of_31_march_the_extension_and_the_transfer_apply():
    table = ledger().recount(as_of=date(2027, 3, 31), calendar=CALENDAR, soon_days=3)
    assert counts(table["SO_A"], *BUCKETS) == (1, 1, 1, 0, 0, 0)
    assert counts(table["SO_B"], *BUCKETS) == (0, 0, 1, 1, 0, 1)  # 7 awaits VP: open, and overdue
    assert counts(table["SO_C"], *BUCKETS) == (0, 0, 1, 0, 1, 0)
    shares = counts(table["SO_B"], "total", "done", "open", "on_time_share", "on_time_rate")
    assert shares == (2, 0, 2, 0.0, None)


def test_a_window_leaves_out_what_was_done_before_it():
    table = ledger().recount(
        as_of=date(2027, 4, 2), window_from=date(2027, 3, 1), calendar=CALENDAR, soon_days=3
    )
    assert table["SO_A"]["total"] == 3  # 5 was confirmed in February; 4 counts from 02/04
    assert counts(table["SO_B"], "done_on_time", "open_in_time") == (1, 1)


def test_a_day_off_declared_moves_only_the_open_deadlines_on_it():
    book = ledger()
    calendar = WorkCalendar({date(2027, 4, 2): False})
    assert book.calendar_changed(at=local("2027-03-22"), calendar=calendar) == [6]
    assert book.entries[6].due_at(local("2027-03-21")) == date(2027, 4, 2)
    assert book.entries[6].due_at(local("2027-03-23")) == date(2027, 4, 5)
