"""Bad resources are answered with an OperationOutcome and a 4xx naming the element at fault,
and nothing is stored."""

import copy

import pytest

from tutti.accounts.tokens import api_token_create
from tutti.fhir.tests.helpers import (
    PATIENT_URL,
    SERVICE_REQUEST_URL,
    bars_service_request,
    expressions,
    issues,
    nhs_example_bundle,
    post,
    service_request_with_patient,
    transaction,
    uk_core_patient,
)
from tutti.referrals.models import Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def token():
    return api_token_create(name="gp-system", scopes=["fhir:write"])[1]


@pytest.fixture(autouse=True)
def _nothing_stored():
    yield
    assert not Referral.objects.exists()


def patient_with(**changes):
    patient = uk_core_patient()
    patient.update(changes)
    return patient


def test_malformed_json_is_400(client, token):
    response = post(client, "/fhir/r4/", '{"resourceType": "Bundle",', token)
    assert response.status_code == 400
    assert issues(response)[0]["code"] == "structure"


def test_a_body_nested_too_deeply_is_400_not_a_crash(client, token):
    deep = '{"resourceType": "Bundle", "entry": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = post(client, "/fhir/r4/", deep, token)
    assert response.status_code == 400
    extension = {"url": "urn:x", "valueString": "x"}
    for _ in range(300):
        extension = {"url": "urn:x", "extension": [extension]}
    data = service_request_with_patient(extension=[extension])
    response = post(client, "/fhir/r4/ServiceRequest", data, token)
    assert response.status_code == 400
    assert "nested too deeply" in issues(response)[0]["diagnostics"]


def test_not_a_resource_is_400(client, token):
    response = post(client, "/fhir/r4/ServiceRequest", "[1, 2]", token)
    assert response.status_code == 400
    assert "resourceType" in issues(response)[0]["diagnostics"]


def test_an_element_fhir_does_not_allow_is_named(client, token):
    bundle = nhs_example_bundle(patient_with(birthDate="1970-13-45"))
    bundle["entry"][1]["resource"]["colour"] = "blue"
    response = post(client, "/fhir/r4/", bundle, token)
    assert response.status_code == 400
    found = expressions(response)
    assert "Patient.birthDate" in found and "Bundle.entry[0].resource.birthDate" in found
    assert "ServiceRequest.colour" in found


def test_a_resource_of_the_wrong_type_is_refused(client, token):
    response = post(client, "/fhir/r4/ServiceRequest", nhs_example_bundle(), token)
    assert response.status_code == 400
    assert "transaction Bundle to [base]" in issues(response)[0]["diagnostics"]
    response = post(client, "/fhir/r4/", uk_core_patient(), token)
    assert response.status_code == 400


def test_a_message_bundle_is_not_a_transaction(client, token):
    bundle = nhs_example_bundle()
    bundle["type"] = "message"
    response = post(client, "/fhir/r4/", bundle, token)
    assert response.status_code == 422
    assert expressions(response) == ["Bundle.type"]


def test_a_bundle_holds_only_what_a_referral_needs(client, token):
    bundle = nhs_example_bundle()
    bundle["entry"].append(
        {
            "fullUrl": "urn:uuid:encounter",
            "resource": {
                "resourceType": "Encounter",
                "status": "finished",
                "class": {"code": "AMB"},
            },
            "request": {"method": "POST", "url": "Encounter"},
        }
    )
    bundle["entry"][0]["request"]["method"] = "PUT"
    response = post(client, "/fhir/r4/", bundle, token)
    assert response.status_code == 422
    found = expressions(response)
    assert "Bundle.entry[3].resource" in found and "Bundle.entry[0].request" in found


def test_two_referrals_in_one_bundle_are_refused(client, token):
    bundle = transaction(
        (PATIENT_URL, uk_core_patient()),
        (SERVICE_REQUEST_URL, bars_service_request()),
        ("urn:uuid:second", bars_service_request()),
    )
    response = post(client, "/fhir/r4/", bundle, token)
    assert response.status_code == 422
    assert expressions(response) == ["Bundle.entry"]


def test_the_patient_must_come_with_the_referral(client, token):
    request = bars_service_request()
    request["subject"] = {"reference": "Patient/somewhere-else"}
    response = post(client, "/fhir/r4/", transaction((SERVICE_REQUEST_URL, request)), token)
    assert response.status_code == 422
    assert expressions(response) == ["ServiceRequest.subject", "Bundle.entry[0].resource.subject"]


def test_a_draft_is_not_a_referral_yet(client, token):
    data = service_request_with_patient(status="draft")
    response = post(client, "/fhir/r4/ServiceRequest", data, token)
    assert response.status_code == 422
    assert expressions(response) == ["ServiceRequest.status"]


def test_the_reason_is_required(client, token):
    data = service_request_with_patient()
    del data["reasonCode"]
    response = post(client, "/fhir/r4/ServiceRequest", data, token)
    assert response.status_code == 422
    assert issues(response)[0]["code"] == "required"
    assert expressions(response) == ["ServiceRequest.reasonCode"]


def test_intake_problems_in_the_patient_are_each_named(client, token):
    patient = patient_with(birthDate="2999-01-01")
    patient["address"][0]["postalCode"] = "QX1 1AA"
    patient["telecom"].append({"system": "email", "value": "not-an-email"})
    response = post(client, "/fhir/r4/ServiceRequest", service_request_with_patient(patient), token)
    assert response.status_code == 422
    found = expressions(response)
    assert "Patient.birthDate" in found
    assert "Patient.address[0].postalCode" in found
    assert "Patient.telecom[1].value" in found
    assert "ServiceRequest.contained[0].address[0].postalCode" in found


def test_a_missing_name_and_postcode_point_at_the_patient(client, token):
    patient = uk_core_patient()
    del patient["name"], patient["address"]
    response = post(client, "/fhir/r4/ServiceRequest", service_request_with_patient(patient), token)
    assert response.status_code == 422
    assert {i["code"] for i in issues(response)} == {"required"}
    assert "Patient.name" in expressions(response)
    assert "Patient.address" in expressions(response)


def test_a_partial_date_of_birth_is_not_enough(client, token):
    patient = patient_with(birthDate="1970-09")
    response = post(client, "/fhir/r4/ServiceRequest", service_request_with_patient(patient), token)
    assert response.status_code == 422
    [issue] = issues(response)
    assert "full date of birth" in issue["diagnostics"]
    assert issue["expression"][0] == "Patient.birthDate"


def test_unknown_need_codes_are_named(client, token):
    data = service_request_with_patient(
        reasonCode=[
            {"text": "Reason"},
            {"coding": [{"system": "urn:tutti:need", "code": "confidence"}]},
            {"coding": [{"system": "urn:tutti:need", "code": "flying"}]},
        ]
    )
    response = post(client, "/fhir/r4/ServiceRequest", data, token)
    assert response.status_code == 422
    assert "flying" in issues(response)[0]["diagnostics"]
    assert expressions(response) == ["ServiceRequest.reasonCode[2].coding[0].code"]


def test_an_internal_or_unknown_route_is_refused(client, token):
    data = service_request_with_patient(
        category=[{"coding": [{"system": "urn:tutti:route", "code": "internal"}]}]
    )
    response = post(client, "/fhir/r4/ServiceRequest", data, token)
    assert response.status_code == 422
    assert expressions(response) == ["ServiceRequest.category[0].coding[0].code"]


def test_a_refused_consent_stops_the_referral(client, token):
    consent = {
        "resourceType": "Consent",
        "id": "consent",
        "status": "rejected",
        "scope": {"coding": [{"code": "treatment"}]},
        "category": [{"coding": [{"code": "referral"}]}],
    }
    data = service_request_with_patient()
    data["contained"].append(copy.deepcopy(consent))
    response = post(client, "/fhir/r4/ServiceRequest", data, token)
    assert response.status_code == 422
    [issue] = issues(response)
    assert issue["code"] == "business-rule"
    assert "must agree to the referral" in issue["diagnostics"]
    assert issue["expression"] == ["Consent.status", "ServiceRequest.contained[1].status"]
