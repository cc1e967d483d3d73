from datetime import datetime, time

import factory
from django.utils import timezone

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.outcomes import services
from tutti.outcomes.models import Measure, Occasion, Response, ResponseStatus
from tutti.people.tests.factories import PersonFactory
from tutti.referrals.models import Status
from tutti.referrals.tests.factories import ReferralFactory
from tutti.workforce.tests.factories import TherapistFactory


def measure(code):
    return Measure.objects.get(code=code)


class ResponseFactory(factory.django.DjangoModelFactory):
    """A planned (due) response. Complete one with `completed()`, through the service."""

    class Meta:
        model = Response

    measure = factory.LazyFunction(lambda: measure("swemwbs"))
    person = factory.SubFactory(PersonFactory)
    occasion = Occasion.BASELINE
    status = ResponseStatus.DUE
    due_on = factory.LazyFunction(timezone.localdate)


def caseload(therapist_user=None, **referral):
    """A person on a therapist's caseload (an active referral with them)."""
    therapist = TherapistFactory(user=therapist_user) if therapist_user else TherapistFactory()
    made = ReferralFactory(therapist=therapist, status=Status.ACTIVE, **referral)
    return made.person, made, therapist.user


def completed(
    code,
    answers,
    *,
    person,
    referral=None,
    occasion=Occasion.BASELINE,
    on=None,
    actor=None,
    goals=None,
    answered_by="person",
    allow_unscored=False,
):
    """A response entered by a therapist, scored by the service, completed on the day `on`."""
    actor = actor or UserFactory(roles=[Role.THERAPIST])
    response = services.response_plan(
        measure=measure(code),
        occasion=occasion,
        person=person,
        referral=referral,
        actor=actor,
        goals=goals,
    )
    done = services.response_record(
        response=response,
        answers=answers,
        answered_by=answered_by,
        actor=actor,
        goals=goals,
        allow_unscored=allow_unscored,
        proxy_relationship="mum" if answered_by == "proxy" else "",
    )
    if on is not None:
        Response.objects.filter(pk=done.pk).update(
            completed_at=timezone.make_aware(datetime.combine(on, time(11, 0)))
        )
        done.refresh_from_db()
    return done
