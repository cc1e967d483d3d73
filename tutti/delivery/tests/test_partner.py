"""Partner staff see the sessions held at their own organisation's sites: dates, groups,
kinds and attendance counts; names only of the people their organisation referred; never
notes, never cancellation reasons, never another organisation's sessions."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.core.models import AccessEvent
from tutti.delivery.diaries import Week
from tutti.delivery.models import Session, SessionRecord
from tutti.delivery.tests.factories import (
    AttendanceFactory,
    EpisodeFactory,
    GroupFactory,
    GroupMembershipFactory,
    SessionFactory,
    at,
)
from tutti.organisations.tests.factories import OrganisationFactory, SiteFactory
from tutti.workforce.tests.factories import TherapistFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def last_week():
    return Week.containing(timezone.localdate()).previous


@pytest.fixture
def school():
    return OrganisationFactory(name="Hill Primary School")


@pytest.fixture
def partner(school):
    return UserFactory(roles=[Role.PARTNER], organisation=school)


def url(week):
    return f"{reverse('delivery:partner')}?week={week.iso}"


def test_a_partner_sees_sessions_at_their_sites_with_counts_and_only_their_own_names(
    client, partner, school, last_week
):
    hall = SiteFactory(organisation=school, name="School hall")
    therapist = TherapistFactory(user__full_name="Mo Therapist")
    group = GroupFactory(site=hall, name="Year 4 music group", therapists=[therapist])
    held = SessionFactory(
        kind=Session.Kind.GROUP,
        episode=None,
        group=group,
        programme=group.programme,
        site=hall,
        starts_at=at(last_week.days[1], 14),
        ends_at=at(last_week.days[1], 15),
    )
    ours = GroupMembershipFactory(
        group=group,
        episode__referral__referrer_organisation=school,
        episode__referral__person__given_name="Ada",
        episode__referral__person__family_name="Ourpupil",
    )
    theirs = GroupMembershipFactory(
        group=group,
        episode__referral__person__given_name="Bea",
        episode__referral__person__family_name="Gpreferral",
    )
    AttendanceFactory(session=held, episode=ours.episode, status="attended")
    AttendanceFactory(session=held, episode=theirs.episode, status="dna")
    SessionRecord.objects.create(session=held, notes="The group wrote a song about rain")

    # One-to-one sessions in the school: one pupil the school referred, one it did not.
    own_pupil = EpisodeFactory(
        referral__referrer_organisation=school,
        referral__person__given_name="Cy",
        referral__person__family_name="Schoolref",
        therapists=[therapist],
    )
    SessionFactory(episode=own_pupil, site=hall, starts_at=at(last_week.days[2], 9))
    someone = EpisodeFactory(
        referral__person__given_name="Dan",
        referral__person__family_name="Selfreferred",
        therapists=[therapist],
    )
    SessionFactory(
        episode=someone,
        site=hall,
        starts_at=at(last_week.days[3], 9),
        status=Session.Status.CANCELLED,
        cancelled_by=Session.CancelledBy.CLIENT,
        cancellation_reason="Dan's mum rang: hospital appointment",
    )
    # Another organisation's site.
    SessionFactory(
        kind=Session.Kind.GROUP,
        episode=None,
        group=GroupFactory(name="Care home singers"),
        starts_at=at(last_week.days[1], 10),
    )

    client.force_login(partner)
    response = client.get(url(last_week))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Year 4 music group" in page and "School hall" in page and "Mo Therapist" in page
    assert "1 of 2 attended" in page
    assert "Cy Schoolref" in page
    assert "Not one of your organisation&#39;s referrals" in page
    assert "Cancelled by the person or their family" in page
    for hidden in (
        "Ourpupil",
        "Gpreferral",
        "Selfreferred",
        "Dan",
        "hospital",
        "rain",
        "Care home singers",
    ):
        assert hidden not in page, hidden
    assert "/delivery/sessions/" not in page  # the session pages are the clinical team's
    # Only the one name shown is in that person's audit trail.
    assert list(AccessEvent.objects.filter(actor=partner).values_list("person_id", flat=True)) == [
        own_pupil.person_id
    ]


def test_a_partner_without_an_organisation_sees_nothing_and_is_told_why(client, last_week):
    SessionFactory(starts_at=at(last_week.days[1], 10))
    client.force_login(UserFactory(roles=[Role.PARTNER]))
    page = client.get(url(last_week)).content.decode()
    assert "Your account is not linked to an organisation" in page
    assert "tutti-diary-entry" not in page


def test_the_partner_page_is_for_partner_staff_only(client):
    for user in (
        TherapistFactory().user,
        UserFactory(roles=[Role.COORDINATOR]),
        UserFactory(roles=[Role.REFERRER]),
        UserFactory(roles=[Role.COMMISSIONER]),
    ):
        client.force_login(user)
        assert client.get(reverse("delivery:partner")).status_code == 403
    client.logout()
    assert client.get(reverse("delivery:partner")).status_code == 302  # to sign in


def test_the_partners_dashboard_links_to_their_sessions(client, partner):
    client.force_login(partner)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("delivery:partner") in page
    client.force_login(UserFactory(roles=[Role.REFERRER]))
    assert (
        reverse("delivery:partner")
        not in client.get(reverse("accounts:dashboard")).content.decode()
    )


def test_the_partner_moves_between_weeks_in_place(client, partner, school, last_week):
    hall = SiteFactory(organisation=school)
    group = GroupFactory(site=hall, name="Year 4 music group")
    SessionFactory(
        kind=Session.Kind.GROUP,
        episode=None,
        group=group,
        programme=group.programme,
        site=hall,
        starts_at=at(last_week.days[4], 13),
    )
    client.force_login(partner)
    part = client.get(url(last_week), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in part and "Year 4 music group" in part
    assert f'hx-get="/delivery/partner/?week={last_week.next.iso}"' in part
