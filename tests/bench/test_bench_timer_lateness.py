"""How late timers fire in the embedded loop with the default settings: firing − due instant, as the event
log records it, for timers spread over the seconds before midnight and a burst of timers due at the same
instant (24:00 of a date, where a day's deadlines all end: R3).

Real time runs (the loop is a real thread), shifted so that midnight is seconds away. The spread timers
are a lean diagram (timer, one script step), which measures the loop; the burst is real work: the T1
escalations (VP leadership notified, a user task created) of documents all issued the same day."""

from __future__ import annotations

import random
import statistics
import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from engine import clock as clock_module
from engine.documents import service as document_service
from engine.instances import sweep as timer_sweep
from engine.instances.jobs import TimerLoop
from engine.instances.models import InstanceEvent, WaitingTimer
from tests.bench.conftest import report
from tests.conftest import two_task_document
from tests.timer_diagram import SCRIPT, deploy, start

ISSUED = "2027-03-24"  # T1 (5 working days) ends at 24:00 of 31/3/2027


class ShiftedClock:
    """The wall clock moved by a fixed offset: time passes for real, at an instant of our choosing."""

    def __init__(self, at: datetime) -> None:
        self.offset = at - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def test_timers_fire_within_moments_of_their_instant(system, directory, full):
    spread, burst = (200, 1000) if full else (50, 200)
    rng = random.Random(35)
    deploy(system, "ping", SCRIPT.format(script="result = 1"))
    with clock_module.frozen(datetime.fromisoformat(ISSUED + "T02:00:00+00:00")):
        with system.db.transaction() as session:
            for i in range(burst):
                payload = two_task_document(number=f"{i}/QĐ-UBND", issued_on=ISSUED)
                document_service.register_document(
                    session=session, engine=system.engine, payload=payload, actor="cv"
                )
        with system.db.reading() as session:
            due = dict(session.execute(select(WaitingTimer.instance_id, WaitingTimer.fire_at)).all())
        [midnight] = set(due.values())
        for _ in range(spread):  # at random instants in the 20 s before midnight
            at = midnight - timedelta(seconds=20 * rng.random())
            due[start(system, "ping", at)] = at
    with system.db.reading() as session:
        task_of = dict(session.execute(select(WaitingTimer.instance_id, WaitingTimer.task_id)).all())

    clock_module.set_clock(ShiftedClock(midnight - timedelta(seconds=22)))
    loop = TimerLoop(system)
    loop.start()
    done = threading.Event()
    try:
        for _ in range(1200):  # look every 100 ms, for at most two minutes
            if timer_sweep.next_fire_at(db=system.db) is None:
                done.set()
                break
            done.wait(0.1)
    finally:
        loop.stop()
        clock_module.set_clock(clock_module.SystemClock())
    assert done.is_set(), "timers left unfired"

    with system.db.reading() as session:
        fired = session.execute(
            select(InstanceEvent.instance_id, InstanceEvent.task_id, InstanceEvent.at).where(
                InstanceEvent.kind == "timer_fired"
            )
        ).all()
    assert sorted(i for i, _, _ in fired) == sorted(due)  # each exactly once
    assert all(task_of[i] == task for i, task, _ in fired)
    late = {i: (at - due[i]).total_seconds() for i, _, at in fired}
    assert min(late.values()) > 0  # strictly after the instant, never early
    groups = [
        (f"{spread} timers spread over 20 s", [late[i] for i in due if due[i] != midnight]),
        (f"{burst} T1 escalations due at 24:00", [late[i] for i in due if due[i] == midnight]),
        ("all", list(late.values())),
    ]
    report(
        "timer lateness in the embedded loop (firing − due, seconds; aim p99 ≤ 2)",
        [
            (
                name,
                f"p50 {statistics.median(values):.3f}  p99 {percentile(values, 99):.3f}  "
                f"max {max(values):.3f}",
            )
            for name, values in groups
        ],
    )
