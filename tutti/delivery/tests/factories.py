from datetime import datetime, time, timedelta

import factory
from django.utils import timezone

from tutti.delivery.models import (
    Attendance,
    Episode,
    Group,
    GroupMembership,
    Offer,
    Room,
    Session,
)
from tutti.organisations.tests.factories import SiteFactory
from tutti.programmes.tests.factories import ProgrammeFactory
from tutti.referrals.models import Status
from tutti.referrals.tests.factories import ReferralFactory
from tutti.workforce.tests.factories import TherapistFactory


def at(day, hour=10, minute=0):
    """An aware datetime on a day at a local time."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"Music room {n}")


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    referral = factory.SubFactory(ReferralFactory, status=Status.OFFERED)
    kind = Offer.Kind.INDIVIDUAL
    therapist = factory.SubFactory(TherapistFactory)


class EpisodeFactory(factory.django.DjangoModelFactory):
    """An active episode for a referral that is in therapy."""

    class Meta:
        model = Episode
        skip_postgeneration_save = True

    referral = factory.SubFactory(ReferralFactory, status=Status.ACTIVE)
    person = factory.LazyAttribute(lambda e: e.referral.person)
    programme = factory.SubFactory(ProgrammeFactory)
    planned_sessions = 12
    start_date = factory.LazyFunction(lambda: timezone.localdate())
    goals = factory.LazyFunction(lambda: ["To join in with others"])

    @factory.post_generation
    def therapists(self, create, extracted, **kwargs):
        if create:
            self.therapists.set(extracted if extracted is not None else [TherapistFactory()])


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Tuesday music group {n}")
    site = factory.SubFactory(SiteFactory)
    weekday = 1
    start_time = time(16, 0)
    minutes = 60
    capacity = 6
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))
    planned_sessions = 12

    @factory.post_generation
    def therapists(self, create, extracted, **kwargs):
        if create:
            self.therapists.set(extracted if extracted is not None else [TherapistFactory()])


class GroupMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMembership

    group = factory.SubFactory(GroupFactory)
    episode = factory.SubFactory(
        EpisodeFactory, programme=factory.SelfAttribute("..group.programme")
    )
    joined_on = factory.LazyFunction(lambda: timezone.localdate())


class SessionFactory(factory.django.DjangoModelFactory):
    """An individual session a week from now, with the episode's therapists."""

    class Meta:
        model = Session
        skip_postgeneration_save = True

    kind = Session.Kind.INDIVIDUAL
    episode = factory.SubFactory(EpisodeFactory)
    programme = factory.LazyAttribute(lambda s: s.episode.programme if s.episode else None)
    site = factory.SubFactory(SiteFactory)
    starts_at = factory.LazyFunction(lambda: at(timezone.localdate() + timedelta(days=7)))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + timedelta(minutes=45))

    @factory.post_generation
    def therapists(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is not None:
            self.therapists.set(extracted)
        elif self.episode is not None:
            self.therapists.set(self.episode.therapists.all())
        elif self.group is not None:
            self.therapists.set(self.group.therapists.all())
        else:
            self.therapists.set([TherapistFactory()])


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    session = factory.SubFactory(SessionFactory)
    episode = factory.LazyAttribute(lambda a: a.session.episode)
