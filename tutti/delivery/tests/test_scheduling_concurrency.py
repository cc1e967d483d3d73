"""Two coordinators booking at the same moment, from separate threads (each with its own
database connection). On PostgreSQL the row locks (group, therapists, people, room) make
the second wait and then see the first's booking; SQLite runs one writer at a time anyway,
so this is skipped there (test_scheduling.py covers the same rules one after the other).
"""

from datetime import time, timedelta
from functools import partial

from django.utils import timezone

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.core.tests.concurrency import postgresql_only, together
from tutti.delivery.models import GroupMembership, Session
from tutti.delivery.services import bookings, community, groups
from tutti.delivery.tests.factories import EpisodeFactory, GroupFactory, RoomFactory, at
from tutti.organisations.tests.factories import SiteFactory
from tutti.workforce.models import WeeklyAvailability
from tutti.workforce.tests.factories import TherapistFactory

pytestmark = postgresql_only

ROUNDS = 5  # the race is real: repeat it


def next_tuesday():
    today = timezone.localdate()
    return today + timedelta(days=(1 - today.weekday()) % 7 or 7)


def slot_for(therapist, site):
    therapist.sites.add(site)
    return WeeklyAvailability.objects.create(
        therapist=therapist, site=site, weekday=1, start=time(9, 0), end=time(17, 0)
    )


def test_two_blocks_for_one_therapist_at_once_book_one():
    for _ in range(ROUNDS):
        site, therapist = SiteFactory(), TherapistFactory()
        slot = slot_for(therapist, site)
        episodes = [EpisodeFactory(therapists=[therapist], planned_sessions=3) for _ in range(2)]
        actor = UserFactory(roles=[Role.COORDINATOR])

        done, refused = together(
            *[
                partial(
                    bookings.block_book,
                    episode=e,
                    slot=slot,
                    first_date=next_tuesday(),
                    actor=actor,
                )
                for e in episodes
            ]
        )

        assert len(done) == 1 and len(refused) == 1
        assert "already has a session" in refused[0].messages[0]
        assert Session.objects.filter(therapists=therapist).count() == 3


def test_two_bookings_for_one_person_at_once_book_one():
    for _ in range(ROUNDS):
        site = SiteFactory()
        first = EpisodeFactory(planned_sessions=2)
        # The same person, in a second programme with another therapist.
        second = EpisodeFactory(person=first.person, planned_sessions=2)
        slots = [slot_for(e.therapists.get(), site) for e in (first, second)]
        actor = UserFactory(roles=[Role.COORDINATOR])

        done, refused = together(
            *[
                partial(
                    bookings.block_book, episode=e, slot=s, first_date=next_tuesday(), actor=actor
                )
                for e, s in zip((first, second), slots, strict=True)
            ]
        )

        assert len(done) == 1 and len(refused) == 1
        assert "This person already has a session" in refused[0].messages[0]
        assert Session.objects.filter(episode__person=first.person).count() == 2


def event_in(room, day, actor, title):
    return partial(
        community.community_event_create,
        programme=None,
        title=title,
        site=room.site,
        room=room,
        starts_at=at(day, 18, 0),
        ends_at=at(day, 20, 0),
        therapists=[TherapistFactory()],
        actor=actor,
    )


def test_two_events_in_one_room_at_once_book_one():
    for _ in range(ROUNDS):
        room = RoomFactory()
        actor = UserFactory(roles=[Role.COORDINATOR])
        day = next_tuesday()

        # The therapists are made before the race, so only the room is shared.
        calls = [event_in(room, day, actor, "Choir"), event_in(room, day, actor, "Band night")]
        done, refused = together(*calls)

        assert len(done) == 1 and len(refused) == 1
        assert f"{room.name} is already booked" in refused[0].messages[0]
        assert Session.objects.filter(room=room).count() == 1


def test_two_people_taking_the_last_place_at_once_one_joins():
    for _ in range(ROUNDS):
        group = GroupFactory(capacity=3)
        for _ in range(2):
            groups.group_member_add(
                group=group,
                episode=EpisodeFactory(programme=group.programme),
                joined_on=timezone.localdate(),
                actor=None,
            )
        hopefuls = [EpisodeFactory(programme=group.programme) for _ in range(2)]

        done, refused = together(
            *[
                partial(
                    groups.group_member_add,
                    group=group,
                    episode=e,
                    joined_on=timezone.localdate(),
                    actor=None,
                )
                for e in hopefuls
            ]
        )

        assert len(done) == 1 and len(refused) == 1
        assert refused[0].message_dict == {
            "episode": ["This group is full: 3 of 3 places are taken"]
        }
        assert GroupMembership.objects.filter(group=group, left_on=None).count() == 3
