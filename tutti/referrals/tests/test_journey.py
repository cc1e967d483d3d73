from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.core.vocab import Route
from tutti.people.tests.factories import PersonFactory
from tutti.programmes.tests.factories import ProgrammeFactory
from tutti.referrals import services
from tutti.referrals.models import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return UserFactory(roles=[Role.COORDINATOR])


@pytest.fixture
def referral(coordinator):
    return services.referral_receive(
        person=PersonFactory(),
        programme=ProgrammeFactory(),
        route=Route.GP,
        consent_to_refer=True,
        actor=coordinator,
        received_at=timezone.now() - timedelta(days=30),
    )


def test_each_step_is_a_timestamped_event_with_its_actor(referral, coordinator):
    services.referral_accept(referral=referral, actor=coordinator)
    referral.refresh_from_db()
    assert referral.status == Status.WAITING
    assert [e.status for e in referral.events.all()] == [Status.RECEIVED, Status.WAITING]
    accepted = referral.events.last()
    assert accepted.actor == coordinator
    assert referral.waiting_since == accepted.at
    assert referral.status_changed_at == accepted.at


def test_an_illegal_move_is_refused_with_a_clear_message(referral, coordinator):
    with pytest.raises(ValidationError, match="'received' cannot be moved to 'completed'"):
        services.referral_move(referral=referral, to=Status.COMPLETED, actor=coordinator)
    referral.refresh_from_db()
    assert referral.status == Status.RECEIVED
    assert referral.events.count() == 1


def test_a_closed_referral_cannot_be_reopened(referral, coordinator):
    services.referral_decline(referral=referral, actor=coordinator, reason="Outside the area")
    with pytest.raises(ValidationError):
        services.referral_accept(referral=referral, actor=coordinator)


def test_signposting_says_where_to(referral, coordinator):
    with pytest.raises(ValidationError, match="signposted to"):
        services.referral_signpost(
            referral=referral, actor=coordinator, reason="", signposted_to=""
        )
    services.referral_signpost(
        referral=referral, actor=coordinator, reason="Needs CAMHS", signposted_to="Local CAMHS"
    )
    assert referral.events.last().signposted_to == "Local CAMHS"


def test_accepting_needs_a_programme(coordinator):
    referral = services.referral_receive(
        person=PersonFactory(), route=Route.SELF, consent_to_refer=True, actor=coordinator
    )
    with pytest.raises(ValidationError, match="Choose a programme"):
        services.referral_accept(referral=referral, actor=coordinator)


def test_an_offer_declined_returns_to_the_list_keeping_the_original_wait(referral, coordinator):
    services.referral_accept(referral=referral, actor=coordinator)
    referral.refresh_from_db()
    first_wait = referral.waiting_since
    services.referral_move(referral=referral, to=Status.OFFERED, actor=coordinator)
    services.referral_move(
        referral=referral,
        to=Status.WAITING,
        actor=coordinator,
        reason="Offer declined: times do not suit",
    )
    referral.refresh_from_db()
    assert referral.waiting_since == first_wait
