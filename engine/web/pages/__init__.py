"""The staff pages (Tasklist and Cockpit in Vietnamese): one blueprint, one module per feature.

common.py holds the blueprint, the login guard, the error pages and shared lookups; filters.py is the
pure formatting; importing the feature modules below attaches their routes to the blueprint."""

from __future__ import annotations

from engine.web.pages import (
    assignment_choices,
    assignment_correct,
    assignments,
    audit,
    bulk,
    calendar,
    dashboard,
    definitions,
    documents,
    files,
    guide,
    home,
    inbox,
    inspections,
    instances,
    leaders,
    modeler,
    notifications,
    regulation_report,
    reports,
    start,
    tasks,
    units,
    users,
)
from engine.web.pages.common import bp

__all__ = [
    "assignment_choices",
    "assignment_correct",
    "assignments",
    "audit",
    "bp",
    "bulk",
    "calendar",
    "dashboard",
    "definitions",
    "documents",
    "files",
    "guide",
    "home",
    "inbox",
    "inspections",
    "instances",
    "leaders",
    "modeler",
    "notifications",
    "regulation_report",
    "reports",
    "start",
    "tasks",
    "units",
    "users",
]
