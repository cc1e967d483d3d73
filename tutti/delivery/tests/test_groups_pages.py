"""The group, closure, event, session and booking pages: who may open them, and bad input
coming back next to the field with what was typed kept."""

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from markupsafe import escape

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.core.models import AccessEvent
from tutti.delivery.models import Attendance, ClosureDate, Group, Session
from tutti.delivery.services.groups import group_sessions_generate
from tutti.delivery.tests.factories import (
    AttendanceFactory,
    EpisodeFactory,
    GroupFactory,
    GroupMembershipFactory,
    OfferFactory,
    SessionFactory,
    at,
)
from tutti.organisations.tests.factories import SiteFactory
from tutti.programmes.models import Programme
from tutti.programmes.tests.factories import ProgrammeFactory
from tutti.workforce.models import WeeklyAvailability
from tutti.workforce.tests.factories import TherapistFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def coordinator(client):
    user = UserFactory(roles=[Role.COORDINATOR])
    client.force_login(user)
    return user


def next_weekday(day, weekday):
    return day + timedelta(days=(weekday - day.weekday()) % 7 or 7)


def date_post(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def a_group(today, **kwargs):
    site = kwargs.pop("site", None) or SiteFactory()
    therapist = kwargs.pop("therapist", None) or TherapistFactory()
    therapist.sites.add(site)
    first = next_weekday(today, 1)
    return GroupFactory(site=site, starts_on=first, weekday=1, therapists=[therapist], **kwargs)


# ---------------------------------------------------------------------------------------
# Groups


def test_a_coordinator_sets_up_a_group(client, coordinator, today):
    programme = ProgrammeFactory(delivery_mode=Programme.DeliveryMode.GROUP, block_sessions=10)
    site = SiteFactory()
    therapist = TherapistFactory()
    therapist.sites.add(site)
    first = next_weekday(today, 2)
    response = client.post(
        reverse("delivery:group_new"),
        {
            "programme": programme.pk,
            "name": "Wednesday songwriters",
            "site": site.pk,
            "therapists": [therapist.pk],
            "weekday": 2,
            "start_time": "16:00",
            "minutes": 60,
            "capacity": 6,
            "min_age": 16,
            "max_age": 24,
            **date_post("starts_on", first),
        },
    )
    group = Group.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("delivery:group", args=[group.pk])
    assert group.planned_sessions == 10 and group.starts_on == first


def test_a_past_first_date_is_refused_next_to_the_field(client, coordinator, today):
    programme = ProgrammeFactory(delivery_mode=Programme.DeliveryMode.GROUP)
    site = SiteFactory()
    therapist = TherapistFactory()
    therapist.sites.add(site)
    last_week = today - timedelta(days=7)
    response = client.post(
        reverse("delivery:group_new"),
        {
            "programme": programme.pk,
            "name": "Typed name stays",
            "site": site.pk,
            "therapists": [therapist.pk],
            "weekday": last_week.weekday(),
            "start_time": "16:00",
            "minutes": 60,
            "capacity": 6,
            **date_post("starts_on", last_week),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "The first session must be today or later" in page
    assert 'href="#id_starts_on_0"' in page
    assert 'value="Typed name stays"' in page
    assert not Group.objects.exists()


def test_the_list_shows_places_taken_and_free(client, coordinator, today):
    group = a_group(today, capacity=6, name="Camden young people's group")
    GroupMembershipFactory.create_batch(4, group=group)
    page = client.get(reverse("delivery:groups")).content.decode()
    assert "Camden young people&#39;s group" in page
    assert "4 of 6 taken, 2 free" in page


def test_therapists_see_only_their_groups_and_cannot_change_them(client, today):
    mine = a_group(today)
    other = a_group(today)
    client.force_login(mine.therapists.get().user)
    page = client.get(reverse("delivery:groups")).content.decode()
    assert mine.name in page and other.name not in page
    assert client.get(reverse("delivery:group", args=[other.pk])).status_code == 404
    assert client.get(reverse("delivery:group", args=[mine.pk])).status_code == 200
    assert client.post(reverse("delivery:group_generate", args=[mine.pk])).status_code == 403


def test_partners_and_referrers_cannot_open_group_pages(client, today):
    group = a_group(today)
    for role in (Role.PARTNER, Role.REFERRER, Role.COMMISSIONER):
        client.force_login(UserFactory(roles=[role]))
        assert client.get(reverse("delivery:groups")).status_code == 403
        assert client.get(reverse("delivery:group", args=[group.pk])).status_code == 403


def test_generate_sessions_from_the_group_page(client, coordinator, today):
    group = a_group(today, planned_sessions=4)
    member = GroupMembershipFactory(group=group)
    ClosureDate.objects.create(date=group.starts_on + timedelta(weeks=1), reason="Half term")

    response = client.post(reverse("delivery:group_generate", args=[group.pk]), follow=True)

    page = response.content.decode()
    assert "4 sessions booked" in page and "closed: Half term" in page
    assert group.sessions.count() == 4
    assert Attendance.objects.filter(episode=member.episode).count() == 4
    assert AccessEvent.objects.filter(object_id=str(member.episode_id)).exists()


def test_a_clash_when_generating_is_explained(client, coordinator, today):
    group = a_group(today)
    SessionFactory(starts_at=at(group.starts_on, 16, 0), therapists=list(group.therapists.all()))
    page = client.post(
        reverse("delivery:group_generate", args=[group.pk]), follow=True
    ).content.decode()
    assert "No sessions were booked. On " in page and "already has a session" in page
    assert not group.sessions.exists()


def test_adding_a_member_and_a_full_group(client, coordinator, today):
    group = a_group(today, capacity=1)
    episode = EpisodeFactory(programme=group.programme)
    url = reverse("delivery:group_member_add", args=[group.pk])
    page = client.get(url).content.decode()
    assert escape(episode.person.full_name) in page
    response = client.post(url, {"episode": episode.pk, **date_post("joined_on", today)})
    assert response.status_code == 302
    assert group.memberships.current().count() == 1

    # Someone else's page was open while the last place went.
    late = EpisodeFactory(programme=group.programme)
    group.capacity = 2
    group.save()
    GroupMembershipFactory(group=group)
    response = client.post(url, {"episode": late.pk, **date_post("joined_on", today)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "This group is full: 2 of 2 places are taken" in page
    assert 'href="#id_episode"' in page


def test_recording_a_member_leaving(client, coordinator, today):
    group = a_group(today)
    membership = GroupMembershipFactory(group=group, joined_on=today)
    url = reverse("delivery:group_member_leave", args=[group.pk, membership.pk])
    response = client.post(url, {**date_post("left_on", today), "reason": ""})
    assert "Say why they are leaving" in response.content.decode()
    response = client.post(url, {**date_post("left_on", today), "reason": "Moved away"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.left_on == today


# ---------------------------------------------------------------------------------------
# Closures and events


def test_a_closure_on_a_booked_day_lists_the_sessions_and_cancels_them(client, coordinator, today):
    group = a_group(today, planned_sessions=3)
    GroupMembershipFactory(group=group)
    group_sessions_generate(group=group, actor=coordinator)
    day = group.starts_on + timedelta(weeks=1)

    response = client.post(
        reverse("delivery:closures"),
        {**date_post("date", day), "site": group.site.pk, "reason": "Boiler repair"},
        follow=True,
    )
    page = response.content.decode()
    assert "1 session is booked that day" in page
    assert group.name in page

    closure = ClosureDate.objects.get()
    response = client.post(
        reverse("delivery:closure_cancel_sessions", args=[closure.pk]), follow=True
    )
    assert "1 sessions cancelled; 1 booked again" in response.content.decode()
    assert group.sessions.filter(status=Session.Status.SCHEDULED).count() == 3
    cancelled = group.sessions.get(status=Session.Status.CANCELLED)
    assert cancelled.cancellation_reason == "Closed: Boiler repair"


def test_a_past_closure_date_is_refused(client, coordinator, today):
    response = client.post(
        reverse("delivery:closures"),
        {**date_post("date", today - timedelta(days=1)), "reason": "Snow"},
    )
    assert "The closure date must be today or later" in response.content.decode()


def test_a_community_event_and_its_headcount(client, coordinator, today):
    site = SiteFactory()
    therapist = TherapistFactory()
    day = next_weekday(today, 5)
    response = client.post(
        reverse("delivery:event_new"),
        {
            "title": "Summer choir performance",
            "site": site.pk,
            **date_post("day", day),
            "start": "14:00",
            "end": "13:00",
            "therapists": [therapist.pk],
        },
    )
    assert "The end time must be after the start time" in response.content.decode()
    response = client.post(
        reverse("delivery:event_new"),
        {
            "title": "Summer choir performance",
            "site": site.pk,
            **date_post("day", day),
            "start": "14:00",
            "end": "16:00",
            "therapists": [therapist.pk],
        },
    )
    event = Session.objects.get(kind=Session.Kind.COMMUNITY)
    assert response["Location"] == reverse("delivery:session", args=[event.pk])
    response = client.post(
        reverse("delivery:session_headcount", args=[event.pk]), {"headcount": "40"}
    )
    assert "Record the headcount once the event has started" in response.content.decode()


# ---------------------------------------------------------------------------------------
# Sessions


def test_a_session_page_for_its_therapist_and_nobody_elses(client, today):
    attendance = AttendanceFactory()
    session = attendance.session
    client.force_login(session.therapists.get().user)
    page = client.get(reverse("delivery:session", args=[session.pk])).content.decode()
    assert escape(attendance.episode.person.full_name) in page
    assert "Move it to another time or place" in page
    client.force_login(TherapistFactory().user)
    assert client.get(reverse("delivery:session", args=[session.pk])).status_code == 404
    client.force_login(UserFactory(roles=[Role.PARTNER]))
    assert client.get(reverse("delivery:session", args=[session.pk])).status_code == 403


def test_moving_a_session_into_the_past_or_a_clash_says_so(client, coordinator, today):
    session = SessionFactory(starts_at=at(next_weekday(today, 1), 10, 0))
    AttendanceFactory(session=session)
    other = SessionFactory(starts_at=at(next_weekday(today, 3), 10, 0))
    other.therapists.set(session.therapists.all())
    url = reverse("delivery:session_move", args=[session.pk])
    yesterday = today - timedelta(days=1)
    response = client.post(
        url,
        {
            **date_post("day", yesterday),
            "start": "10:00",
            "end": "10:45",
            "site": session.site.pk,
            "reason": "Family holiday",
        },
    )
    page = response.content.decode()
    assert "The new time must be in the future" in page
    assert 'value="Family holiday"' in page
    response = client.post(
        url,
        {
            **date_post("day", next_weekday(today, 3)),
            "start": "10:30",
            "end": "11:15",
            "site": session.site.pk,
            "reason": "Family holiday",
        },
    )
    page = response.content.decode()
    assert "already has a session from 10:00 to 10:45" in page
    assert 'href="#id_day_0"' in page
    response = client.post(
        url,
        {
            **date_post("day", next_weekday(today, 3)),
            "start": "11:00",
            "end": "11:45",
            "site": session.site.pk,
            "reason": "Family holiday",
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert timezone.localtime(session.starts_at).time() == time(11, 0)


def test_cancelling_by_the_service_books_it_again(client, coordinator, today):
    session = SessionFactory(starts_at=at(next_weekday(today, 1), 10, 0))
    AttendanceFactory(session=session)
    response = client.post(
        reverse("delivery:session_cancel", args=[session.pk]),
        {"by": "service", "reason": "Therapist unwell"},
        follow=True,
    )
    page = response.content.decode()
    assert "Session cancelled. A session in its place is booked" in page
    assert session.replacements.count() == 1


def test_a_group_session_can_only_be_cancelled_by_the_service(client, coordinator, today):
    group = a_group(today, planned_sessions=1)
    group_sessions_generate(group=group, actor=coordinator)
    session = group.sessions.get()
    page = client.get(reverse("delivery:session_cancel", args=[session.pk])).content.decode()
    assert "The person or their family" not in page


# ---------------------------------------------------------------------------------------
# Booking a block


@pytest.fixture
def slot():
    site = SiteFactory()
    therapist = TherapistFactory()
    therapist.sites.add(site)
    return WeeklyAvailability.objects.create(
        therapist=therapist, site=site, weekday=1, start=time(9, 0), end=time(12, 0)
    )


def test_a_therapist_books_their_clients_block(client, slot, today):
    episode = EpisodeFactory(therapists=[slot.therapist], planned_sessions=4)
    client.force_login(slot.therapist.user)
    url = reverse("delivery:episode_book", args=[episode.pk])
    page = client.get(url).content.decode()
    assert "0 of 4 planned sessions are booked" in page
    response = client.post(
        url, {"slot": slot.pk, **date_post("first_date", today - timedelta(days=7))}
    )
    page = response.content.decode()
    assert "The first session must be today or later" in page
    response = client.post(
        url, {"slot": slot.pk, **date_post("first_date", next_weekday(today, 1))}
    )
    assert response.status_code == 302
    assert episode.individual_sessions.count() == 4


def test_another_therapist_cannot_book_for_the_episode(client, slot):
    episode = EpisodeFactory(therapists=[slot.therapist])
    client.force_login(TherapistFactory().user)
    assert client.get(reverse("delivery:episode_book", args=[episode.pk])).status_code == 404


def test_the_booking_page_starts_from_the_time_the_person_accepted(client, slot, today):
    first = next_weekday(today, 1)
    offer = OfferFactory(
        therapist=slot.therapist, weekday=1, start_time=time(10, 0), first_session_on=first
    )
    episode = EpisodeFactory(referral=offer.referral, offer=offer, therapists=[slot.therapist])
    client.force_login(slot.therapist.user)
    page = client.get(reverse("delivery:episode_book", args=[episode.pk])).content.decode()
    assert f'value="{slot.pk}" checked' in page
    assert 'value="10:00"' in page
    assert f'value="{first.day}"' in page
