import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from tutti.core.vocab import Circumstance, Need, validate_codes


def validate_programme_code(value):
    if not re.fullmatch(r"[A-Z0-9]+(-[A-Z0-9]+)*", value or ""):
        raise ValidationError("Use capital letters, digits and single hyphens, like CAMDEN-16-24.")


class Programme(models.Model):
    """A music therapy service people can be referred to; published in the directory."""

    class DeliveryMode(models.TextChoices):
        INDIVIDUAL = "individual", "Individual sessions"
        GROUP = "group", "Group sessions"
        COMMUNITY = "community", "Community music (choir, band, performance)"

    class Setting(models.TextChoices):
        CENTRE = "centre", "Music therapy centre"
        SCHOOL = "school", "School"
        CARE_HOME = "care_home", "Care home"
        HOSPITAL = "hospital", "Hospital"
        HOSPICE = "hospice", "Hospice"
        COMMUNITY = "community", "Community venue"
        REMOTE = "remote", "Online"

    code = models.CharField(
        max_length=40,
        unique=True,
        validators=[validate_programme_code],
        help_text="A short code used in links and the API, like CAMDEN-16-24",
    )
    name = models.CharField(max_length=200)
    description = models.TextField()
    delivery_mode = models.CharField(max_length=20, choices=DeliveryMode.choices)
    setting = models.CharField(max_length=20, choices=Setting.choices)
    block_sessions = models.PositiveSmallIntegerField(
        "block length in sessions",
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    session_minutes = models.PositiveSmallIntegerField(
        "session length in minutes",
        default=45,
        validators=[MinValueValidator(10), MaxValueValidator(240)],
    )
    # Eligibility. Empty means "no rule": anyone of any age, anywhere, with any need.
    min_age = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    max_age = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    local_authorities = models.JSONField(
        default=list,
        blank=True,
        help_text="Local authority district codes served, like E09000007 for Camden",
    )
    postcode_districts = models.JSONField(
        default=list, blank=True, help_text="Postcode districts served, like NW1"
    )
    gp_practices = models.JSONField(
        default=list, blank=True, help_text="ODS codes of GP practices served"
    )
    needs = models.JSONField(default=list, blank=True, help_text="Needs the programme works with")
    circumstances = models.JSONField(
        default=list, blank=True, help_text="Circumstances the programme is for"
    )
    priority_circumstances = models.JSONField(
        default=list, blank=True, help_text="Circumstances given priority on the waiting list"
    )
    funder = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funded_programmes",
    )
    sites = models.ManyToManyField("organisations.Site", related_name="programmes", blank=True)
    open_to_referrals = models.BooleanField(default=True)
    target_wait_weeks = models.PositiveSmallIntegerField(default=18)
    # Delivery rules.
    non_attendance_review_after = models.PositiveSmallIntegerField(
        "missed sessions in a row before a review",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="Raises a review for the coordinator; nobody is discharged automatically",
    )
    reminder_hours_before = models.PositiveSmallIntegerField(
        "send session reminders (hours before)",
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(168)],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def clean(self):
        errors = {}
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            errors["max_age"] = "The oldest age must be the same as or more than the youngest age."
        for field, choices, what in [
            ("needs", Need, "need"),
            ("circumstances", Circumstance, "circumstance"),
            ("priority_circumstances", Circumstance, "circumstance"),
        ]:
            try:
                validate_codes(getattr(self, field), choices, what)
            except ValidationError as error:
                errors[field] = error
        if errors:
            raise ValidationError(errors)

    def __str__(self):
        return self.name

    @property
    def local_authority_names(self):
        """The served local authorities by name, as people know them ("Camden")."""
        from tutti.geography.models import LocalAuthority

        names = dict(
            LocalAuthority.objects.filter(code__in=self.local_authorities).values_list(
                "code", "name"
            )
        )
        return [names.get(code, code) for code in self.local_authorities]


# Every create, update and delete is recorded with its actor and address (django-auditlog).
from auditlog.registry import auditlog  # noqa: E402

for _model in (Programme,):
    auditlog.register(_model)
