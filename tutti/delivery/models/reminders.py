from django.db import models


class Reminder(models.Model):
    """One message to a person (or their carer) about one session: before it, or because it
    changed or was cancelled. Sent by a background task; a failure is retried and stays
    visible to the coordinator, never dropped."""

    class Kind(models.TextChoices):
        UPCOMING = "upcoming", "Reminder before the session"
        CHANGED = "changed", "Session changed"
        CANCELLED = "cancelled", "Session cancelled"

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Could not be sent"
        SKIPPED = "skipped", "Not sent (opted out or no address)"

    session = models.ForeignKey(
        "delivery.Session", on_delete=models.CASCADE, related_name="reminders"
    )
    episode = models.ForeignKey(
        "delivery.Episode", on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    channel = models.CharField(max_length=5, choices=Channel.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    send_after = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    # Why the last attempt failed, in words that name no person (e.g. "SMTP refused: 550").
    last_error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["send_after"]
        indexes = [models.Index(fields=["status", "send_after"])]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "episode", "channel"],
                condition=models.Q(kind="upcoming"),
                name="one_upcoming_reminder_per_session_and_person",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for session {self.session_id}"


class CalendarFeed(models.Model):
    """A therapist's secret iCal address. Only the token's hash is kept; revoking it (or making
    a new one) stops the old address working at once. The feed carries initials only."""

    therapist = models.ForeignKey(
        "workforce.Therapist", on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["therapist"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_live_calendar_feed_per_therapist",
            )
        ]

    def __str__(self):
        return f"Calendar feed for {self.therapist}"
