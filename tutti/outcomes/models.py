"""Outcome measures, feedback surveys and the responses people give to them.

A Measure's scoring rules are data (`definition`, loaded from data/measures/*.json by
`tutti.outcomes.library`); its licensed wording is entered by an administrator, never shipped.
"""

import math
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


class Kind(models.TextChoices):
    MEASURE = "measure", "Outcome measure"
    SURVEY = "survey", "Feedback survey"


class Respondent(models.TextChoices):
    """Who answers a measure: the person, a family member or carer, or partner staff."""

    PERSON = "person", "The person having music therapy"
    FAMILY = "family", "A family member or carer"
    STAFF = "staff", "Staff at a partner organisation"
    COURSE = "course", "Someone who came to a training course"


class Measure(models.Model):
    """One instrument in the library: items, scale, scoring, bands, reliability, licence."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    respondent = models.CharField(max_length=10, choices=Respondent.choices)
    summary = models.TextField()
    # Scale, items (numbers, reverse-scored, risk), scoring rule, missing-item rule, bands and
    # conversion tables, exactly as in data/measures/<code>.json. Read by scoring.score().
    definition = models.JSONField()
    higher_is_better = models.BooleanField(default=True)
    # Jacobson & Truax reliable change: SEdiff = SD × √2 × √(1 − r); reliable if |change| >
    # 1.96 × SEdiff. Both blank: change is shown without a reliable-change category.
    change_sd = models.DecimalField(
        "standard deviation for reliable change",
        max_digits=7,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    change_reliability = models.DecimalField(
        "reliability for reliable change",
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("0.999"))],
        help_text="Cronbach's alpha or test–retest reliability, from 0 to 0.999",
    )
    change_source = models.TextField("where the SD and reliability come from", blank=True)
    licence = models.TextField("licence note")
    wording_licensed = models.BooleanField(
        default=False,
        help_text="The wording is under licence: an administrator enters it; Tutti never ships it",
    )
    instructions = models.TextField(
        blank=True, help_text="What the person is asked to do, as in the licensed copy"
    )
    option_labels = models.TextField(
        "answer labels",
        blank=True,
        help_text="One answer label a line, from the lowest score to the highest",
    )
    source = models.TextField("scoring source", blank=True)
    position = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self):
        return self.short_name

    def clean(self):
        errors = {}
        if (self.change_sd is None) != (self.change_reliability is None):
            errors["change_sd"] = "Enter both the SD and the reliability, or neither."
        if self.change_sd is not None and not self.change_source.strip():
            errors["change_source"] = "Say where the SD and reliability come from."
        labels = self.option_label_list
        if labels and len(labels) != len(self.scale_values):
            errors["option_labels"] = (
                f"Enter {len(self.scale_values)} labels, one a line, from "
                f"{self.scale_min} to {self.scale_max}; there are {len(labels)}."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def scale_min(self):
        return self.definition["scale"]["min"]

    @property
    def scale_max(self):
        return self.definition["scale"]["max"]

    @property
    def scale_values(self):
        return list(range(self.scale_min, self.scale_max + 1))

    @property
    def option_label_list(self):
        return [line.strip() for line in self.option_labels.splitlines() if line.strip()]

    @property
    def item_count(self):
        return len(self.definition["items"])

    @property
    def wording_entered(self):
        """Whether every item has its wording, so the measure can be shown to a person. Goal
        Based Outcomes has none to enter: its items are the person's own goals."""
        if self.is_goal_based:
            return True
        items = list(self.items.all())
        return len(items) == self.item_count and all(item.wording.strip() for item in items)

    @property
    def person_is_subject(self):
        """Partner staff feedback is about an organisation and course feedback about a course;
        everything else is about a person."""
        return self.respondent not in (Respondent.STAFF, Respondent.COURSE)

    @property
    def is_goal_based(self):
        return self.definition["scoring"]["method"] == "goals"

    @property
    def change_on(self):
        """The score change is measured on: 'metric' (SWEMWBS) or 'raw'."""
        conversion = self.definition["scoring"].get("conversion")
        return conversion["name"] if conversion else "raw"

    @property
    def reliable_change_criterion(self):
        """The change a score must exceed to be reliable, or None when not set."""
        if self.change_sd is None or self.change_reliability is None:
            return None
        sd, r = float(self.change_sd), float(self.change_reliability)
        return 1.96 * sd * math.sqrt(2) * math.sqrt(1 - r)

    @property
    def reliable_change_text(self):
        """The criterion to 2 places, rounded down (see change.threshold_text), or ''."""
        from tutti.outcomes.change import threshold_text

        criterion = self.reliable_change_criterion
        return "" if criterion is None else threshold_text(criterion)


class MeasureItem(models.Model):
    """An item's wording. Blank for a licensed measure until an administrator enters it."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField()
    wording = models.TextField(blank=True)
    easy_read_wording = models.TextField(
        blank=True, help_text="Short, plain words for the easy-read version, where there is one"
    )

    class Meta:
        ordering = ["measure", "number"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "number"], name="measure_item_unique")
        ]

    def __str__(self):
        return f"{self.measure} item {self.number}"


class Occasion(models.TextChoices):
    BASELINE = "baseline", "Baseline"
    REVIEW = "review", "Review"
    END = "end", "End"


class ResponseStatus(models.TextChoices):
    DUE = "due", "Due"
    IN_PROGRESS = "in_progress", "Started online"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class Channel(models.TextChoices):
    ONLINE = "online", "Online, through a one-time link"
    THERAPIST = "therapist", "Entered by the therapist"


class AnsweredBy(models.TextChoices):
    PERSON = "person", "The person themselves"
    PROXY = "proxy", "A carer or family member on their behalf"
    FAMILY = "family", "A family member or carer (their own view)"
    STAFF = "staff", "Partner staff"
    COURSE = "course", "A training course participant"


OPEN_STATUSES = (ResponseStatus.DUE, ResponseStatus.IN_PROGRESS)


class Response(models.Model):
    """One administration of a measure or survey: planned (due), started online, completed.

    `referral` stands in for the episode of care until episodes exist: keep it the only link
    to the journey, so it can be moved to an Episode in one migration.
    """

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="responses")
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outcome_responses",
        help_text="Blank only for partner staff feedback",
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outcome_responses",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outcome_responses",
        help_text="For partner staff feedback: the organisation answering",
    )
    course_participant = models.ForeignKey(
        "workforce.Participant",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback_responses",
        help_text="For course feedback: who was asked (teachers, carers, parents on a course)",
    )
    occasion = models.CharField(max_length=10, choices=Occasion.choices)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=ResponseStatus.choices, default=ResponseStatus.DUE
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    answered_by = models.CharField(max_length=10, choices=AnsweredBy.choices, blank=True)
    proxy_relationship = models.CharField(
        max_length=100, blank=True, help_text="Who answered on the person's behalf"
    )
    easy_read = models.BooleanField(default=False)
    # Answers in item order (None for an item not answered), kept as they are given so a
    # half-finished online form is never lost.
    answers = models.JSONField(default=list, blank=True)
    goals = models.JSONField(
        default=list, blank=True, help_text="Goal Based Outcomes: the goals in the person's words"
    )
    score = models.JSONField(default=dict, blank=True, help_text="As scoring.score() gave it")
    raw_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    metric_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    risk_flagged = models.BooleanField(default=False)
    risk_reviewed_at = models.DateTimeField(null=True, blank=True)
    risk_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-completed_at", "due_on", "pk"]
        indexes = [
            models.Index(fields=["person", "measure", "completed_at"]),
            models.Index(fields=["status", "due_on"]),
        ]

    def __str__(self):
        return f"{self.measure} {self.get_occasion_display().lower()} response {self.pk}"

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def is_completed(self):
        return self.status == ResponseStatus.COMPLETED

    def is_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.is_open and self.due_on is not None and self.due_on < today

    @property
    def change_value(self):
        """The score change is measured on (metric for SWEMWBS, raw otherwise)."""
        return self.metric_score if self.measure.change_on == "metric" else self.raw_score


class ResponseLink(models.Model):
    """A one-time link to answer a response online, with no account. Only the SHA-256 of
    its token is kept; the link works until it expires or the answers are sent."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField()
    first_opened_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True, help_text="When the answers were sent")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Link for response {self.response_id}"

    def is_expired(self, now=None):
        return (now or timezone.now()) >= self.expires_at


from auditlog.registry import auditlog  # noqa: E402

auditlog.register(Measure)
auditlog.register(MeasureItem)
auditlog.register(Response)
auditlog.register(ResponseLink, exclude_fields=["token_hash"])
