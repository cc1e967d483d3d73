import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from tutti.core.vocab import Route

# No 0/O, 1/I/L: a reference is read out over the phone.
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference():
    """R-XXXX-XXXX from a cryptographic source: 8 of the 31 characters, each equally likely
    (bytes of 248 and over are skipped, as 248 = 8 × 31), from one read of the source."""
    body = ""
    while len(body) < 8:
        body += "".join(_REFERENCE_ALPHABET[b % 31] for b in secrets.token_bytes(16) if b < 248)
    return f"R-{body[:4]}-{body[4:8]}"


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
    Status.RECEIVED: {
        Status.INFO_REQUESTED,
        Status.WAITING,
        Status.DECLINED,
        Status.SIGNPOSTED,
        Status.WITHDRAWN,
    },
    Status.INFO_REQUESTED: {
        Status.RECEIVED,
        Status.WAITING,
        Status.DECLINED,
        Status.SIGNPOSTED,
        Status.WITHDRAWN,
    },
    Status.WAITING: {Status.OFFERED, Status.SIGNPOSTED, Status.WITHDRAWN},
    Status.OFFERED: {Status.ACTIVE, Status.WAITING, Status.WITHDRAWN},
    Status.ACTIVE: {Status.COMPLETED, Status.WITHDRAWN},
    Status.DECLINED: set(),
    Status.SIGNPOSTED: set(),
    Status.COMPLETED: set(),
    Status.WITHDRAWN: set(),
}
OPEN_STATUSES = {
    Status.RECEIVED,
    Status.INFO_REQUESTED,
    Status.WAITING,
    Status.OFFERED,
    Status.ACTIVE,
}


class ReferrerRelationship(models.TextChoices):
    SELF = "self", "The person themselves"
    PARENT = "parent", "Parent"
    CARER = "carer", "Carer"
    FAMILY = "family", "Other family member"
    PROFESSIONAL = "professional", "Professional"


class Channel(models.TextChoices):
    """How the referral reached us."""

    PUBLIC_FORM = "public", "Public form"
    PORTAL = "portal", "Referrer portal"
    STAFF = "staff", "Entered by staff"
    CSV = "csv", "File import"
    API = "api", "JSON API"
    FHIR = "fhir", "FHIR API"


class PersonMatch(models.TextChoices):
    NEW = "new", "New person"
    NHS_NUMBER = "nhs_number", "Same NHS number as someone known"
    NAME_DOB_POSTCODE = (
        "name_dob_postcode",
        "Same name, date of birth and postcode as someone known",
    )


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    SOON = "soon", "Soon"
    URGENT = "urgent", "Urgent"


class Referral(models.Model):
    """One request for music therapy for one person. Its status changes are ReferralEvents."""

    reference = models.CharField(max_length=11, unique=True, default=new_reference, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="referrals")
    programme = models.ForeignKey(
        "programmes.Programme",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    site = models.ForeignKey(
        "organisations.Site",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
        help_text="Where the person would be seen, if known",
    )
    route = models.CharField(max_length=20, choices=Route.choices)
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_email = models.EmailField(blank=True)
    referrer_phone = models.CharField(max_length=30, blank=True)
    referrer_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals_made",
    )
    referrer_organisation_name = models.CharField(
        max_length=200, blank=True, help_text="As the referrer gave it"
    )
    referrer_role = models.CharField(max_length=100, blank=True, help_text="e.g. GP, SENCO")
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals_made",
        help_text="The signed-in referrer, if any",
    )
    reason = models.TextField(blank=True)
    needs = models.JSONField(default=list, blank=True)
    circumstances = models.JSONField(default=list, blank=True)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    risks = models.TextField(blank=True, help_text="Risks and safeguarding concerns")
    safeguarding_concern = models.BooleanField(
        default=False,
        help_text="The referrer raised a safeguarding concern that needs attention now",
    )
    lives_alone = models.BooleanField(null=True, blank=True)
    no_regular_social_contact = models.BooleanField(null=True, blank=True)
    no_other_support = models.BooleanField(
        null=True, blank=True, help_text="No other service or support is involved"
    )
    other_services = models.TextField(blank=True)
    consent_to_refer = models.BooleanField(default=False)
    # Why a coordinator should look at this referral before acting on it, e.g. the public
    # form's spam trap was filled in. Such a referral is kept, never discarded.
    needs_review_reason = models.TextField(blank=True)
    referrer_relationship = models.CharField(
        max_length=20,
        choices=ReferrerRelationship.choices,
        blank=True,
        help_text="For self and family referrals: who filled in the form",
    )
    gp_practice_code = models.CharField("GP practice ODS code", max_length=6, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.STAFF)
    # What the referrer told us about the person, kept as sent. When the person was matched to
    # someone already known, the coordinator compares this with the record before confirming.
    submitted_person = models.JSONField(default=dict, blank=True)
    person_match = models.CharField(
        max_length=20,
        choices=PersonMatch.choices,
        default=PersonMatch.NEW,
        help_text="How the referral was linked to an existing person, if it was",
    )
    person_match_confirmed_at = models.DateTimeField(null=True, blank=True)
    person_match_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who confirmed the match, or said it was someone else",
    )
    # A partner system's token and its Idempotency-Key: a retry returns the same referral.
    api_token = models.ForeignKey(
        "accounts.ApiToken", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.CharField(max_length=100, blank=True)
    submitted_body_hash = models.CharField(max_length=64, blank=True)
    # Eligibility for the programme asked for, as checked when the referral arrived.
    eligible = models.BooleanField(null=True, blank=True)
    eligibility_reasons = models.JSONField(default=list, blank=True)
    therapist = models.ForeignKey(
        "workforce.Therapist",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
        help_text="The therapist the person is offered or seeing",
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
        constraints = [
            models.UniqueConstraint(
                fields=["api_token", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="referral_idempotency_key_unique_per_token",
            )
        ]
        indexes = [
            models.Index(fields=["status", "programme"]),
            models.Index(fields=["received_at"]),
        ]

    def __str__(self):
        return self.reference

    @property
    def needs_match_confirmed(self):
        return self.person_match != PersonMatch.NEW and self.person_match_confirmed_at is None

    def can_move_to(self, status):
        return status in TRANSITIONS[Status(self.status)]


class ReferralImport(models.Model):
    """A CSV file of referrals uploaded by a coordinator, and how its import went.

    The file is personal data: it is kept here (never under static or media files) only until
    the import finishes. The report keeps line numbers, columns and reasons, never values.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        CHECKING = "checking", "Checking rows"
        SAVING = "saving", "Saving referrals"
        IMPORTED = "imported", "Imported"
        REJECTED = "rejected", "Not imported: the file has problems"
        FAILED = "failed", "Not imported: something went wrong"

    file_name = models.CharField(max_length=255)
    file_data = models.BinaryField(blank=True, help_text="The upload; emptied when finished")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_checked = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    people_matched = models.PositiveIntegerField(
        default=0,
        help_text="Referrals linked to someone already known, for a coordinator to confirm",
    )
    problem = models.TextField(blank=True, help_text="Why the whole file was refused")
    row_problems = models.JSONField(
        default=list, blank=True, help_text='[{"line": 7, "field": "postcode", "message": "…"}]'
    )
    referral_ids = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Referral import {self.pk}"

    @property
    def finished(self):
        return self.status in {self.Status.IMPORTED, self.Status.REJECTED, self.Status.FAILED}


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


class PendingReferral(models.Model):
    """A professional referral from the public form, held until the referrer opens the
    one-time link we email them. Only the SHA-256 of the link's token is stored."""

    data = models.JSONField(default=dict, help_text="The form as submitted; emptied once used")
    referrer_email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    verified_at = models.DateTimeField(null=True, blank=True)
    referral = models.OneToOneField(
        Referral, null=True, blank=True, on_delete=models.SET_NULL, related_name="pending"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["referrer_email", "created_at"])]

    def __str__(self):
        return f"Pending referral {self.pk}"

    def is_expired(self, now=None):
        return (now or timezone.now()) >= self.expires_at


# Every create, update and delete is recorded with its actor and address (django-auditlog).
from auditlog.registry import auditlog  # noqa: E402

# "pending" is the reverse side of PendingReferral.referral: logging it costs a query a save.
auditlog.register(Referral, exclude_fields=["pending"])
auditlog.register(ReferralEvent)
# What the referrer typed stays out of the log: it is emptied once the referral is made.
auditlog.register(PendingReferral, exclude_fields=["data", "token_hash"])
