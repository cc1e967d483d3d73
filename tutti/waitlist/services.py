from django.db import transaction

from tutti.waitlist.models import PriorityPolicy
from tutti.waitlist.priority import COMPONENTS


@transaction.atomic
def priority_policy_save(*, programme, weights: dict, actor) -> PriorityPolicy:
    """Set a programme's weights (django-auditlog records the change and who made it)."""
    policy, _ = PriorityPolicy.objects.select_for_update().get_or_create(programme=programme)
    for name in COMPONENTS:
        setattr(policy, name, weights[name])
    policy.updated_by = actor
    policy.full_clean()
    policy.save()
    return policy
