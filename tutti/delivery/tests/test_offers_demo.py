"""What the seeded demo shows of offers: one accepted into an episode with goals, one
waiting for an answer (its printed link works), one declined and back on the waiting list
with its original waiting date."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from tutti.delivery.models import Episode, Offer
from tutti.demo.builders.delivery_offers import DECLINE_REASON, GOALS
from tutti.referrals.models import Status


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("seed_demo", people=60, seed=7, verbosity=0, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_an_offer_was_accepted_into_an_episode_with_goals(seeded):
    episode = Episode.objects.get(goals=GOALS)
    assert episode.is_active and episode.referral.status == Status.ACTIVE
    assert episode.offer.status == Offer.Status.ACCEPTED
    assert episode.therapists.get().user.username == "therapist"
    assert episode.individual_sessions.count() == episode.planned_sessions


def test_an_offer_waits_for_an_answer_and_the_printed_link_opens_it(seeded):
    pending = Offer.objects.filter(status=Offer.Status.PENDING, made_by__username="coordinator")
    assert pending.filter(link_token_hash__gt="").exists()
    link = seeded.split("open ", 1)[1].split(" ", 1)[0]
    client = Client()
    assert client.get(link).status_code == 302
    assert "We have a place in music therapy" in client.get("/offer/answer/").content.decode()


def test_an_offer_was_declined_and_the_referral_waits_from_its_first_day(seeded):
    declined = Offer.objects.get(status=Offer.Status.DECLINED, decline_reason=DECLINE_REASON)
    referral = declined.referral
    assert referral.status == Status.WAITING and referral.therapist is None
    assert referral.waiting_since < declined.made_at
    assert declined.answered_via == Offer.AnsweredVia.LINK
