import logging

from django.conf import settings
from django.db import DatabaseError
from django.shortcuts import redirect
from django.urls import reverse

log = logging.getLogger(__name__)

# Pages a signed-in but not yet verified user may still reach.
_OPEN_PREFIXES = ("/static/", "/account/two-factor/", "/account/sign-out/")


class RequireTwoFactorMiddleware:
    """When TUTTI_REQUIRE_2FA is on, a signed-in user must pass TOTP before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.TUTTI_REQUIRE_2FA
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            return redirect(reverse("accounts:two_factor") + "?next=" + request.path)
        return self.get_response(request)


# The partner-facing APIs. Not recorded: the load balancer's health check, and the open
# directory feed (public data, no key, no personal data: crawlers would only fill the table).
_API_PREFIXES = ("/api/", "/fhir/")
_NOT_AUDITED = ("/api/v1/health", "/api/oruk/")


class ApiCallAuditMiddleware:
    """Record every API call (token, method, path without query string, status), whatever
    answered it: the API, the body-size limit, a rate limit or a refused token."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        path = request.path
        if (
            path.startswith(_API_PREFIXES)
            and not path.startswith(_NOT_AUDITED)
            and not getattr(request, "api_call_recorded", False)
        ):
            api_call_record(request=request, status=response.status_code)
        return response


def api_call_record_in_transaction(*, request, status):
    """Record the call inside the caller's transaction, so that it commits with the change
    it made: one durable commit per request instead of two (on PostgreSQL each commit waits
    for the disk). If the record cannot be written, the change is not made either."""
    _api_call_create(request, status)
    request.api_call_recorded = True


def api_call_record(*, request, status):
    try:
        _api_call_create(request, status)
    except DatabaseError as error:  # the answer stands even if the trail cannot be written
        log.error("Could not record an API call: %s", type(error).__name__)


def _api_call_create(request, status):
    from tutti.accounts.models import ApiCall
    from tutti.core.rows import insert_one

    token = getattr(request, "api_token", None)
    # Its id is not needed: not asking for it back leaves nothing to wait for when the
    # referral's statements are sent together (tutti.core.rows.sent_together).
    call = ApiCall(
        token=token if getattr(token, "pk", None) else None,
        method=request.method[:10],
        path=request.path[:300],
        status=status,
    )
    insert_one(call, need_id=False)
