"""The feed's query parameters: read, checked, and turned into a directory search.

A parameter that cannot be used raises FeedError, which the API answers with a 400 naming
the parameter and saying what it should be.
"""

import uuid
from datetime import datetime, time

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from ninja import Field, Schema

from tutti.directory import ids, selectors
from tutti.directory.taxonomy import taxonomy_by_id, term_by_id
from tutti.geography.services import FOUND, resolve_postcode

PER_PAGE = 50
MAX_PER_PAGE = 500
MAX_PROXIMITY_M = 1_000_000  # 1,000 km: the length of Great Britain


class FeedError(Exception):
    def __init__(self, status, field, message):
        super().__init__(message)
        self.status, self.field, self.message = status, field, message


# What a caller is told when a parameter's type or range is wrong.
PARAMETER_HELP = {
    "page": "page must be a whole number, 1 or more.",
    "per_page": f"per_page must be a whole number from 1 to {MAX_PER_PAGE}.",
    "proximity": f"proximity must be a distance in metres, more than 0 and at most "
    f"{MAX_PROXIMITY_M:,}.",
}


class Paging(Schema):
    page: int = Field(1, ge=1, description="Page number, from 1.")
    per_page: int = Field(
        PER_PAGE, ge=1, le=MAX_PER_PAGE, description=f"Results a page, 1 to {MAX_PER_PAGE}."
    )


class ServiceFilters(Paging):
    search: str | None = Field(
        None, max_length=200, description="Words that must all appear in what is said about it."
    )
    taxonomy_term_id: str | None = Field(None, description="Only services with this term.")
    taxonomy_id: str | None = Field(None, description="Only services with a term from this.")
    organization_id: str | None = Field(
        None, description="Only services this organization runs or hosts."
    )
    modified_after: str | None = Field(
        None, description="Only services changed on or after this ISO 8601 date or date-time."
    )
    postcode: str | None = Field(
        None,
        description="A UK postcode: only services whose area includes it, nearest first.",
    )
    proximity: float | None = Field(
        None,
        gt=0,
        le=MAX_PROXIMITY_M,
        description="With postcode: only services with a location within this many metres.",
    )


class OrganizationFilters(Paging):
    search: str | None = Field(None, max_length=200, description="Words in its name.")


class TermFilters(Paging):
    taxonomy_id: str | None = Field(None, description="Only terms from this taxonomy.")


def parse_uuid(value, field):
    try:
        return str(uuid.UUID(value.strip()))
    except (ValueError, AttributeError):
        raise FeedError(400, field, f"{field} must be a UUID, like {ids.NAMESPACE}.") from None


def _moment(value):
    text = value.strip()
    try:
        moment = parse_datetime(text.replace(" ", "+"))  # a "+" in a URL arrives as " "
        if moment is None:
            day = parse_date(text)
            moment = datetime.combine(day, time()) if day else None
    except ValueError:  # well formed but impossible, like 2025-13-45
        moment = None
    if moment is None:
        raise FeedError(
            400,
            "modified_after",
            "modified_after must be a date like 2025-01-31 or a date and time like "
            "2025-01-31T09:00:00Z.",
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)  # UK time, like the service
    return moment


def criteria(filters: ServiceFilters, listing_list) -> selectors.Search:
    criteria = selectors.Search(text=(filters.search or "").strip())
    if filters.taxonomy_term_id:
        term = term_by_id(parse_uuid(filters.taxonomy_term_id, "taxonomy_term_id"))
        criteria.term_codes = ((term.taxonomy.key, term.code),) if term else ()
        criteria.nothing = criteria.nothing or term is None
    if filters.taxonomy_id:
        found = taxonomy_by_id(parse_uuid(filters.taxonomy_id, "taxonomy_id"))
        criteria.taxonomy = found.key if found else None
        criteria.nothing = criteria.nothing or found is None
    if filters.organization_id:
        wanted = parse_uuid(filters.organization_id, "organization_id")
        service = selectors.service_organisation()
        if wanted != ids.organisation_id(service):  # the service runs every programme
            hosts = selectors.host_organisations(listing_list)
            criteria.host = next((o for o in hosts if ids.organisation_id(o) == wanted), None)
            criteria.nothing = criteria.nothing or criteria.host is None
    if filters.modified_after:
        criteria.modified_after = _moment(filters.modified_after)
    if filters.proximity is not None and not filters.postcode:
        raise FeedError(400, "proximity", "proximity needs a postcode to measure from.")
    if filters.postcode:
        criteria.origin = _place(filters.postcode)
        criteria.in_area = True
        criteria.within_m = filters.proximity
    return criteria


def _place(postcode):
    geography = resolve_postcode(postcode)
    if geography.status == "invalid":
        raise FeedError(400, "postcode", f"{postcode.strip()[:12]} is not a UK postcode.")
    if geography.status != FOUND or geography.lat is None or geography.long is None:
        raise FeedError(
            400, "postcode", f"{geography.postcode} is not a postcode we can find on a map."
        )
    return geography


def page(items, paging: Paging, to_json):
    total = len(items)
    pages = -(-total // paging.per_page)
    start = (paging.page - 1) * paging.per_page
    contents = [to_json(item) for item in items[start : start + paging.per_page]]
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": paging.page,
        "size": len(contents),
        "first_page": paging.page == 1,
        "last_page": paging.page >= pages,
        "empty": not contents,
        "contents": contents,
    }
