"""The last place, taken twice at the same moment from separate threads (each with its own
database connection): exactly one succeeds. On PostgreSQL the group's (or therapist's) row
lock serialises them; SQLite runs one writer at a time anyway, so this is skipped there (the
one-after-the-other tests in test_offers.py cover the same rules)."""

from tutti.core.tests.concurrency import postgresql_only, together
from tutti.delivery.models import Episode, GroupMembership, Offer
from tutti.delivery.services import offers as services
from tutti.delivery.tests.factories import GroupMembershipFactory
from tutti.delivery.tests.offer_helpers import (
    coordinator,
    group_of,
    next_day,
    programme_at_a_site,
    therapist_with_time,
    waiting,
)
from tutti.referrals.models import Status

pytestmark = postgresql_only


def test_two_coordinators_offering_the_last_group_place_make_one_offer():
    for _ in range(3):  # the race is real: repeat it
        programme, site = programme_at_a_site()
        group = group_of(programme, site, capacity=2)
        GroupMembershipFactory(group=group)
        people = [waiting(programme), waiting(programme)]
        actors = [coordinator(), coordinator()]

        results, refusals = together(
            *[
                lambda referral=referral, actor=actor, group=group: services.offer_make(
                    referral=referral, kind="group", group=group, actor=actor, send_link=False
                )
                for referral, actor in zip(people, actors, strict=True)
            ]
        )

        assert len(results) == 1 and len(refusals) == 1
        assert "is full" in refusals[0].message_dict["group"][0]
        assert Offer.objects.filter(group=group, status=Offer.Status.PENDING).count() == 1
        for referral in people:
            referral.refresh_from_db()
        assert sorted(r.status for r in people) == [Status.OFFERED, Status.WAITING]


def test_saying_yes_to_the_last_place_while_it_is_offered_again_gives_one_place():
    """The person with the last place says yes just as a coordinator offers the same place
    to someone else: whichever comes first, the place never looks free twice (the offer
    and the membership change in one transaction, under the group's lock)."""
    for _ in range(3):
        programme, site = programme_at_a_site()
        group = group_of(programme, site, capacity=2)
        GroupMembershipFactory(group=group)
        offer = services.offer_make(
            referral=waiting(programme),
            kind="group",
            group=group,
            actor=coordinator(),
            send_link=False,
        )
        other, actor = waiting(programme), coordinator()

        results, refusals = together(
            lambda offer=offer: services.offer_accept(offer=offer, via=Offer.AnsweredVia.LINK),
            lambda other=other, group=group, actor=actor: services.offer_make(
                referral=other, kind="group", group=group, actor=actor, send_link=False
            ),
        )

        assert len(results) == 1 and len(refusals) == 1
        assert isinstance(results[0], Episode)
        assert "is full" in refusals[0].message_dict["group"][0]
        assert GroupMembership.objects.filter(group=group).current().count() == 2
        assert not Offer.objects.filter(group=group, status=Offer.Status.PENDING).exists()


def test_two_coordinators_offering_the_same_weekly_time_make_one_offer():
    programme, site = programme_at_a_site()
    therapist, slot = therapist_with_time(site, weekday=2)
    people = [waiting(programme), waiting(programme)]
    actors = [coordinator(), coordinator()]
    first = next_day(2)

    results, refusals = together(
        *[
            lambda referral=referral, actor=actor: services.offer_make(
                referral=referral,
                kind="individual",
                therapist=therapist,
                slot=slot,
                first_session_on=first,
                actor=actor,
                send_link=False,
            )
            for referral, actor in zip(people, actors, strict=True)
        ]
    )

    assert len(results) == 1 and len(refusals) == 1
    assert "already offered to or used by" in refusals[0].message_dict["slot"][0]
