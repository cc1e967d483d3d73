import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models


def validate_hcpc_number(value):
    if not re.fullmatch(r"MT\d{4,7}", value or ""):
        raise ValidationError(
            "An HCPC registration number here is MT followed by digits, like MT12345."
        )


class Therapist(models.Model):
    """A music therapist (or a trainee on placement) who can be given sessions."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="therapist"
    )
    hcpc_number = models.CharField(
        "HCPC registration number",
        max_length=10,
        blank=True,
        validators=[validate_hcpc_number],
        help_text="MT followed by digits, like MT12345. Trainees have none yet.",
    )
    registration_expires = models.DateField(null=True, blank=True)
    dbs_checked_on = models.DateField("DBS check date", null=True, blank=True)
    specialisms = models.JSONField(
        default=list, blank=True, help_text="Populations and settings, like autism or dementia"
    )
    languages = models.JSONField(default=list, blank=True)
    sites = models.ManyToManyField("organisations.Site", related_name="therapists", blank=True)
    weekly_capacity = models.PositiveSmallIntegerField(
        "sessions a week",
        default=0,
        validators=[MaxValueValidator(40)],
        help_text="Individual sessions the therapist can take each week",
    )
    is_trainee = models.BooleanField(default=False)
    supervisor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervisees",
        help_text="Required for trainees",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["hcpc_number"],
                condition=~models.Q(hcpc_number=""),
                name="therapist_hcpc_number_unique",
                violation_error_message="Another therapist has this HCPC number.",
            )
        ]

    def clean(self):
        self.hcpc_number = (self.hcpc_number or "").strip().upper()
        errors = {}
        if self.is_trainee and not self.supervisor_id:
            errors["supervisor"] = "A trainee must have a supervising therapist."
        if not self.is_trainee and not self.hcpc_number:
            errors["hcpc_number"] = "Enter the HCPC registration number, like MT12345."
        if not self.is_trainee and not self.registration_expires:
            errors["registration_expires"] = "Enter the date the HCPC registration runs to."
        if self.supervisor_id and self.supervisor_id == self.pk:
            errors["supervisor"] = "A therapist cannot supervise themselves."
        elif self.supervisor_id and self.supervisor.is_trainee:
            errors["supervisor"] = "A trainee cannot be a supervisor."
        if errors:
            raise ValidationError(errors)

    def __str__(self):
        return self.user.display_name

    def registration_lapsed(self, on):
        return not self.is_trainee and (
            self.registration_expires is None or self.registration_expires < on
        )


# Every create, update and delete is recorded with its actor and address (django-auditlog).
from auditlog.registry import auditlog  # noqa: E402

for _model in (Therapist,):
    auditlog.register(_model)
