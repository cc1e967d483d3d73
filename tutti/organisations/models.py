import re

from django.core.exceptions import ValidationError
from django.db import models

from tutti.core.fields import PostcodeField


def validate_ods_code(value):
    # ODS codes: 3 to 6 letters and digits; GP practices are a letter and 5 digits (A81001).
    if not re.fullmatch(r"[A-Z0-9]{3,6}", value or ""):
        raise ValidationError(
            "%(value)s is not an ODS code. ODS codes are 3 to 6 capital letters and digits, "
            "like A81001 for a GP practice.",
            params={"value": value},
        )


class Organisation(models.Model):
    """A partner or referrer body: school, care home, hospital, GP practice, council, charity."""

    class Kind(models.TextChoices):
        SERVICE = "service", "The music therapy service itself"
        SCHOOL = "school", "School"
        CARE_HOME = "care_home", "Care home"
        HOSPITAL = "hospital", "Hospital"
        HOSPICE = "hospice", "Hospice"
        GP_PRACTICE = "gp_practice", "GP practice"
        COUNCIL = "council", "Council"
        CHARITY = "charity", "Charity or voluntary organisation"
        COMMUNITY = "community", "Community venue"
        FUNDER = "funder", "Funder or commissioner"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    ods_code = models.CharField(
        "ODS code",
        max_length=6,
        blank=True,
        validators=[validate_ods_code],
        help_text="Optional. The NHS Organisation Data Service code, like A81001.",
    )
    is_partner = models.BooleanField(
        default=False, help_text="Hosts or delivers sessions with the service"
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ods_code"],
                condition=~models.Q(ods_code=""),
                name="organisation_ods_code_unique",
            )
        ]

    def clean(self):
        self.ods_code = (self.ods_code or "").strip().upper()

    def __str__(self):
        return self.name


class Site(models.Model):
    """A place where sessions happen: a centre, a school hall, a ward, a community venue."""

    class Nation(models.TextChoices):
        ENGLAND = "england", "England"
        WALES = "wales", "Wales"
        SCOTLAND = "scotland", "Scotland"
        NORTHERN_IRELAND = "northern_ireland", "Northern Ireland"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(max_length=200)
    address_line_1 = models.CharField(max_length=200)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100)
    postcode = PostcodeField()
    nation = models.CharField(max_length=20, choices=Nation.choices, default=Nation.ENGLAND)
    accessibility_notes = models.TextField(
        blank=True, help_text="Step-free access, hearing loop, quiet room, parking and so on"
    )
    rooms = models.PositiveSmallIntegerField(default=1, help_text="Rooms for music therapy")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


# Every create, update and delete is recorded with its actor and address (django-auditlog).
from auditlog.registry import auditlog  # noqa: E402

for _model in (
    Organisation,
    Site,
):
    auditlog.register(_model)
