"""The templates of user task instructions (spiffworkflow:instructionsForEndUser): sandboxed Jinja with the
filters diagram authors may use. One environment renders them (runtime.py) and checks them at deploy
(lint.py), so a filter the runtime lacks is refused with the diagram's line, not shown as a broken inbox."""

from __future__ import annotations

from datetime import date, datetime

from jinja2.sandbox import SandboxedEnvironment


def vn_date(value: object) -> str:
    """dd/mm/yyyy of a date, of a datetime (its own date), or of ISO text ("2025-06-30", or the date part
    of an ISO date-time, as form data holds dates); "" for none; any other value as text, so that an odd
    value in the data never breaks the instructions."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = value.date()
    elif isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip()[:10])
        except ValueError:
            return value
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


FILTERS = {"vn_date": vn_date}


def environment() -> SandboxedEnvironment:
    """A sandboxed environment with our filters; no autoescape: the page escapes the rendered text."""
    env = SandboxedEnvironment(autoescape=False)
    env.filters.update(FILTERS)
    return env
