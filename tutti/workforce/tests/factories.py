from datetime import date, datetime, time, timedelta

import factory
from django.utils import timezone

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.organisations.tests.factories import SiteFactory
from tutti.workforce.models import (
    Cohort,
    CohortSession,
    Course,
    Participant,
    ParticipantRole,
    SupervisionRecord,
    Therapist,
)


class TherapistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Therapist

    user = factory.SubFactory(UserFactory, roles=[Role.THERAPIST])
    hcpc_number = factory.Sequence(lambda n: f"MT{10000 + n}")
    registration_expires = factory.LazyFunction(lambda: date.today() + timedelta(days=365))
    weekly_capacity = 10


class TraineeFactory(TherapistFactory):
    hcpc_number = ""
    registration_expires = None
    is_trainee = True
    supervisor = factory.SubFactory(TherapistFactory)


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"Music for communication {n}")
    summary = "Simple ways to use songs to help pupils join in."


class CohortFactory(factory.django.DjangoModelFactory):
    """A cohort with one session a fortnight from now, so it is open for sign-up."""

    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    course = factory.SubFactory(CourseFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")
    venue = factory.SubFactory(SiteFactory)
    capacity = 2

    @factory.post_generation
    def sessions(self, create, extracted, **kwargs):
        days = extracted if extracted is not None else [14]
        for offset in days:
            CohortSession.objects.create(
                cohort=self,
                date=date.today() + timedelta(days=offset),
                starts=time(16, 0),
                ends=time(17, 30),
            )


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    cohort = factory.SubFactory(CohortFactory)
    name = factory.Sequence(lambda n: f"Course Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.com")
    role = ParticipantRole.TEACHER
    status = Participant.Status.PLACE
    signed_up_at = factory.LazyFunction(timezone.now)
    place_given_at = factory.LazyAttribute(lambda p: p.signed_up_at)


def supervision_given(supervisor, supervisees, held_on, *, kind=None):
    record = SupervisionRecord.objects.create(
        supervisor=supervisor,
        held_on=held_on,
        minutes=60,
        kind=kind or ("individual" if len(supervisees) == 1 else "group"),
        topics="Managing a full caseload.",
    )
    record.supervisees.set(supervisees)
    return record


def aware(day, hour=12):
    return timezone.make_aware(datetime.combine(day, time(hour)))
