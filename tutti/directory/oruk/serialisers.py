"""The directory in Open Referral UK (HSDS-UK 3.0) shape: plain dicts, ready for JSON.

Mapping (ids are explained in ids.py):

    service              a programme (status "active" while it takes referrals)
    organization         the service itself (Organisation.Kind.SERVICE) delivers every
                         service; partner organisations host locations
    location, address    a site; latitude/longitude are its postcode's (ONS NSPL)
    accessibility        a site's access notes
    service_at_location  a programme at one of its sites
    schedule             how often a programme meets; each active group's weekly slot
                         (tutti.delivery) as an RFC 5545 weekly rule at its site
    service_area         each local authority (with its ONS statistical-geography URI) or
                         postcode district a programme serves
    attribute            a programme's needs and circumstances (taxonomy terms)
    funding              the programme's funder

Only organisations, places and programmes appear: never a person, a therapist, a contact
name or a count of people. Empty values are left out, as the standard prefers.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse

from tutti.directory import ids, presenters
from tutti.directory.taxonomy import programme_terms, terms_of

HSDS_VERSION = "HSDS-UK-3.0"
PROFILE_URL = "https://github.com/OpenReferralUK/uk-profile"
ONS_AREA_URI = "http://statistics.data.gov.uk/id/statistical-geography/{code}"
ODS_SCHEME = "GB-NHS"  # org-id.guide: the NHS Organisation Data Service
UK_TIME = ZoneInfo("Europe/London")
BYDAY = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
NATIONS = {
    "england": "England",
    "wales": "Wales",
    "scotland": "Scotland",
    "northern_ireland": "Northern Ireland",
}


class Feed:
    """What every record needs to know: the site's address, and who the service is."""

    def __init__(self, *, base_url, service_organisation):
        self.base_url = base_url.rstrip("/")
        self.service = service_organisation  # an Organisation, or None

    def url(self, name, **kwargs):
        return self.base_url + reverse(name, kwargs=kwargs or None)

    @property
    def service_id(self):
        return ids.organisation_id(self.service)


def _compact(record):
    """Leave out empty values: the standard treats a missing field and an empty one alike."""
    return {key: value for key, value in record.items() if value not in (None, "", [])}


def timestamp(moment: datetime) -> str:
    """UTC with millisecond accuracy, as the standard asks: 2023-03-15T10:30:45.123Z."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# Organisations --------------------------------------------------------------------------


def organization(feed, organisation, *, full=False, services=()):
    """`organisation` None is the service itself, described from the settings."""
    if organisation is None or organisation.kind == "service":
        name = organisation.name if organisation else settings.TUTTI_ORGANISATION_NAME
        description = (
            f"{name} runs music therapy for children, young people and adults, at its own "
            "centres and with partner schools, care homes, hospitals, hospices and "
            "community venues."
        )
        website = feed.url("directory:list")
    else:
        name = organisation.name
        description = (
            f"{organisation.get_kind_display()} that hosts music therapy run by "
            f"{feed.service.name if feed.service else settings.TUTTI_ORGANISATION_NAME}."
        )
        website = None
    record_id = ids.organisation_id(organisation)
    record = {
        "id": record_id,
        "name": name,
        "description": description,
        # Only the service's own address: a host's may be a member of its staff's, and
        # referrals go to the service anyway.
        "email": organisation.email if organisation and organisation.kind == "service" else None,
        "website": website,
        "uri": feed.url("oruk:organization", id=record_id),
    }
    if full:
        record["organization_identifiers"] = _identifiers(organisation)
        record["services"] = [service(feed, listing) for listing in services]
    return _compact(record)


def _identifiers(organisation):
    if organisation is None or not organisation.ods_code:
        return []
    return [
        {
            "id": ids.feed_id("organisation_identifier", organisation.pk),
            "organization_id": ids.organisation_id(organisation),
            "identifier_scheme": ODS_SCHEME,
            "identifier_type": "ODS code",
            "identifier": organisation.ods_code,
        }
    ]


# Services --------------------------------------------------------------------------------


def service(feed, listing, *, full=False):
    """A programme. The brief form (lists) has only its one-to-one fields."""
    programme = listing.programme
    record = {
        "id": listing.id,
        "organization_id": feed.service_id,
        "name": programme.name,
        "description": _description(listing),
        "url": feed.url("directory:detail", code=programme.code),
        "email": feed.service.email if feed.service else None,
        "status": "active" if programme.open_to_referrals else "inactive",
        "alert": None if programme.open_to_referrals else "Not taking referrals at the moment.",
        "minimum_age": programme.min_age,
        "maximum_age": programme.max_age,
        "last_modified": timestamp(listing.last_modified),
    }
    if full:
        record.update(
            {
                "organization": organization(feed, feed.service),
                "service_at_locations": [
                    service_at_location(feed, listing, place, with_service=False)
                    for place in listing.places
                ],
                "schedules": schedules(feed, listing),
                "service_areas": _service_areas(listing),
                "attributes": _attributes(listing),
                "funding": _funding(listing),
            }
        )
    else:
        record["organization"] = organization(feed, feed.service)
    return _compact(record)


def _description(listing):
    """The programme's own description, then who it is for in plain words (the profile has
    no eligibility field of its own)."""
    programme = listing.programme
    return (
        f"{programme.description}\n\n{presenters.what_it_is(programme)}. "
        + presenters.eligibility_text(listing)
    )


def _attributes(listing):
    return [
        {
            "id": ids.feed_id(
                "attribute", "programme", listing.programme.pk, term.taxonomy.key, term.code
            ),
            "link_id": listing.id,
            "taxonomy_term_id": term.id,
            "link_type": term.taxonomy.link_type,
            "taxonomy_term": taxonomy_term(term),
        }
        for term in programme_terms(listing.programme)
    ]


def _service_areas(listing):
    programme = listing.programme
    areas = [
        {
            "id": ids.feed_id("service_area", "programme", programme.pk, "la", code),
            "service_id": listing.id,
            "name": listing.area_names.get(code, code),
            "service_area": listing.area_names.get(code, code),
            "uri": ONS_AREA_URI.format(code=code),
        }
        for code in programme.local_authorities
    ]
    areas += [
        {
            "id": ids.feed_id("service_area", "programme", programme.pk, "district", district),
            "service_id": listing.id,
            "name": f"{district} postcode district",
            "service_area": f"{district} postcode district",
        }
        for district in programme.postcode_districts
    ]
    return areas


def _funding(listing):
    funder = listing.programme.funder
    if funder is None:
        return []
    return [
        {
            "id": ids.feed_id("funding", "programme", listing.programme.pk),
            "service_id": listing.id,
            "source": funder.name,
        }
    ]


# Schedules -------------------------------------------------------------------------------


def schedules(feed, listing):
    programme = listing.programme
    online = programme.setting == "remote"
    result = [
        _compact(
            {
                "id": ids.feed_id("schedule", "programme", programme.pk),
                "service_id": listing.id,
                "freq": "WEEKLY",
                "interval": 1,
                "description": presenters.programme_schedule(programme),
                "attending_type": "online" if online else "in person",
            }
        )
    ]
    for group in listing.groups:
        last = group.starts_on + timedelta(weeks=group.planned_sessions - 1)
        result.append(
            _compact(
                {
                    "id": ids.feed_id("schedule", "group", group.pk),
                    "service_id": listing.id,
                    "service_at_location_id": ids.service_at_location_id(programme, group.site),
                    "valid_from": group.starts_on.isoformat(),
                    "valid_to": last.isoformat(),
                    "dtstart": group.starts_on.isoformat(),
                    "freq": "WEEKLY",
                    "interval": 1,
                    "byday": BYDAY[group.weekday],
                    "opens_at": _uk_time(group.starts_on, group.start_time),
                    "closes_at": _uk_time(group.starts_on, presenters.group_end(group)),
                    "description": f"{presenters.group_slot(group)}: "
                    f"{group.planned_sessions} weekly sessions.",
                    "attending_type": "in person",
                    "notes": "Times are UK time.",
                }
            )
        )
    return result


def _uk_time(day, time_of_day):
    """HH:MM with the UK's offset from UTC on that day: 18:00Z in winter, 18:00+01:00 in
    summer (the standard asks for the offset)."""
    offset = datetime.combine(day, time_of_day, tzinfo=UK_TIME).utcoffset()
    hours = int(offset.total_seconds() // 3600)
    suffix = "Z" if hours == 0 else f"{hours:+03d}:00"
    return f"{time_of_day:%H:%M}{suffix}"


# Locations -------------------------------------------------------------------------------


def location(feed, place, *, full=True):
    site = place.site
    location_id = ids.site_id(site)
    record = {
        "id": location_id,
        "location_type": "physical",
        "name": site.name,
        "description": _location_description(feed, place),
        "latitude": place.lat,
        "longitude": place.long,
    }
    if full:
        record["addresses"] = [
            _compact(
                {
                    "id": ids.feed_id("address", "site", site.pk),
                    "location_id": location_id,
                    "address_1": ", ".join(
                        line for line in (site.address_line_1, site.address_line_2) if line
                    ),
                    "city": site.town,
                    "region": place.region,
                    # Required by the profile; in the UK the local authority is the nearest
                    # thing to a state or province.
                    "state_province": place.local_authority_name
                    or NATIONS.get(site.nation, "United Kingdom"),
                    "postal_code": site.postcode,
                    "country": "GB",
                    "address_type": "physical",
                }
            )
        ]
        if site.accessibility_notes:
            record["accessibility"] = [
                {
                    "id": ids.feed_id("accessibility", "site", site.pk),
                    "location_id": location_id,
                    "description": site.accessibility_notes,
                }
            ]
    return _compact(record)


def _location_description(feed, place):
    organisation = place.organisation
    if organisation.kind == "service" or organisation.name == place.site.name:
        return None
    return f"At {organisation.name}."


def service_at_location(feed, listing, place, *, full=True, with_service=True):
    record = {
        "id": ids.service_at_location_id(listing.programme, place.site),
        "service_id": listing.id,
        "location_id": ids.site_id(place.site),
        "location": location(feed, place, full=full),
    }
    if with_service:
        # The full record nests the service, but not its own list of locations again.
        nested = service(feed, listing, full=full)
        nested.pop("service_at_locations", None)
        record["service"] = nested
    return record


# Taxonomies ------------------------------------------------------------------------------


def taxonomy(feed, taxonomy_, *, full=False):
    record = {
        "id": taxonomy_.id,
        "name": taxonomy_.name,
        "description": taxonomy_.description,
        "uri": feed.url("oruk:taxonomy", id=taxonomy_.id),
        "version": "1",
    }
    if full:
        record["taxonomy_terms"] = [taxonomy_term(term) for term in terms_of(taxonomy_)]
    return record


def taxonomy_term(term):
    return {
        "id": term.id,
        "name": term.label,
        "description": term.taxonomy.term_description(term.code),
        "taxonomy": term.taxonomy.name,
        "taxonomy_id": term.taxonomy.id,
        "term": term.code,
    }
