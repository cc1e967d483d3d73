from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

MAX_GOALS = 3


class Offer(models.Model):
    """A place offered to a waiting referral: a block of individual sessions with a therapist,
    or a place in a group. The person (or their carer) accepts or declines it, through the
    coordinator or a one-time link; accepting opens an Episode, declining puts the referral
    back on the waiting list with its original waiting date."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", "Individual sessions"
        GROUP = "group", "A place in a group"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn by the service"
        EXPIRED = "expired", "No answer in time"

    class AnsweredVia(models.TextChoices):
        COORDINATOR = "coordinator", "Recorded by the coordinator"
        LINK = "link", "By the person or their carer, through the link"

    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="offers"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    therapist = models.ForeignKey(
        "workforce.Therapist",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offers",
        help_text="For individual sessions",
    )
    group = models.ForeignKey(
        "delivery.Group",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offers",
        help_text="For a group place",
    )
    site = models.ForeignKey(
        "organisations.Site", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # For individual sessions: the weekly slot proposed (from the therapist's availability).
    weekday = models.PositiveSmallIntegerField(null=True, blank=True)
    start_time = models.TimeField(null=True, blank=True)
    first_session_on = models.DateField(null=True, blank=True)
    respond_by = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The coordinator who recorded the answer (empty when answered by link)",
    )
    answered_via = models.CharField(max_length=12, choices=AnsweredVia.choices, blank=True)
    decline_reason = models.TextField(blank=True)
    # The one-time link for the person or carer to answer: only its hash is kept.
    link_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    link_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-made_at"]
        constraints = [
            # A referral has at most one offer waiting for an answer.
            models.UniqueConstraint(
                fields=["referral"],
                condition=models.Q(status="pending"),
                name="one_pending_offer_per_referral",
            ),
            models.UniqueConstraint(
                fields=["link_token_hash"],
                condition=~models.Q(link_token_hash=""),
                name="offer_link_token_unique",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="individual", group__isnull=True)
                    | models.Q(kind="group", group__isnull=False)
                ),
                name="offer_group_matches_kind",
            ),
        ]

    def __str__(self):
        return f"Offer {self.pk} for {self.referral.reference}"

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING


class Episode(models.Model):
    """An episode of care: one person in one programme, from an accepted offer to discharge."""

    class Status(models.TextChoices):
        ACTIVE = "active", "In therapy"
        ENDED = "ended", "Ended"

    class EndReason(models.TextChoices):
        COMPLETED = "completed", "Completed the planned sessions"
        GOALS_MET = "goals_met", "Goals met early"
        PERSON_CHOSE = "person_chose", "The person or their family chose to stop"
        NOT_ATTENDING = "not_attending", "Stopped attending"
        MOVED = "moved", "Moved away"
        REFERRED_ON = "referred_on", "Referred to another service"
        UNWELL = "unwell", "Too unwell to continue"
        DIED = "died", "Died"
        OTHER = "other", "Other"

    class Outcome(models.TextChoices):
        GOALS_MET = "met", "Goals met"
        PARTLY_MET = "partly", "Goals partly met"
        NOT_MET = "not_met", "Goals not met"
        NOT_KNOWN = "not_known", "Not known"

    class ReminderChannel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"
        NONE = "none", "No reminders"

    class ReminderTo(models.TextChoices):
        PERSON = "person", "The person"
        CONTACT = "contact", "Their main contact (parent or carer)"

    referral = models.OneToOneField(
        "referrals.Referral", on_delete=models.PROTECT, related_name="episode"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="episodes")
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="episodes"
    )
    offer = models.OneToOneField(
        Offer, null=True, blank=True, on_delete=models.PROTECT, related_name="episode"
    )
    therapists = models.ManyToManyField("workforce.Therapist", related_name="episodes", blank=True)
    group = models.ForeignKey(
        "delivery.Group", null=True, blank=True, on_delete=models.PROTECT, related_name="episodes"
    )
    site = models.ForeignKey(
        "organisations.Site", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Up to three goals in the person's or family's words; outcome measures link to them later.
    goals = models.JSONField(default=list, blank=True)
    planned_sessions = models.PositiveSmallIntegerField()
    start_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    discharge_summary = models.TextField(blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Session reminders: how, and to whom. "No reminders" is an opt-out and is always honoured.
    reminder_channel = models.CharField(
        max_length=5, choices=ReminderChannel.choices, default=ReminderChannel.EMAIL
    )
    reminder_to = models.CharField(
        max_length=10, choices=ReminderTo.choices, default=ReminderTo.PERSON
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date"]
        indexes = [models.Index(fields=["programme", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="active", ended_on__isnull=True)
                | models.Q(status="ended", ended_on__isnull=False),
                name="episode_end_date_matches_status",
            )
        ]

    def clean(self):
        errors = {}
        goals = [g for g in (self.goals or []) if str(g).strip()]
        if len(goals) > MAX_GOALS:
            errors["goals"] = f"Give up to {MAX_GOALS} goals."
        if self.ended_on and self.start_date and self.ended_on < self.start_date:
            errors["ended_on"] = "The end date must be on or after the start date."
        if errors:
            raise ValidationError(errors)

    def __str__(self):
        return f"Episode {self.pk} ({self.referral.reference})"

    @property
    def is_active(self):
        return self.status == self.Status.ACTIVE
