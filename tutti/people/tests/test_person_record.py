import pytest
from auditlog.models import LogEntry

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.core.models import AccessEvent
from tutti.people.models import Person
from tutti.people.tests.factories import PersonFactory
from tutti.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(client):
    user = UserFactory(roles=[Role.COORDINATOR])
    client.force_login(user)
    return user


VALID_FORM = {
    "given_name": "Amara",
    "family_name": "Okafor",
    "date_of_birth_0": "17",
    "date_of_birth_1": "5",
    "date_of_birth_2": "2008",
    "nhs_number": "",
    "postcode": "nw1 2db",
    "preferred_language": "English",
}


def test_opening_a_record_is_recorded_as_an_access_event(client, coordinator):
    person = PersonFactory()
    client.get(f"/people/{person.pk}/", REMOTE_ADDR="203.0.113.9")
    event = AccessEvent.objects.get()
    assert event.actor == coordinator
    assert event.person_id == person.pk
    assert event.action == "view"
    assert event.remote_addr == "203.0.113.9"
    assert event.path == f"/people/{person.pk}/"


def test_a_refused_look_is_not_an_access(client):
    client.force_login(UserFactory(roles=[Role.REFERRER]))
    person = PersonFactory()
    assert client.get(f"/people/{person.pk}/").status_code == 404
    assert not AccessEvent.objects.exists()


def test_opening_a_referral_counts_towards_the_persons_trail(client, coordinator):
    referral = ReferralFactory()
    client.get(f"/referrals/{referral.reference}/")
    assert AccessEvent.objects.get().person_id == referral.person_id


def test_saving_details_normalises_and_records_the_change_with_its_actor(client, coordinator):
    person = PersonFactory(postcode="SW1A 1AA")
    response = client.post(f"/people/{person.pk}/edit/", VALID_FORM)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.postcode == "NW1 2DB"
    assert person.given_name == "Amara"
    entry = LogEntry.objects.get_for_object(person).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == coordinator
    assert entry.changes_dict["postcode"] == ["SW1A 1AA", "NW1 2DB"]


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"given_name": ""}, "given_name", "Enter a first name"),
        ({"postcode": "QX1 1AA"}, "postcode", "QX1 1AA is not a valid UK postcode"),
        ({"postcode": "AB1 1CI"}, "postcode", "AB1 1CI is not a valid UK postcode"),
        ({"nhs_number": "999 765 4324"}, "nhs_number", "check digit"),
        ({"nhs_number": "12345"}, "nhs_number", "An NHS number is 10 digits"),
        ({"date_of_birth_2": "2099"}, "date_of_birth", "must be in the past"),
        ({"date_of_birth_1": ""}, "date_of_birth", "must include a month"),
        ({"date_of_birth_0": "31", "date_of_birth_1": "2"}, "date_of_birth", "must be a real date"),
        ({"email": "not-an-email"}, "email", "Enter an email address"),
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_kept(
    client, coordinator, change, field, message
):
    person = PersonFactory(given_name="Original")
    response = client.post(f"/people/{person.pk}/edit/", {**VALID_FORM, **change})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page  # the error summary
    assert f'id="{field}' in page or f'id="id_{field}' in page
    assert message in page
    assert page.count("nhsuk-error-message") >= 1
    for value in change.values():
        if value:
            assert f'value="{value}"' in page  # what was typed is kept
    person.refresh_from_db()
    assert person.given_name == "Original"  # nothing saved


def test_an_nhs_number_already_held_by_someone_else_is_refused(client, coordinator):
    PersonFactory(nhs_number="9997654323")
    person = PersonFactory()
    response = client.post(
        f"/people/{person.pk}/edit/", {**VALID_FORM, "nhs_number": "999 765 4323"}
    )
    assert response.status_code == 200
    assert "already has this NHS number" in response.content.decode()
    assert Person.objects.filter(nhs_number="9997654323").count() == 1


def test_administrator_sees_the_whole_trail_on_one_page(client, coordinator):
    person = PersonFactory()
    referral = ReferralFactory(person=person)
    client.get(f"/people/{person.pk}/")
    client.post(f"/people/{person.pk}/edit/", VALID_FORM)
    client.get(f"/referrals/{referral.reference}/")

    admin = UserFactory(roles=[Role.ADMINISTRATOR], username="auditor")
    client.force_login(admin)
    page = client.get(f"/people/{person.pk}/trail/").content.decode()
    assert page.count(coordinator.username) >= 3  # two views, one change (and the referral view)
    assert "NW1 2DB" in page  # the change itself
    assert "Viewed" in page and "referral" in page.lower()


def test_trail_is_for_administrators_only(client, coordinator):
    person = PersonFactory()
    assert client.get(f"/people/{person.pk}/trail/").status_code == 403


def test_the_trail_includes_the_persons_offers_episodes_and_attendance(client):
    from tutti.delivery.tests.factories import AttendanceFactory, OfferFactory

    attendance = AttendanceFactory()
    episode = attendance.episode
    OfferFactory(referral=episode.referral, status="accepted")
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    page = client.get(f"/people/{episode.person_id}/trail/").content.decode().lower()
    assert "create offer" in page and "create episode" in page
    assert "create attendance" in page
