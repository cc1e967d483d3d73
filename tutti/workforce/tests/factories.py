from datetime import date, timedelta

import factory

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.workforce.models import Therapist


class TherapistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Therapist

    user = factory.SubFactory(UserFactory, roles=[Role.THERAPIST])
    hcpc_number = factory.Sequence(lambda n: f"MT{10000 + n}")
    registration_expires = factory.LazyFunction(lambda: date.today() + timedelta(days=365))
    weekly_capacity = 10
