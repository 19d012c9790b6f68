"""The clock driver: time jumps event by event to the earliest of the next due timer (its instant plus one
second, since timers fire strictly after it) and the next scripted action, never past a due timer; the
sweep runs after every move; people act; what their steps and the sweep did is read back from the
instance event log (new user tasks for the people, fired timers for the timer watch)."""

from __future__ import annotations

import heapq
import itertools
import random
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from engine.calendar import WorkCalendar
from engine.clock import FrozenClock
from engine.errors import EngineError
from engine.instances.models import InstanceEvent, ProcessInstance, WaitingTimer
from engine.reminders.schedule import next_reminder_run
from engine.reports import buckets
from engine.simulation.ledger import Ledger
from engine.simulation.metrics import Metrics
from engine.simulation.options import Options
from engine.simulation.province import Person, Province
from engine.simulation.timers import DueTimer, TimerWatch
from engine.simulation.timing import WorkingTime
from engine.system import System
from engine.usertasks import service as usertasks
from engine.usertasks.models import READY, UserTaskRow
from engine.workdays import service as workdays

SWEEP_GAP = timedelta(seconds=1)  # a timer fires at the first sweep strictly after its instant
WATCHED_EVENTS = ("user_task_created", "timer_fired", "instance_started", "incident")


@dataclass(frozen=True)
class NewTask:
    """A user task that appeared: what the people react to."""

    task_id: str
    instance_id: int
    process_id: str
    bpmn_id: str
    business_key: str | None
    at: datetime
    key: str  # instance, element and occurrence: a stable name for seeding (task ids are random)


@dataclass(order=True)
class _Action:
    at: datetime
    seq: int
    label: str = field(compare=False)
    run: Callable[[], Any] = field(compare=False)


@dataclass(frozen=True)
class Refusal:
    """A scripted action the engine refused, or one that failed in the simulation itself."""

    at: datetime
    label: str
    message: str


class Driver:
    """One run: the clock, the agenda of people's actions, the sweep, and what was seen."""

    def __init__(
        self,
        *,
        system: System,
        options: Options,
        province: Province,
        start: datetime,
        end: datetime,
        clock: FrozenClock,
        checkpoints: list[date],
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.system, self.options, self.province = system, options, province
        self.start, self.end, self.clock = start, end, clock
        with system.db.reading() as session:
            self.time = WorkingTime(workdays.calendar(session=session, settings=system.settings))
        self.ledger = Ledger()
        self.metrics = Metrics(clock=clock.now)
        self.timers = TimerWatch()
        self.refusals: list[Refusal] = []
        self.live_tables: dict[date, list[dict]] = {}  # bucket tables as printed at each checkpoint
        self.live_calendars: dict[date, WorkCalendar] = {}  # and the calendar they were printed with
        self.on_task: Callable[[NewTask], None] = lambda task: None
        self.planned: dict[str, datetime] = {}  # user task id -> when someone means to act on it
        self.left: dict[str, str] = {}  # user task id -> why nobody acts on it on purpose
        self._checkpoints = sorted(checkpoints)
        self._progress = progress
        self._agenda: list[_Action] = []
        self._seq = itertools.count()
        self._last_event = 0
        self._instances: dict[int, tuple[str, str | None]] = {}
        self._occurrences: Counter = Counter()
        self._month = (start.year, start.month)
        self._sweep_fn = _sweep_function()

    @property
    def now(self) -> datetime:
        """The simulated instant."""
        return self.clock.now()

    @property
    def calendar(self) -> WorkCalendar:
        """The calendar as the people know it (an administrator's correction changes it)."""
        return self.time.calendar

    def rng(self, *key: Any) -> random.Random:
        """A generator of its own for one decision, so that a choice does not depend on event order."""
        return random.Random(":".join(str(k) for k in (self.options.seed, *key)))

    # --- the agenda ------------------------------------------------------------------------------------

    def schedule(self, at: datetime, label: str, run: Callable[[], Any]) -> None:
        """Do `run` at `at` (at once if that is already past)."""
        heapq.heappush(self._agenda, _Action(max(at, self.now), next(self._seq), label, run))

    def expect(self, task_id: str, at: datetime) -> None:
        """Note that someone means to act on user task `task_id` at `at`."""
        self.planned[task_id] = max(at, self.now)

    def leave(self, task_id: str, why: str) -> None:
        """Note that the people leave user task `task_id` undone on purpose (the scenario says so)."""
        self.left[task_id] = why

    def ready_tasks(self, process_id: str, bpmn_id: str, instance_id: int, unit: str | None = None) -> list:
        """The open user tasks `bpmn_id` of an instance (of `unit`'s when given)."""
        query = select(UserTaskRow.id).where(
            UserTaskRow.instance_id == instance_id,
            UserTaskRow.process_id == process_id,
            UserTaskRow.bpmn_id == bpmn_id,
            UserTaskRow.state == READY,
        )
        if unit is not None:
            query = query.where(UserTaskRow.unit_code == unit)
        with self.system.db.reading() as session:
            return list(session.scalars(query))

    def run(self) -> None:
        """Move, sweep and act until the end; then sweep once more at the end."""
        while True:
            at = self._next_instant()
            if at > self.end:
                break
            self._move(at)
            self._sweep()
            while self._agenda and self._agenda[0].at <= self.now:
                self._act(heapq.heappop(self._agenda))
            if self._earliest_timer(before=self.now) is not None:
                self._sweep()  # a step created a timer that was due already
        self._move(self.end)
        self._sweep()
        if self.end.astimezone(self.calendar.tz).day != 1:
            self._last_month()

    # --- service calls, timed --------------------------------------------------------------------------

    def complete(self, task_id: str, person: Person, data: dict[str, Any]) -> bool:
        """Claim and complete a user task as `person`; False when it is no longer open (nothing done)."""
        with self.system.db.reading() as session:
            row = session.get(UserTaskRow, task_id)
            name = f"{row.process_id}:{row.bpmn_id}" if row else "?"
            if row is None or row.state != READY:
                self.metrics.counts["actions on closed user tasks"] += 1
                return False
        user = person.principal()
        with self.metrics.timed("claim"), self.system.db.transaction() as session:
            usertasks.claim(session=session, task_id=task_id, user=user)
        with self.metrics.timed(f"complete {name}"), self.system.db.transaction() as session:
            usertasks.complete(
                session=session, engine=self.system.engine, task_id=task_id, data=data, user=user
            )
        self.metrics.counts["user tasks completed"] += 1
        return True

    def call(self, name: str, fn: Callable[..., Any], **kwargs: Any) -> Any:
        """Run `fn(session=..., **kwargs)` in a transaction of its own, timed under `name`."""
        with self.metrics.timed(name), self.system.db.transaction() as session:
            return fn(session=session, **kwargs)

    def refuse(self, label: str, message: str) -> None:
        """Record an action the engine refused, with the instant it happened."""
        self.refusals.append(Refusal(self.now, label, message))

    # --- internals ---------------------------------------------------------------------------------------

    def _act(self, action: _Action) -> None:
        try:
            action.run()
        except EngineError as exc:
            fields = exc.details.get("fields") if isinstance(exc.details, dict) else None
            self.refuse(
                action.label, f"{type(exc).__name__}: {exc.message}" + (f" {fields}" if fields else "")
            )
        except Exception as exc:  # noqa: BLE001 - a long run reports a broken step and goes on
            where = traceback.extract_tb(exc.__traceback__)[-1]
            self.refuse(action.label, f"{type(exc).__name__}: {exc} ({where.filename}:{where.lineno})")
        self._discover()

    def _next_instant(self) -> datetime | None:
        """The earliest of: the next action, the next timer's instant plus one second, and the start of
        the next hour's deadline-reminder pass (the sweep sends those too)."""
        candidates = [next_reminder_run(self.now, self.calendar, self.system.settings)]
        if self._agenda:
            candidates.append(self._agenda[0].at)
        timer = self._earliest_timer(after=self.now)
        if timer is not None:
            candidates.append(timer + SWEEP_GAP)
        return max(min(candidates), self.now)

    def _earliest_timer(self, *, after: datetime | None = None, before: datetime | None = None):
        query = select(func.min(WaitingTimer.fire_at))
        if after is not None:
            query = query.where(WaitingTimer.fire_at >= after)  # what is due before was reported already
        if before is not None:
            query = query.where(WaitingTimer.fire_at < before)
        with self.system.db.reading() as session:
            return session.scalar(query)

    def _move(self, at: datetime) -> None:
        """Move the clock, noting the quarter ends and month ends passed on the way."""
        while self._checkpoints and self.calendar.end_of_day(self._checkpoints[0]) <= at:
            as_of = self._checkpoints.pop(0)
            with self.metrics.timed("bucket table"), self.system.db.reading() as session:
                calendar = workdays.calendar(session=session, settings=self.system.settings)
                self.live_tables[as_of] = buckets.per_unit(
                    session, as_of=as_of, calendar=calendar, soon_days=self.system.settings.due_soon_days
                )
            self.live_calendars[as_of] = self.calendar
        local = at.astimezone(self.calendar.tz)
        while (local.year, local.month) != self._month:
            year, month = self._month
            self.metrics.sample_memory(f"{month:02d}/{year}")
            if self._progress:
                self._progress(self._progress_line(f"{month:02d}/{year}"))
            self._month = (year + month // 12, month % 12 + 1)
        self.clock.move_to(at)

    def _last_month(self) -> None:
        """Memory and progress of the month the run ends in, if it ends within it."""
        year, month = self._month
        label = f"{month:02d}/{year}"
        if not self.metrics.memory or self.metrics.memory[-1].label != label:
            self.metrics.sample_memory(label + " (part)")
            if self._progress:
                self._progress(self._progress_line(label))

    def _sweep(self) -> None:
        now = self.now
        self.timers.before_sweep(self._due_timers(now))
        with self.metrics.timed("sweep"):
            result = self._sweep_fn(self.system, now)
        fired, started = self._discover(in_sweep=True)
        self.timers.after_sweep(now, fired, started, self._due_timers(now))
        for instance_id, message in result.failed.items():
            self.refuse(f"sweep {instance_id}", f"instance {instance_id} failed in the sweep: {message}")

    def _due_timers(self, now: datetime) -> list[DueTimer]:
        query = select(
            WaitingTimer.task_id, WaitingTimer.instance_id, WaitingTimer.bpmn_id, WaitingTimer.fire_at
        )
        with self.system.db.reading() as session:
            rows = session.execute(query.where(WaitingTimer.fire_at < now)).all()
        return [DueTimer(*row) for row in rows]

    def _discover(self, *, in_sweep: bool = False) -> tuple[dict[str, datetime], set[int]]:
        """Read the events logged since the last look: hand new user tasks to the people, fired timers to
        the watch. Returns the timers fired and the instances started (for the sweep's check)."""
        query = (
            select(InstanceEvent.id, InstanceEvent.instance_id, InstanceEvent.kind, InstanceEvent.bpmn_id)
            .add_columns(InstanceEvent.task_id, InstanceEvent.at)
            .where(InstanceEvent.id > self._last_event, InstanceEvent.kind.in_(WATCHED_EVENTS))
            .order_by(InstanceEvent.id)
        )
        with self.system.db.reading() as session:
            events = session.execute(query).all()
            unknown = {e.instance_id for e in events} - set(self._instances)
            if unknown:
                rows = session.execute(
                    select(
                        ProcessInstance.id, ProcessInstance.process_id, ProcessInstance.business_key
                    ).where(ProcessInstance.id.in_(unknown))
                )
                self._instances.update({i: (p, k) for i, p, k in rows})
            last = session.scalar(select(func.max(InstanceEvent.id)))
        self._last_event = max(self._last_event, last or 0)
        fired: dict[str, datetime] = {}
        started: set[int] = set()
        for event in events:
            process_id, key = self._instances[event.instance_id]
            if event.kind == "timer_fired":
                self.timers.on_fired(event.task_id, event.at, in_sweep=in_sweep)
                self.metrics.counts["timers fired"] += 1
                if in_sweep:
                    fired[event.task_id] = event.at
            elif event.kind == "instance_started":
                started.add(event.instance_id)
            elif event.kind == "incident":
                self.metrics.counts["incidents"] += 1
            else:
                self._occurrences[(event.instance_id, event.bpmn_id)] += 1
                n = self._occurrences[(event.instance_id, event.bpmn_id)]
                name = f"{event.instance_id}:{event.bpmn_id}:{n}"
                self.on_task(
                    NewTask(event.task_id, event.instance_id, process_id, event.bpmn_id, key, event.at, name)
                )
        return fired, started

    def _progress_line(self, month: str) -> str:
        c = self.metrics.counts
        return (
            f"{month}: {c['documents']} documents, {c['user tasks completed']} user tasks completed, "
            f"{c['timers fired']} timers fired, {len(self.refusals)} refused, "
            f"{self.metrics.elapsed():.0f} s"
        )


def _sweep_function() -> Callable[[System, datetime], Any]:
    """engine.instances.jobs.sweep (deferred starts, timers, reminders in one call) where it exists,
    else the timer sweep alone."""
    from engine.instances import jobs

    if hasattr(jobs, "sweep"):
        return lambda system, now: jobs.sweep(system, now=now)
    from engine.instances.sweep import fire_due_timers

    return lambda system, now: fire_due_timers(db=system.db, engine=system.engine, now=now)
