"""Shared set-up for the offer and episode tests: a programme at a site, a therapist with a
weekly one-to-one time there, a group, and people waiting."""

from datetime import time, timedelta

from django.utils import timezone

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.delivery.tests.factories import GroupFactory
from tutti.organisations.tests.factories import SiteFactory
from tutti.people.tests.factories import PersonFactory
from tutti.programmes.tests.factories import ProgrammeFactory
from tutti.referrals.models import Status
from tutti.referrals.tests.factories import ReferralFactory
from tutti.workforce.models import WeeklyAvailability
from tutti.workforce.tests.factories import TherapistFactory


def coordinator():
    return UserFactory(roles=[Role.COORDINATOR])


def programme_at_a_site(**fields):
    site = SiteFactory()
    programme = ProgrammeFactory(**fields)
    programme.sites.add(site)
    return programme, site


def therapist_with_time(site, *, weekday=0, start=time(9), end=None, **fields):
    therapist = TherapistFactory(**fields)
    therapist.sites.add(site)
    slot = WeeklyAvailability.objects.create(
        therapist=therapist,
        site=site,
        weekday=weekday,
        start=start,
        end=end or time(start.hour + 1, start.minute),
    )
    return therapist, slot


def add_time(therapist, site, *, weekday, start):
    return WeeklyAvailability.objects.create(
        therapist=therapist,
        site=site,
        weekday=weekday,
        start=start,
        end=time(start.hour + 1, start.minute),
    )


def waiting(programme, *, weeks=3, person=None, status=Status.WAITING, **fields):
    since = timezone.now() - timedelta(weeks=weeks)
    return ReferralFactory(
        person=person or PersonFactory(),
        programme=programme,
        status=status,
        received_at=since - timedelta(days=3),
        waiting_since=since,
        **fields,
    )


def next_day(weekday, *, after=None, weeks=1):
    """The first `weekday` at least `weeks` weeks after `after` (today by default)."""
    start = (after or timezone.localdate()) + timedelta(weeks=weeks)
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def group_of(programme, site, *, capacity=6, **fields):
    return GroupFactory(
        programme=programme,
        site=site,
        capacity=capacity,
        starts_on=next_day(1, weeks=2),
        weekday=1,
        **fields,
    )
