"""Every table, imported in one place so the metadata is complete (migrations, tests)."""

from engine.assignments.models import (
    Assignment,
    AssignmentCorrection,
    AssignmentReturn,
    AssignmentTransfer,
    AssignmentUnit,
    DeadlineAdjustment,
    DifficultyReport,
    StatusUpdate,
    Urging,
)
from engine.auth.models import ApiToken, User
from engine.db import Base
from engine.definitions.models import ProcessDefinition
from engine.directory.models import Leader, LeaderSector, Sector, TrackingRoom, Unit, UnitType
from engine.documents.models import Document
from engine.feedback.models import DataCorrection, Divergence, DivergencePosition, LocalFeedback
from engine.files.models import StoredFile
from engine.history import ChangeRecord
from engine.imports.models import DataImport
from engine.inspections.models import Inspection, InspectionMember, InspectionPlan, InspectionPlanItem
from engine.instances.models import InstanceEvent, ProcessInstance, WaitingTimer
from engine.notifications.models import Notification
from engine.reminders.models import DeadlineReminder, ReminderPass
from engine.reports.models import (
    AdHocAnswer,
    AdHocReport,
    ReportRound,
    ReportSubmission,
    SecretReportObligation,
    SecretReportPeriod,
)
from engine.reports.regulation_report import RegulationReport
from engine.usertasks.models import UserTaskGroup, UserTaskRow
from engine.workdays.models import CalendarOverride

__all__ = [
    "AdHocAnswer",
    "AdHocReport",
    "ApiToken",
    "Assignment",
    "AssignmentCorrection",
    "AssignmentReturn",
    "AssignmentTransfer",
    "AssignmentUnit",
    "Base",
    "CalendarOverride",
    "ChangeRecord",
    "DataImport",
    "DataCorrection",
    "DeadlineReminder",
    "DeadlineAdjustment",
    "DifficultyReport",
    "Divergence",
    "DivergencePosition",
    "Document",
    "Inspection",
    "InspectionMember",
    "InspectionPlan",
    "InspectionPlanItem",
    "InstanceEvent",
    "Leader",
    "LeaderSector",
    "LocalFeedback",
    "Notification",
    "ProcessDefinition",
    "ProcessInstance",
    "RegulationReport",
    "ReminderPass",
    "ReportRound",
    "ReportSubmission",
    "SecretReportObligation",
    "SecretReportPeriod",
    "Sector",
    "StatusUpdate",
    "StoredFile",
    "TrackingRoom",
    "Unit",
    "UnitType",
    "Urging",
    "User",
    "UserTaskGroup",
    "UserTaskRow",
    "WaitingTimer",
]
