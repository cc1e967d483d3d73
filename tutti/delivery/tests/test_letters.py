"""The discharge letter: what the referrer reads when an episode ends, and who may read it."""

import html as html_lib
import re

import pytest
from django.utils import timezone

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.core.models import AccessEvent
from tutti.delivery.letters import discharge_letter, session_counts
from tutti.delivery.tests.factories import EpisodeFactory
from tutti.delivery.tests.letter_helpers import NOTE, SUMMARY, ended_episode
from tutti.organisations.tests.factories import OrganisationFactory
from tutti.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def referrer():
    return UserFactory(roles=[Role.REFERRER], full_name="Priya Shah")


@pytest.fixture
def episode(referrer):
    return ended_episode(referred_by=referrer)


def letter_url(episode):
    return f"/referrals/{episode.referral.reference}/discharge-letter/"


def text_of(response):
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_referrer_reads_the_letter(client, referrer, episode):
    client.force_login(referrer)

    response = client.get(letter_url(episode))

    assert response.status_code == 200
    text = text_of(response)
    today = timezone.localdate().strftime("%-d %B %Y")
    assert "Discharge from music therapy" in text
    assert "Dear Dr Priya Shah," in text
    assert "Name Alex Rivers" in text and "NHS number 943 476 5919" in text
    assert f"Date of birth {episode.person.date_of_birth.strftime('%-d %B %Y')}" in text
    assert f"Alex's music therapy with us ended on {today}" in text
    assert episode.programme.name in text and "Jo Harmon" in text
    assert "Sessions 10 planned, 7 offered, 5 attended" in text
    assert "Of the 7 sessions offered, 1 was missed, 1 cancelled by Alex" in text
    assert "We cancelled 1 session ourselves" in text
    assert "Why it ended Completed the planned sessions" in text
    assert "Goals Goals met" in text and "Sing with others" in text
    assert SUMMARY in text
    # SWEMWBS: raw 18 → metric 17.43 at baseline; raw 23 → 20.73 at end: up 3.30, reliable.
    assert "SWEMWBS metric score 17.43 Baseline" in text
    assert "20.73 End" in text
    assert "+3.30 (better) Reliable improvement" in text
    assert "Higher scores are better. A change must be more than 2.87 to be reliable." in text
    assert "HCPC registration MT" in text


def test_the_letter_never_carries_a_session_note(client, referrer, episode):
    client.force_login(referrer)
    assert NOTE not in client.get(letter_url(episode)).content.decode()
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    client.force_login(coordinator)
    assert NOTE not in client.get(letter_url(episode)).content.decode()


def test_each_read_is_in_the_persons_trail(client, referrer, episode):
    client.force_login(referrer)
    client.get(letter_url(episode))
    event = AccessEvent.objects.get(actor=referrer)
    assert event.person_id == episode.person_id
    assert event.object_id == str(episode.pk)
    assert event.path == letter_url(episode)  # the reference, never a name


def test_the_referrer_finds_it_from_their_referral(client, referrer, episode):
    client.force_login(referrer)
    page = client.get(f"/referrals/{episode.referral.reference}/").content.decode()
    assert f'href="{letter_url(episode)}"' in page


def test_the_team_reads_it_too(client, episode):
    for user in (
        episode.therapists.get().user,
        UserFactory(roles=[Role.COORDINATOR]),
        UserFactory(roles=[Role.ADMINISTRATOR]),
    ):
        client.force_login(user)
        assert client.get(letter_url(episode)).status_code == 200
    page = client.get(f"/delivery/episodes/{episode.pk}/").content.decode()
    assert f'href="{letter_url(episode)}"' in page


@pytest.mark.parametrize(
    "role", [Role.REFERRER, Role.COMMISSIONER, Role.THERAPIST, Role.PARTNER, Role.SUPERVISOR]
)
def test_nobody_else_reads_it(client, episode, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(letter_url(episode)).status_code == 404
    assert not AccessEvent.objects.exists()


def test_not_even_partner_staff_at_the_referrers_organisation(client):
    organisation = OrganisationFactory()
    sender = UserFactory(roles=[Role.PARTNER], organisation=organisation)
    episode = ended_episode(referred_by=sender, referrer_organisation=organisation)
    colleague = UserFactory(roles=[Role.PARTNER], organisation=organisation)
    client.force_login(colleague)
    assert client.get(letter_url(episode)).status_code == 404
    page = client.get(f"/referrals/{episode.referral.reference}/").content.decode()
    assert "discharge-letter" not in page
    client.force_login(sender)
    assert client.get(letter_url(episode)).status_code == 200


def test_signed_out_visitors_are_sent_to_sign_in(client, episode):
    response = client.get(letter_url(episode))
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_no_letter_while_the_episode_is_going_on(client, referrer):
    episode = ended_episode(referred_by=referrer, end=False)
    client.force_login(referrer)
    assert client.get(letter_url(episode)).status_code == 404
    assert (
        "discharge-letter"
        not in client.get(f"/referrals/{episode.referral.reference}/").content.decode()
    )


def test_without_measures_the_letter_says_so(client, referrer):
    episode = ended_episode(referred_by=referrer, measures=False)
    client.force_login(referrer)
    text = text_of(client.get(letter_url(episode)))
    assert "No outcome measures were completed during this episode." in text


def test_a_group_members_sessions_are_counted_from_the_register(referrer):
    episode = ended_episode(referred_by=referrer)
    counts = session_counts(episode)
    assert (counts.attended, counts.missed, counts.cancelled_by_person) == (5, 1, 1)
    assert (counts.cancelled_by_service, counts.offered) == (1, 7)
    letter = discharge_letter(episode)
    [swemwbs] = letter.measures
    [change] = swemwbs.changes
    assert (change.baseline, change.latest, change.reliable) == (
        17.43,
        20.73,
        "Reliable improvement",
    )


def test_an_active_episode_has_no_letter():
    with pytest.raises(ValueError):
        discharge_letter(EpisodeFactory(person=PersonFactory()))
