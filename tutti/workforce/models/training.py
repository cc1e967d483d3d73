"""Training courses the service runs for teachers, carers, parents and partner staff."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q


class Course(models.Model):
    """What is taught, e.g. "Music for communication: a course for school staff"."""

    title = models.CharField(max_length=200)
    summary = models.CharField(
        max_length=300, help_text="One or two sentences for the public list of courses"
    )
    description = models.TextField(blank=True)
    is_published = models.BooleanField(
        "shown on the public courses page",
        default=True,
        help_text="Its cohorts that are open for sign-up are listed at /courses/",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class Cohort(models.Model):
    """One run of a course: its sessions, where, and how many places."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField(max_length=120, help_text="For example, Spring 2027 in Camden")
    venue = models.ForeignKey(
        "organisations.Site",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="course_cohorts",
    )
    is_online = models.BooleanField("online", default=False)
    joining_details = models.TextField(
        blank=True,
        help_text="How to join or find the room. Sent with each place, never shown publicly",
    )
    capacity = models.PositiveSmallIntegerField(
        "places", validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    signup_open = models.BooleanField("open for sign-up", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["course__title", "name"]

    def clean(self):
        if self.is_online and self.venue_id:
            raise ValidationError({"venue": "Choose a venue or online, not both."})
        if not self.is_online and not self.venue_id:
            raise ValidationError({"venue": "Choose a venue, or say the course is online."})

    def __str__(self):
        return f"{self.course}: {self.name}"

    @property
    def where(self):
        return "Online" if self.is_online else str(self.venue)


class CohortSession(models.Model):
    """One meeting of a cohort. Attendance is taken per session."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField()
    starts = models.TimeField("start time")
    ends = models.TimeField("end time")
    topic = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=F("starts")),
                name="course_session_ends_after_it_starts",
                violation_error_message="The end time must be after the start time.",
            )
        ]

    def clean(self):
        if self.starts and self.ends and self.ends <= self.starts:
            raise ValidationError({"ends": "The end time must be after the start time."})

    def __str__(self):
        return f"{self.date:%-d %B %Y}, {self.starts:%H:%M} to {self.ends:%H:%M}"

    @property
    def hours(self):
        minutes = (self.ends.hour * 60 + self.ends.minute) - (
            self.starts.hour * 60 + self.starts.minute
        )
        return minutes / 60


class ParticipantRole(models.TextChoices):
    TEACHER = "teacher", "Teacher or school staff"
    CARER = "carer", "Carer"
    PARENT = "parent", "Parent"
    PARTNER_STAFF = "partner_staff", "Staff at a partner organisation"
    OTHER = "other", "Something else"


class Participant(models.Model):
    """Someone signed up for a cohort: with a place, on its waiting list, or cancelled.

    The waiting list is first come, first served by `signed_up_at`. The cancel link in their
    emails is an HMAC of the id and `cancel_key` (see training/tokens.py); cancelling empties
    the key, so the link works once.
    """

    class Status(models.TextChoices):
        PLACE = "place", "Has a place"
        WAITING = "waiting", "On the waiting list"
        CANCELLED = "cancelled", "Cancelled"

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="participants")
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    role = models.CharField(max_length=20, choices=ParticipantRole.choices)
    organisation = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    signed_up_at = models.DateTimeField()
    place_given_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_key = models.CharField(max_length=64, blank=True, editable=False)
    feedback_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["signed_up_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "email"],
                condition=~Q(status="cancelled"),
                name="participant_signs_up_once_per_cohort",
                violation_error_message="This email address is already signed up for this course.",
            )
        ]
        indexes = [models.Index(fields=["cohort", "status", "signed_up_at"])]

    def __str__(self):
        return f"{self.name} ({self.get_status_display().lower()})"

    @property
    def moved_up(self):
        """True if they had a place only after waiting for one."""
        return bool(self.place_given_at and self.place_given_at > self.signed_up_at)


class Attendance(models.Model):
    """Whether a participant with a place came to one session."""

    session = models.ForeignKey(CohortSession, on_delete=models.CASCADE, related_name="attendance")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="attendance"
    )
    attended = models.BooleanField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"], name="attendance_once_per_session"
            )
        ]

    def __str__(self):
        return f"{self.participant.name}: {'came' if self.attended else 'did not come'}"


from auditlog.registry import auditlog  # noqa: E402

for _model in (Course, Cohort, CohortSession, Participant, Attendance):
    auditlog.register(_model, exclude_fields=["cancel_key"] if _model is Participant else None)
