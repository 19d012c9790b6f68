"""The simulation's own record of every assignment, written as the simulated people act, and the bucket
table recounted from it (DOMAIN.md §4). It never reads the engine's tracking tables: it is the
independent witness the bucket report (engine.reports.buckets) is checked against.

"As of" D means at 24:00 local of D. An assignment counts once it was classified (created); it is done
once VP confirmed it, as of the completion date the unit reported; its lead unit and its effective due
date (R4) are those in force at that instant. Without a window, every assignment created by then counts;
with a window starting at W, those confirmed before 00:00 of W are left out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from engine.calendar import WorkCalendar
from engine.reports.buckets import BUCKETS, figures


@dataclass
class Entry:
    """One assignment: what the people did with it, each change with the instant it took effect."""

    assignment_id: int
    created_at: datetime
    due_date: date | None  # the calendar date of the deadline as last set (R4 gives the effective one)
    leads: list[tuple[datetime, str]] = field(default_factory=list)
    dues: list[tuple[datetime, date | None]] = field(default_factory=list)  # effective due in force
    reported_on: date | None = None  # the completion date of a result awaiting VP
    completed_on: date | None = None
    confirmed_at: datetime | None = None
    # What the lead unit sent VP (after its leader's approval where needed): (when, a result, which unit).
    updates: list[tuple[datetime, bool, str]] = field(default_factory=list)
    started_at: datetime | None = None  # the first progress or result that reached VP (else "chưa thực hiện")

    def lead_at(self, end: datetime) -> str:
        """The lead unit in force at `end`."""
        return _in_force(self.leads, end)

    def due_at(self, end: datetime) -> date | None:
        """The effective due date in force at `end` (None: no deadline)."""
        return _in_force(self.dues, end)


@dataclass
class Submission:
    """A unit's periodic report in one round: its T6 and when it reached VP (None: not yet)."""

    unit: str
    opened_at: datetime
    due: date
    submitted_at: datetime | None = None


@dataclass
class AdHocRequest:
    """An ad-hoc report request: its units, its date, when each unit's answer left it for VP (on its
    leader's approval where there was one; after the date too, when the process no longer takes it) and
    when VP consolidated it (or confirmed it received the paper reports of a secret one)."""

    instance_id: int
    asked_at: datetime
    kind: str
    units: tuple[str, ...]
    due: date
    sent: dict[str, datetime] = field(default_factory=dict)  # by unit
    consolidated_at: datetime | None = None

    def answered_by(self, end: datetime) -> dict[str, datetime]:
        """The answers sent by `end` (the end of the date: the ones the process takes), by unit."""
        return {unit: at for unit, at in self.sent.items() if at <= end}


class Ledger:
    """Every assignment the simulated VP classified, by assignment id; the urgings VP sent and the
    periodic reports units sent (for the P10 recount); the ad-hoc report requests and their answers."""

    def __init__(self) -> None:
        self.entries: dict[int, Entry] = {}
        self.urgings: list[tuple[datetime, str, str, int | None]] = []  # (when, unit, kind, assignment)
        self.submissions: dict[tuple[int, str], Submission] = {}  # by (round instance, unit)
        self.ad_hoc: dict[int, AdHocRequest] = {}  # by process instance

    def created(
        self, *, assignment_id: int, at: datetime, lead: str, due: date | None, calendar: WorkCalendar
    ) -> Entry:
        """VP classified the assignment at `at` (its deadline normalised by R4)."""
        entry = Entry(assignment_id, at, due)
        entry.leads.append((at, lead))
        entry.dues.append((at, calendar.effective_due_date(due) if due else None))
        self.entries[assignment_id] = entry
        return entry

    def transferred(self, assignment_id: int, *, at: datetime, to_unit: str) -> None:
        """VP transferred the assignment to `to_unit` at `at`."""
        self.entries[assignment_id].leads.append((at, to_unit))

    def deadline_set(self, assignment_id: int, *, at: datetime, due: date, calendar: WorkCalendar) -> None:
        """VP's correction or the Chairman's extension gives the assignment a new deadline now."""
        entry = self.entries[assignment_id]
        entry.due_date = due
        entry.dues.append((at, calendar.effective_due_date(due)))

    def result_reported(self, assignment_id: int, *, completed_on: date) -> None:
        """The lead unit reported the result, completed on `completed_on`."""
        self.entries[assignment_id].reported_on = completed_on

    def updated(self, assignment_id: int, *, at: datetime, result: bool, unit: str, started: bool) -> None:
        """The lead unit `unit`'s update (a result when `result`) reached VP at `at`; `started`: it said the
        work is under way or done (a progress or a result, not a difficulty alone)."""
        entry = self.entries[assignment_id]
        entry.updates.append((at, result, unit))
        if started and entry.started_at is None:
            entry.started_at = at

    def urged(self, *, at: datetime, unit: str, kind: str, assignment_id: int | None = None) -> None:
        """VP sent `unit` an urging of `kind` (urging_letter, direction_request) at `at`."""
        self.urgings.append((at, unit, kind, assignment_id))

    def report_due(self, key: tuple[int, str], *, opened_at: datetime, due: date) -> None:
        """A round asked the unit for its periodic report by `due` (T6)."""
        self.submissions.setdefault(key, Submission(key[1], opened_at, due))

    def report_sent(self, key: tuple[int, str], *, at: datetime) -> None:
        """The unit's periodic report reached VP at `at`."""
        self.submissions[key].submitted_at = at

    def ad_hoc_requested(
        self, instance_id: int, *, at: datetime, kind: str, units: tuple[str, ...], due: date
    ) -> None:
        """The Chairman (or VP for him) asked `units` for a report of `kind` by `due`."""
        self.ad_hoc[instance_id] = AdHocRequest(instance_id, at, kind, units, due)

    def ad_hoc_sent(self, instance_id: int, unit: str, *, at: datetime) -> None:
        """`unit`'s answer to the request left it for VP at `at` (whether or not it was still taken)."""
        self.ad_hoc[instance_id].sent[unit] = at

    def ad_hoc_consolidated(self, instance_id: int, *, at: datetime) -> None:
        """VP consolidated the answers (or confirmed the paper reports) at `at`."""
        self.ad_hoc[instance_id].consolidated_at = at

    def sent_back(self, assignment_id: int) -> None:
        """VP sent the reported result back: nothing awaits confirmation."""
        self.entries[assignment_id].reported_on = None

    def confirmed(self, assignment_id: int, *, at: datetime) -> None:
        """VP confirmed the reported result at `at`: done, as of its completion date."""
        entry = self.entries[assignment_id]
        entry.completed_on, entry.confirmed_at = entry.reported_on, at

    def calendar_changed(self, *, at: datetime, calendar: WorkCalendar) -> list[int]:
        """A day off declared (or withdrawn): every deadline still open is R4 of its date under the new
        calendar from now on. The ids of the assignments whose effective due date moved."""
        moved = []
        for entry in self.entries.values():
            if entry.confirmed_at is not None or entry.due_date is None:
                continue
            effective = calendar.effective_due_date(entry.due_date)
            if effective != entry.dues[-1][1]:
                entry.dues.append((at, effective))
                moved.append(entry.assignment_id)
        return moved

    def open_overdue(self, *, today: date, leads: set[str]) -> list[Entry]:
        """Assignments led by one of `leads` past their deadline and not confirmed (R9), for feedbacks."""
        return [
            e
            for e in self.entries.values()
            if e.confirmed_at is None
            and e.dues[-1][1] is not None
            and e.dues[-1][1] < today
            and e.leads[-1][1] in leads
        ]

    def classified(
        self,
        *,
        as_of: date,
        calendar: WorkCalendar,
        window_from: date | None = None,
        cut: datetime | None = None,
    ) -> dict[int, tuple[str, str, date | None, bool, bool]]:
        """Each assignment in the period as of `as_of`: (lead unit, bucket, due date, done, started), by
        id; only what happened by `cut` when given (a figure frozen during the day)."""
        end = cut or calendar.end_of_day(as_of)
        start = calendar.end_of_day(window_from - timedelta(days=1)) if window_from else None
        found = {}
        for entry in self.entries.values():
            if entry.created_at > end:
                continue
            if start is not None and entry.confirmed_at is not None and entry.confirmed_at < start:
                continue
            done = entry.confirmed_at is not None and entry.confirmed_at <= end
            found[entry.assignment_id] = (
                entry.lead_at(end),
                _bucket(entry, end, as_of),
                entry.due_at(end),
                done,
                entry.started_at is not None and entry.started_at <= end,
            )
        return found

    def recount(
        self,
        *,
        as_of: date,
        calendar: WorkCalendar,
        soon_days: int,
        window_from: date | None = None,
        unit_codes: list[str] | None = None,
    ) -> dict[str, dict]:
        """The bucket table as of `as_of`, per lead unit in force then: {unit code: counts and rate}."""
        soon_until = calendar.add_working_days(as_of, soon_days)
        counted: dict[str, dict] = {}
        for lead, bucket, due, done, started in self.classified(
            as_of=as_of, calendar=calendar, window_from=window_from
        ).values():
            if unit_codes is not None and lead not in unit_codes:
                continue
            row = counted.setdefault(lead, dict.fromkeys([*BUCKETS, "due_soon", "not_started"], 0))
            row[bucket] += 1
            if not done and due is not None and as_of <= due <= soon_until:
                row["due_soon"] += 1
            if not done and not started:
                row["not_started"] += 1
        return {
            lead: figures({key: row[key] for key in BUCKETS}, row["not_started"], row["due_soon"])
            for lead, row in counted.items()
        }


def _bucket(entry: Entry, end: datetime, as_of: date) -> str:
    due = entry.due_at(end)
    if entry.confirmed_at is not None and entry.confirmed_at <= end:
        if due is None or entry.completed_on <= due:
            return "done_on_time"
        return "done_late"
    if due is None:
        return "no_deadline"
    return "open_late" if due < as_of else "open_in_time"


def _in_force(changes: list, end: datetime):
    """The value of the last change made at or before `end` (changes are in time order)."""
    value = changes[0][1]
    for at, new in changes:
        if at > end:
            break
        value = new
    return value
