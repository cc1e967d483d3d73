"""The no-clash rule, individual blocks, moving and cancelling sessions, closures and
community events."""

from datetime import time, timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.delivery.models import Attendance, ClosureDate, Session
from tutti.delivery.services import bookings, closures, community
from tutti.delivery.services.groups import group_sessions_generate
from tutti.delivery.services.scheduling import ensure_no_clash
from tutti.delivery.tests.factories import (
    AttendanceFactory,
    EpisodeFactory,
    GroupFactory,
    GroupMembershipFactory,
    RoomFactory,
    SessionFactory,
    at,
)
from tutti.organisations.tests.factories import SiteFactory
from tutti.workforce.models import WeeklyAvailability
from tutti.workforce.tests.factories import TherapistFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return UserFactory(roles=[Role.COORDINATOR])


@pytest.fixture
def today():
    return timezone.localdate()


def next_weekday(day, weekday):
    return day + timedelta(days=(weekday - day.weekday()) % 7 or 7)


def clash(**kwargs):
    from django.db import transaction

    with transaction.atomic():
        ensure_no_clash(**kwargs)


# ---------------------------------------------------------------------------------------
# The rule


def test_a_therapist_cannot_be_in_two_overlapping_sessions(today):
    session = SessionFactory(starts_at=at(next_weekday(today, 1), 10, 0))
    therapist = session.therapists.get()
    with pytest.raises(ValidationError) as error:
        clash(
            starts_at=at(session.starts_at.date(), 10, 30),
            ends_at=at(session.starts_at.date(), 11, 15),
            therapists=[therapist],
        )
    day = timezone.localdate(session.starts_at)
    assert error.value.message_dict == {
        "therapists": [
            f"{therapist} already has a session from 10:00 to 10:45 on "
            f"{day:%A} {day.day} {day:%B}"
            + (f" {day.year}" if day.year != today.year else "")
            + f" at {session.site}"
        ]
    }


def test_back_to_back_sessions_and_cancelled_ones_do_not_clash(today):
    day = next_weekday(today, 1)
    session = SessionFactory(starts_at=at(day, 10, 0))
    therapist = session.therapists.get()
    clash(starts_at=at(day, 10, 45), ends_at=at(day, 11, 30), therapists=[therapist])
    clash(starts_at=at(day, 9, 15), ends_at=at(day, 10, 0), therapists=[therapist])
    session.status = Session.Status.CANCELLED
    session.save()
    clash(starts_at=at(day, 10, 0), ends_at=at(day, 10, 45), therapists=[therapist])


def test_a_person_in_a_group_session_cannot_be_booked_at_the_same_time(today):
    day = next_weekday(today, 2)
    member = GroupMembershipFactory()
    group_session = SessionFactory(
        kind=Session.Kind.GROUP, episode=None, group=member.group, starts_at=at(day, 16, 0)
    )
    attendance = AttendanceFactory(session=group_session, episode=member.episode)
    with pytest.raises(ValidationError) as error:
        clash(
            starts_at=at(day, 16, 30),
            ends_at=at(day, 17, 0),
            people=[member.episode.person],
            fields={"people": "first_date"},
        )
    [message] = error.value.message_dict["first_date"]
    assert message.startswith("This person already has a session from 16:00")
    assert member.episode.person.given_name not in message
    # Someone who cancelled their place in that session is free then.
    attendance.status = Attendance.Status.CANCELLED_BY_CLIENT
    attendance.save()
    clash(starts_at=at(day, 16, 30), ends_at=at(day, 17, 0), people=[member.episode.person])


def test_a_room_cannot_hold_two_sessions(today):
    day = next_weekday(today, 3)
    room = RoomFactory()
    SessionFactory(site=room.site, room=room, starts_at=at(day, 14, 0))
    with pytest.raises(ValidationError) as error:
        clash(starts_at=at(day, 14, 30), ends_at=at(day, 15, 0), room=room)
    assert error.value.message_dict["room"][0].startswith(f"{room.name} is already booked")


# ---------------------------------------------------------------------------------------
# Individual blocks


@pytest.fixture
def slot():
    site = SiteFactory()
    therapist = TherapistFactory()
    therapist.sites.add(site)
    return WeeklyAvailability.objects.create(
        therapist=therapist, site=site, weekday=1, start=time(9, 0), end=time(12, 0)
    )


def test_a_block_is_booked_weekly_in_the_slot_skipping_closures(slot, coordinator, today):
    episode = EpisodeFactory(therapists=[slot.therapist], planned_sessions=6)
    first = next_weekday(today, 1)
    ClosureDate.objects.create(date=first + timedelta(weeks=2), reason="Staff training day")

    result = bookings.block_book(
        episode=episode, slot=slot, first_date=first, start_time=time(10, 0), actor=coordinator
    )

    sessions = list(episode.individual_sessions.all())
    days = [timezone.localdate(s.starts_at) for s in sessions]
    assert len(sessions) == 6
    assert first + timedelta(weeks=2) not in days
    assert result.skipped[0][1] == "closed: Staff training day"
    assert [s.number for s in sessions] == [1, 2, 3, 4, 5, 6]
    assert all(timezone.localtime(s.starts_at).time() == time(10, 0) for s in sessions)
    assert all(s.minutes == episode.programme.session_minutes for s in sessions)
    assert all(s.site == slot.site for s in sessions)
    assert Attendance.objects.filter(episode=episode, status="expected").count() == 6
    episode.refresh_from_db()
    assert episode.site == slot.site


def test_a_block_cannot_start_in_the_past_or_outside_the_slot(slot, coordinator, today):
    episode = EpisodeFactory(therapists=[slot.therapist])
    with pytest.raises(ValidationError) as error:
        bookings.block_book(
            episode=episode,
            slot=slot,
            first_date=today - timedelta(days=1),
            start_time=time(11, 30),
            actor=coordinator,
        )
    assert error.value.message_dict["first_date"] == ["The first session must be today or later"]
    assert (
        "must fit in the slot, between 09:00 and 12:00" in error.value.message_dict["start_time"][0]
    )
    with pytest.raises(ValidationError) as error:
        bookings.block_book(
            episode=episode, slot=slot, first_date=next_weekday(today, 2), actor=coordinator
        )
    assert "Choose a Tuesday, the slot's day" in error.value.message_dict["first_date"][0]


def test_a_block_that_clashes_books_nothing_and_names_the_date(slot, coordinator, today):
    episode = EpisodeFactory(therapists=[slot.therapist], planned_sessions=4)
    first = next_weekday(today, 1)
    busy = first + timedelta(weeks=3)
    SessionFactory(starts_at=at(busy, 9, 30), therapists=[slot.therapist])

    with pytest.raises(ValidationError) as error:
        bookings.block_book(episode=episode, slot=slot, first_date=first, actor=coordinator)

    [message] = error.value.message_dict["slot"]
    assert message.startswith(f"No sessions were booked. On {busy:%A} {busy.day} {busy:%B}")
    assert f"{slot.therapist} already has a session from 09:30" in message
    assert not episode.individual_sessions.exists()


def test_a_group_slot_or_another_therapists_slot_is_refused(slot, coordinator, today):
    slot.for_groups = True
    slot.save()
    with pytest.raises(ValidationError) as error:
        bookings.block_book(
            episode=EpisodeFactory(therapists=[slot.therapist]),
            slot=slot,
            first_date=next_weekday(today, 1),
            actor=coordinator,
        )
    assert "kept for groups" in error.value.message_dict["slot"][0]
    slot.for_groups = False
    slot.save()
    with pytest.raises(ValidationError) as error:
        bookings.block_book(
            episode=EpisodeFactory(),
            slot=slot,
            first_date=next_weekday(today, 1),
            actor=coordinator,
        )
    assert "is not this person's therapist" in error.value.message_dict["slot"][0]


# ---------------------------------------------------------------------------------------
# Moving and cancelling


def test_a_session_moves_with_its_reason_kept_in_the_audit(coordinator, today):
    session = SessionFactory(starts_at=at(next_weekday(today, 1), 10, 0))
    AttendanceFactory(session=session)
    new_day = next_weekday(today, 3)

    bookings.session_rebook(
        session=session,
        starts_at=at(new_day, 14, 0),
        ends_at=at(new_day, 14, 45),
        site=session.site,
        room=None,
        actor=coordinator,
        reason="Therapist at a training day",
    )

    session.refresh_from_db()
    assert timezone.localdate(session.starts_at) == new_day
    entry = LogEntry.objects.get_for_object(session).order_by("-timestamp").first()
    assert entry.additional_data == {"reason": "Therapist at a training day"}


def test_a_session_cannot_move_into_the_past_or_onto_a_clash(coordinator, today):
    day = next_weekday(today, 1)
    session = SessionFactory(starts_at=at(day, 10, 0))
    AttendanceFactory(session=session)
    other = SessionFactory(
        episode=EpisodeFactory(person=session.episode.person),
        starts_at=at(day, 12, 0),
        therapists=[TherapistFactory()],
    )
    past = timezone.now() - timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        bookings.session_rebook(
            session=session,
            starts_at=past,
            ends_at=past + timedelta(minutes=45),
            site=session.site,
            room=None,
            actor=coordinator,
            reason="",
        )
    assert error.value.message_dict["starts_at"] == ["The new time must be in the future"]
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        bookings.session_rebook(
            session=session,
            starts_at=other.starts_at + timedelta(minutes=15),
            ends_at=other.starts_at + timedelta(minutes=60),
            site=session.site,
            room=None,
            actor=coordinator,
            reason="Asked by the family",
        )
    [message] = error.value.message_dict["starts_at"]
    assert message.startswith("This person already has a session from 12:00")


def test_a_client_cancellation_is_recorded_on_the_attendance(coordinator, today):
    session = SessionFactory(starts_at=at(next_weekday(today, 1), 10, 0))
    attendance = AttendanceFactory(session=session)

    result = bookings.session_cancel(
        session=session, by="client", reason="Unwell", late=True, actor=coordinator
    )

    attendance.refresh_from_db()
    assert attendance.status == Attendance.Status.CANCELLED_LATE
    assert result.session.is_cancelled and result.replacement is None
    assert not result.not_replaced


def test_a_service_cancellation_is_offered_again_after_the_block(slot, coordinator, today):
    episode = EpisodeFactory(therapists=[slot.therapist], planned_sessions=3)
    bookings.block_book(
        episode=episode, slot=slot, first_date=next_weekday(today, 1), actor=coordinator
    )
    first, second, last = episode.individual_sessions.order_by("starts_at")

    result = bookings.session_cancel(
        session=second, by="service", reason="Therapist unwell", actor=coordinator
    )

    assert result.replacement is not None
    replacement = result.replacement
    assert replacement.replaces == second
    assert timezone.localdate(replacement.starts_at) == timezone.localdate(
        last.starts_at
    ) + timedelta(weeks=1)
    assert (
        timezone.localtime(replacement.starts_at).time()
        == timezone.localtime(second.starts_at).time()
    )
    assert list(replacement.therapists.all()) == [slot.therapist]
    assert replacement.attendances.get().status == Attendance.Status.EXPECTED
    assert second.attendances.get().status == Attendance.Status.CANCELLED_BY_SERVICE
    assert replacement.number == 3
    second.refresh_from_db()
    assert second.number is None


def test_a_replacement_skips_a_busy_week(slot, coordinator, today):
    episode = EpisodeFactory(therapists=[slot.therapist], planned_sessions=2)
    bookings.block_book(
        episode=episode, slot=slot, first_date=next_weekday(today, 1), actor=coordinator
    )
    first, last = episode.individual_sessions.order_by("starts_at")
    busy = timezone.localdate(last.starts_at) + timedelta(weeks=1)
    SessionFactory(starts_at=at(busy, 9, 0), therapists=[slot.therapist])

    result = bookings.session_cancel(
        session=first, by="service", reason="Room flooded", actor=coordinator
    )

    assert timezone.localdate(result.replacement.starts_at) == busy + timedelta(weeks=1)


def test_a_group_session_cancelled_by_the_service_is_added_to_the_block(coordinator, today):
    site = SiteFactory()
    therapist = TherapistFactory()
    therapist.sites.add(site)
    group = GroupFactory(
        site=site,
        starts_on=next_weekday(today, 4),
        weekday=4,
        planned_sessions=3,
        therapists=[therapist],
    )
    member = GroupMembershipFactory(group=group, joined_on=today)
    group_sessions_generate(group=group, actor=coordinator)
    first = group.sessions.first()

    with pytest.raises(ValidationError) as error:
        bookings.session_cancel(session=first, by="client", reason="x", actor=coordinator)
    assert "cancelled by the service" in error.value.message_dict["by"][0]

    result = bookings.session_cancel(
        session=first, by="service", reason="Heating broken", actor=coordinator
    )
    assert result.replacement.group == group
    assert result.replacement.attendances.get().episode == member.episode
    assert group.sessions.filter(status=Session.Status.SCHEDULED).count() == 3


def test_a_marked_session_cannot_be_cancelled(coordinator, today):
    attendance = AttendanceFactory(status=Attendance.Status.ATTENDED)
    with pytest.raises(ValidationError) as error:
        bookings.session_cancel(
            session=attendance.session, by="service", reason="Mistake", actor=coordinator
        )
    assert "Attendance has been marked" in error.value.message_dict["by"][0]


# ---------------------------------------------------------------------------------------
# Closures and community events


def test_a_closure_lists_and_can_cancel_the_sessions_that_day(coordinator, today):
    day = next_weekday(today, 2)
    site = SiteFactory()
    there = SessionFactory(site=site, starts_at=at(day, 10, 0))
    AttendanceFactory(session=there)
    elsewhere = SessionFactory(starts_at=at(day, 10, 0))

    closure = closures.closure_add(date=day, site=site, reason="Boiler repair", actor=coordinator)

    assert list(closures.sessions_on_closure(closure)) == [there]
    [result] = closures.closure_sessions_cancel(closure=closure, actor=coordinator)
    assert result.session == there and result.replacement is not None
    assert timezone.localdate(result.replacement.starts_at) == day + timedelta(weeks=1)
    elsewhere.refresh_from_db()
    assert not elsewhere.is_cancelled


def test_a_closure_date_must_not_be_past_or_repeated(coordinator, today):
    with pytest.raises(ValidationError) as error:
        closures.closure_add(
            date=today - timedelta(days=1), site=None, reason="", actor=coordinator
        )
    assert set(error.value.message_dict) == {"date", "reason"}
    closures.closure_add(date=today, site=None, reason="Snow", actor=coordinator)
    with pytest.raises(ValidationError) as error:
        closures.closure_add(date=today, site=None, reason="Snow", actor=coordinator)
    assert "already a closure date for every site" in error.value.message_dict["date"][0]


def test_a_community_event_is_counted_by_headcount(coordinator, today):
    site = SiteFactory()
    therapist = TherapistFactory()
    event = community.community_event_create(
        programme=None,
        title="Summer choir performance",
        site=site,
        starts_at=at(next_weekday(today, 5), 14, 0),
        ends_at=at(next_weekday(today, 5), 16, 0),
        therapists=[therapist],
        actor=coordinator,
    )
    assert event.kind == Session.Kind.COMMUNITY and not event.attendances.exists()
    with pytest.raises(ValidationError) as error:
        community.community_event_headcount_record(session=event, headcount=40, actor=coordinator)
    assert error.value.message_dict["headcount"] == [
        "Record the headcount once the event has started"
    ]
    Session.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now()
    )
    community.community_event_headcount_record(session=event, headcount=40, actor=coordinator)
    event.refresh_from_db()
    assert event.headcount == 40


def test_a_community_event_cannot_double_book_a_therapist(coordinator, today):
    day = next_weekday(today, 5)
    busy = SessionFactory(starts_at=at(day, 14, 30))
    with pytest.raises(ValidationError) as error:
        community.community_event_create(
            programme=None,
            title="Band night",
            site=SiteFactory(),
            starts_at=at(day, 14, 0),
            ends_at=at(day, 16, 0),
            therapists=list(busy.therapists.all()),
            actor=coordinator,
        )
    assert "already has a session from 14:30" in error.value.message_dict["therapists"][0]
