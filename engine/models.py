"""Every table, imported in one place so the metadata is complete (migrations, tests)."""

from engine.auth.models import ApiToken, User
from engine.db import Base
from engine.definitions.models import ProcessDefinition
from engine.files.models import StoredFile
from engine.instances.models import InstanceEvent, ProcessInstance, WaitingTimer
from engine.notifications.models import Notification
from engine.reminders.models import DeadlineReminder, ReminderPass
from engine.tracking.models import (
    Assignment,
    AssignmentReturn,
    AssignmentTransfer,
    AssignmentUnit,
    ChangeRecord,
    DataCorrection,
    DeadlineAdjustment,
    DifficultyReport,
    Document,
    Inspection,
    LocalFeedback,
    ReportRound,
    ReportSubmission,
    SecretReportObligation,
    SecretReportPeriod,
    StatusUpdate,
    Unit,
    Urging,
)
from engine.usertasks.models import UserTaskGroup, UserTaskRow
from engine.workdays.models import CalendarOverride

__all__ = [
    "ApiToken",
    "Assignment",
    "AssignmentReturn",
    "AssignmentTransfer",
    "AssignmentUnit",
    "Base",
    "CalendarOverride",
    "ChangeRecord",
    "DataCorrection",
    "DeadlineReminder",
    "DeadlineAdjustment",
    "DifficultyReport",
    "Document",
    "Inspection",
    "InstanceEvent",
    "LocalFeedback",
    "Notification",
    "ProcessDefinition",
    "ProcessInstance",
    "ReminderPass",
    "ReportRound",
    "ReportSubmission",
    "SecretReportObligation",
    "SecretReportPeriod",
    "StatusUpdate",
    "StoredFile",
    "Unit",
    "Urging",
    "User",
    "UserTaskGroup",
    "UserTaskRow",
    "WaitingTimer",
]
