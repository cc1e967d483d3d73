from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

_WEIGHT = [
    MinValueValidator(0, message="The weight must be 0 or more"),
    MaxValueValidator(100, message="The weight must be 100 or less"),
]


class PriorityPolicy(models.Model):
    """How a programme's waiting list is ordered: a weight for each component of need.

    The components and their scales are in `tutti.waitlist.priority`; the weights are the
    service manager's to set. Every change is audited.
    """

    programme = models.OneToOneField(
        "programmes.Programme", on_delete=models.CASCADE, related_name="priority_policy"
    )
    urgency = models.DecimalField(max_digits=5, decimal_places=2, default=3, validators=_WEIGHT)
    isolation = models.DecimalField(max_digits=5, decimal_places=2, default=2, validators=_WEIGHT)
    no_other_support = models.DecimalField(
        max_digits=5, decimal_places=2, default=2, validators=_WEIGHT
    )
    deprivation = models.DecimalField(max_digits=5, decimal_places=2, default=3, validators=_WEIGHT)
    priority_circumstances = models.DecimalField(
        max_digits=5, decimal_places=2, default=2, validators=_WEIGHT
    )
    waiting = models.DecimalField(
        "time waited (per 4 weeks)",
        max_digits=5,
        decimal_places=2,
        default=1,
        validators=_WEIGHT,
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "priority policies"

    def __str__(self):
        return f"Priority policy for {self.programme}"


from auditlog.registry import auditlog  # noqa: E402

auditlog.register(PriorityPolicy)
