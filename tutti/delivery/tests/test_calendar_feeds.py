"""A therapist's calendar feed: made, replaced and stopped by the therapist; read by calendar
programs without signing in; initials only, never names, notes or NHS numbers."""

import hashlib
import re
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.delivery.models import CalendarFeed, Session, SessionRecord
from tutti.delivery.services.calendar_feeds import (
    calendar_feed_create,
    calendar_feed_for_token,
    calendar_feed_revoke,
)
from tutti.delivery.tests.factories import (
    EpisodeFactory,
    GroupFactory,
    RoomFactory,
    SessionFactory,
    at,
)
from tutti.organisations.tests.factories import SiteFactory
from tutti.workforce.tests.factories import TherapistFactory

pytestmark = pytest.mark.django_db

ADDRESS = re.compile(r'value="(https?://[^"]+/delivery/calendar/([A-Za-z0-9_-]+)\.ics)"')


def make_feed(client, therapist):
    client.force_login(therapist.user)
    response = client.post(reverse("delivery:calendar"), {"action": "create"})
    assert response.status_code == 200
    match = ADDRESS.search(response.content.decode())
    assert match, "the new address is shown"
    return match[1], match[2]


def read(client, token):
    client.logout()
    return client.get(reverse("delivery:calendar_feed", kwargs={"token": token}))


def test_the_address_is_shown_once_and_only_its_hash_is_kept(client):
    me = TherapistFactory()
    address, token = make_feed(client, me)
    assert address.startswith("http://testserver/delivery/calendar/")
    feed = CalendarFeed.objects.get(therapist=me)
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(CalendarFeed.objects.values().get())
    page = client.get(reverse("delivery:calendar")).content.decode()
    assert token not in page
    assert "Last read by a calendar" in page and "Not yet" in page


def test_the_feed_parses_back_and_carries_initials_never_names_or_notes(client):
    me = TherapistFactory()
    today = timezone.localdate()
    site = SiteFactory(name="Camden Centre")
    room = RoomFactory(site=site, name="Blue room")
    episode = EpisodeFactory(
        therapists=[me],
        referral__person__given_name="Josephine",
        referral__person__family_name="Smithson",
        referral__person__nhs_number="9434765919",
    )
    individual = SessionFactory(
        episode=episode, site=site, room=room, starts_at=at(today + timedelta(days=2), 10)
    )
    SessionRecord.objects.create(session=individual, notes="Josephine sang about her brother")
    group = GroupFactory(therapists=[me], name="Tuesday songwriters", site=site)
    group_session = SessionFactory(
        kind=Session.Kind.GROUP,
        episode=None,
        group=group,
        programme=group.programme,
        site=site,
        starts_at=at(today + timedelta(days=3), 16),
    )
    cancelled = SessionFactory(
        episode=EpisodeFactory(
            therapists=[me],
            referral__person__given_name="Amelia",
            referral__person__family_name="Quill",
        ),
        site=site,
        starts_at=at(today + timedelta(days=4), 9),
        status=Session.Status.CANCELLED,
        cancelled_by=Session.CancelledBy.CLIENT,
        cancellation_reason="Amelia Quill is in hospital",
    )
    too_old = SessionFactory(episode=episode, site=site, starts_at=at(today - timedelta(weeks=9)))
    too_far = SessionFactory(episode=episode, site=site, starts_at=at(today + timedelta(weeks=27)))
    SessionFactory(site=site, starts_at=at(today + timedelta(days=2), 12))  # someone else's

    _, token = make_feed(client, me)
    response = read(client, token)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content
    for secret in (
        b"Josephine",
        b"Smithson",
        b"9434765919",
        b"943 476 5919",
        b"brother",
        b"Quill",
        b"Amelia",
        b"hospital",
        me.user.full_name.encode(),
    ):
        assert secret not in body, secret

    calendar = Calendar.from_ical(body)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {
        f"session-{s.pk}@testserver" for s in (individual, group_session, cancelled)
    }
    one = events[f"session-{individual.pk}@testserver"]
    assert str(one["summary"]) == "Music therapy: J.S."
    assert str(one["location"]) == "Camden Centre, Blue room"
    assert one.decoded("dtstart") == individual.starts_at
    assert one.decoded("dtend") == individual.ends_at
    assert str(one["status"]) == "CONFIRMED"
    assert str(one["url"]).startswith("http://testserver/delivery/")
    assert str(events[f"session-{group_session.pk}@testserver"]["summary"]) == (
        "Tuesday songwriters"
    )
    gone = events[f"session-{cancelled.pk}@testserver"]
    assert str(gone["status"]) == "CANCELLED"
    assert str(gone["summary"]) == "Cancelled: Music therapy: A.Q."
    assert too_old.pk and too_far.pk  # outside the 8 weeks back and 26 ahead
    assert CalendarFeed.objects.get(therapist=me).last_used_at is not None


def test_an_event_keeps_its_uid_when_the_session_moves(client):
    me = TherapistFactory()
    session = SessionFactory(
        episode=EpisodeFactory(therapists=[me]),
        starts_at=at(timezone.localdate() + timedelta(days=3), 10),
    )
    _, token = make_feed(client, me)
    before = Calendar.from_ical(read(client, token).content).walk("VEVENT")[0]
    Session.objects.filter(pk=session.pk).update(
        starts_at=session.starts_at + timedelta(days=1),
        ends_at=session.ends_at + timedelta(days=1),
    )
    after = Calendar.from_ical(read(client, token).content).walk("VEVENT")[0]
    assert str(before["uid"]) == str(after["uid"])
    assert after.decoded("dtstart") - before.decoded("dtstart") == timedelta(days=1)


def test_a_new_address_stops_the_old_one_and_stopping_ends_both(client):
    me = TherapistFactory()
    _, first = make_feed(client, me)
    _, second = make_feed(client, me)
    assert read(client, first).status_code == 404
    assert read(client, second).status_code == 200
    assert CalendarFeed.objects.filter(therapist=me, revoked_at__isnull=True).count() == 1

    client.force_login(me.user)
    response = client.post(reverse("delivery:calendar"), {"action": "revoke"}, follow=True)
    assert "Your calendar address has been stopped" in response.content.decode()
    assert read(client, second).status_code == 404
    assert read(client, "not-a-token").status_code == 404
    assert read(client, "x" * 300).status_code == 404


def test_making_and_stopping_an_address_is_audited_without_the_hash(client):
    me = TherapistFactory()
    make_feed(client, me)
    client.post(reverse("delivery:calendar"), {"action": "revoke"})
    feed = CalendarFeed.objects.get(therapist=me)
    entries = LogEntry.objects.get_for_object(feed).order_by("timestamp")
    assert [e.action for e in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert all(e.actor_id == me.user.pk for e in entries)
    assert "token_hash" not in str([e.changes for e in entries])
    assert "revoked_at" in entries[1].changes_dict


def test_only_therapists_have_a_calendar_page(client):
    client.force_login(UserFactory(roles=[Role.COORDINATOR]))
    assert client.get(reverse("delivery:calendar")).status_code == 403
    client.force_login(UserFactory(roles=[Role.THERAPIST]))  # no therapist record
    assert client.get(reverse("delivery:calendar")).status_code == 404


def test_services_make_one_live_feed_and_find_it_by_token():
    me = TherapistFactory()
    actor = me.user
    _, first = calendar_feed_create(therapist=me, actor=actor)
    feed, second = calendar_feed_create(therapist=me, actor=actor)
    assert calendar_feed_for_token(first) is None
    assert calendar_feed_for_token(second) == feed
    assert calendar_feed_revoke(therapist=me, actor=actor) == 1
    assert calendar_feed_revoke(therapist=me, actor=actor) == 0
    assert calendar_feed_for_token(second) is None
    assert calendar_feed_for_token("") is None
