"""Every table, imported in one place so the metadata is complete (migrations, tests)."""

from engine.auth.models import ApiToken, User
from engine.db import Base
from engine.definitions.models import ProcessDefinition
from engine.instances.models import InstanceEvent, ProcessInstance, WaitingTimer
from engine.notifications.models import Notification
from engine.tracking.models import Assignment, AssignmentUnit, Document, Unit
from engine.usertasks.models import UserTaskGroup, UserTaskRow
from engine.workdays.models import CalendarOverride

__all__ = [
    "ApiToken",
    "Assignment",
    "AssignmentUnit",
    "Base",
    "CalendarOverride",
    "Document",
    "InstanceEvent",
    "Notification",
    "ProcessDefinition",
    "ProcessInstance",
    "Unit",
    "User",
    "UserTaskGroup",
    "UserTaskRow",
    "WaitingTimer",
]
