"""Each role against records it may and may not see: 200 for its own, 404 for the rest,
and never a name it should not see."""

from types import SimpleNamespace

import pytest
from markupsafe import escape

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.organisations.tests.factories import OrganisationFactory, SiteFactory
from tutti.people.tests.factories import PersonFactory
from tutti.programmes.tests.factories import ProgrammeFactory
from tutti.referrals.models import Status
from tutti.referrals.tests.factories import ReferralFactory
from tutti.workforce.tests.factories import TherapistFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    org_a, org_b = OrganisationFactory(), OrganisationFactory()
    site_b = SiteFactory(organisation=org_b)
    funder = OrganisationFactory(kind="funder", is_partner=False)
    programme = ProgrammeFactory(funder=funder)
    lead = TherapistFactory(user__roles=[Role.THERAPIST, Role.SUPERVISOR])
    t1 = TherapistFactory(supervisor=lead)
    t2 = TherapistFactory()
    referrer1 = UserFactory(roles=[Role.REFERRER])
    referrer2 = UserFactory(roles=[Role.REFERRER])
    people = SimpleNamespace(
        p1=PersonFactory(given_name="Aurelia"),
        p2=PersonFactory(given_name="Bartholomew"),
        p3=PersonFactory(given_name="Ceridwen"),
        p4=PersonFactory(given_name="Dagmara"),
    )
    referrals = SimpleNamespace(
        r1=ReferralFactory(
            person=people.p1,
            status=Status.ACTIVE,
            therapist=t1,
            referrer_organisation=org_a,
            referred_by=referrer1,
            programme=programme,
        ),
        r2=ReferralFactory(person=people.p2, status=Status.OFFERED, therapist=t2, site=site_b),
        r3=ReferralFactory(
            person=people.p3,
            status=Status.WAITING,
            referred_by=referrer2,
            referrer_organisation=org_b,
        ),
        # A finished episode leaves the therapist's caseload.
        r4=ReferralFactory(person=people.p4, status=Status.COMPLETED, therapist=t1),
    )
    users = {
        "administrator": UserFactory(roles=[Role.ADMINISTRATOR]),
        "coordinator": UserFactory(roles=[Role.COORDINATOR]),
        "therapist1": t1.user,
        "therapist2": t2.user,
        "supervisor": lead.user,
        "partner_a": UserFactory(roles=[Role.PARTNER], organisation=org_a),
        "partner_b": UserFactory(roles=[Role.PARTNER], organisation=org_b),
        "referrer1": referrer1,
        "referrer2": referrer2,
        "commissioner": UserFactory(roles=[Role.COMMISSIONER], organisation=funder),
        "no_role": UserFactory(),
    }
    return SimpleNamespace(people=people, referrals=referrals, users=users)


PEOPLE_VISIBLE = {
    "administrator": {"p1", "p2", "p3", "p4"},
    "coordinator": {"p1", "p2", "p3", "p4"},
    "therapist1": {"p1"},
    "therapist2": {"p2"},
    "supervisor": {"p1"},
    "partner_a": set(),
    "partner_b": set(),
    "referrer1": set(),
    "referrer2": set(),
    "commissioner": set(),
    "no_role": set(),
}

REFERRALS_VISIBLE = {
    "administrator": {"r1", "r2", "r3", "r4"},
    "coordinator": {"r1", "r2", "r3", "r4"},
    "therapist1": {"r1"},
    "therapist2": {"r2"},
    "supervisor": {"r1"},
    "partner_a": {"r1"},
    "partner_b": {"r2", "r3"},
    "referrer1": {"r1"},
    "referrer2": {"r3"},
    "commissioner": set(),
    "no_role": set(),
}


@pytest.mark.parametrize("who", sorted(PEOPLE_VISIBLE))
def test_person_record_is_shown_only_to_those_whose_work_needs_it(client, world, who):
    client.force_login(world.users[who])
    for key in ("p1", "p2", "p3", "p4"):
        person = getattr(world.people, key)
        for page in (f"/people/{person.pk}/", f"/outcomes/people/{person.pk}/"):
            response = client.get(page)
            if key in PEOPLE_VISIBLE[who]:
                assert response.status_code == 200, (who, key, page)
                assert person.given_name.encode() in response.content
            else:
                assert response.status_code in (403, 404), (who, key, page)
                assert person.given_name.encode() not in response.content


@pytest.mark.parametrize("who", sorted(REFERRALS_VISIBLE))
def test_referral_is_shown_only_within_the_users_scope(client, world, who):
    client.force_login(world.users[who])
    for key in ("r1", "r2", "r3", "r4"):
        referral = getattr(world.referrals, key)
        response = client.get(f"/referrals/{referral.reference}/")
        if key in REFERRALS_VISIBLE[who]:
            assert response.status_code == 200, (who, key)
        else:
            assert response.status_code == 404, (who, key)
            assert referral.person.given_name.encode() not in response.content


@pytest.mark.parametrize("who", sorted(PEOPLE_VISIBLE))
def test_lists_name_only_people_in_scope(client, world, who):
    client.force_login(world.users[who])
    listed = client.get("/people/").content + client.get("/referrals/").content
    listed += client.get("/account/dashboard/").content
    visible = PEOPLE_VISIBLE[who] | {"p" + key[1:] for key in REFERRALS_VISIBLE[who]}
    for key in ("p1", "p2", "p3", "p4"):
        name = getattr(world.people, key).given_name.encode()
        assert (name in listed) == (key in visible), (who, key)


def test_commissioner_sees_only_suppressed_aggregates_for_funded_programmes(client, world):
    client.force_login(world.users["commissioner"])
    page = client.get("/account/dashboard/").content.decode()
    assert "Programmes you fund" in page
    assert "&lt;5" in page  # one active referral is shown as <5, never as 1
    for person in vars(world.people).values():
        assert escape(person.given_name) not in page


def test_signed_out_visitor_is_sent_to_sign_in(client, world):
    response = client.get(f"/people/{world.people.p1.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/")


def test_inactive_user_sees_nothing(client, world):
    user = world.users["coordinator"]
    user.is_active = False
    user.save()
    client.force_login(user)
    assert client.get(f"/people/{world.people.p1.pk}/").status_code in (302, 404)


def test_only_administrators_reach_the_back_office(client, world):
    client.force_login(world.users["coordinator"])
    response = client.get("/back-office/")
    assert response.status_code == 302 and "login" in response["Location"]
    admin = world.users["administrator"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    assert client.get("/back-office/").status_code == 200


def test_only_coordinators_change_a_persons_details(client, world):
    client.force_login(world.users["therapist1"])
    response = client.get(f"/people/{world.people.p1.pk}/edit/")
    assert response.status_code == 403
