"""Back to the referrer: the system that sent a referral reads its completed outcome measures
(QuestionnaireResponse and Observation) and, once the episode ends, the discharge letter as a
FHIR document. Only that token; every resource parses back with fhir.resources."""

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.servicerequest import ServiceRequest

from tutti.accounts.tokens import api_token_create
from tutti.core.models import AccessEvent
from tutti.delivery.tests.letter_helpers import NOTE, SUMMARY, ended_episode
from tutti.fhir import codes
from tutti.fhir.tests.helpers import get, issues

pytestmark = pytest.mark.django_db


@pytest.fixture
def sender():
    return api_token_create(name="gp-system", scopes=["fhir:write"])


@pytest.fixture
def token(sender):
    return sender[1]


@pytest.fixture
def episode(sender):
    return ended_episode(api_token=sender[0])


@pytest.fixture
def other():
    return api_token_create(name="someone-else", scopes=["fhir:write"])[1]


def search(client, token, kind, episode):
    return get(
        client, f"/fhir/r4/{kind}?based-on=ServiceRequest/{episode.referral.reference}", token
    )


def parsed(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    return Bundle.model_validate(response.json())


def resources(bundle, kind):
    return [e.resource for e in bundle.entry or [] if e.resource.get_resource_type() == kind]


def test_the_sender_reads_the_completed_measures(client, token, episode):
    bundle = parsed(search(client, token, "QuestionnaireResponse", episode))

    assert bundle.type == "searchset" and bundle.total == 2
    responses = resources(bundle, "QuestionnaireResponse")
    assert [r.status for r in responses] == ["completed", "completed"]
    reference = episode.referral.reference
    assert all(r.basedOn[0].reference == f"ServiceRequest/{reference}" for r in responses)
    assert responses[0].subject.identifier.value == "9434765919"
    assert responses[0].questionnaire.endswith("/api/v1/measures/swemwbs/fhir")
    modes = [e.search.mode for e in bundle.entry]
    assert modes == ["match", "match", "include", "include"]
    assert bundle.entry[0].fullUrl.endswith(f"/fhir/r4/QuestionnaireResponse/{responses[0].id}")

    baseline, end = resources(bundle, "Observation")
    assert baseline.code.coding[0].system == codes.MEASURE_SCORE_SYSTEM
    assert baseline.code.coding[0].code == "swemwbs-metric"
    assert (float(baseline.valueQuantity.value), float(end.valueQuantity.value)) == (17.43, 20.73)
    assert baseline.valueQuantity.code == "{score}"
    assert [c.code for c in end.category[1].coding] == ["end"]
    assert baseline.interpretation is None
    [interpretation] = end.interpretation
    assert interpretation.coding[0].code == "reliable_improvement"
    assert "+3.3" in interpretation.text and "more than 2.87" in interpretation.text
    assert end.derivedFrom[0].reference == f"QuestionnaireResponse/{responses[1].id}"


def test_observations_are_searched_by_the_referral_too(client, token, episode):
    bundle = parsed(search(client, token, "Observation", episode))
    assert bundle.total == 2
    assert [e.search.mode for e in bundle.entry] == ["match", "match"]


def test_each_resource_is_read_by_its_address(client, token, other, episode):
    bundle = parsed(search(client, token, "QuestionnaireResponse", episode))
    for entry in bundle.entry:
        path = entry.fullUrl.split("testserver")[1]
        read = get(client, path, token)
        assert read.status_code == 200
        assert read.json() == entry.resource.model_dump(mode="json", exclude_none=True)
        assert get(client, path, other).status_code == 404
    assert get(client, "/fhir/r4/Observation/tutti-score-999999", token).status_code == 404
    assert get(client, "/fhir/r4/QuestionnaireResponse/nonsense", token).status_code == 404


def test_another_token_finds_nothing(client, other, episode):
    bundle = parsed(search(client, other, "QuestionnaireResponse", episode))
    assert bundle.total == 0 and not bundle.entry
    assert not AccessEvent.objects.exists()
    letter = get(client, f"/fhir/r4/Bundle/discharge-{episode.referral.reference}", other)
    assert letter.status_code == 404
    assert issues(letter)[0]["code"] == "not-found"


def test_a_search_must_name_the_referral(client, token, episode):
    response = get(client, "/fhir/r4/QuestionnaireResponse", token)
    assert response.status_code == 400
    assert "based-on=ServiceRequest/<id>" in issues(response)[0]["diagnostics"]
    response = get(client, "/fhir/r4/QuestionnaireResponse?based-on=Patient/1", token)
    assert response.status_code == 400 and issues(response)[0]["code"] == "value"


def test_it_needs_a_token(client, episode):
    response = search(client, None, "QuestionnaireResponse", episode)
    assert response.status_code == 401


def test_the_discharge_letter_is_a_fhir_document(client, token, episode):
    reference = episode.referral.reference
    response = get(client, f"/fhir/r4/Bundle/discharge-{reference}", token)
    bundle = parsed(response)

    assert bundle.type == "document" and bundle.id == f"discharge-{reference}"
    assert bundle.identifier.value == reference and bundle.timestamp is not None
    kinds = [e.resource.get_resource_type() for e in bundle.entry]
    assert kinds[0] == "Composition"
    assert sorted(set(kinds)) == [
        "Composition",
        "EpisodeOfCare",
        "Observation",
        "Organization",
        "Patient",
        "Practitioner",
    ]
    urls = {e.fullUrl for e in bundle.entry}
    composition = bundle.entry[0].resource
    assert composition.status == "final"
    assert (composition.type.coding[0].system, composition.type.coding[0].code) == (
        "http://loinc.org",
        "18842-5",
    )
    assert composition.subject.reference in urls
    assert all(author.reference in urls for author in composition.author)
    sections = {section.title: section for section in composition.section}
    assert set(sections) == {"Person", "Music therapy", "Discharge summary", "Outcome measures"}
    assert SUMMARY.replace("'", "&#x27;") in sections["Discharge summary"].text.div
    assert "17.43" in sections["Outcome measures"].text.div
    assert all(entry.reference in urls for entry in sections["Outcome measures"].entry)
    assert NOTE not in response.content.decode()

    [patient] = resources(bundle, "Patient")
    assert patient.identifier[0].system == codes.NHS_NUMBER_SYSTEM
    assert patient.birthDate == episode.person.date_of_birth
    [care] = resources(bundle, "EpisodeOfCare")
    assert care.status == "finished"
    assert care.referralRequest[0].reference.endswith(f"/fhir/r4/ServiceRequest/{reference}")
    extensions = {extension.url: extension for extension in care.extension}
    reason = extensions[codes.EPISODE_END_REASON_URL].valueCodeableConcept.coding[0]
    assert reason.code == "completed"
    sessions = {e.url: e.valueUnsignedInt for e in extensions[codes.EPISODE_SESSIONS_URL].extension}
    assert sessions == {"planned": 10, "offered": 7, "attended": 5}
    event = AccessEvent.objects.get()
    assert event.actor_label == "API token 'gp-system'" and event.person_id == episode.person_id


def test_the_service_request_points_to_the_letter_once_the_episode_ends(client, token, sender):
    going = ended_episode(api_token=sender[0], end=False)
    body = get(client, f"/fhir/r4/ServiceRequest/{going.referral.reference}", token).json()
    assert codes.DISCHARGE_LETTER_URL not in [e["url"] for e in body["extension"]]
    assert (
        get(client, f"/fhir/r4/Bundle/discharge-{going.referral.reference}", token).status_code
        == 404
    )


def test_the_service_request_links_the_ended_letter(client, token, episode):
    reference = episode.referral.reference
    body = get(client, f"/fhir/r4/ServiceRequest/{reference}", token).json()
    ServiceRequest.model_validate(body)
    [link] = [e for e in body["extension"] if e["url"] == codes.DISCHARGE_LETTER_URL]
    assert link["valueReference"]["reference"] == f"Bundle/discharge-{reference}"
    assert get(client, f"/fhir/r4/{link['valueReference']['reference']}", token).status_code == 200


def test_the_capability_statement_says_so(client):
    body = client.get("/fhir/r4/metadata").json()
    CapabilityStatement.model_validate(body)
    resources_ = {r["type"]: r for r in body["rest"][0]["resource"]}
    assert {"QuestionnaireResponse", "Observation", "Bundle"} <= set(resources_)
    params = [p["name"] for p in resources_["QuestionnaireResponse"]["searchParam"]]
    assert params == ["based-on"]
