"""FHIR R4 under /fhir/r4/: the CapabilityStatement, referrals in (a ServiceRequest, or a
transaction Bundle of Patient and ServiceRequest) and their status back to the sender."""

import hashlib

from django.core.exceptions import RequestDataTooBig
from django.urls import reverse

from tutti.accounts.models import ApiToken
from tutti.fhir import build
from tutti.fhir.http import fhir_endpoint, fhir_response
from tutti.fhir.inbound import parse_json, read_service_request, read_transaction
from tutti.fhir.outcome import FhirError
from tutti.fhir.services import fhir_referral_create, referral_read_record
from tutti.referrals.models import Referral

SCOPE = ApiToken.Scope.FHIR_WRITE


def _base_url(request):
    return request.build_absolute_uri(reverse("fhir:base")).rstrip("/")


def _location(request, referral):
    return request.build_absolute_uri(reverse("fhir:service_request", args=[referral.reference]))


def _body(request):
    try:
        return request.body
    except RequestDataTooBig:  # sent without a Content-Length the middleware could check
        raise FhirError.one(413, "The request body is over 1 MB.", code="too-costly") from None


def _create(request, read):
    body = _body(request)
    incoming = read(parse_json(body))
    referral, created = fhir_referral_create(
        incoming=incoming,
        token=request.auth,
        idempotency_key=request.headers.get("Idempotency-Key", ""),
        body_hash=hashlib.sha256(body).hexdigest(),
    )
    return incoming, referral, created


@fhir_endpoint(methods=["GET"])
def metadata(request):
    """What this server does, for anyone to read."""
    return fhir_response(build.capability_statement(base_url=_base_url(request)))


@fhir_endpoint(methods=["POST"], scope=SCOPE)
def base(request):
    """A transaction Bundle: one referral with its Patient."""
    incoming, referral, created = _create(request, read_transaction)
    location = _location(request, referral)
    body = build.transaction_response(
        referral, entry_types=incoming.entry_types, location=location, created=created
    )
    return fhir_response(body, 200)


@fhir_endpoint(methods=["POST"], scope=SCOPE)
def service_requests(request):
    """A ServiceRequest with its Patient contained: one referral."""
    _, referral, created = _create(request, read_service_request)
    location = _location(request, referral)
    return fhir_response(
        build.service_request(referral), 201 if created else 200, {"Location": location}
    )


@fhir_endpoint(methods=["GET"], scope=SCOPE)
def service_request(request, reference):
    """A referral's status as it moves, to the token that sent it; 404 to any other."""
    referral = (
        Referral.objects.filter(reference=reference, api_token=request.auth)
        .select_related("programme", "person")
        .first()
    )
    if referral is None:
        raise_not_found(f"No ServiceRequest {reference} was sent with this token.")
    referral_read_record(request=request, referral=referral, token=request.auth)
    return fhir_response(build.service_request(referral))


def raise_not_found(message):
    raise FhirError.one(404, message, code="not-found")


@fhir_endpoint(methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(request, rest=""):
    resource = rest.split("/")[0]
    raise_not_found(
        f"This server has no '{resource}' here. It takes ServiceRequest (create, read) and "
        "transaction Bundles, and gives back a referral's QuestionnaireResponse and "
        "Observation (read, search by based-on) and discharge letter (Bundle); see "
        "[base]/metadata."
    )
