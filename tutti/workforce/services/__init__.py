"""Every change to workforce records goes through these functions (keyword-only, atomic)."""

from .registration import clinical_leads, registration_warning_stage, registration_warnings_queue
from .supervision import placement_log_add, placement_log_remove, supervision_record_create
from .therapists import (
    availability_add,
    availability_remove,
    therapist_update_placement,
    therapist_update_profile,
    therapist_update_registration,
)

__all__ = [
    "availability_add",
    "availability_remove",
    "clinical_leads",
    "placement_log_add",
    "placement_log_remove",
    "registration_warning_stage",
    "registration_warnings_queue",
    "supervision_record_create",
    "therapist_update_placement",
    "therapist_update_profile",
    "therapist_update_registration",
]
