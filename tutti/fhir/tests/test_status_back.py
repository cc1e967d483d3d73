"""The sender reads its referral back as a ServiceRequest whose status follows the referral:
only the token that sent it, and every read is in the person's trail."""

import pytest

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.accounts.tokens import api_token_create
from tutti.core.models import AccessEvent
from tutti.fhir.codes import REFERRAL_STATUS_SYSTEM, STATUS_REASON_URL
from tutti.fhir.tests.helpers import get, issues, post, service_request_with_patient
from tutti.referrals.models import Referral
from tutti.referrals.services import referral_move

pytestmark = pytest.mark.django_db


@pytest.fixture
def token():
    return api_token_create(name="gp-system", scopes=["fhir:write"])[1]


@pytest.fixture
def referral(client, token):
    response = post(client, "/fhir/r4/ServiceRequest", service_request_with_patient(), token)
    assert response.status_code == 201
    return Referral.objects.get(reference=response.json()["id"])


@pytest.fixture
def coordinator():
    return UserFactory(roles=[Role.COORDINATOR])


def read(client, token, referral):
    return get(client, f"/fhir/r4/ServiceRequest/{referral.reference}", token)


def detail(body):
    [extension] = [e for e in body["extension"] if e["url"] == STATUS_REASON_URL]
    [coding] = extension["valueCodeableConcept"]["coding"]
    assert coding["system"] == REFERRAL_STATUS_SYSTEM
    return coding["code"]


def status_after(client, token, referral, coordinator, *moves):
    for to in moves:
        referral_move(referral=referral, to=to, actor=coordinator, reason="Test")
    body = read(client, token, referral).json()
    return body["status"], detail(body)


def test_the_sender_reads_its_referral(client, token, referral):
    response = read(client, token, referral)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    body = response.json()
    assert body["resourceType"] == "ServiceRequest" and body["id"] == referral.reference
    assert (body["status"], detail(body)) == ("active", "received")
    assert body["subject"]["identifier"]["value"] == "9912003888"
    assert body["identifier"] == [{"system": "urn:tutti:referral", "value": referral.reference}]


def test_the_status_follows_the_referral_to_completion(client, token, referral, coordinator):
    assert status_after(client, token, referral, coordinator, "waiting") == ("active", "waiting")
    assert status_after(client, token, referral, coordinator, "offered") == ("active", "offered")
    assert status_after(client, token, referral, coordinator, "active") == ("active", "active")
    assert status_after(client, token, referral, coordinator, "completed") == (
        "completed",
        "completed",
    )


@pytest.mark.parametrize(
    "moves, expected",
    [
        (["info_requested"], ("on-hold", "info_requested")),
        (["declined"], ("revoked", "declined")),
        (["signposted"], ("revoked", "signposted")),
        (["waiting", "withdrawn"], ("revoked", "withdrawn")),
    ],
)
def test_a_referral_that_pauses_or_ends_without_therapy(
    client, token, referral, coordinator, moves, expected
):
    assert status_after(client, token, referral, coordinator, *moves) == expected


def test_no_other_token_sees_it(client, referral):
    _, other = api_token_create(name="someone-else", scopes=["fhir:write"])
    response = read(client, other, referral)
    assert response.status_code == 404
    assert issues(response)[0]["code"] == "not-found"
    assert get(client, "/fhir/r4/ServiceRequest/R-NOPE-NOPE", other).status_code == 404


def test_each_read_is_in_the_persons_trail(client, token, referral):
    read(client, token, referral)
    event = AccessEvent.objects.get(object_id=str(referral.pk))
    assert event.person_id == referral.person_id
    assert event.actor_label == "API token 'gp-system'"
    assert event.path == f"/fhir/r4/ServiceRequest/{referral.reference}"
