from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Room(models.Model):
    """A room at a site. A room holds one session at a time."""

    site = models.ForeignKey(
        "organisations.Site", on_delete=models.PROTECT, related_name="rooms_set"
    )
    name = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["site", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="room_name_unique_per_site")
        ]

    def __str__(self):
        return f"{self.name}, {self.site}"


class ClosureDate(models.Model):
    """A day the service (or one site) is closed, beyond public holidays: no sessions then."""

    date = models.DateField()
    site = models.ForeignKey(
        "organisations.Site",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="closures",
        help_text="Leave empty when every site is closed",
    )
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["date", "site"], name="one_closure_per_site_per_day")
        ]

    def __str__(self):
        return f"{self.date:%d %B %Y}: {self.reason}"


class Group(models.Model):
    """A music therapy group that meets weekly at one site for a block of sessions."""

    class Status(models.TextChoices):
        FORMING = "forming", "Taking members"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="groups"
    )
    name = models.CharField(max_length=200)
    site = models.ForeignKey("organisations.Site", on_delete=models.PROTECT, related_name="groups")
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.PROTECT, related_name="groups"
    )
    therapists = models.ManyToManyField("workforce.Therapist", related_name="groups")
    weekday = models.PositiveSmallIntegerField(
        choices=[
            (0, "Monday"),
            (1, "Tuesday"),
            (2, "Wednesday"),
            (3, "Thursday"),
            (4, "Friday"),
            (5, "Saturday"),
            (6, "Sunday"),
        ]
    )
    start_time = models.TimeField()
    minutes = models.PositiveSmallIntegerField(
        "session length in minutes", validators=[MinValueValidator(10), MaxValueValidator(240)]
    )
    capacity = models.PositiveSmallIntegerField(
        "places", validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    min_age = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    max_age = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    starts_on = models.DateField("first session")
    planned_sessions = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.FORMING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["programme", "weekday", "start_time"]

    def clean(self):
        errors = {}
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            errors["max_age"] = "The oldest age must be the same as or more than the youngest age."
        if self.room_id and self.site_id and self.room.site_id != self.site_id:
            errors["room"] = f"{self.room.name} is not at {self.site}. Choose a room at the site."
        if errors:
            raise ValidationError(errors)

    def __str__(self):
        return self.name

    @property
    def age_band(self):
        if self.min_age is None and self.max_age is None:
            return "any age"
        if self.max_age is None:
            return f"{self.min_age} and over"
        if self.min_age is None:
            return f"up to {self.max_age}"
        return f"{self.min_age} to {self.max_age}"

    def takes_age(self, age):
        """Whether someone of this age is within the group's age band."""
        too_young = self.min_age is not None and age < self.min_age
        return not too_young and (self.max_age is None or age <= self.max_age)


class GroupMembershipQuerySet(models.QuerySet):
    def current(self, on=None):
        """Members who have joined and not left (on a day, if given)."""
        if on is None:
            return self.filter(left_on__isnull=True)
        return self.filter(joined_on__lte=on).filter(
            models.Q(left_on__isnull=True) | models.Q(left_on__gt=on)
        )


class GroupMembership(models.Model):
    """A person's place in a group, through their episode of care."""

    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="memberships")
    episode = models.ForeignKey(
        "delivery.Episode", on_delete=models.PROTECT, related_name="memberships"
    )
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    left_reason = models.CharField(max_length=200, blank=True)

    objects = GroupMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["joined_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "episode"],
                condition=models.Q(left_on__isnull=True),
                name="one_current_membership_per_episode_per_group",
            )
        ]

    def clean(self):
        if self.left_on and self.joined_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": "The leaving date must be on or after joining."})

    def __str__(self):
        return f"{self.episode} in {self.group}"
