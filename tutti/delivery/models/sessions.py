from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from simple_history.models import HistoricalRecords


class Session(models.Model):
    """One meeting: an individual session in an episode, a group's session, or a community
    event (a choir, a band, a performance) counted by headcount, with no individual records."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", "Individual"
        GROUP = "group", "Group"
        COMMUNITY = "community", "Community event"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Booked"
        CANCELLED = "cancelled", "Cancelled"

    class CancelledBy(models.TextChoices):
        CLIENT = "client", "The person or their family"
        SERVICE = "service", "The service"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    programme = models.ForeignKey(
        "programmes.Programme",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    episode = models.ForeignKey(
        "delivery.Episode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="individual_sessions",
        help_text="For individual sessions",
    )
    group = models.ForeignKey(
        "delivery.Group", null=True, blank=True, on_delete=models.PROTECT, related_name="sessions"
    )
    title = models.CharField(
        max_length=200, blank=True, help_text="For community events, like 'Spring concert'"
    )
    site = models.ForeignKey(
        "organisations.Site",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
        help_text="Empty for a session held online",
    )
    room = models.ForeignKey(
        "delivery.Room", null=True, blank=True, on_delete=models.PROTECT, related_name="sessions"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    therapists = models.ManyToManyField("workforce.Therapist", related_name="sessions")
    # The session's place in its block (1 = first); empty for community events.
    number = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    cancelled_by = models.CharField(max_length=10, choices=CancelledBy.choices, blank=True)
    cancellation_reason = models.CharField(max_length=300, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # A session booked in place of a cancelled or moved one points back at it.
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replacements"
    )
    headcount = models.PositiveIntegerField(
        null=True, blank=True, help_text="For community events: how many people took part"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["starts_at"]),
            models.Index(fields=["site", "starts_at"]),
            models.Index(fields=["programme", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=F("starts_at")),
                name="session_ends_after_it_starts",
                violation_error_message="The end time must be after the start time.",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="individual", episode__isnull=False, group__isnull=True)
                    | models.Q(kind="group", group__isnull=False, episode__isnull=True)
                    | models.Q(kind="community", group__isnull=True, episode__isnull=True)
                ),
                name="session_links_match_kind",
            ),
        ]

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The end time must be after the start time."
        if self.room_id and self.site_id and self.room.site_id != self.site_id:
            errors["room"] = f"{self.room.name} is not at {self.site}. Choose a room at the site."
        if errors:
            raise ValidationError(errors)

    def __str__(self):
        return f"{self.get_kind_display()} session {self.pk} on {self.starts_at:%d %b %Y %H:%M}"

    @property
    def minutes(self):
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED


class Attendance(models.Model):
    """Whether one participant came to one session."""

    class Status(models.TextChoices):
        EXPECTED = "expected", "Not marked yet"
        ATTENDED = "attended", "Attended"
        DID_NOT_ATTEND = "dna", "Did not attend"
        CANCELLED_BY_CLIENT = "cancelled_client", "Cancelled by the person (in good time)"
        CANCELLED_LATE = "cancelled_late", "Cancelled by the person (late)"
        CANCELLED_BY_SERVICE = "cancelled_service", "Cancelled by the service"

    # Statuses that count towards a programme's non-attendance rule.
    NON_ATTENDANCE = (Status.DID_NOT_ATTEND, Status.CANCELLED_LATE)

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    episode = models.ForeignKey(
        "delivery.Episode", on_delete=models.PROTECT, related_name="attendances"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.EXPECTED)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session__starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "episode"], name="one_attendance_per_participant"
            )
        ]
        indexes = [models.Index(fields=["episode", "status"])]

    def __str__(self):
        return f"{self.episode} at {self.session}: {self.get_status_display()}"


class MusicalWork(models.TextChoices):
    IMPROVISATION = "improvisation", "Improvisation"
    SONGWRITING = "songwriting", "Song-writing"
    RECORDING = "recording", "Recording"
    PERFORMANCE = "performance", "Performance"
    LISTENING = "listening", "Listening"
    MOVEMENT = "movement", "Movement"
    SINGING = "singing", "Singing"


class Present(models.TextChoices):
    PARENT_OR_CARER = "parent_carer", "Parent or carer"
    FAMILY = "family", "Other family"
    PARTNER_STAFF = "partner_staff", "Partner staff (school, care home, ward)"
    INTERPRETER = "interpreter", "Interpreter"
    TRAINEE = "trainee", "Trainee therapist"
    OTHER = "other", "Someone else"


def mask_note_text(value: str) -> str:
    """What the audit log keeps of a note: that it changed and its length, never its words.
    (auditlog's own mask keeps the second half of the text.) The words stay in the record's
    history, which only those who may read the notes can open."""
    return f"[note text, {len(value)} characters]" if value else ""


class SessionRecord(models.Model):
    """What happened in a session: the musical work, who was there, and the therapist's notes.

    The notes are confidential: only the therapist(s), their supervisor and the clinical lead
    read them. Every amendment keeps the previous version (django-simple-history). A trainee's
    record waits for their supervisor's sign-off before it is final.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING_SIGN_OFF = "awaiting_sign_off", "Waiting for the supervisor's sign-off"
        RETURNED = "returned", "Returned to the trainee with comments"
        FINAL = "final", "Final"

    session = models.OneToOneField(Session, on_delete=models.PROTECT, related_name="record")
    musical_work = models.JSONField(default=list, blank=True)
    instruments = models.CharField(max_length=300, blank=True)
    present = models.JSONField(
        "who else was there", default=list, blank=True, help_text="Codes from Present"
    )
    present_other = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True, help_text="For a group: the note about the whole group")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.FINAL)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    return_comment = models.TextField(
        blank=True, help_text="The supervisor's comments when they return a trainee's record"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Record of {self.session}"


class ParticipantNote(models.Model):
    """A short note about one member in a group session's record."""

    record = models.ForeignKey(SessionRecord, on_delete=models.CASCADE, related_name="notes_about")
    episode = models.ForeignKey(
        "delivery.Episode", on_delete=models.PROTECT, related_name="session_notes"
    )
    note = models.TextField(max_length=2000)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["record", "episode"], name="one_note_per_member_per_session"
            )
        ]

    def __str__(self):
        return f"Note on {self.episode} in {self.record}"


class ReviewTask(models.Model):
    """Something a coordinator must look at, such as repeated non-attendance. Never acted on
    automatically: the coordinator decides what happens."""

    class Kind(models.TextChoices):
        NON_ATTENDANCE = "non_attendance", "Missed sessions"
        REMINDER_FAILED = "reminder_failed", "A reminder could not be sent"

    class Status(models.TextChoices):
        OPEN = "open", "To do"
        DONE = "done", "Done"

    episode = models.ForeignKey(
        "delivery.Episode", on_delete=models.PROTECT, related_name="review_tasks"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = models.CharField(max_length=300)
    status = models.CharField(max_length=5, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "kind"],
                condition=models.Q(status="open"),
                name="one_open_review_per_episode_and_kind",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.episode}"
