"""The caseload page: a therapist's active episodes, their sessions this month, the next
session and the outcome measures due."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from markupsafe import escape

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.core.models import AccessEvent
from tutti.delivery.models import Attendance, Episode, Session
from tutti.delivery.tests.factories import (
    AttendanceFactory,
    EpisodeFactory,
    GroupFactory,
    SessionFactory,
    at,
)
from tutti.outcomes.models import ResponseStatus
from tutti.outcomes.tests.factories import ResponseFactory
from tutti.referrals.models import Status
from tutti.referrals.tests.factories import ReferralFactory
from tutti.workforce.caseload import caseload_episodes, month_of, therapist_sessions_this_month
from tutti.workforce.tests.factories import TherapistFactory, TraineeFactory

pytestmark = pytest.mark.django_db

MAY_15 = date(2030, 5, 15)


@pytest.fixture
def today():
    return timezone.localdate()


def booked(episode, day, hour=10, status=Attendance.Status.EXPECTED, **session):
    """A session on `day` with `episode` booked into it."""
    if episode.group_id:
        session.setdefault("kind", Session.Kind.GROUP)
        session.setdefault("group", episode.group)
        session.setdefault("episode", None)
    else:
        session.setdefault("episode", episode)
    made = SessionFactory(programme=episode.programme, starts_at=at(day, hour), **session)
    AttendanceFactory(session=made, episode=episode, status=status)
    return made


@pytest.fixture
def caseload():
    me = TherapistFactory()
    someone_else = TherapistFactory()
    alone = EpisodeFactory(therapists=[me], referral__person__given_name="Ada")
    group = GroupFactory(therapists=[me, someone_else])
    member = EpisodeFactory(
        therapists=[], group=group, programme=group.programme, referral__person__given_name="Bea"
    )
    others = EpisodeFactory(therapists=[someone_else], referral__person__given_name="Cal")
    ended = EpisodeFactory(
        therapists=[me],
        referral__person__given_name="Dee",
        status=Episode.Status.ENDED,
        ended_on=MAY_15 - timedelta(days=30),
    )
    return {"me": me, "alone": alone, "member": member, "others": others, "ended": ended}


def test_the_caseload_counts_this_months_sessions_and_finds_the_next_one(caseload):
    me, alone, member = caseload["me"], caseload["alone"], caseload["member"]
    booked(alone, date(2030, 4, 30))  # last month
    booked(alone, date(2030, 5, 8), status=Attendance.Status.ATTENDED)
    cancelled = booked(alone, date(2030, 5, 14))
    Session.objects.filter(pk=cancelled.pk).update(status=Session.Status.CANCELLED)
    booked(alone, date(2030, 5, 20), status=Attendance.Status.CANCELLED_BY_CLIENT)
    next_one = booked(alone, date(2030, 5, 22))
    booked(alone, date(2030, 6, 5))
    group_session = booked(member, date(2030, 5, 16), hour=16)
    booked(caseload["others"], date(2030, 5, 16), hour=11)

    now = at(MAY_15, 12)
    rows = {e.person.given_name: e for e in caseload_episodes(me.user, me, now=now)}

    assert set(rows) == {"Ada", "Bea"}  # not another therapist's client, not an ended episode
    ada, bea = rows["Ada"], rows["Bea"]
    # 8, 20 and 22 May: the cancelled session does not count, the one they cancelled does.
    assert (ada.sessions_this_month, ada.attended_this_month) == (3, 1)
    # Their next session is the one they are expected at, not the one they cancelled.
    assert (ada.next_session_id, ada.next_session_at) == (next_one.pk, next_one.starts_at)
    assert (bea.sessions_this_month, bea.next_session_id) == (1, group_session.pk)

    month = therapist_sessions_this_month(me, now=now)
    assert (month.total, month.to_come) == (4, 3)  # 8, 16, 20, 22 May


def test_measures_due_are_those_still_open_for_the_episode(caseload):
    me, alone, member = caseload["me"], caseload["alone"], caseload["member"]
    ResponseFactory(person=alone.person, referral=alone.referral, due_on=date(2030, 5, 10))
    ResponseFactory(
        person=alone.person,
        referral=alone.referral,
        due_on=date(2030, 6, 1),
        status=ResponseStatus.IN_PROGRESS,
    )
    for status in (ResponseStatus.COMPLETED, ResponseStatus.CANCELLED):
        ResponseFactory(person=alone.person, referral=alone.referral, status=status)
    # Due for the same person, but for an earlier referral: not this episode's.
    earlier = ReferralFactory(person=alone.person, status=Status.COMPLETED)
    ResponseFactory(person=alone.person, referral=earlier)
    # Due for the person with no referral: counted with their episode.
    ResponseFactory(person=member.person, referral=None, due_on=date(2030, 6, 3))
    ResponseFactory(person=caseload["others"].person, referral=caseload["others"].referral)

    rows = {e.person.given_name: e for e in caseload_episodes(me.user, me, now=at(MAY_15, 12))}

    ada, bea = rows["Ada"], rows["Bea"]
    assert (ada.measures_due, ada.measures_overdue, ada.next_measure_due_on) == (
        2,
        1,
        date(2030, 5, 10),
    )
    assert (bea.measures_due, bea.measures_overdue, bea.next_measure_due_on) == (
        1,
        0,
        date(2030, 6, 3),
    )


def test_a_clinical_leads_caseload_is_their_own_not_their_supervisees():
    lead = TherapistFactory(user=UserFactory(roles=[Role.SUPERVISOR, Role.THERAPIST]))
    trainee = TraineeFactory(supervisor=lead)
    EpisodeFactory(therapists=[trainee])
    mine = EpisodeFactory(therapists=[lead])
    assert list(caseload_episodes(lead.user, lead)) == [mine]


def test_the_month_runs_from_the_first_to_the_first_of_the_next():
    start, end = month_of(date(2030, 12, 31))
    assert (start.date(), end.date()) == (date(2030, 12, 1), date(2031, 1, 1))


# The page


def _page(client, user):
    client.force_login(user)
    response = client.get(reverse("workforce:caseload"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_each_person_with_their_sessions_and_measures_and_audits_it(
    client, caseload, today
):
    me, alone = caseload["me"], caseload["alone"]
    coming = booked(alone, today + timedelta(days=40))
    ResponseFactory(person=alone.person, referral=alone.referral, due_on=today - timedelta(days=1))
    offered = ReferralFactory(therapist=me, status=Status.OFFERED, person__given_name="Eve")

    page = _page(client, me.user)

    assert (
        escape(alone.person.full_name) in page
        and escape(caseload["member"].person.full_name) in page
    )
    assert "Cal " not in page and "Dee " not in page
    assert reverse("delivery:episode_detail", kwargs={"pk": alone.pk}) in page
    assert reverse("delivery:session", kwargs={"pk": coming.pk}) in page
    assert "None booked" in page  # the group member has no session yet
    assert reverse("outcomes:person", kwargs={"pk": alone.person_id}) in page
    assert "1 overdue" in page
    assert offered.reference in page and "Eve" in page
    shown = AccessEvent.objects.filter(actor=me.user, path=reverse("workforce:caseload"))
    assert set(shown.values_list("person_id", flat=True)) == {
        alone.person_id,
        caseload["member"].person_id,
        offered.person_id,
    }


def test_the_page_takes_the_same_number_of_queries_however_long_the_caseload(client, today):
    me = TherapistFactory()
    client.force_login(me.user)

    def add_someone():
        episode = EpisodeFactory(therapists=[me])
        booked(episode, today, status=Attendance.Status.ATTENDED)
        booked(episode, today + timedelta(days=7))
        ResponseFactory(person=episode.person, referral=episode.referral)
        ReferralFactory(therapist=me, status=Status.OFFERED)
        group = GroupFactory(therapists=[me])
        member = EpisodeFactory(therapists=[], group=group, programme=group.programme)
        booked(member, today + timedelta(days=2))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("workforce:caseload")).status_code == 200
        return len(captured)

    add_someone()
    one = queries()
    for _ in range(4):
        add_someone()
    assert queries() == one


def test_the_caseload_is_for_therapists(client):
    client.force_login(UserFactory(roles=[Role.COORDINATOR]))
    assert client.get(reverse("workforce:caseload")).status_code == 403
