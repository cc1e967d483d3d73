import pytest
from django.db import IntegrityError, transaction

from tutti.delivery.models import Offer, Session
from tutti.delivery.tests.factories import (
    AttendanceFactory,
    EpisodeFactory,
    GroupMembershipFactory,
    OfferFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


def test_a_referral_cannot_have_two_offers_waiting_for_an_answer():
    offer = OfferFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        OfferFactory(referral=offer.referral)
    offer.status = Offer.Status.DECLINED
    offer.save()
    OfferFactory(referral=offer.referral)  # a new offer after a decline is fine


def test_a_session_must_end_after_it_starts():
    session = SessionFactory()
    session.ends_at = session.starts_at
    with pytest.raises(IntegrityError), transaction.atomic():
        session.save()


def test_an_individual_session_belongs_to_an_episode():
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionFactory(episode=None, kind=Session.Kind.INDIVIDUAL, programme=None)


def test_factories_link_a_participant_to_their_session():
    attendance = AttendanceFactory()
    assert attendance.episode == attendance.session.episode
    member = GroupMembershipFactory()
    assert member.episode.programme == member.group.programme
    assert EpisodeFactory().therapists.count() == 1
