"""Stable public ids for the Open Referral UK feed, without storing anything.

Open Referral UK wants every record to have a UUID. Tutti's records have integer keys, so
each feed id is `uuid5(NAMESPACE, "<kind>:<key>")`: the same record always gets the same
id, ids from different kinds never collide, and no other app needs a new column or a
migration. The names hashed are (the number is the record's primary key, never a code
that an administrator can change):

    programme:<pk>                        a service
    site:<pk>                             a location
    address:site:<pk>                     a location's address
    accessibility:site:<pk>               a location's access information
    service_at_location:<programme pk>:<site pk>
    organisation:<pk>                     an organization
    organisation:service                  the service itself when no Organisation row says so
    organisation_identifier:<pk>          an organisation's ODS code
    taxonomy:need, taxonomy:circumstance  the two taxonomies
    taxonomy_term:need:<code>             a term (codes from tutti.core.vocab)
    taxonomy_term:circumstance:<code>
    attribute:programme:<pk>:<taxonomy>:<code>
    service_area:programme:<pk>:<la|district>:<code>
    schedule:programme:<pk>               how often a programme meets
    schedule:group:<pk>                   a group's weekly slot (tutti.delivery)
    funding:programme:<pk>

NAMESPACE must never change: every id a directory has stored would change with it.
"""

import uuid

NAMESPACE = uuid.UUID("e643076b-f209-474b-bace-0fe7571e6acc")


def feed_id(*parts) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(part) for part in parts)))


def programme_id(programme) -> str:
    return feed_id("programme", programme.pk)


def site_id(site) -> str:
    return feed_id("site", site.pk)


def service_at_location_id(programme, site) -> str:
    return feed_id("service_at_location", programme.pk, site.pk)


def organisation_id(organisation) -> str:
    """`organisation` may be None: the service itself, when no Organisation row says so."""
    return feed_id("organisation", organisation.pk if organisation else "service")


def taxonomy_id(taxonomy) -> str:
    return feed_id("taxonomy", taxonomy)


def term_id(taxonomy, code) -> str:
    return feed_id("taxonomy_term", taxonomy, code)
