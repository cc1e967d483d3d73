import factory
from django.utils import timezone

from tutti.core.vocab import Route
from tutti.people.tests.factories import PersonFactory
from tutti.referrals.models import Referral, Status


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral in any status. Use the services to move one; this sets state directly."""

    class Meta:
        model = Referral

    person = factory.SubFactory(PersonFactory)
    route = Route.GP
    status = Status.RECEIVED
    consent_to_refer = True
    received_at = factory.LazyFunction(timezone.now)
    status_changed_at = factory.LazyAttribute(lambda r: r.received_at)
