"""Shared set-up for the allocation tests: a programme at one site, people waiting, and
therapists with weekly one-to-one slots there."""

from datetime import time, timedelta

from django.utils import timezone

from tutti.organisations.tests.factories import SiteFactory
from tutti.people.tests.factories import PersonFactory
from tutti.programmes.tests.factories import ProgrammeFactory
from tutti.referrals.models import Status
from tutti.referrals.tests.factories import ReferralFactory
from tutti.workforce.models import WeeklyAvailability
from tutti.workforce.tests.factories import TherapistFactory


def programme_at_a_site(code="SONG"):
    site = SiteFactory()
    programme = ProgrammeFactory(code=code)
    programme.sites.add(site)
    return programme, site


def therapist_with_slots(site, slots, *, weekly_capacity=10, **fields):
    therapist = TherapistFactory(weekly_capacity=weekly_capacity, **fields)
    therapist.sites.add(site)
    for n in range(slots):
        WeeklyAvailability.objects.create(
            therapist=therapist,
            site=site,
            weekday=n % 5,
            start=time(9 + n // 5),
            end=time(10 + n // 5),
        )
    return therapist


def waiting(programme, weeks=1, *, decile=5, language="English", **fields):
    quintile = (decile + 1) // 2 if decile else None
    person = PersonFactory(imd_decile=decile, imd_quintile=quintile, preferred_language=language)
    since = timezone.now() - timedelta(weeks=weeks)
    return ReferralFactory(
        person=person,
        programme=programme,
        status=Status.WAITING,
        received_at=since,
        waiting_since=since,
        **fields,
    )
