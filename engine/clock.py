"""The single source of "now". Tests and `theodoi tick --now` freeze and move it; SpiffWorkflow's
timers read it through the seam installed by engine.bpmn."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta


class SystemClock:
    """The wall clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that only moves when told to."""

    def __init__(self, at: datetime) -> None:
        self._at = _aware(at)

    def now(self) -> datetime:
        return self._at

    def move_to(self, at: datetime) -> None:
        self._at = _aware(at)

    def advance(self, delta: timedelta) -> None:
        self._at += delta


_current: SystemClock | FrozenClock = SystemClock()


def now() -> datetime:
    """Aware UTC "now" of the current clock."""
    return _current.now()


def current() -> SystemClock | FrozenClock:
    return _current


def set_clock(clock: SystemClock | FrozenClock) -> None:
    """Replace the process-wide clock (SpiffWorkflow's timer module is process-global too)."""
    global _current
    _current = clock


@contextlib.contextmanager
def frozen(at: datetime) -> Iterator[FrozenClock]:
    """Freeze the clock at `at` for the duration of the block."""
    previous = _current
    clock = FrozenClock(at)
    set_clock(clock)
    try:
        yield clock
    finally:
        set_clock(previous)


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError(f"clock times must be timezone-aware, got {at!r}")
    return at.astimezone(UTC)
