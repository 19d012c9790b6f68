"""The staff pages (Tasklist and Cockpit in Vietnamese): one blueprint, one module per feature.

common.py holds the blueprint, the login guard, the error pages and shared lookups; filters.py is the
pure formatting; importing the feature modules below attaches their routes to the blueprint."""

from __future__ import annotations

from engine.web.pages import (
    assignments,
    audit,
    calendar,
    definitions,
    documents,
    home,
    instances,
    modeler,
    reports,
    start,
    tasks,
    units,
    users,
)
from engine.web.pages.common import bp

__all__ = [
    "assignments",
    "audit",
    "bp",
    "calendar",
    "definitions",
    "documents",
    "home",
    "instances",
    "modeler",
    "reports",
    "start",
    "tasks",
    "units",
    "users",
]
