"""The one NinjaAPI: every JSON endpoint hangs off it, OpenAPI at /api/v1/openapi.json.

Every error has one shape: {"errors": [{"field": "person.postcode" | null, "message": "…"}]}.
"""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.throttling import AnonRateThrottle, AuthRateThrottle


class TuttiAPI(NinjaAPI):
    """The NinjaAPI whose published document also lists the answers any operation may give
    before it runs: 429 (too many calls, with Retry-After) everywhere, and for a body 400
    (not JSON) and 413 (over 1 MB). Clients and schemathesis then meet no surprise."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for operation in operations.values():
                _document_common_answers(operation)
        return schema


def _error(description, **extra):
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    return {"description": description, "content": content, **extra}


def _document_common_answers(operation):
    responses = operation.setdefault("responses", {})
    common = {
        429: _error(
            "Too many calls: try again after Retry-After seconds",
            headers={"Retry-After": {"schema": {"type": "integer"}}},
        )
    }
    if "requestBody" in operation:
        common[400] = _error("The body is not JSON")
        common[413] = _error("The body is over 1 MB")
    for status, answer in common.items():
        if status not in responses and str(status) not in responses:
            responses[status] = answer


api = TuttiAPI(
    title="Tutti API",
    version="1",
    description=(
        "Referrals, programmes and measures for a music therapy service. Errors are always "
        '`{"errors": [{"field": "person.postcode", "message": "…"}]}`.'
    ),
    urls_namespace="api",
    docs_url="/docs",
    # Too many calls get 429 with Retry-After: per address without a token, per token with one.
    throttle=[
        AnonRateThrottle(settings.TUTTI_API_RATE_ANON),
        AuthRateThrottle(settings.TUTTI_API_RATE_TOKEN),
    ],
)

# The parameter names ninja puts in an error's location; the caller knows only the JSON.
_LOCATION_NOISE = {"body", "query", "path", "header", "payload", "params", "filters"}


def error_body(*pairs):
    return {"errors": [{"field": field, "message": message} for field, message in pairs]}


@api.exception_handler(NinjaValidationError)
def _invalid_request(request, exc):
    pairs = []
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", []) if str(part) not in _LOCATION_NOISE]
        message = error.get("msg", "Invalid value")
        if error.get("type") == "missing":
            message = "This field is required"
        pairs.append((".".join(loc) or None, message))
    return api.create_response(request, error_body(*pairs), status=422)


@api.exception_handler(DjangoValidationError)
def _invalid_data(request, exc):
    if hasattr(exc, "error_dict"):
        pairs = [
            (None if field == "__all__" else field, message)
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        pairs = [(None, message) for message in exc.messages]
    return api.create_response(request, error_body(*pairs), status=422)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    response = api.create_response(
        request,
        error_body((None, "Send a valid API token: Authorization: Bearer <token>")),
        status=401,
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return api.create_response(
        request, error_body((None, str(exc.message))), status=exc.status_code
    )


@api.get("/health", tags=["service"], summary="Service health", auth=None)
def health(request):
    """Answers when the service and its database are up (for load balancers)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": "ok"}


def _register_routers():
    from tutti.outcomes.api import router as measures_router
    from tutti.programmes.api import router as programmes_router
    from tutti.referrals.api import router as referrals_router

    api.add_router("/referrals", referrals_router)
    api.add_router("/programmes", programmes_router)
    api.add_router("/measures", measures_router)


_register_routers()
