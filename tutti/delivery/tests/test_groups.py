"""Groups: members joining and leaving, the block of sessions generated from the slot."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.delivery.models import Attendance, ClosureDate, Group, Offer, Session
from tutti.delivery.services import groups as services
from tutti.delivery.tests.factories import (
    EpisodeFactory,
    GroupFactory,
    GroupMembershipFactory,
    OfferFactory,
    RoomFactory,
    SessionFactory,
    at,
)
from tutti.organisations.models import Site
from tutti.organisations.tests.factories import SiteFactory
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


def group_at_site(*, starts_on, weekday=None, **kwargs):
    site = kwargs.pop("site", None) or SiteFactory()
    therapist = TherapistFactory()
    therapist.sites.add(site)
    return GroupFactory(
        site=site,
        starts_on=starts_on,
        weekday=starts_on.weekday() if weekday is None else weekday,
        therapists=[therapist],
        **kwargs,
    )


# ---------------------------------------------------------------------------------------
# Members


def test_a_member_joins_and_is_expected_at_the_groups_future_sessions(coordinator, today):
    group = group_at_site(starts_on=next_weekday(today, 1))
    services.group_sessions_generate(group=group, actor=coordinator)
    episode = EpisodeFactory(programme=group.programme)

    membership = services.group_member_add(
        group=group, episode=episode, joined_on=today, actor=coordinator
    )

    assert membership.left_on is None
    assert Attendance.objects.filter(episode=episode).count() == 12
    episode.refresh_from_db()
    assert episode.group == group and episode.site == group.site


def test_a_full_group_says_so_next_to_the_member(coordinator, today):
    group = group_at_site(starts_on=next_weekday(today, 1), capacity=2)
    GroupMembershipFactory.create_batch(2, group=group)

    with pytest.raises(ValidationError) as error:
        services.group_member_add(
            group=group,
            episode=EpisodeFactory(programme=group.programme),
            joined_on=today,
            actor=coordinator,
        )

    assert error.value.message_dict == {"episode": ["This group is full: 2 of 2 places are taken"]}


def test_places_held_by_offers_waiting_for_an_answer_count(coordinator, today):
    group = group_at_site(starts_on=next_weekday(today, 1), capacity=2)
    GroupMembershipFactory(group=group)
    OfferFactory(kind=Offer.Kind.GROUP, group=group, therapist=None)

    with pytest.raises(ValidationError) as error:
        services.group_member_add(
            group=group,
            episode=EpisodeFactory(programme=group.programme),
            joined_on=today,
            actor=coordinator,
        )

    assert error.value.message_dict["episode"] == [
        "This group is full: 2 of 2 places are taken or offered (1 waiting for an answer)"
    ]


def test_a_place_freed_by_a_leaver_can_be_taken(coordinator, today):
    group = group_at_site(starts_on=next_weekday(today, 1), capacity=1)
    leaver = GroupMembershipFactory(group=group)
    services.group_member_leave(
        membership=leaver, left_on=today, reason="Moved to college", actor=coordinator
    )
    services.group_member_add(
        group=group,
        episode=EpisodeFactory(programme=group.programme),
        joined_on=today,
        actor=coordinator,
    )
    assert group.memberships.current().count() == 1


def test_an_episode_from_another_programme_cannot_join(coordinator, today):
    group = group_at_site(starts_on=next_weekday(today, 1))
    with pytest.raises(ValidationError) as error:
        services.group_member_add(
            group=group, episode=EpisodeFactory(), joined_on=today, actor=coordinator
        )
    assert "the group is in" in error.value.message_dict["episode"][0]


def test_a_member_cannot_join_twice(coordinator, today):
    membership = GroupMembershipFactory(group=group_at_site(starts_on=next_weekday(today, 1)))
    with pytest.raises(ValidationError) as error:
        services.group_member_add(
            group=membership.group,
            episode=membership.episode,
            joined_on=today,
            actor=coordinator,
        )
    assert error.value.message_dict["episode"] == ["This person is already a member of the group"]


def test_a_member_outside_the_groups_age_band_cannot_join(coordinator, today):
    starts = next_weekday(today, 1)
    group = group_at_site(starts_on=starts, min_age=16, max_age=24)
    too_old = EpisodeFactory(
        programme=group.programme,
        referral__person__date_of_birth=date(starts.year - 30, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        services.group_member_add(group=group, episode=too_old, joined_on=today, actor=coordinator)
    assert error.value.message_dict["episode"] == [
        "This group is for ages 16 to 24; this person is 30"
    ]
    assert not group.memberships.exists()
    in_band = EpisodeFactory(
        programme=group.programme,
        referral__person__date_of_birth=date(starts.year - 20, 1, 1),
    )
    services.group_member_add(group=group, episode=in_band, joined_on=today, actor=coordinator)
    assert group.memberships.get().episode == in_band


def test_a_member_busy_at_the_groups_time_cannot_join(coordinator, today):
    group = group_at_site(starts_on=next_weekday(today, 1))
    services.group_sessions_generate(group=group, actor=coordinator)
    episode = EpisodeFactory(programme=group.programme)
    second = group.sessions.all()[1]
    SessionFactory(
        episode=EpisodeFactory(person=episode.person, referral__person=episode.person),
        starts_at=second.starts_at + timedelta(minutes=30),
    )

    with pytest.raises(ValidationError) as error:
        services.group_member_add(group=group, episode=episode, joined_on=today, actor=coordinator)

    [message] = error.value.message_dict["episode"]
    assert message.startswith("This person already has a session from ")
    assert episode.person.family_name not in message
    assert not group.memberships.exists()
    assert not Attendance.objects.filter(episode=episode).exists()


def test_a_leaver_is_no_longer_expected_from_the_day_they_leave(coordinator, today):
    group = group_at_site(starts_on=next_weekday(today, 1))
    membership = GroupMembershipFactory(group=group)
    services.group_sessions_generate(group=group, actor=coordinator)
    fifth = group.sessions.all()[4]
    leaving = timezone.localdate(fifth.starts_at)

    services.group_member_leave(
        membership=membership, left_on=leaving, reason="Started college", actor=coordinator
    )

    expected = Attendance.objects.filter(episode=membership.episode)
    assert expected.count() == 4
    membership.refresh_from_db()
    assert membership.left_on == leaving and membership.left_reason == "Started college"


def test_leaving_needs_a_reason_and_a_date_after_joining(coordinator, today):
    membership = GroupMembershipFactory(
        group=group_at_site(starts_on=next_weekday(today, 1)), joined_on=today
    )
    with pytest.raises(ValidationError) as error:
        services.group_member_leave(
            membership=membership,
            left_on=today - timedelta(days=1),
            reason=" ",
            actor=coordinator,
        )
    assert set(error.value.message_dict) == {"left_on", "reason"}


# ---------------------------------------------------------------------------------------
# Creating a group


def test_a_group_is_created_with_the_programmes_block_length(coordinator, today):
    site = SiteFactory()
    room = RoomFactory(site=site)
    therapist = TherapistFactory()
    therapist.sites.add(site)
    first = next_weekday(today, 2)
    group = services.group_create(
        actor=coordinator,
        therapists=[therapist],
        programme=_programme(block=10),
        name="Wednesday songwriters",
        site=site,
        room=room,
        weekday=2,
        start_time=time(16, 0),
        minutes=60,
        capacity=6,
        min_age=16,
        max_age=24,
        starts_on=first,
    )
    assert group.planned_sessions == 10
    assert list(group.therapists.all()) == [therapist]
    assert group.age_band == "16 to 24"


def _programme(block=12):
    from tutti.programmes.tests.factories import ProgrammeFactory

    return ProgrammeFactory(block_sessions=block)


def test_a_group_cannot_start_in_the_past_or_on_another_day(coordinator, today):
    site = SiteFactory()
    other_site_room = RoomFactory()
    therapist = TherapistFactory()  # does not work at the site
    with pytest.raises(ValidationError) as error:
        services.group_create(
            actor=coordinator,
            therapists=[therapist],
            programme=_programme(),
            name="Group",
            site=site,
            room=other_site_room,
            weekday=(today.weekday() + 1) % 7,
            start_time=time(16, 0),
            minutes=60,
            capacity=6,
            starts_on=today - timedelta(days=7),
        )
    errors = error.value.message_dict
    assert "The first session must be today or later" in errors["starts_on"]
    assert any("Choose a" in m for m in errors["starts_on"])
    assert "is not at" in errors["room"][0]
    assert "does not work at" in errors["therapists"][0]


def test_places_cannot_drop_below_the_members(coordinator, today):
    group = group_at_site(starts_on=next_weekday(today, 1), capacity=3)
    GroupMembershipFactory.create_batch(3, group=group)
    with pytest.raises(ValidationError) as error:
        services.group_update(group=group, actor=coordinator, capacity=2)
    assert error.value.message_dict["capacity"] == [
        "The group has 3 members, so it needs at least 3 places"
    ]


def test_the_slot_is_fixed_once_sessions_exist(coordinator, today):
    group = group_at_site(starts_on=next_weekday(today, 1))
    services.group_sessions_generate(group=group, actor=coordinator)
    with pytest.raises(ValidationError) as error:
        services.group_update(group=group, actor=coordinator, start_time=time(9, 0))
    assert "Sessions have been generated" in error.value.message_dict["start_time"][0]


def test_a_new_therapist_takes_over_the_future_sessions(coordinator, today):
    group = group_at_site(starts_on=next_weekday(today, 1))
    services.group_sessions_generate(group=group, actor=coordinator)
    new = TherapistFactory()
    new.sites.add(group.site)
    services.group_update(group=group, actor=coordinator, therapists=[new])
    assert all(list(s.therapists.all()) == [new] for s in group.sessions.all())


# ---------------------------------------------------------------------------------------
# Generating sessions


def _england_holiday_on_a_weekday(after):
    import holidays

    for year in (after.year, after.year + 1):
        for day, name in sorted(holidays.country_holidays("GB", subdiv="ENG", years=year).items()):
            if day > after + timedelta(days=1) and day.weekday() < 5:
                return day, name
    raise AssertionError("no holiday found")


def test_sessions_are_generated_weekly_skipping_holidays_and_closures(coordinator, today):
    holiday, name = _england_holiday_on_a_weekday(today)
    # Start a few weeks before the holiday, on its weekday, so the holiday falls in the block.
    first = holiday - timedelta(weeks=2)
    while first <= today:
        first += timedelta(weeks=1)
    group = group_at_site(starts_on=first, room=None, planned_sessions=12)
    member = GroupMembershipFactory(group=group, joined_on=today)
    closed = first + timedelta(weeks=5)
    ClosureDate.objects.create(date=closed, site=group.site, reason="Building works")
    ClosureDate.objects.create(date=first + timedelta(weeks=7), reason="Staff training day")

    result = services.group_sessions_generate(group=group, actor=coordinator)

    days = [timezone.localdate(s.starts_at) for s in group.sessions.all()]
    assert len(days) == 12
    assert holiday not in days and closed not in days
    assert all(d.weekday() == group.weekday for d in days)
    skipped = dict(result.skipped)
    assert skipped[closed] == "closed: Building works"
    if holiday >= first:
        assert name in skipped[holiday]
    assert [s.number for s in group.sessions.all()] == list(range(1, 13))
    session = group.sessions.first()
    assert timezone.localtime(session.starts_at).time() == group.start_time
    assert session.minutes == group.minutes
    assert list(session.therapists.all()) == list(group.therapists.all())
    assert Attendance.objects.filter(episode=member.episode).count() == 12
    group.refresh_from_db()
    assert group.status == Group.Status.RUNNING


def test_holidays_follow_the_sites_nation(coordinator):
    # 2 January is a holiday in Scotland, not in England.
    site = SiteFactory(nation=Site.Nation.SCOTLAND)
    from tutti.delivery.services.calendar import ClosedDays, public_holiday

    assert public_holiday(site, date(2030, 1, 2))
    assert not public_holiday(SiteFactory(), date(2030, 1, 2))
    assert ClosedDays(site, date(2030, 1, 1), date(2030, 1, 31)).reason(date(2030, 1, 2))


def test_a_clash_stops_generation_naming_the_date_and_books_nothing(coordinator, today):
    group = group_at_site(starts_on=next_weekday(today, 3))
    therapist = group.therapists.get()
    third = group.starts_on + timedelta(weeks=2)
    SessionFactory(starts_at=at(third, 16, 30), therapists=[therapist])

    with pytest.raises(ValidationError) as error:
        services.group_sessions_generate(group=group, actor=coordinator)

    [message] = error.value.messages
    assert message.startswith("No sessions were booked. On ")
    assert f"{third.day} {third:%B}" in message
    assert f"{therapist} already has a session from 16:30 to 17:15" in message
    assert not group.sessions.exists()


def test_a_busy_room_stops_generation(coordinator, today):
    site = SiteFactory()
    room = RoomFactory(site=site)
    group = group_at_site(starts_on=next_weekday(today, 3), site=site, room=room)
    SessionFactory(starts_at=at(group.starts_on, 16, 0), site=site, room=room)
    with pytest.raises(ValidationError) as error:
        services.group_sessions_generate(group=group, actor=coordinator)
    assert f"{room.name} is already booked from 16:00" in error.value.messages[0]


def test_generating_again_only_adds_what_is_missing(coordinator, today):
    group = group_at_site(starts_on=next_weekday(today, 4), planned_sessions=3)
    services.group_sessions_generate(group=group, actor=coordinator)
    with pytest.raises(ValidationError) as error:
        services.group_sessions_generate(group=group, actor=coordinator)
    assert error.value.messages == ["All 3 sessions of this group are already booked."]
    group.planned_sessions = 4
    group.save()
    result = services.group_sessions_generate(group=group, actor=coordinator)
    assert len(result.sessions) == 1
    assert result.sessions[0].number == 4
    assert group.sessions.filter(status=Session.Status.SCHEDULED).count() == 4
