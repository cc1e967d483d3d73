from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models

from tutti.accounts.roles import ROLE_ORDER, Role


class User(AbstractUser):
    """A person who signs in: staff, partner staff, referrers and commissioners.

    The people who receive music therapy are `people.Person` records, not users.
    """

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    job_title = models.CharField(max_length=150, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text="Required for partner staff and referrers: the organisation they work for.",
    )

    REQUIRED_FIELDS = ["email"]

    @cached_property
    def roles(self):
        names = set(self.groups.values_list("name", flat=True))
        return [role for role in ROLE_ORDER if role.value in names]

    def has_role(self, *roles):
        return any(role in self.roles for role in roles)

    @property
    def role(self):
        return self.roles[0] if self.roles else None

    @property
    def role_label(self):
        return self.role.label if self.role else "No role"

    @property
    def display_name(self):
        return self.full_name or self.get_username()

    def __str__(self):
        return self.display_name


__all__ = ["User", "Role"]

from auditlog.registry import auditlog  # noqa: E402

auditlog.register(User, exclude_fields=["password", "last_login"], m2m_fields={"groups"})


class ApiToken(models.Model):
    """A bearer token for a partner system. Only a hash is stored; the token is shown once."""

    class Scope(models.TextChoices):
        REFERRALS_CREATE = "referrals:create", "Send referrals"
        REFERRALS_READ_OWN = "referrals:read-own", "Read the referrals it sent"
        FHIR_WRITE = "fhir:write", "Send FHIR referrals"

    name = models.CharField(max_length=100, unique=True)
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    hashed_secret = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(default=list)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        help_text="The organisation whose system uses the token",
    )
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API token"

    def __str__(self):
        return self.name

    @property
    def is_active(self):
        return self.revoked_at is None

    def has_scope(self, scope):
        return self.is_active and scope in self.scopes


auditlog.register(ApiToken, exclude_fields=["hashed_secret", "last_used_at"])


class ApiCall(models.Model):
    """One call to the JSON or FHIR API: which token, what was asked, how it was answered.

    Nothing personal: the path is kept without its query string (where the public eligibility
    check carries a date of birth and postcode), and no body, address or name is kept.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    token = models.ForeignKey(
        ApiToken, null=True, blank=True, on_delete=models.PROTECT, related_name="calls"
    )
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300, help_text="Path without query string")
    status = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = "API call"
        ordering = ["-at"]
        indexes = [models.Index(fields=["token", "at"])]

    def __str__(self):
        return f"{self.method} {self.path} {self.status}"
