"""The sweep that the embedded loop, `theodoi tick` and Celery beat run sends the hour's reminders too."""

from __future__ import annotations

from engine.instances.jobs import sweep
from tests.engine.reminders.conftest import local, notes
from tests.engine.reminders.test_assignments import KIND, dispatch


def test_the_sweep_sends_this_hours_reminders_once(system, directory, clock):
    dispatch(system, directory, clock, "2025-02-05")
    at = local(2025, 1, 24, 8)  # three working days before 05/02/2025 (Tết in between)
    clock.move_to(at)
    assert sweep(system, now=at).reminders == 1
    assert sweep(system, now=at).reminders == 0
    sent = notes(system, KIND)  # to the unit's leader and staff, and the tracking specialist
    assert len(sent) == 3
    [message] = {n.message for n in sent}
    assert "còn 3 ngày làm việc" in message and "05/02/2025" in message
