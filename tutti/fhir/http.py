"""The FHIR API's HTTP plumbing: FHIR JSON in and out, bearer tokens with a scope, the same
rate limits as the JSON API (one budget per token across both), and OperationOutcome for
every error."""

import functools
import json
import math

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from ninja.throttling import AnonRateThrottle, AuthRateThrottle

from tutti.accounts.tokens import api_token_check
from tutti.fhir.codes import CONTENT_TYPE
from tutti.fhir.outcome import FhirError, operation_outcome

JSON_TYPES = (CONTENT_TYPE, "application/json", "application/json+fhir")


def fhir_response(data, status=200, headers=None):
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False), status=status, content_type=CONTENT_TYPE
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def outcome_response(error: FhirError):
    return fhir_response(operation_outcome(error.issues), error.status, error.headers)


def _bearer(request):
    header = request.META.get("HTTP_AUTHORIZATION", "")
    kind, _, token = header.partition(" ")
    return token.strip() if kind.lower() == "bearer" else ""


def _authenticate(request, scope):
    token = api_token_check(_bearer(request)) if _bearer(request) else None
    if token is None:
        raise FhirError.one(
            401,
            "Send a valid API token: Authorization: Bearer <token>.",
            code="login",
            headers={"WWW-Authenticate": "Bearer"},
        )
    request.api_token = token  # for the API call's audit record
    if not token.has_scope(scope):
        raise FhirError.one(403, f"This token does not have the '{scope}' scope.", code="forbidden")
    return token


def _throttle(request):
    """The JSON API's limits (read when called, so they follow the settings): per address
    without a token, per token with one. 429 with Retry-After in whole seconds."""
    waits = []
    for throttle in (
        AnonRateThrottle(settings.TUTTI_API_RATE_ANON),
        AuthRateThrottle(settings.TUTTI_API_RATE_TOKEN),
    ):
        if not throttle.allow_request(request):
            waits.append(throttle.wait() or throttle.duration)
    if waits:
        wait = max(1, math.ceil(max(waits)))
        raise FhirError.one(
            429,
            f"Too many calls. Try again in {wait} second{'s' if wait != 1 else ''}.",
            code="throttled",
            headers={"Retry-After": str(wait)},
        )


def _check_media_types(request):
    accept = request.META.get("HTTP_ACCEPT", "")
    if accept and "*/*" not in accept and not any(kind in accept for kind in JSON_TYPES):
        raise FhirError.one(
            406, f"This server answers in JSON only: Accept {CONTENT_TYPE}.", code="not-supported"
        )
    if request.method == "POST":
        content_type = request.content_type or ""
        if content_type not in JSON_TYPES:
            raise FhirError.one(
                415,
                f"Send the resource as JSON: Content-Type {CONTENT_TYPE}.",
                code="not-supported",
            )


def fhir_endpoint(*, methods, scope=None):
    """A FHIR interaction: allowed methods, optional token scope, rate limits, media types;
    any FhirError becomes an OperationOutcome."""

    def decorate(view):
        @csrf_exempt  # bearer tokens only; no cookie is ever read
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            request.auth = None
            try:
                if request.method not in methods:
                    raise FhirError.one(
                        405,
                        f"{request.method} is not supported here. Use {' or '.join(methods)}.",
                        code="not-supported",
                        headers={"Allow": ", ".join(methods)},
                    )
                if scope:
                    request.auth = _authenticate(request, scope)
                _throttle(request)
                _check_media_types(request)
                return view(request, *args, **kwargs)
            except FhirError as error:
                return outcome_response(error)

        return wrapper

    return decorate
