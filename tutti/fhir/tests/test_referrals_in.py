"""Referrals sent as FHIR by a GP or partner system: built from the NHS's own published
examples, through the same intake as every other route."""

from datetime import date

import pytest

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.accounts.tokens import api_token_create
from tutti.fhir.codes import CIRCUMSTANCE_SYSTEM, NEED_SYSTEM, PROGRAMME_SYSTEM, ROUTE_SYSTEM
from tutti.fhir.tests.helpers import (
    PATIENT_URL,
    SERVICE_REQUEST_URL,
    bars_patient,
    bars_service_request,
    expressions,
    issues,
    nhs_example_bundle,
    post,
    service_request_with_patient,
    transaction,
    uk_core_patient,
)
from tutti.organisations.tests.factories import OrganisationFactory
from tutti.people.models import Person
from tutti.people.tests.factories import PersonFactory
from tutti.programmes.tests.factories import ProgrammeFactory
from tutti.referrals.models import Channel, PersonMatch, Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def token():
    return api_token_create(name="leeds-gp-system", scopes=["fhir:write"])[1]


@pytest.fixture
def camden_group():
    return ProgrammeFactory(code="CAMDEN-16-24", min_age=16, max_age=24)


def young_patient():
    patient = uk_core_patient()
    patient["birthDate"] = date(date.today().year - 18, 1, 15).isoformat()
    return patient


def test_the_nhs_examples_make_a_referral_the_coordinator_sees(client, token):
    response = post(client, "/fhir/r4/", nhs_example_bundle(), token)

    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    body = response.json()
    assert body["resourceType"] == "Bundle" and body["type"] == "transaction-response"
    answers = [entry["response"] for entry in body["entry"]]
    assert [a["status"] for a in answers] == ["202 Accepted", "201 Created", "202 Accepted"]
    reference = answers[1]["location"].rsplit("/", 1)[1]

    referral = Referral.objects.get(reference=reference)
    person = referral.person
    assert referral.channel == Channel.FHIR
    assert referral.status == "received"
    assert (person.given_name, person.family_name) == ("Richard", "SMITH")
    assert person.nhs_number == "9912003888"
    assert person.date_of_birth == date(1970, 9, 11)
    assert person.postcode == "LS17 7DF"
    assert (person.address_line_1, person.town) == ("4 Sandmoor Drive", "LEEDS")
    assert (person.phone, person.gender, person.ethnicity) == ("01131231234", "1", "G")
    assert person.preferred_language == "British Sign Language"
    assert "ED post tonsillectomy bleeding" in referral.reason
    assert "Physical examination of reported chest pain" in referral.reason
    assert (referral.referrer_name, referral.referrer_phone) == ("Marcy BLAKE", "0205568263")
    assert referral.route == "other_professional"
    assert referral.programme is None  # the coordinator chooses at triage

    coordinator = UserFactory(roles=[Role.COORDINATOR])
    client.force_login(coordinator)
    assert reference in client.get("/referrals/triage/").content.decode()
    assert reference in client.get("/referrals/").content.decode()


def test_a_published_nhs_number_that_fails_its_check_digit_is_refused(client, token):
    bundle = transaction(
        (PATIENT_URL, bars_patient()), (SERVICE_REQUEST_URL, bars_service_request())
    )

    response = post(client, "/fhir/r4", bundle, token)

    assert response.status_code == 422
    [issue] = issues(response)
    assert issue["severity"] == "error" and issue["code"] == "value"
    assert "check digit" in issue["diagnostics"]
    assert issue["expression"] == [
        "Patient.identifier[0].value",
        "Bundle.entry[0].resource.identifier[0].value",
    ]
    assert not Referral.objects.exists() and not Person.objects.exists()


def test_a_service_request_with_its_patient_contained_asks_for_a_programme(
    client, token, camden_group
):
    data = service_request_with_patient(
        young_patient(),
        performer=[{"identifier": {"system": PROGRAMME_SYSTEM, "value": "camden-16-24"}}],
        category=[{"coding": [{"system": ROUTE_SYSTEM, "code": "gp"}]}],
        priority="urgent",
        reasonCode=[
            {"text": "Withdrawn since leaving school"},
            {"coding": [{"system": NEED_SYSTEM, "code": "confidence"}]},
            {"coding": [{"system": CIRCUMSTANCE_SYSTEM, "code": "social_isolation"}]},
        ],
    )

    response = post(client, "/fhir/r4/ServiceRequest", data, token)

    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Location"].endswith(f"/fhir/r4/ServiceRequest/{body['id']}")
    assert body["status"] == "active"
    assert body["performer"][0]["identifier"]["value"] == "CAMDEN-16-24"
    referral = Referral.objects.get(reference=body["id"])
    assert referral.programme == camden_group
    assert referral.eligible is True
    assert (referral.route, referral.urgency) == ("gp", "soon")
    assert referral.needs == ["confidence"] and referral.circumstances == ["social_isolation"]
    assert referral.reason == "Withdrawn since leaving school"


def test_eligibility_is_checked_as_on_every_route(client, token, camden_group):
    data = service_request_with_patient(
        performer=[{"identifier": {"system": PROGRAMME_SYSTEM, "value": "CAMDEN-16-24"}}]
    )
    response = post(client, "/fhir/r4/ServiceRequest", data, token)
    assert response.status_code == 201
    referral = Referral.objects.get()
    assert referral.eligible is False
    assert any("16" in reason and "24" in reason for reason in referral.eligibility_reasons)


def test_the_programme_may_be_a_healthcare_service_in_the_bundle(client, token, camden_group):
    request = bars_service_request()
    request["performer"] = [{"reference": "urn:uuid:music-therapy"}]
    service = {
        "resourceType": "HealthcareService",
        "identifier": [{"system": PROGRAMME_SYSTEM, "value": "CAMDEN-16-24"}],
        "name": "Camden young people's music group",
    }
    bundle = transaction(
        (PATIENT_URL, young_patient()),
        (SERVICE_REQUEST_URL, request),
        ("urn:uuid:music-therapy", service),
    )
    assert post(client, "/fhir/r4/", bundle, token).status_code == 200
    assert Referral.objects.get().programme == camden_group


def test_an_unknown_programme_is_named(client, token):
    data = service_request_with_patient(
        performer=[{"identifier": {"system": PROGRAMME_SYSTEM, "value": "NOPE"}}]
    )
    response = post(client, "/fhir/r4/ServiceRequest", data, token)
    assert response.status_code == 422
    assert "no programme with code 'NOPE'" in issues(response)[0]["diagnostics"]
    assert expressions(response) == ["ServiceRequest.performer[0].identifier.value"]


def test_someone_already_known_is_linked_and_flagged_not_duplicated(client, token):
    known = PersonFactory(nhs_number="9912003888")
    response = post(client, "/fhir/r4/", nhs_example_bundle(), token)
    assert response.status_code == 200
    referral = Referral.objects.get()
    assert referral.person == known
    assert referral.person_match == PersonMatch.NHS_NUMBER
    assert referral.needs_match_confirmed
    assert Person.objects.count() == 1


def test_a_social_prescribing_referral_comes_from_a_link_worker(client, token):
    data = service_request_with_patient(
        code={
            "coding": [
                {
                    "system": "http://snomed.info/sct",
                    "code": "871731000000106",
                    "display": "Referral to social prescribing service",
                }
            ]
        }
    )
    response = post(client, "/fhir/r4/ServiceRequest", data, token)
    assert response.status_code == 201
    assert Referral.objects.get().route == "link_worker"
    assert response.json()["code"]["coding"][0]["code"] == "871731000000106"


def test_a_gp_practice_token_refers_by_the_gp_route(client):
    practice = OrganisationFactory(kind="gp_practice", ods_code="F83004")
    _, plain = api_token_create(name="practice", scopes=["fhir:write"], organisation=practice)
    response = post(client, "/fhir/r4/ServiceRequest", service_request_with_patient(), plain)
    assert response.status_code == 201
    referral = Referral.objects.get()
    assert (referral.route, referral.referrer_organisation) == ("gp", practice)


def test_a_retry_with_the_same_idempotency_key_returns_the_same_referral(client, token):
    data = service_request_with_patient()
    first = post(client, "/fhir/r4/ServiceRequest", data, token, HTTP_IDEMPOTENCY_KEY="k-1")
    again = post(client, "/fhir/r4/ServiceRequest", data, token, HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Referral.objects.count() == 1
    other = service_request_with_patient(reasonCode=[{"text": "Something else"}])
    clash = post(client, "/fhir/r4/ServiceRequest", other, token, HTTP_IDEMPOTENCY_KEY="k-1")
    assert clash.status_code == 409
    assert issues(clash)[0]["code"] == "conflict"


def test_a_transaction_retried_with_its_key_is_not_made_twice(client, token):
    bundle = nhs_example_bundle()
    first = post(client, "/fhir/r4/", bundle, token, HTTP_IDEMPOTENCY_KEY="bundle-1")
    again = post(client, "/fhir/r4/", bundle, token, HTTP_IDEMPOTENCY_KEY="bundle-1")
    statuses = [e["response"]["status"] for e in again.json()["entry"]]
    assert statuses[1] == "200 OK"
    assert (
        again.json()["entry"][1]["response"]["location"]
        == (first.json()["entry"][1]["response"]["location"])
    )
    assert Referral.objects.count() == 1
