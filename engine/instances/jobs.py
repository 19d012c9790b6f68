"""Who calls the timer sweep: an in-process loop (embedded mode) or Celery beat (distributed mode)."""

from __future__ import annotations

import logging
import threading
from datetime import datetime

from celery import shared_task
from flask import current_app
from sqlalchemy import event

from engine import clock
from engine.instances.saving import EARLIEST_TIMER
from engine.instances.sweep import SweepResult, fire_due_timers, next_fire_at
from engine.reminders.service import send_due_reminders
from engine.system import System

log = logging.getLogger(__name__)
# Seconds before looking again when a due timer's instance is held by another sweeper (PostgreSQL).
BUSY_RETRY = 0.2


def sweep(system: System, *, now: datetime | None = None) -> SweepResult:
    """Everything that is due: deferred starts and timers (one index), each instance on its own, then the
    deadline reminders of this hour if no process has sent them yet."""
    result = fire_due_timers(db=system.db, engine=system.engine, now=now)
    result.reminders = send_reminders(system, now=now)
    return result


def send_reminders(system: System, *, now: datetime | None = None) -> int:
    """This hour's "sắp đến hạn" reminders; a failure is logged and retried by the next hour's pass."""
    try:
        return send_due_reminders(db=system.db, engine=system.engine, now=now)
    except Exception:  # noqa: BLE001 - reminders must never stop the timers
        log.exception("deadline reminders failed; the next hour's pass tries again")
        return 0


class TimerLoop:
    """Fire timers when they come due, in a daemon thread, until stopped.

    The loop looks up the earliest waiting timer (one read of the fire_at index) and sleeps until just
    after it, but never longer than `timer_interval` (a timer another process created meanwhile is seen
    within that time), and a commit in this process that creates a sooner timer wakes it at once."""

    def __init__(self, system: System) -> None:
        self.system = system
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="theodoi-timers", daemon=True)

    def start(self) -> None:
        event.listen(self.system.db.sessions, "after_commit", self._after_commit)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=10)
        event.remove(self.system.db.sessions, "after_commit", self._after_commit)

    def _after_commit(self, session) -> None:
        if session.info.pop(EARLIEST_TIMER, None) is not None:
            self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            send_reminders(self.system)  # one primary-key read once this hour's pass is done
            try:
                wait = self._due_in()
                if wait <= 0:
                    result = fire_due_timers(db=self.system.db, engine=self.system.engine)
                    if result.advanced or result.failed:
                        log.info("timers: fired %d, incidents %s", result.fired, result.failed)
                        continue
                    wait = min(BUSY_RETRY, self.system.settings.timer_interval)
            except Exception:  # the loop must outlive a bad sweep (e.g. the database restarting)
                log.exception("timer sweep failed; retrying shortly")
                wait = self.system.settings.timer_interval
            self._wake.wait(wait)

    def _due_in(self) -> float:
        """Seconds until the earliest timer is due (timers fire strictly after their instant)."""
        fire_at = next_fire_at(db=self.system.db)
        interval = self.system.settings.timer_interval
        if fire_at is None:
            return interval
        seconds = (fire_at - clock.now()).total_seconds()
        return -1.0 if seconds < 0 else min(seconds + 0.001, interval)


@shared_task(name="theodoi.fire_due_timers")
def fire_due_timers_job() -> dict:
    """Celery beat's timer sweep; on several workers at once, each claims instances the others do not
    hold (SKIP LOCKED), so they share the due timers without firing one twice."""
    system: System = current_app.extensions["theodoi"]
    result = sweep(system)
    return {"advanced": result.advanced, "failed": {str(k): v for k, v in result.failed.items()}}
