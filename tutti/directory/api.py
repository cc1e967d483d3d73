"""The Open Referral UK (HSDS-UK 3.0) feed at /api/oruk/: open, read-only, no key needed.

Its own NinjaAPI (OpenAPI at /api/oruk/openapi.json, docs at /api/oruk/docs), apart from the
partner API at /api/v1/ because its rules differ: anyone may read it from any web page
(`Access-Control-Allow-Origin: *` on every answer, preflight included), and its responses
follow the standard, which is checked in tests against the profile's published schemas.

Errors keep Tutti's one shape, {"errors": [{"field": "page", "message": "…"}]}: 400 for a
parameter that cannot be used, 404 for an id that names nothing.

Lists hold the programmes taking referrals; `/services/{id}` also answers for one that has
closed (status "inactive"), so a directory holding its id learns that it closed.
"""

import uuid
from functools import wraps

from django.http import HttpResponse, JsonResponse
from django.urls import re_path, reverse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Query
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.throttling import AnonRateThrottle

from . import ids, selectors
from .oruk import serialisers as oruk
from .oruk.params import (
    PARAMETER_HELP,
    FeedError,
    OrganizationFilters,
    Paging,
    ServiceFilters,
    TermFilters,
    criteria,
    page,
    parse_uuid,
)
from .taxonomy import TAXONOMIES, Term, all_terms, taxonomy_by_id, term_by_id

SCHEMA_BASE = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"


class FeedThrottle(AnonRateThrottle):
    """Per caller's address, counted apart from the partner API's limit."""

    scope = "oruk"


api = NinjaAPI(
    title="Tutti Open Referral UK feed",
    version="HSDS-UK-3.0",
    description=(
        "The music therapy services in Open Referral UK (HSDS-UK 3.0) form: services, "
        "their locations, organisations and the needs and circumstances they are for. Open "
        "to anyone, no key needed. Ids are UUIDs that never change. Errors are "
        '`{"errors": [{"field": "page", "message": "…"}]}`.'
    ),
    urls_namespace="oruk",
    docs_url="/docs",
    throttle=[FeedThrottle("600/min")],
)


def _error(status, field, message):
    return JsonResponse({"errors": [{"field": field, "message": message}]}, status=status)


@api.exception_handler(NinjaValidationError)
def _invalid_parameters(request, exc):
    errors = []
    for error in exc.errors:
        name = str(error.get("loc", ["", ""])[-1])
        errors.append(
            {"field": name or None, "message": PARAMETER_HELP.get(name, error.get("msg"))}
        )
    return JsonResponse({"errors": errors}, status=400)


@api.exception_handler(FeedError)
def _feed_error(request, exc):
    return _error(exc.status, exc.field, exc.message)


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return _error(exc.status_code, None, str(exc.message))


# Responses ---------------------------------------------------------------------------


def _feed(request):
    return oruk.Feed(
        base_url=request.build_absolute_uri("/"),
        service_organisation=selectors.service_organisation(),
    )


def _documented(schema, *, page=False, missing=False):
    """The response as the profile's own OpenAPI describes it (its published schema)."""
    body = {"$ref": SCHEMA_BASE + schema}
    if page:
        body = {
            "type": "object",
            "properties": {
                name: {"type": kind}
                for name, kind in [
                    ("total_items", "integer"),
                    ("total_pages", "integer"),
                    ("page_number", "integer"),
                    ("size", "integer"),
                    ("first_page", "boolean"),
                    ("last_page", "boolean"),
                    ("empty", "boolean"),
                ]
            }
            | {"contents": {"type": "array", "items": body}},
        }
    responses = {200: {"description": "OK", "content": {"application/json": {"schema": body}}}}
    if missing:
        responses[404] = {"description": "No record has this id"}
    responses[400] = {"description": "A parameter cannot be used: the message says why"}
    return {"responses": responses}


def _not_found(kind, value):
    return FeedError(404, "id", f"There is no {kind} with id {value[:64]!r}.")


def _same_id(value):
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


# Endpoints ---------------------------------------------------------------------------


@api.get("/", url_name="root", summary="About this feed", tags=["feed"])
def about(request):
    return {
        "version": oruk.HSDS_VERSION,
        "profile": oruk.PROFILE_URL,
        "openapi_url": request.build_absolute_uri(reverse("oruk:openapi-json")),
    }


@api.get(
    "/services",
    url_name="services",
    summary="Services",
    tags=["services"],
    openapi_extra=_documented("compiled/service_list.json", page=True),
)
def services(request, filters: Query[ServiceFilters]):
    listing_list = selectors.listings()
    found = selectors.search(listing_list, criteria(filters, listing_list))
    feed = _feed(request)
    return page(found, filters, lambda listing: oruk.service(feed, listing))


@api.get(
    "/services/{id}",
    url_name="service",
    summary="A service, with everything about it",
    tags=["services"],
    openapi_extra=_documented("compiled/service.json", missing=True),
)
def service(request, id: str):
    wanted = _same_id(id)
    for listing in selectors.listings(selectors.programmes(include_closed=True)):
        if listing.id == wanted:
            return oruk.service(_feed(request), listing, full=True)
    raise _not_found("service", id)


def _service_at_locations(listing_list):
    return [(listing, place) for listing in listing_list for place in listing.places]


@api.get(
    "/service_at_locations",
    url_name="service_at_locations",
    summary="Services at their locations",
    tags=["services"],
    openapi_extra=_documented("compiled/service_at_location_list.json", page=True),
)
def service_at_locations(request, filters: Query[ServiceFilters]):
    listing_list = selectors.listings()
    wanted = criteria(filters, listing_list)
    found = _service_at_locations(selectors.search(listing_list, wanted))
    if wanted.origin is not None:
        if wanted.within_m is not None:  # each location itself must be near enough
            found = [
                (li, p)
                for li, p in found
                if p.distance_km is not None and p.distance_km * 1000 <= wanted.within_m
            ]
        found.sort(key=lambda pair: (pair[1].distance_km is None, pair[1].distance_km or 0))
    feed = _feed(request)
    return page(found, filters, lambda pair: oruk.service_at_location(feed, *pair, full=False))


@api.get(
    "/service_at_locations/{id}",
    url_name="service_at_location",
    summary="A service at one location, with everything about both",
    tags=["services"],
    openapi_extra=_documented("compiled/service_at_location.json", missing=True),
)
def service_at_location(request, id: str):
    wanted = _same_id(id)
    listing_list = selectors.listings(selectors.programmes(include_closed=True))
    for listing, place in _service_at_locations(listing_list):
        if ids.service_at_location_id(listing.programme, place.site) == wanted:
            return oruk.service_at_location(_feed(request), listing, place)
    raise _not_found("service at location", id)


def _organisations(listing_list):
    """The service itself first (it runs every programme), then the hosts by name."""
    return [selectors.service_organisation()] + selectors.host_organisations(listing_list)


@api.get(
    "/organizations",
    url_name="organizations",
    summary="Organizations",
    tags=["organizations"],
    openapi_extra=_documented("compiled/organization_list.json", page=True),
)
def organizations(request, filters: Query[OrganizationFilters]):
    feed = _feed(request)
    found = [(o, oruk.organization(feed, o)) for o in _organisations(selectors.listings())]
    words = (filters.search or "").lower().split()
    found = [pair for pair in found if all(w in pair[1]["name"].lower() for w in words)]
    return page(found, filters, lambda pair: pair[1])


@api.get(
    "/organizations/{id}",
    url_name="organization",
    summary="An organization, with its services",
    tags=["organizations"],
    openapi_extra=_documented("compiled/organization.json", missing=True),
)
def organization(request, id: str):
    wanted = _same_id(id)
    listing_list = selectors.listings()
    for candidate in _organisations(listing_list):
        if ids.organisation_id(candidate) == wanted:
            if candidate is None or candidate.kind == "service":
                runs = listing_list
            else:
                runs = [
                    li for li in listing_list if any(p.organisation == candidate for p in li.places)
                ]
            return oruk.organization(_feed(request), candidate, full=True, services=runs)
    raise _not_found("organization", id)


@api.get(
    "/taxonomies",
    url_name="taxonomies",
    summary="Taxonomies",
    tags=["taxonomies"],
    openapi_extra=_documented("taxonomy.json", page=True),
)
def taxonomies(request, paging: Query[Paging]):
    feed = _feed(request)
    return page(list(TAXONOMIES.values()), paging, lambda t: oruk.taxonomy(feed, t))


@api.get(
    "/taxonomies/{id}",
    url_name="taxonomy",
    summary="A taxonomy, with its terms",
    tags=["taxonomies"],
    openapi_extra=_documented("taxonomy.json", missing=True),
)
def taxonomy(request, id: str):
    found = taxonomy_by_id(_same_id(id))
    if found is None:
        raise _not_found("taxonomy", id)
    return oruk.taxonomy(_feed(request), found, full=True)


@api.get(
    "/taxonomy_terms",
    url_name="taxonomy_terms",
    summary="Taxonomy terms",
    tags=["taxonomies"],
    openapi_extra=_documented("taxonomy_term.json", page=True),
)
def taxonomy_terms(request, filters: Query[TermFilters]):
    terms = all_terms()
    if filters.taxonomy_id:
        found = taxonomy_by_id(parse_uuid(filters.taxonomy_id, "taxonomy_id"))
        terms = [t for t in terms if found is not None and t.taxonomy == found]
    return page(terms, filters, oruk.taxonomy_term)


@api.get(
    "/taxonomy_terms/{id}",
    url_name="taxonomy_term",
    summary="A taxonomy term",
    tags=["taxonomies"],
    openapi_extra=_documented("taxonomy_term.json", missing=True),
)
def taxonomy_term(request, id: str):
    term: Term | None = term_by_id(_same_id(id))
    if term is None:
        raise _not_found("taxonomy term", id)
    return oruk.taxonomy_term(term)


# URLs: CORS on everything, a JSON 404 for any other path ------------------------------


def allow_any_origin(view):
    """Any web page may read the feed: it is public and takes no credentials."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "OPTIONS":  # a browser's preflight
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, OPTIONS"
            response["Access-Control-Allow-Headers"] = request.headers.get(
                "Access-Control-Request-Headers", "Accept"
            )
            response["Access-Control-Max-Age"] = "86400"
        else:
            response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return csrf_exempt(wrapped)


def _no_such_path(request, rest=""):
    return _error(
        404,
        None,
        f"There is nothing at {request.path[:200]}. The feed's paths are listed at "
        f"{reverse('oruk:openapi-json')}.",
    )


def _urls():
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback = allow_any_origin(pattern.callback)
    patterns.append(re_path(r"^(?P<rest>.*)$", allow_any_origin(_no_such_path)))
    return patterns, app_name, namespace


urls = _urls()
