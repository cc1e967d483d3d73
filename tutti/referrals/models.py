import secrets

from django.conf import settings
from django.db import models

from tutti.core.vocab import Route

# No 0/O, 1/I/L: a reference is read out over the phone.
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference():
    body = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"R-{body[:4]}-{body[4:]}"


class Status(models.TextChoices):
    RECEIVED = "received", "Received"
    INFO_REQUESTED = "info_requested", "More information asked for"
    WAITING = "waiting", "On the waiting list"
    DECLINED = "declined", "Declined"
    SIGNPOSTED = "signposted", "Signposted elsewhere"
    OFFERED = "offered", "Offered a place"
    ACTIVE = "active", "In therapy"
    COMPLETED = "completed", "Completed"
    WITHDRAWN = "withdrawn", "Withdrawn"


# The referral journey. Any move not listed here is refused.
TRANSITIONS = {
    Status.RECEIVED: {Status.INFO_REQUESTED, Status.WAITING, Status.DECLINED,
                      Status.SIGNPOSTED, Status.WITHDRAWN},
    Status.INFO_REQUESTED: {Status.RECEIVED, Status.WAITING, Status.DECLINED,
                            Status.SIGNPOSTED, Status.WITHDRAWN},
    Status.WAITING: {Status.OFFERED, Status.SIGNPOSTED, Status.WITHDRAWN},
    Status.OFFERED: {Status.ACTIVE, Status.WAITING, Status.WITHDRAWN},
    Status.ACTIVE: {Status.COMPLETED, Status.WITHDRAWN},
    Status.DECLINED: set(),
    Status.SIGNPOSTED: set(),
    Status.COMPLETED: set(),
    Status.WITHDRAWN: set(),
}
OPEN_STATUSES = {Status.RECEIVED, Status.INFO_REQUESTED, Status.WAITING, Status.OFFERED, Status.ACTIVE}


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    SOON = "soon", "Soon"
    URGENT = "urgent", "Urgent"


class Referral(models.Model):
    """One request for music therapy for one person. Its status changes are ReferralEvents."""

    reference = models.CharField(max_length=11, unique=True, default=new_reference, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="referrals")
    programme = models.ForeignKey(
        "programmes.Programme", null=True, blank=True, on_delete=models.PROTECT,
        related_name="referrals",
    )
    site = models.ForeignKey(
        "organisations.Site", null=True, blank=True, on_delete=models.PROTECT,
        related_name="referrals", help_text="Where the person would be seen, if known",
    )
    route = models.CharField(max_length=20, choices=Route.choices)
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_email = models.EmailField(blank=True)
    referrer_phone = models.CharField(max_length=30, blank=True)
    referrer_organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT,
        related_name="referrals_made",
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="referrals_made", help_text="The signed-in referrer, if any",
    )
    reason = models.TextField(blank=True)
    needs = models.JSONField(default=list, blank=True)
    circumstances = models.JSONField(default=list, blank=True)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    risks = models.TextField(blank=True, help_text="Risks and safeguarding concerns")
    lives_alone = models.BooleanField(null=True, blank=True)
    no_regular_social_contact = models.BooleanField(null=True, blank=True)
    no_other_support = models.BooleanField(
        null=True, blank=True, help_text="No other service or support is involved"
    )
    other_services = models.TextField(blank=True)
    consent_to_refer = models.BooleanField(default=False)
    therapist = models.ForeignKey(
        "workforce.Therapist", null=True, blank=True, on_delete=models.PROTECT,
        related_name="referrals", help_text="The therapist the person is offered or seeing",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    received_at = models.DateTimeField()
    status_changed_at = models.DateTimeField()
    # Waits run from this date; an offer declined keeps it (see the delivery rules).
    waiting_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["status", "programme"]),
            models.Index(fields=["received_at"]),
        ]

    def __str__(self):
        return self.reference

    def can_move_to(self, status):
        return status in TRANSITIONS[Status(self.status)]


class ReferralEvent(models.Model):
    """A timestamped status change: waits are computed from these, never typed in."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=20, choices=Status.choices)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    signposted_to = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.referral} {self.status} {self.at:%Y-%m-%d}"


# Every create, update and delete is recorded with its actor and address (django-auditlog).
from auditlog.registry import auditlog  # noqa: E402

for _model in (Referral, ReferralEvent,):
    auditlog.register(_model)
