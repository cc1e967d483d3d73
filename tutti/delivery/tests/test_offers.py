"""Offers: making one by hand, the answers (yes, no, withdrawn, no answer), the places they
hold, and what the waiting list and caseloads see afterwards."""

from datetime import date, time, timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.delivery.models import Episode, GroupMembership, Offer
from tutti.delivery.services import offers as services
from tutti.delivery.tests.factories import GroupMembershipFactory
from tutti.delivery.tests.offer_helpers import (
    add_time,
    coordinator,
    group_of,
    next_day,
    programme_at_a_site,
    therapist_with_time,
    waiting,
)
from tutti.people.selectors import people_visible_to
from tutti.people.tests.factories import PersonFactory
from tutti.referrals.models import ReferralEvent, Status
from tutti.referrals.selectors import referrals_visible_to
from tutti.waitlist.selectors import waiting_list
from tutti.workforce.tests.factories import TherapistFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def setting():
    programme, site = programme_at_a_site(block_sessions=10, session_minutes=45)
    therapist, slot = therapist_with_time(site, weekday=0, start=time(9))
    return programme, site, therapist, slot


@pytest.fixture
def actor():
    return coordinator()


def individual(referral, therapist, slot, actor, **extra):
    fields = {
        "referral": referral,
        "kind": Offer.Kind.INDIVIDUAL,
        "therapist": therapist,
        "slot": slot,
        "first_session_on": next_day(slot.weekday),
        "actor": actor,
        "send_link": False,
    }
    fields.update(extra)
    return services.offer_make(**fields)


def group_place(referral, group, actor, **extra):
    return services.offer_make(
        referral=referral,
        kind=Offer.Kind.GROUP,
        group=group,
        actor=actor,
        send_link=False,
        **extra,
    )


def problems(error):
    return error.value.message_dict


# ---------------------------------------------------------------------------------------
# Making an offer


def test_an_individual_offer_moves_the_referral_to_offered_with_its_therapist(
    setting, actor, today
):
    programme, site, therapist, slot = setting
    referral = waiting(programme)

    offer = individual(referral, therapist, slot, actor)

    referral.refresh_from_db()
    assert referral.status == Status.OFFERED and referral.therapist == therapist
    assert offer.is_pending and offer.site == site and offer.made_by == actor
    assert (offer.weekday, offer.start_time) == (0, time(9))
    assert offer.respond_by == min(
        today + timedelta(days=14), offer.first_session_on - timedelta(1)
    )
    event = referral.events.get(status=Status.OFFERED)
    assert event.actor == actor and "Mondays at 09:00" in event.reason
    assert LogEntry.objects.get_for_object(offer).filter(action=LogEntry.Action.CREATE).exists()


def test_an_offer_is_refused_unless_the_referral_is_waiting(setting, actor):
    programme, _, therapist, slot = setting
    referral = waiting(programme)
    individual(referral, therapist, slot, actor)
    other, other_slot = therapist_with_time(setting[1], weekday=2)

    with pytest.raises(ValidationError) as error:
        individual(referral, other, other_slot, actor)

    assert "not on the waiting list now ('offered a place')" in error.value.messages[0]
    assert Offer.objects.filter(referral=referral).count() == 1


def test_a_therapist_who_may_not_take_new_clients_is_refused_next_to_the_field(setting, actor):
    programme, site, _, _ = setting
    lapsed, slot = therapist_with_time(
        site, registration_expires=timezone.localdate() - timedelta(days=1)
    )
    referral = waiting(programme)

    with pytest.raises(ValidationError) as error:
        individual(referral, lapsed, slot, actor)

    assert "HCPC registration ran out" in problems(error)["therapist"][0]
    referral.refresh_from_db()
    assert referral.status == Status.WAITING and referral.therapist is None


def test_a_therapist_at_their_weekly_capacity_is_refused(setting, actor):
    programme, site, _, _ = setting
    busy, slot = therapist_with_time(site, weekly_capacity=1)
    second = add_time(busy, site, weekday=3, start=time(14))
    individual(waiting(programme), busy, slot, actor)

    with pytest.raises(ValidationError) as error:
        individual(waiting(programme), busy, second, actor)

    assert "as many as their weekly capacity of 1" in problems(error)["therapist"][0]


def test_a_weekly_time_is_offered_to_one_person_at_a_time(setting, actor):
    programme, _, therapist, slot = setting
    individual(waiting(programme), therapist, slot, actor)

    with pytest.raises(ValidationError) as error:
        individual(waiting(programme), therapist, slot, actor)

    assert "Monday at 09:00 is already offered to or used by" in problems(error)["slot"][0]
    assert slot not in services.free_individual_slots(programme)


def test_the_slot_must_be_the_therapists_at_a_site_of_the_programme(setting, actor):
    programme, site, therapist, _ = setting
    other, others_slot = therapist_with_time(site, weekday=2)
    elsewhere = TherapistFactory()
    from tutti.organisations.tests.factories import SiteFactory

    far = SiteFactory()
    elsewhere.sites.add(far)
    far_slot = add_time(elsewhere, far, weekday=1, start=time(10))
    referral = waiting(programme)

    with pytest.raises(ValidationError) as error:
        individual(referral, therapist, others_slot, actor)
    assert f"That time is {other}'s, not {therapist}'s" in problems(error)["slot"][0]

    with pytest.raises(ValidationError) as error:
        individual(referral, elsewhere, far_slot, actor)
    assert f"{far} is not one of the sites of {programme}" in problems(error)["slot"][0]


def test_the_first_session_must_be_on_the_slots_weekday_and_not_in_the_past(setting, actor):
    programme, _, therapist, slot = setting
    referral = waiting(programme)
    tuesday = next_day(1)

    with pytest.raises(ValidationError) as error:
        individual(referral, therapist, slot, actor, first_session_on=tuesday)
    assert (
        "is not a Monday: the weekly time is on Mondays" in problems(error)["first_session_on"][0]
    )

    with pytest.raises(ValidationError) as error:
        individual(referral, therapist, slot, actor, first_session_on=date(2020, 1, 6))
    assert problems(error)["first_session_on"] == ["The first session must be today or later."]


def test_the_answer_date_must_be_today_or_later_and_by_the_first_session(setting, actor, today):
    programme, _, therapist, slot = setting
    referral = waiting(programme)
    first = next_day(0)

    with pytest.raises(ValidationError) as error:
        individual(referral, therapist, slot, actor, respond_by=today - timedelta(days=1))
    assert problems(error)["respond_by"] == ["The date to answer by must be today or later."]

    with pytest.raises(ValidationError) as error:
        individual(
            referral,
            therapist,
            slot,
            actor,
            first_session_on=first,
            respond_by=first + timedelta(1),
        )
    assert "The answer is needed by the first session" in problems(error)["respond_by"][0]


def test_a_group_place_counts_members_and_offers_waiting_and_refuses_a_full_group(setting, actor):
    programme, site, _, _ = setting
    group = group_of(programme, site, capacity=2)
    GroupMembershipFactory(group=group)
    first = group_place(waiting(programme), group, actor)
    assert first.site == site
    assert services.group_places(group).free == 0

    late = waiting(programme)
    with pytest.raises(ValidationError) as error:
        group_place(late, group, actor)

    assert "is full: its 2 places are all taken or offered" in problems(error)["group"][0]
    late.refresh_from_db()
    assert late.status == Status.WAITING


def test_a_group_of_another_programme_or_age_is_refused(setting, actor, today):
    programme, site, _, _ = setting
    other_programme, _ = programme_at_a_site()
    elsewhere = group_of(other_programme, site)
    children = group_of(programme, site, min_age=5, max_age=11)
    referral = waiting(programme, person=PersonFactory(date_of_birth=date(1990, 1, 1)))

    with pytest.raises(ValidationError) as error:
        group_place(referral, elsewhere, actor)
    assert f"is a group of {other_programme}" in problems(error)["group"][0]

    with pytest.raises(ValidationError) as error:
        group_place(referral, children, actor)
    assert "is for ages 5 to 11; this person is" in problems(error)["group"][0]


def test_a_group_place_leaves_the_referrals_therapist_empty_but_the_group_therapist_sees_it(
    setting, actor
):
    programme, site, _, _ = setting
    group = group_of(programme, site)
    [group_therapist] = group.therapists.all()
    stranger = TherapistFactory()
    referral = waiting(programme)

    group_place(referral, group, actor)

    referral.refresh_from_db()
    assert referral.therapist is None  # never counted against one-to-one capacity
    assert referrals_visible_to(group_therapist.user).filter(pk=referral.pk).exists()
    assert people_visible_to(group_therapist.user).filter(pk=referral.person_id).exists()
    assert not referrals_visible_to(stranger.user).filter(pk=referral.pk).exists()


# ---------------------------------------------------------------------------------------
# Answers


def test_yes_opens_the_episode_with_goals_and_moves_the_referral_to_active(setting, actor):
    programme, site, therapist, slot = setting
    referral = waiting(programme)
    offer = individual(referral, therapist, slot, actor)

    episode = services.offer_accept(
        offer=offer,
        via=Offer.AnsweredVia.COORDINATOR,
        actor=actor,
        goals=["  To sing with others ", "", "To feel calmer"],
    )

    referral.refresh_from_db()
    offer.refresh_from_db()
    assert referral.status == Status.ACTIVE
    assert offer.status == Offer.Status.ACCEPTED and offer.answered_by == actor
    assert offer.answered_via == Offer.AnsweredVia.COORDINATOR
    assert episode.person == referral.person and episode.programme == programme
    assert list(episode.therapists.all()) == [therapist]
    assert episode.goals == ["To sing with others", "To feel calmer"]
    assert episode.planned_sessions == 10 and episode.site == site
    assert episode.start_date == offer.first_session_on
    assert referral.events.filter(status=Status.ACTIVE, reason="Accepted the offer").exists()


def test_more_than_three_goals_are_refused_and_nothing_changes(setting, actor):
    programme, _, therapist, slot = setting
    offer = individual(waiting(programme), therapist, slot, actor)

    with pytest.raises(ValidationError) as error:
        services.offer_accept(
            offer=offer, via=Offer.AnsweredVia.COORDINATOR, actor=actor, goals=["a", "b", "c", "d"]
        )

    assert problems(error)["goals"] == ["Give up to 3 goals."]
    offer.refresh_from_db()
    assert offer.is_pending and not Episode.objects.exists()


def test_yes_to_a_group_place_makes_a_member_and_opens_the_episode(setting, actor):
    programme, site, _, _ = setting
    group = group_of(programme, site, planned_sessions=8)
    offer = group_place(waiting(programme), group, actor)

    episode = services.offer_accept(offer=offer, via=Offer.AnsweredVia.COORDINATOR, actor=actor)

    membership = GroupMembership.objects.get(episode=episode)
    assert membership.group == group and membership.joined_on == group.starts_on
    assert episode.group == group and episode.planned_sessions == 8
    assert set(episode.therapists.all()) == set(group.therapists.all())


def test_yes_to_a_group_place_is_refused_when_the_group_filled_up(setting, actor):
    programme, site, _, _ = setting
    group = group_of(programme, site, capacity=1)
    offer = group_place(waiting(programme), group, actor)
    GroupMembershipFactory(group=group)  # someone took the place another way

    with pytest.raises(ValidationError) as error:
        services.offer_accept(offer=offer, via=Offer.AnsweredVia.COORDINATOR, actor=actor)

    assert "This group is full" in error.value.messages[0]
    offer.refresh_from_db()
    assert offer.is_pending and offer.referral.status == Status.OFFERED
    assert not Episode.objects.filter(referral=offer.referral).exists()


def test_no_puts_the_referral_back_on_the_waiting_list_with_its_waiting_time(setting, actor):
    programme, _, therapist, slot = setting
    referral = waiting(programme, weeks=9)
    since = referral.waiting_since
    [before] = [e for e in waiting_list(programme)[0] if e.referral.pk == referral.pk]
    offer = individual(referral, therapist, slot, actor)

    services.offer_decline(
        offer=offer, via=Offer.AnsweredVia.COORDINATOR, actor=actor, reason="The time clashes"
    )

    referral.refresh_from_db()
    offer.refresh_from_db()
    assert referral.status == Status.WAITING and referral.therapist is None
    assert referral.waiting_since == since
    [after] = [e for e in waiting_list(programme)[0] if e.referral.pk == referral.pk]
    assert after.waited_days == before.waited_days == 63
    assert offer.status == Offer.Status.DECLINED and offer.decline_reason == "The time clashes"
    event = referral.events.filter(status=Status.WAITING).last()
    assert event.reason == "Declined the offer: The time clashes"
    # The time is free again for someone else.
    assert slot in services.free_individual_slots(programme)


def test_an_answered_offer_cannot_be_answered_again(setting, actor):
    programme, _, therapist, slot = setting
    offer = individual(waiting(programme), therapist, slot, actor)
    services.offer_decline(offer=offer, via=Offer.AnsweredVia.COORDINATOR, actor=actor)

    with pytest.raises(ValidationError) as error:
        services.offer_accept(offer=offer, via=Offer.AnsweredVia.COORDINATOR, actor=actor)

    assert error.value.messages[0].startswith("This offer was declined on")
    assert not Episode.objects.exists()


def test_withdrawing_needs_a_reason_and_returns_the_referral_to_the_list(setting, actor):
    programme, _, therapist, slot = setting
    referral = waiting(programme)
    offer = individual(referral, therapist, slot, actor)

    with pytest.raises(ValidationError) as error:
        services.offer_withdraw(offer=offer, actor=actor, reason="  ")
    assert problems(error)["reason"] == ["Say why the offer is withdrawn."]

    services.offer_withdraw(offer=offer, actor=actor, reason="Therapist on leave")
    referral.refresh_from_db()
    assert referral.status == Status.WAITING
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.WITHDRAWN


def test_no_answer_is_recorded_only_after_the_date_asked(setting, actor, today):
    programme, _, therapist, slot = setting
    referral = waiting(programme)
    offer = individual(referral, therapist, slot, actor)

    with pytest.raises(ValidationError) as error:
        services.offer_expire(offer=offer, actor=actor)
    assert "has not passed yet" in error.value.messages[0]

    services.offer_expire(offer=offer, actor=actor, on=offer.respond_by + timedelta(days=1))
    offer.refresh_from_db()
    referral.refresh_from_db()
    assert offer.status == Offer.Status.EXPIRED and referral.status == Status.WAITING
    assert referral.events.filter(status=Status.WAITING, reason__startswith="No answer").exists()


def test_every_move_is_a_referral_event(setting, actor):
    programme, _, therapist, slot = setting
    referral = waiting(programme)
    offer = individual(referral, therapist, slot, actor)
    services.offer_decline(offer=offer, via=Offer.AnsweredVia.COORDINATOR, actor=actor)
    offer = individual(referral, therapist, slot, actor)
    services.offer_accept(offer=offer, via=Offer.AnsweredVia.COORDINATOR, actor=actor)

    statuses = list(
        ReferralEvent.objects.filter(referral=referral).values_list("status", flat=True)
    )
    assert statuses == [Status.OFFERED, Status.WAITING, Status.OFFERED, Status.ACTIVE]


# ---------------------------------------------------------------------------------------
# Other roles


@pytest.mark.parametrize("role", [Role.THERAPIST, Role.PARTNER, Role.REFERRER])
def test_other_roles_cannot_open_the_offer_pages(client, setting, role):
    programme, *_ = setting
    referral = waiting(programme)
    client.force_login(UserFactory(roles=[role]))
    assert client.get(f"/delivery/offers/new/{referral.reference}/").status_code == 403
    assert client.get("/delivery/offers/").status_code == 403


# ---------------------------------------------------------------------------------------
# Offers from a confirmed allocation (issue 4)


@pytest.mark.parametrize("site_url", ["https://tutti.example.org", ""])
def test_offers_made_without_a_request_link_to_the_configured_site_or_send_nothing(
    setting, actor, django_capture_on_commit_callbacks, mailoutbox, settings, site_url
):
    """`manage.py allocate` has no request to take the site's address from: TUTTI_SITE_URL
    gives it; without it no email goes (a link to nowhere would be worse)."""
    from tutti.waitlist.services import allocation_confirm

    settings.TUTTI_SITE_URL = site_url
    programme, site, therapist, slot = setting
    first = waiting(programme, person=PersonFactory(email="first@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        allocation_confirm(
            programme=programme, assignments=[(first.reference, therapist.pk)], actor=actor
        )
    assert Offer.objects.filter(status=Offer.Status.PENDING).count() == 1
    if site_url:
        [message] = mailoutbox
        assert "https://tutti.example.org/offer/" in message.body
    else:
        assert mailoutbox == []


def test_confirming_an_allocation_makes_real_offers_at_free_weekly_times(
    setting, actor, today, django_capture_on_commit_callbacks, mailoutbox
):
    from tutti.waitlist.services import allocation_confirm

    programme, site, therapist, slot = setting
    add_time(therapist, site, weekday=3, start=time(14))
    first = waiting(programme, person=PersonFactory(email="first@example.org"))
    second = waiting(programme)

    with django_capture_on_commit_callbacks(execute=True):
        result = allocation_confirm(
            programme=programme,
            assignments=[(first.reference, therapist.pk), (second.reference, therapist.pk)],
            actor=actor,
            base_url="https://tutti.example.org/",
        )

    assert len(result.offered) == 2
    made = {o.referral_id: o for o in Offer.objects.filter(status=Offer.Status.PENDING)}
    assert (made[first.pk].weekday, made[first.pk].start_time) == (0, time(9))
    assert (made[second.pk].weekday, made[second.pk].start_time) == (3, time(14))
    for offer in made.values():
        assert offer.kind == Offer.Kind.INDIVIDUAL and offer.therapist == therapist
        assert offer.site == site and offer.made_by == actor
        assert offer.respond_by == today + timedelta(days=14)
    [message] = mailoutbox
    assert message.to == ["first@example.org"]
    assert "https://tutti.example.org/offer/" in message.body
    # The person answers as with any other offer.
    episode = services.offer_accept(offer=made[second.pk], via=Offer.AnsweredVia.COORDINATOR)
    assert episode.therapists.get() == therapist
