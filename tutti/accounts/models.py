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
