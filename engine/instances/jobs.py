"""Who calls the timer sweep: an in-process loop (embedded mode) or Celery beat (distributed mode)."""

from __future__ import annotations

import logging
import threading

from celery import shared_task
from flask import current_app

from engine.instances.service import fire_due_timers
from engine.system import System

log = logging.getLogger(__name__)


class TimerLoop:
    """Sweep due timers every `timer_interval` seconds in a daemon thread, until stopped."""

    def __init__(self, system: System) -> None:
        self.system = system
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="theodoi-timers", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                result = fire_due_timers(db=self.system.db, engine=self.system.engine)
                if result.advanced or result.failed:
                    log.info("timers: advanced %s, failed %s", result.advanced, result.failed)
            except Exception:  # the loop must outlive a bad sweep (e.g. the database restarting)
                log.exception("timer sweep failed; retrying at the next interval")
            self._stop.wait(self.system.settings.timer_interval)


@shared_task(name="theodoi.fire_due_timers")
def fire_due_timers_job() -> dict:
    """Celery beat's timer sweep; safe to run on several workers at once (rows are SKIP LOCKED)."""
    system: System = current_app.extensions["theodoi"]
    result = fire_due_timers(db=system.db, engine=system.engine)
    return {"advanced": result.advanced, "failed": {str(k): v for k, v in result.failed.items()}}
