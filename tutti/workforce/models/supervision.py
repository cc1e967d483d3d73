from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from tutti.workforce.identifiers import validate_no_client_identifiers


class SupervisionRecord(models.Model):
    """One supervision given: to one therapist (individual) or to several at once (group).

    Topics are themes, never client details: the text is refused if it holds an
    NHS-number-like number or a postcode (see identifiers.py).
    """

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", "Individual"
        GROUP = "group", "Group"

    supervisor = models.ForeignKey(
        "workforce.Therapist", on_delete=models.PROTECT, related_name="supervision_given"
    )
    supervisees = models.ManyToManyField("workforce.Therapist", related_name="supervision_received")
    held_on = models.DateField("date")
    minutes = models.PositiveSmallIntegerField(
        "length in minutes", validators=[MinValueValidator(10), MaxValueValidator(480)]
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.INDIVIDUAL)
    topics = models.TextField(validators=[validate_no_client_identifiers])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def clean(self):
        errors = {}
        if self.held_on and self.held_on > timezone.localdate():
            errors["held_on"] = "The date of supervision must be today or in the past."
        if self.supervisor_id and self.supervisor.is_trainee:
            errors["supervisor"] = "A trainee cannot give supervision."
        if errors:
            raise ValidationError(errors)

    def __str__(self):
        return f"{self.get_kind_display()} supervision by {self.supervisor} on {self.held_on}"


class PlacementLog(models.Model):
    """Hours a trainee spent on placement on one day, and on what."""

    class Activity(models.TextChoices):
        CLINICAL = "clinical", "Clinical sessions"
        OBSERVATION = "observation", "Observing a qualified therapist"
        SUPERVISION = "supervision", "Supervision"
        MEETINGS = "meetings", "Team meetings and liaison"
        PREPARATION = "preparation", "Preparation and writing up"
        TRAINING = "training", "Training"

    trainee = models.ForeignKey(
        "workforce.Therapist", on_delete=models.CASCADE, related_name="placement_logs"
    )
    worked_on = models.DateField("date")
    hours = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("12"))],
        help_text="In hours, like 2.5 for two and a half hours",
    )
    activity = models.CharField(max_length=20, choices=Activity.choices)
    note = models.CharField(max_length=300, blank=True, validators=[validate_no_client_identifiers])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-worked_on", "-pk"]

    def clean(self):
        errors = {}
        trainee = self.trainee if self.trainee_id else None
        if trainee is not None and not trainee.is_trainee:
            errors["trainee"] = "Placement hours are only recorded for trainees."
        day = self.worked_on
        if day and day > timezone.localdate():
            errors["worked_on"] = "The date must be today or in the past."
        elif day and trainee is not None:
            starts, ends = trainee.placement_starts_on, trainee.placement_ends_on
            if starts and day < starts:
                errors["worked_on"] = f"The placement starts on {starts:%-d %B %Y}."
            elif ends and day > ends:
                errors["worked_on"] = f"The placement ended on {ends:%-d %B %Y}."
        if errors:
            raise ValidationError(errors)

    def __str__(self):
        return f"{self.trainee}: {self.hours} hours on {self.worked_on}"


from auditlog.registry import auditlog  # noqa: E402

auditlog.register(SupervisionRecord, m2m_fields={"supervisees"})
auditlog.register(PlacementLog)
