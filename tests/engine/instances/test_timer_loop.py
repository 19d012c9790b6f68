"""The embedded timer loop wakes for the next due timer, is woken early by a commit that creates a sooner
one, and the event log records each firing at its own time."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from engine import clock as clock_module
from engine.instances import sweep as timer_sweep
from engine.instances.jobs import TimerLoop
from engine.instances.models import InstanceEvent
from tests.timer_diagram import SCRIPT, deploy, start

NOW = datetime(2027, 3, 1, 1, 0, tzinfo=UTC)


@pytest.fixture
def settings_overrides():
    return {"timer_interval": 600.0}  # a loop that only polled would sleep ten minutes


def fired_events(system) -> list[InstanceEvent]:
    with system.db.reading() as session:
        return list(session.scalars(select(InstanceEvent).where(InstanceEvent.kind == "timer_fired")))


def test_a_commit_creating_a_due_timer_wakes_the_sleeping_loop(system, directory, clock):
    deploy(system, "ping", SCRIPT.format(script="result = 1"))
    clock.move_to(NOW)
    loop = TimerLoop(system)
    loop.start()  # nothing is waiting: it sleeps for the whole interval
    seen = threading.Event()
    try:
        instance_id = start(system, "ping", NOW - timedelta(minutes=1))  # due already
        for _ in range(200):  # the loop thread works on its own; look every 50 ms, at most 10 s
            if fired_events(system):
                seen.set()
                break
            seen.wait(0.05)
    finally:
        loop.stop()
    assert seen.is_set(), "the commit did not wake the loop"
    assert [e.instance_id for e in fired_events(system)] == [instance_id]


class SteppingClock:
    """A clock that moves one second each time it is read, as the real one moves while a sweep works."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        self.at += timedelta(seconds=1)
        return self.at


def test_each_firing_is_logged_at_its_own_time(system, directory, clock):
    deploy(system, "ping", SCRIPT.format(script="result = 1"))
    clock.move_to(NOW - timedelta(days=1))
    ids = [start(system, "ping", NOW) for _ in range(3)]
    clock_module.set_clock(SteppingClock(NOW))
    try:
        result = timer_sweep.fire_due_timers(db=system.db, engine=system.engine)
    finally:
        clock_module.set_clock(clock)
    assert sorted(result.advanced) == ids
    times = [e.at for e in sorted(fired_events(system), key=lambda e: e.id)]
    assert len(set(times)) == 3 and all(at > NOW for at in times) and times == sorted(times)
