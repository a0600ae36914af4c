"""Typed SQLAlchemy 2.0 models, one module per aggregate."""

from importers.base import KINDS
from lms.models.base import Base, utcnow
from lms.models.imports import BatchForce, HydraAttendance, HydraSession, ImportBatch, LearningRecord
from lms.models.links import ChiefLink
from lms.models.mappings import ColumnMapping, ValueMapping
from lms.models.ops import AuditEvent, EmailLog, ForceSnapshot, JobRun, PublishedTable, ScheduleSetting
from lms.models.org import Force, Region
from lms.models.people import DueDateSetting, MatchDecision, Person, PersonChange, Requirement, RoleRule
from lms.models.uploads import StoredUpload
from lms.models.user import ROLES, ApiToken, User

__all__ = [
    "KINDS",
    "ROLES",
    "ApiToken",
    "AuditEvent",
    "Base",
    "BatchForce",
    "ChiefLink",
    "DueDateSetting",
    "ColumnMapping",
    "EmailLog",
    "Force",
    "ForceSnapshot",
    "HydraAttendance",
    "HydraSession",
    "ImportBatch",
    "LearningRecord",
    "MatchDecision",
    "Person",
    "PersonChange",
    "PublishedTable",
    "Region",
    "Requirement",
    "RoleRule",
    "JobRun",
    "ScheduleSetting",
    "StoredUpload",
    "User",
    "ValueMapping",
    "utcnow",
]
