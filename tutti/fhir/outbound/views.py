"""Back to the referrer, over FHIR: the referral's completed outcome measures and its
discharge letter, to the token that sent the referral (the rule GET ServiceRequest keeps).
Another token's search finds nothing and its read is 404; every answer that names the person
is recorded in their trail."""

import re

from django.urls import reverse

from tutti.delivery.letters import discharge_letter, letter_episode_for_token
from tutti.fhir.http import fhir_endpoint, fhir_response
from tutti.fhir.outbound import letter_id
from tutti.fhir.outbound.letter import discharge_document
from tutti.fhir.outbound.measures import (
    measure_resources,
    searchset,
)
from tutti.fhir.outcome import FhirError
from tutti.fhir.services import referral_read_record
from tutti.fhir.views import SCOPE, raise_not_found
from tutti.outcomes.models import Response
from tutti.referrals.models import Referral

# based-on=ServiceRequest/R-XXXX-XXXX, the reference alone, or the ServiceRequest's full URL.
BASED_ON = re.compile(r"^(?:.*/)?(?:ServiceRequest/)?(?P<reference>R-[0-9A-Z]{4}-[0-9A-Z]{4})$")
RESOURCE_ID = {"QuestionnaireResponse": "tutti-response-", "Observation": "tutti-score-"}


def _base_url(request):
    return request.build_absolute_uri(reverse("fhir:base")).rstrip("/")


def _site_url(request):
    return request.build_absolute_uri("/")


def _referral_of(request, reference):
    return (
        Referral.objects.filter(reference=reference, api_token=request.auth)
        .select_related("person")
        .first()
    )


def _based_on(request):
    values = request.GET.getlist("based-on")
    if not values:
        raise FhirError.one(
            400,
            "Search by the referral: based-on=ServiceRequest/<id>, the id GET ServiceRequest gave.",
            code="required",
        )
    found = BASED_ON.match(",".join(values).strip())
    if found is None:
        raise FhirError.one(
            400,
            f"based-on must name one ServiceRequest, like ServiceRequest/R-ABCD-2345: "
            f"'{values[0][:60]}' is not one.",
            code="value",
        )
    return found["reference"]


def _search(request, kind):
    """QuestionnaireResponses (with their Observations included) or Observations (matches
    only) based on the referral."""
    reference = _based_on(request)
    base = _base_url(request)
    self_url = f"{base}/{kind}?based-on=ServiceRequest/{reference}"
    referral = _referral_of(request, reference)
    if referral is None:
        return fhir_response(searchset([], self_url=self_url, total=0))
    referral_read_record(request=request, referral=referral, token=request.auth)
    pairs = measure_resources(referral, site_url=_site_url(request))
    if kind == "QuestionnaireResponse":
        matches = [(f"{base}/{kind}/{qr['id']}", qr, "match") for qr, _ in pairs]
        included = [(f"{base}/Observation/{obs['id']}", obs, "include") for _, obs in pairs if obs]
    else:
        matches = [(f"{base}/Observation/{obs['id']}", obs, "match") for _, obs in pairs if obs]
        included = []
    return fhir_response(searchset(matches + included, self_url=self_url, total=len(matches)))


def _read(request, kind, resource_id):
    prefix = RESOURCE_ID[kind]
    pk = resource_id.removeprefix(prefix)
    response = None
    if resource_id.startswith(prefix) and pk.isdigit():
        response = (
            Response.objects.filter(
                pk=int(pk), referral__api_token=request.auth, person__isnull=False
            )
            .select_related("referral")
            .first()
        )
    if response is not None:
        referral = response.referral
        for qr, obs in measure_resources(referral, site_url=_site_url(request)):
            resource = qr if kind == "QuestionnaireResponse" else obs
            if resource and resource["id"] == resource_id:
                referral_read_record(request=request, referral=referral, token=request.auth)
                return fhir_response(resource)
    raise_not_found(f"No {kind} {resource_id} for a referral sent with this token.")


@fhir_endpoint(methods=["GET"], scope=SCOPE)
def questionnaire_responses(request):
    """Search: based-on=ServiceRequest/<id>."""
    return _search(request, "QuestionnaireResponse")


@fhir_endpoint(methods=["GET"], scope=SCOPE)
def questionnaire_response(request, resource_id):
    return _read(request, "QuestionnaireResponse", resource_id)


@fhir_endpoint(methods=["GET"], scope=SCOPE)
def observations(request):
    """Search: based-on=ServiceRequest/<id>."""
    return _search(request, "Observation")


@fhir_endpoint(methods=["GET"], scope=SCOPE)
def observation(request, resource_id):
    return _read(request, "Observation", resource_id)


@fhir_endpoint(methods=["GET"], scope=SCOPE)
def document(request, bundle_id):
    """The discharge letter as a FHIR document, once the episode has ended."""
    reference = bundle_id.removeprefix("discharge-")
    episode = letter_episode_for_token(request.auth, reference)
    if episode is None or bundle_id != letter_id(episode.referral):
        raise_not_found(
            f"No Bundle {bundle_id}: a discharge letter is here once the episode of care of "
            "a referral this token sent has ended."
        )
    referral_read_record(request=request, referral=episode.referral, token=request.auth)
    return fhir_response(discharge_document(discharge_letter(episode), base_url=_base_url(request)))
