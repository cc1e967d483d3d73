"""What the seeded demo shows of groups, events and blocks (the issue's "done when")."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from tutti.delivery.models import Attendance, ClosureDate, Group, Session
from tutti.delivery.services.calendar import ClosedDays


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", people=60, seed=7, verbosity=0, stdout=StringIO())
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def test_the_camden_group_has_its_12_sessions_around_a_closure():
    group = Group.objects.get(name="Camden Young Voices: Tuesday evening group")
    sessions = list(group.sessions.all())
    assert len(sessions) == 12
    days = [timezone.localdate(s.starts_at) for s in sessions]
    closure = ClosureDate.objects.get(site=group.site)
    assert closure.date not in days
    assert days[0] == group.starts_on and closure.date > group.starts_on
    closed = ClosedDays(group.site, days[0], days[-1])
    assert not any(closed.reason(day) for day in days)
    assert [s.number for s in sessions] == list(range(1, 13))


def test_the_group_has_members_expected_at_every_session():
    group = Group.objects.get(name="Camden Young Voices: Tuesday evening group")
    members = group.memberships.current()
    assert 1 <= members.count() <= group.capacity
    for membership in members:
        assert (
            Attendance.objects.filter(episode=membership.episode, session__group=group).count()
            == 12
        )
        assert membership.episode.offer.status == "accepted"


def test_a_choir_performance_has_a_headcount_and_an_event_is_to_come():
    events = Session.objects.filter(kind=Session.Kind.COMMUNITY)
    past = events.get(starts_at__lt=timezone.now())
    assert past.headcount and not past.attendances.exists()
    assert events.filter(starts_at__gt=timezone.now(), headcount=None).exists()


def test_individual_blocks_are_booked_in_the_therapists_time():
    blocks = Session.objects.filter(kind=Session.Kind.INDIVIDUAL).values("episode").distinct()
    assert blocks.count() >= 1
    episode_sessions = Session.objects.filter(episode=blocks[0]["episode"])
    assert episode_sessions.count() == episode_sessions.first().episode.planned_sessions
