"""Time passing over the demo's past, as the running system would have lived it.

The clock is frozen and moved forward stop by stop: to the next step someone takes, to the next waiting
timer (one second after its instant, since a timer fires at the first sweep strictly after it), or to
the next working morning (the day's deadline reminders); at every stop the sweep runs exactly as the
timer loop runs it (engine.instances.jobs.sweep), so every notification, reminder and urging the
processes raise carries the instant it would really have had. Whoever reacts to new user tasks is told
after every stop and every step."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import func, select

from engine.clock import FrozenClock
from engine.demo.days import Days
from engine.instances import jobs
from engine.instances.models import WaitingTimer
from engine.system import System
from engine.usertasks.models import READY, UserTaskRow

# Timers fire at the first sweep strictly after their instant (engine.instances.sweep.claim_due).
SWEEP_GAP = timedelta(seconds=1)


class DemoError(RuntimeError):
    """A step of the demo's story could not be taken, or a process failed while the past was replayed."""


class NewTask(NamedTuple):
    """A user task that became ready: what the people of the story react to."""

    id: str
    process_id: str
    bpmn_id: str
    instance_id: int
    unit_code: str | None
    created_at: datetime


@dataclass(order=True)
class _Step:
    at: datetime
    seq: int
    label: str = field(compare=False)
    run: Callable[[], object] = field(compare=False)


class Replay:
    """The agenda of steps, the frozen clock that walks through it, and the sweeps between them."""

    def __init__(
        self,
        *,
        system: System,
        clock: FrozenClock,
        days: Days,
        end: datetime,
        on_task: Callable[[NewTask], None],
    ) -> None:
        self.system, self.clock, self.days, self.end = system, clock, days, end
        self.on_task = on_task
        self._agenda: list[_Step] = []
        self._seq = itertools.count()
        self._seen: set[str] = set()

    @property
    def now(self) -> datetime:
        return self.clock.now()

    def schedule(self, at: datetime, label: str, run: Callable[[], object]) -> None:
        """Take `run` at `at`; nothing when `at` is after the replay's end: what the story would do
        after now has not happened yet."""
        if at <= self.end:
            heapq.heappush(self._agenda, _Step(max(at, self.now), next(self._seq), label, run))

    def run(self) -> None:
        """Walk to the end, sweeping at every stop and taking the steps due there."""
        self._sweep()  # whatever the start made due already
        while (at := self._next_stop()) < self.end:
            self._stop(at)
        self._stop(self.end)

    def _next_stop(self) -> datetime:
        hour = self.system.settings.reminder_hour
        candidates = [self.days.next_morning(self.now, hour)]
        if self._agenda:
            candidates.append(self._agenda[0].at)
        timer = self._earliest_timer()
        if timer is not None:
            if timer + SWEEP_GAP <= self.now:  # the sweep just ran: time would stand still
                raise DemoError(f"a timer due at {timer:%Y-%m-%d %H:%M:%S} UTC did not fire in the sweep")
            candidates.append(timer + SWEEP_GAP)
        return min(candidates)

    def _stop(self, at: datetime) -> None:
        self.clock.move_to(at)
        self._sweep()
        while self._agenda and self._agenda[0].at <= self.now:
            step = heapq.heappop(self._agenda)
            try:
                step.run()
            except Exception as exc:
                raise DemoError(
                    f"demo step {step.label!r} at {self.now:%Y-%m-%d %H:%M} UTC failed: {exc}"
                ) from exc
            self._discover()
            timer = self._earliest_timer()
            if timer is not None and timer < self.now:
                self._sweep()  # the step started a timer already due (as the loop's wake-up would)

    def _sweep(self) -> None:
        result = jobs.sweep(self.system, now=self.now)
        if result.failed:
            raise DemoError(
                f"processes failed in the sweep at {self.now:%Y-%m-%d %H:%M} UTC: {result.failed}"
            )
        self._discover()

    def _earliest_timer(self) -> datetime | None:
        with self.system.db.reading() as session:
            return session.scalar(select(func.min(WaitingTimer.fire_at)))

    def _discover(self) -> None:
        """Hand every user task that became ready since the last look to whoever reacts to it."""
        with self.system.db.reading() as session:
            rows = session.execute(
                select(*(getattr(UserTaskRow, name) for name in NewTask._fields))
                .where(UserTaskRow.state == READY)
                .order_by(UserTaskRow.created_at, UserTaskRow.id)
            ).all()
        for row in rows:
            if row.id not in self._seen:
                self._seen.add(row.id)
                self.on_task(NewTask(*row))
