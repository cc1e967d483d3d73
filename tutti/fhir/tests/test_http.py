"""The FHIR API as a partner system meets it: what the server can do, tokens and scopes,
rate limits, media types, and an OperationOutcome for every refusal."""

import pytest
from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from tutti.accounts.models import ApiCall
from tutti.accounts.tokens import api_token_create, api_token_revoke
from tutti.fhir.tests.helpers import get, issues, post, service_request_with_patient

pytestmark = pytest.mark.django_db


@pytest.fixture
def token():
    return api_token_create(name="gp-system", scopes=["fhir:write"])[1]


def test_anyone_reads_what_the_server_can_do(client):
    response = client.get("/fhir/r4/metadata")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    statement = CapabilityStatement.model_validate(response.json())
    assert statement.fhirVersion == "4.0.1"
    [rest] = statement.rest
    [service_request] = [r for r in rest.resource if r.type == "ServiceRequest"]
    assert {i.code for i in service_request.interaction} == {"create", "read"}
    assert "urn:tutti:programme" in service_request.documentation
    assert [i.code for i in rest.interaction] == ["transaction"]
    assert statement.implementation.url == "http://testserver/fhir/r4"


def test_without_a_valid_token_it_is_401(client):
    data = service_request_with_patient()
    for token in (None, "tutti_nope_nope"):
        response = post(client, "/fhir/r4/ServiceRequest", data, token)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Bearer"
        assert issues(response)[0]["code"] == "login"


def test_a_token_without_the_fhir_scope_is_403(client):
    _, plain = api_token_create(name="json-only", scopes=["referrals:create"])
    response = post(client, "/fhir/r4/", {"resourceType": "Bundle"}, plain)
    assert response.status_code == 403
    assert issues(response)[0]["code"] == "forbidden"


def test_a_revoked_token_is_refused(client):
    token, plain = api_token_create(name="old", scopes=["fhir:write"])
    api_token_revoke(token=token)
    assert get(client, "/fhir/r4/ServiceRequest/R-2222-2222", plain).status_code == 401


def test_methods_and_resources_it_does_not_offer(client, token):
    response = get(client, "/fhir/r4/ServiceRequest", token)
    assert response.status_code == 405 and response["Allow"] == "POST"
    response = get(client, "/fhir/r4/Patient/1", token)
    assert response.status_code == 404
    assert "no 'Patient' here" in issues(response)[0]["diagnostics"]


def test_it_speaks_fhir_json_only(client, token):
    data = service_request_with_patient()
    response = post(client, "/fhir/r4/ServiceRequest", data, token, content_type="text/plain")
    assert response.status_code == 415
    response = client.get("/fhir/r4/metadata", HTTP_ACCEPT="application/fhir+xml")
    assert response.status_code == 406
    response = post(client, "/fhir/r4/ServiceRequest", data, token, content_type="application/json")
    assert response.status_code == 201


def test_a_body_over_one_megabyte_is_413(client, token):
    response = post(client, "/fhir/r4/", "x" * (1024 * 1024 + 1), token)
    assert response.status_code == 413
    assert issues(response)[0]["code"] == "too-costly"


def test_too_many_calls_get_429_with_retry_after(client, token, settings):
    settings.TUTTI_API_RATE_TOKEN = "2/min"
    answers = [get(client, "/fhir/r4/ServiceRequest/R-2222-2222", token) for _ in range(3)]
    assert [a.status_code for a in answers] == [404, 404, 429]
    assert 0 < int(answers[-1]["Retry-After"]) <= 60
    assert issues(answers[-1])[0]["code"] == "throttled"


def test_anonymous_calls_are_limited_by_address(client, settings):
    settings.TUTTI_API_RATE_ANON = "1/min"
    assert client.get("/fhir/r4/metadata").status_code == 200
    assert client.get("/fhir/r4/metadata").status_code == 429


def test_every_fhir_call_is_recorded(client, token):
    post(client, "/fhir/r4/ServiceRequest", service_request_with_patient(), token)
    get(client, "/fhir/r4/ServiceRequest/R-2222-2222", "tutti_nope_nope")
    client.get("/fhir/r4/metadata?_format=json")
    calls = list(
        ApiCall.objects.order_by("pk").values_list("token__name", "method", "path", "status")
    )
    assert calls == [
        ("gp-system", "POST", "/fhir/r4/ServiceRequest", 201),
        (None, "GET", "/fhir/r4/ServiceRequest/R-2222-2222", 401),
        (None, "GET", "/fhir/r4/metadata", 200),
    ]
