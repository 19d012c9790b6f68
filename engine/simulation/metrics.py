"""What a run costs: wall time of every service call, counts, and memory as simulated time goes by."""

from __future__ import annotations

import contextlib
import heapq
import itertools
import resource
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

SLOWEST = 8  # slow calls kept, to say where the time went


@dataclass(frozen=True)
class MemorySample:
    """Resident memory of this process at a simulated month's end."""

    label: str  # the simulated month, mm/yyyy
    rss_mb: float
    peak_mb: float
    wall_seconds: float
    documents: int


@dataclass
class Metrics:
    """Latency samples per service call, counters, memory samples."""

    started: float = field(default_factory=time.perf_counter)
    _order: Iterator[int] = field(default_factory=itertools.count, repr=False)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)
    memory: list[MemorySample] = field(default_factory=list)
    slowest: list[tuple[float, int, str, datetime]] = field(default_factory=list)  # a min-heap
    clock: Callable[[], datetime] | None = None  # simulated time, to say when a slow call happened

    @contextlib.contextmanager
    def timed(self, call: str) -> Iterator[None]:
        """Record the wall time of the block under `call` (also when it raises)."""
        began = time.perf_counter()
        try:
            yield
        finally:
            spent = time.perf_counter() - began
            self.latencies.setdefault(call, []).append(spent)
            if len(self.slowest) < SLOWEST or spent > self.slowest[0][0]:
                entry = (spent, next(self._order), call, self.clock() if self.clock else datetime.min)
                (heapq.heapreplace if len(self.slowest) >= SLOWEST else heapq.heappush)(self.slowest, entry)

    def slowest_calls(self) -> list[tuple[float, str, datetime]]:
        """The slowest calls of the run, slowest first: (seconds, call, simulated instant)."""
        return [(spent, call, at) for spent, _, call, at in sorted(self.slowest, reverse=True)]

    def elapsed(self) -> float:
        """Wall seconds since the run began."""
        return time.perf_counter() - self.started

    def sample_memory(self, label: str) -> None:
        """Note the memory at the end of simulated month `label`."""
        self.memory.append(
            MemorySample(label, rss_mb(), peak_rss_mb(), self.elapsed(), self.counts["documents"])
        )

    def latency_table(self) -> list[tuple[str, int, float, float, float]]:
        """(call, count, p50 ms, p99 ms, max ms), the busiest calls first, then "all service calls"."""
        rows = [(name, *_percentiles(samples)) for name, samples in self.latencies.items()]
        rows.sort(key=lambda r: -r[1])
        every = [s for name, samples in self.latencies.items() if name != "sweep" for s in samples]
        if every:
            rows.append(("all service calls but the sweep", *_percentiles(every)))
        return rows


def _percentiles(samples: list[float]) -> tuple[int, float, float, float]:
    ordered = sorted(samples)
    n = len(ordered)

    def at(q: float) -> float:
        return ordered[min(n - 1, int(q * n))] * 1000

    return n, at(0.5), at(0.99), ordered[-1] * 1000


def rss_mb() -> float:
    """The current resident set size (Linux /proc), else the peak."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return peak_rss_mb()


def peak_rss_mb() -> float:
    """The peak resident set size so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
