"""Therapists, their availability and registration; supervision and placements; training."""

from .supervision import PlacementLog, SupervisionRecord
from .therapists import (
    QUALIFIED_SUPERVISION_WEEKS,
    TRAINEE_SUPERVISION_WEEKS,
    WARNING_DAYS,
    RegistrationStatus,
    RegistrationWarning,
    Therapist,
    Weekday,
    WeeklyAvailability,
    WorkSetting,
    validate_hcpc_number,
)
from .training import (
    Attendance,
    Cohort,
    CohortSession,
    Course,
    Participant,
    ParticipantRole,
)

__all__ = [
    "QUALIFIED_SUPERVISION_WEEKS",
    "TRAINEE_SUPERVISION_WEEKS",
    "WARNING_DAYS",
    "Attendance",
    "Cohort",
    "CohortSession",
    "Course",
    "Participant",
    "ParticipantRole",
    "PlacementLog",
    "RegistrationStatus",
    "RegistrationWarning",
    "SupervisionRecord",
    "Therapist",
    "Weekday",
    "WeeklyAvailability",
    "WorkSetting",
    "validate_hcpc_number",
]
