"""The timer invariant, watched as the run goes: every timer due at a sweep fires in that sweep, nothing
due is left after it, and no timer fires twice.

Before each sweep the driver hands over the rows of the waiting-timer index that are due (fire_at
before now); after it, the events the sweep logged and the rows still due. Because the driver never
moves the clock past a timer's instant plus one second without a sweep, "fired in the sweep that first
saw it due" means "fired no later than its due instant plus one sweep". A timer created with an instant
already past (none should be) is counted apart: it can only fire at the next sweep."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from engine.instances import models as instance_models

# The bpmn_id of a deferred start in the timer index (its firing logs "instance_started", not
# "timer_fired"); getattr keeps the watch working on an engine without deferred starts.
DEFERRED_START = getattr(instance_models, "DEFERRED_START", "deferred_start")


@dataclass(frozen=True)
class DueTimer:
    """A row of the waiting-timer index that was due at a sweep."""

    task_id: str
    instance_id: int
    bpmn_id: str
    fire_at: datetime


@dataclass
class TimerWatch:
    """Findings about timers, and what the run's timers did."""

    findings: list[str] = field(default_factory=list)
    fired: Counter = field(default_factory=Counter)  # task_id -> times fired
    fired_in_sweeps: int = 0
    fired_in_actions: int = 0  # fired while a person's step advanced the instance (already due then)
    deferred_starts: int = 0
    created_past_due: int = 0
    max_lateness: timedelta = timedelta(0)
    sweeps: int = 0
    _due: list[DueTimer] = field(default_factory=list)
    _last_sweep: datetime | None = None
    _reported: set[str] = field(default_factory=set)

    def before_sweep(self, due: list[DueTimer]) -> None:
        """The rows due before this sweep (fire_at earlier than its instant)."""
        self._due = due

    def after_sweep(
        self, now: datetime, fired: dict[str, datetime], started: set[int], left: list[DueTimer]
    ) -> None:
        """`fired`: task_id -> instant of the timer_fired events logged by this sweep; `started`: the
        instances whose deferred start ran; `left`: rows still due after the sweep."""
        self.sweeps += 1
        for timer in self._due:
            if timer.bpmn_id == DEFERRED_START:
                ok = timer.instance_id in started
                self.deferred_starts += ok
            else:
                ok = fired.get(timer.task_id) == now
            if not ok:
                self._find(timer, f"was due at the sweep of {_at(now)} but did not fire in it")
                continue
            if self._last_sweep is not None and timer.fire_at < self._last_sweep:
                self.created_past_due += 1  # the previous sweep left nothing due: it came later
            elif timer.fire_at < now:
                self.max_lateness = max(self.max_lateness, now - timer.fire_at)
        for timer in left:
            self._find(timer, f"was still due after the sweep of {_at(now)}")
        self.fired_in_sweeps += len(fired)
        self._due, self._last_sweep = [], now

    def on_fired(self, task_id: str, at: datetime, *, in_sweep: bool) -> None:
        """A timer_fired event; firing one timer twice is a finding."""
        self.fired[task_id] += 1
        if not in_sweep:
            self.fired_in_actions += 1
        if self.fired[task_id] == 2:
            self.findings.append(f"timer {task_id} fired more than once (again at {_at(at)})")

    def _find(self, timer: DueTimer, problem: str) -> None:
        if timer.task_id in self._reported:
            return  # a timer stuck in the index is reported once, not at every later sweep
        self._reported.add(timer.task_id)
        self.findings.append(
            f"timer {timer.bpmn_id} ({timer.task_id}) of instance {timer.instance_id}, due "
            f"{_at(timer.fire_at)}, {problem}"
        )


def _at(instant: datetime) -> str:
    return f"{instant:%d/%m/%Y %H:%M:%S} UTC"
