"""Roles are Django groups; each grants a scope of records, defined in each app's selectors."""

from django.db import models


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", "Administrator"
    COORDINATOR = "coordinator", "Intake coordinator"
    THERAPIST = "therapist", "Therapist"
    SUPERVISOR = "supervisor", "Clinical lead or supervisor"
    PARTNER = "partner", "Partner organisation staff"
    REFERRER = "referrer", "Referrer"
    COMMISSIONER = "commissioner", "Commissioner or funder"


# Order decides which role names a user with several (e.g. a supervisor who also practises).
ROLE_ORDER = [
    Role.ADMINISTRATOR,
    Role.COORDINATOR,
    Role.SUPERVISOR,
    Role.THERAPIST,
    Role.PARTNER,
    Role.REFERRER,
    Role.COMMISSIONER,
]
