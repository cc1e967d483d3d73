import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from tutti.core.vocab import Circumstance, validate_codes
from tutti.programmes.models import Programme

# Warnings go out this many days before a registration runs out (see registration_reminders).
WARNING_DAYS = (60, 14)
# Supervision is due this often unless a therapist's own target says otherwise.
TRAINEE_SUPERVISION_WEEKS = 1
QUALIFIED_SUPERVISION_WEEKS = 4

WorkSetting = Programme.Setting


def validate_hcpc_number(value):
    if not re.fullmatch(r"MT\d{4,7}", value or ""):
        raise ValidationError(
            "An HCPC registration number here is MT followed by digits, like MT12345."
        )


def _date_uk(day):
    return day.strftime("%-d %B %Y")


def _in_days(days):
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"in {days} days"


@dataclass(frozen=True)
class RegistrationStatus:
    """Where a therapist's HCPC registration stands on a given day."""

    state: str  # "ok" | "due" | "lapsed" | "missing" | "trainee"
    expires: date | None = None
    days_left: int | None = None

    @property
    def label(self):
        if self.state == "trainee":
            return "Trainee: not registered yet"
        if self.state == "missing":
            return "No registration date recorded"
        if self.state == "lapsed":
            return f"Lapsed: ran out on {_date_uk(self.expires)}"
        if self.state == "due":
            return f"Due for renewal: runs out {_in_days(self.days_left)}"
        return f"Registered until {_date_uk(self.expires)}"

    @property
    def short_label(self):
        return {
            "ok": "Registered",
            "due": f"Due {_in_days(self.days_left)}",
            "lapsed": "Lapsed",
            "missing": "Not recorded",
            "trainee": "Trainee",
        }[self.state]

    @property
    def tag_colour(self):
        return {"ok": "green", "due": "orange", "lapsed": "red", "missing": "red"}.get(
            self.state, "grey"
        )

    @property
    def needs_attention(self):
        return self.state in {"due", "lapsed", "missing"}


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
    work_settings = models.JSONField(
        "settings they work in",
        default=list,
        blank=True,
        help_text="Schools, care homes, hospitals and so on",
    )
    languages = models.JSONField(default=list, blank=True)
    sites = models.ManyToManyField("organisations.Site", related_name="therapists", blank=True)
    weekly_capacity = models.PositiveSmallIntegerField(
        "sessions a week",
        default=0,
        validators=[MaxValueValidator(40)],
        help_text="Individual sessions the therapist can take each week",
    )
    weekly_group_capacity = models.PositiveSmallIntegerField(
        "groups a week",
        default=0,
        validators=[MaxValueValidator(20)],
        help_text="Groups the therapist can run each week",
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
    supervision_every_weeks = models.PositiveSmallIntegerField(
        "supervision every (weeks)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(26)],
        help_text="Leave empty for the usual: every week for trainees, every 4 weeks otherwise",
    )
    # A trainee's placement: where they learn, from when to when, and the hours it asks for.
    placement_site = models.ForeignKey(
        "organisations.Site",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements",
    )
    placement_starts_on = models.DateField("placement start date", null=True, blank=True)
    placement_ends_on = models.DateField("placement end date", null=True, blank=True)
    placement_hours_target = models.PositiveSmallIntegerField(
        "placement hours needed",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(2000)],
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
        for name, choices, what in (
            ("specialisms", Circumstance, "specialisms"),
            ("work_settings", WorkSetting, "settings"),
        ):
            try:
                validate_codes(getattr(self, name), choices, what)
            except ValidationError as error:
                errors[name] = error.messages
        errors.update(self._placement_errors())
        if errors:
            raise ValidationError(errors)

    def _placement_errors(self):
        errors = {}
        has_placement = self.placement_site_id or self.placement_starts_on or self.placement_ends_on
        if not self.is_trainee and (has_placement or self.placement_hours_target):
            errors["placement_site"] = "Only trainees have a placement."
        starts, ends = self.placement_starts_on, self.placement_ends_on
        if starts and ends and ends <= starts:
            errors["placement_ends_on"] = "The placement must end after it starts."
        return errors

    def __str__(self):
        return self.user.display_name

    def registration_lapsed(self, on):
        return not self.is_trainee and (
            self.registration_expires is None or self.registration_expires < on
        )

    def registration_status(self, on=None) -> RegistrationStatus:
        on = on or timezone.localdate()
        if self.is_trainee:
            return RegistrationStatus("trainee")
        if self.registration_expires is None:
            return RegistrationStatus("missing")
        days_left = (self.registration_expires - on).days
        if days_left < 0:
            state = "lapsed"
        elif days_left <= max(WARNING_DAYS):
            state = "due"
        else:
            state = "ok"
        return RegistrationStatus(state, self.registration_expires, days_left)

    @property
    def supervision_interval(self) -> timedelta:
        weeks = self.supervision_every_weeks or (
            TRAINEE_SUPERVISION_WEEKS if self.is_trainee else QUALIFIED_SUPERVISION_WEEKS
        )
        return timedelta(weeks=weeks)

    def supervision_status(self, on=None):
        """When supervision was last given and when it is due (see selectors.supervision_due)."""
        from tutti.workforce.selectors import supervision_due

        return supervision_due(self, on=on)

    def supervisees_overdue(self, on=None):
        """The people this therapist supervises whose supervision is overdue."""
        from tutti.workforce.selectors import supervision_due, with_last_supervision

        supervisees = with_last_supervision(
            self.supervisees.filter(user__is_active=True).select_related("user")
        )
        return [t for t in supervisees if supervision_due(t, on=on).overdue]

    @property
    def specialism_labels(self):
        return [Circumstance(code).label for code in self.specialisms if code in Circumstance]

    @property
    def work_setting_labels(self):
        return [WorkSetting(code).label for code in self.work_settings if code in WorkSetting]


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class WeeklyAvailability(models.Model):
    """A regular weekly slot when a therapist can see clients at one of their sites."""

    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="availability")
    site = models.ForeignKey("organisations.Site", on_delete=models.PROTECT, related_name="+")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start = models.TimeField("from")
    end = models.TimeField("until")
    for_groups = models.BooleanField(
        "can run a group in this slot", default=False, help_text="Otherwise individual sessions"
    )

    class Meta:
        verbose_name = "weekly availability slot"
        verbose_name_plural = "weekly availability"
        ordering = ["therapist", "weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=F("start")),
                name="availability_ends_after_it_starts",
                violation_error_message="The end time must be after the start time.",
            )
        ]

    def clean(self):
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = "The end time must be after the start time."
        if self.therapist_id and self.site_id:
            if not self.therapist.sites.filter(pk=self.site_id).exists():
                errors["site"] = (
                    f"{self.therapist} does not work at {self.site}. "
                    "Choose one of their sites, or add the site to their record first."
                )
        if not errors and self.therapist_id and self.start and self.end:
            clash = self.overlapping().select_related("site").first()
            if clash:
                errors["start"] = (
                    f"This overlaps the slot on {clash.get_weekday_display()} "
                    f"{clash.times} at {clash.site}. Choose times that do not overlap."
                )
        if errors:
            raise ValidationError(errors)

    def overlapping(self):
        """The therapist's other slots on the same day that share any minute with this one."""
        return (
            WeeklyAvailability.objects.filter(
                therapist_id=self.therapist_id,
                weekday=self.weekday,
                start__lt=self.end,
                end__gt=self.start,
            )
            .exclude(pk=self.pk)
            .order_by("start")
        )

    @property
    def times(self):
        return f"{self.start:%H:%M} to {self.end:%H:%M}"

    @property
    def hours(self):
        minutes = (self.end.hour * 60 + self.end.minute) - (
            self.start.hour * 60 + self.start.minute
        )
        return minutes / 60

    def __str__(self):
        return f"{self.get_weekday_display()} {self.times} at {self.site}"


class RegistrationWarningQuerySet(models.QuerySet):
    def current(self):
        """Warnings that still apply: the registration has not been renewed since, and no
        later (more urgent) warning replaced them."""
        later = RegistrationWarning.objects.filter(
            therapist=OuterRef("therapist"),
            registration_expires=OuterRef("registration_expires"),
            stage__lt=OuterRef("stage"),
        )
        return (
            self.filter(therapist__registration_expires=F("registration_expires"))
            .exclude(Exists(later))
            .select_related("therapist__user")
            .order_by("registration_expires", "therapist__user__full_name")
        )


class RegistrationWarning(models.Model):
    """A warning that a therapist's HCPC registration is about to run out (or has), sent once
    to the therapist and the clinical leads. One row per registration date and stage."""

    class Stage(models.IntegerChoices):
        SIXTY_DAYS = 60, "60 days before"
        FOURTEEN_DAYS = 14, "14 days before"
        LAPSED = 0, "Lapsed"

    therapist = models.ForeignKey(
        Therapist, on_delete=models.CASCADE, related_name="registration_warnings"
    )
    registration_expires = models.DateField(help_text="The date the warning was about")
    stage = models.PositiveSmallIntegerField(choices=Stage.choices)
    warned_on = models.DateField(help_text="The day the warning was found due")
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="registration_warnings", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = RegistrationWarningQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["therapist", "registration_expires", "stage"],
                name="registration_warning_once_per_stage",
            )
        ]

    def __str__(self):
        return f"{self.therapist}: {self.get_stage_display()} {self.registration_expires}"

    def message_for(self, user, on=None):
        """What the recipient's dashboard says about this warning."""
        status = self.therapist.registration_status(on)
        own = self.therapist.user_id == user.pk
        whose = "Your" if own else f"{self.therapist}'s"
        if status.state == "lapsed":
            return (
                f"{whose} HCPC registration ran out on {_date_uk(self.registration_expires)}. "
                + ("You" if own else "They")
                + " cannot be given new clients until it is renewed."
            )
        return (
            f"{whose} HCPC registration runs out on {_date_uk(self.registration_expires)}, "
            f"{_in_days(status.days_left)}."
        )


# Every create, update and delete is recorded with its actor and address (django-auditlog).
from auditlog.registry import auditlog  # noqa: E402

auditlog.register(Therapist, m2m_fields={"sites"})
auditlog.register(WeeklyAvailability)
