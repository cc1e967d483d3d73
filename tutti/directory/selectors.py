"""Reads for the public service directory and the Open Referral UK feed.

Only what anyone may see: programmes, the sites they run at, the organisations that run or
host them, and groups' weekly times. Nothing about a person is read here.

A directory holds tens of programmes, so each request loads them whole (a handful of
queries) and filters them in Python: the filters on needs and circumstances read JSON lists,
which SQLite cannot search inside, and a programme's "last modified" spans several tables.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.db.models import Prefetch

from tutti.geography.models import LocalAuthority
from tutti.geography.services import distance_km, resolve_postcode
from tutti.organisations.models import Organisation, Site
from tutti.programmes.models import Programme

from . import ids
from .taxonomy import programme_terms


@dataclass
class Place:
    """A site with where it is on the map (from its postcode) and its local authority."""

    site: Site
    lat: float | None = None
    long: float | None = None
    local_authority_code: str | None = None
    local_authority_name: str | None = None
    region: str | None = None
    distance_km: float | None = None  # from the searched postcode, when there is one

    @property
    def organisation(self):
        return self.site.organisation


@dataclass
class Listing:
    """One programme as the directory shows it."""

    programme: Programme
    places: list[Place]
    groups: list = field(default_factory=list)  # tutti.delivery groups taking part, if any
    area_names: dict = field(default_factory=dict)  # local authority code -> name
    distance_km: float | None = None  # to the nearest place from the searched postcode
    serves_area: bool | None = None  # whether the searched postcode is in its area

    @property
    def id(self):
        return ids.programme_id(self.programme)

    @property
    def nearest(self):
        with_distance = [p for p in self.places if p.distance_km is not None]
        return min(with_distance, key=lambda p: p.distance_km) if with_distance else None

    @property
    def last_modified(self) -> datetime:
        """When the programme or anything published with it (sites, their organisations,
        groups' times) last changed."""
        stamps = [self.programme.updated_at]
        for place in self.places:
            stamps += [place.site.updated_at, place.organisation.updated_at]
        stamps += [group.updated_at for group in self.groups]
        return max(stamps)

    @property
    def area_rule(self):
        return bool(self.programme.local_authorities or self.programme.postcode_districts)


def programmes(*, include_closed=False):
    queryset = Programme.objects.select_related("funder").prefetch_related(
        Prefetch(
            "sites",
            queryset=Site.objects.filter(is_active=True).select_related("organisation"),
        )
    )
    return queryset if include_closed else queryset.filter(open_to_referrals=True)


def listings(queryset=None) -> list[Listing]:
    """The programmes (open ones unless a queryset says otherwise), sites located."""
    programme_list = list(programmes() if queryset is None else queryset)
    groups = _weekly_groups(programme_list)
    sites = {site.pk: site for p in programme_list for site in p.sites.all()}
    sites.update({g.site.pk: g.site for gs in groups.values() for g in gs})
    located = _locate(sites.values())
    codes = {code for p in programme_list for code in p.local_authorities}
    codes |= {place.local_authority_code for place in located.values()}
    names = dict(LocalAuthority.objects.filter(code__in=codes - {None}).values_list("code", "name"))
    result = []
    for programme in programme_list:
        places = [located[site.pk] for site in programme.sites.all()]
        for group in groups.get(programme.pk, []):  # a group may meet at another site
            if group.site.pk not in {place.site.pk for place in places}:
                places.append(located[group.site.pk])
        result.append(
            Listing(
                programme=programme,
                places=places,
                groups=groups.get(programme.pk, []),
                area_names={code: names.get(code, code) for code in programme.local_authorities},
            )
        )
    return result


def listing_for_code(code) -> Listing | None:
    """Any programme by its code, open or not (a closed one says so on its page)."""
    found = listings(programmes(include_closed=True).filter(code=str(code).upper()[:40]))
    return found[0] if found else None


def _locate(sites):
    """Each site's position and local authority, from its postcode (one lookup a postcode)."""
    by_postcode = {}
    located = {}
    regions = {}
    for site in sites:
        if site.postcode not in by_postcode:
            by_postcode[site.postcode] = resolve_postcode(site.postcode)
    la_codes = {g.local_authority_code for g in by_postcode.values() if g.local_authority_code}
    if la_codes:
        regions = dict(
            LocalAuthority.objects.filter(code__in=la_codes).values_list("code", "region_name")
        )
    for site in sites:
        geography = by_postcode[site.postcode]
        located[site.pk] = Place(
            site=site,
            lat=geography.lat if geography.found else None,
            long=geography.long if geography.found else None,
            local_authority_code=geography.local_authority_code,
            local_authority_name=geography.local_authority_name,
            region=regions.get(geography.local_authority_code) or None,
        )
    return located


def _weekly_groups(programme_list):
    """Groups that are taking members or running, by programme: their weekly slots are the
    programme's timetable. Empty when the delivery app is not installed."""
    if not programme_list or not apps.is_installed("tutti.delivery"):
        return {}
    Group = apps.get_model("delivery", "Group")
    active = [Group.Status.FORMING, Group.Status.RUNNING]
    result = {}
    queryset = (
        Group.objects.filter(programme__in=programme_list, status__in=active)
        .select_related("site__organisation")
        .order_by("weekday", "start_time", "pk")
    )
    for group in queryset:
        result.setdefault(group.programme_id, []).append(group)
    return result


def service_organisation():
    """The charity itself, as an Organisation row; None when none has been entered."""
    return Organisation.objects.filter(kind=Organisation.Kind.SERVICE).order_by("pk").first()


def host_organisations(listing_list):
    """Organisations (other than the service) hosting the listed programmes' sites."""
    hosts = {}
    for listing in listing_list:
        for place in listing.places:
            organisation = place.organisation
            if organisation.kind != Organisation.Kind.SERVICE:
                hosts[organisation.pk] = organisation
    return sorted(hosts.values(), key=lambda o: (o.name.lower(), o.pk))


# Searching -----------------------------------------------------------------------------


@dataclass
class Search:
    """What a directory search asks for; every part is optional."""

    text: str = ""
    needs: tuple = ()  # Need codes: a programme must work with at least one
    circumstances: tuple = ()  # Circumstance codes: likewise
    term_codes: tuple = ()  # (taxonomy key, code) pairs: a programme must have each
    taxonomy: str | None = None  # a taxonomy key: a programme must have a term from it
    host: Organisation | None = None  # a partner: programmes at its sites
    modified_after: datetime | None = None
    origin: object = None  # a found tutti.geography Geography with lat/long
    within_m: float | None = None  # metres from the origin to the nearest site
    in_area: bool = False  # only programmes whose area includes the origin's postcode
    nothing: bool = False  # a filter named something that does not exist: no results


def search(listing_list, criteria: Search) -> list[Listing]:
    """The listings that match, nearest first when there is an origin, else by name."""
    if criteria.nothing:
        return []
    matches = []
    for listing in listing_list:
        if criteria.origin is not None:
            _measure(listing, criteria.origin)
        if _matches(listing, criteria):
            matches.append(listing)
    if criteria.origin is not None:
        return sorted(
            matches,
            key=lambda li: (
                li.distance_km is None,
                li.distance_km or 0,
                li.programme.name.lower(),
            ),
        )
    return sorted(matches, key=lambda li: (li.programme.name.lower(), li.programme.pk))


def _measure(listing, origin):
    for place in listing.places:
        place.distance_km = (
            distance_km(origin.lat, origin.long, place.lat, place.long)
            if place.lat is not None and place.long is not None
            else None
        )
    nearest = listing.nearest
    listing.distance_km = nearest.distance_km if nearest else None
    listing.serves_area = serves_area(listing.programme, origin)


def serves_area(programme, geography):
    """Whether a postcode is in the area a programme serves (by local authority or postcode
    district). A programme with no area rule serves everywhere."""
    if not (programme.local_authorities or programme.postcode_districts):
        return True
    district = geography.postcode.split(" ")[0]
    return (
        geography.local_authority_code in programme.local_authorities
        or district in programme.postcode_districts
    )


def _matches(listing, c: Search):
    programme = listing.programme
    if c.needs and not set(c.needs) & set(programme.needs):
        return False
    if c.circumstances and not set(c.circumstances) & set(programme.circumstances):
        return False
    tagged = {(term.taxonomy.key, term.code) for term in programme_terms(programme)}
    if any(pair not in tagged for pair in c.term_codes):
        return False
    if c.taxonomy and not any(key == c.taxonomy for key, _ in tagged):
        return False
    if c.host is not None and not any(p.organisation.pk == c.host.pk for p in listing.places):
        return False
    if c.modified_after is not None and listing.last_modified < c.modified_after:
        return False
    if c.within_m is not None and (
        listing.distance_km is None or listing.distance_km * 1000 > c.within_m
    ):
        return False
    if c.in_area and c.origin is not None and not listing.serves_area:
        return False
    return not c.text or _text_matches(listing, c.text)


def _text_matches(listing, text):
    """Every word of the search appears somewhere in what the directory says about it."""
    programme = listing.programme
    parts = [programme.name, programme.description, programme.code]
    parts += [term.label for term in programme_terms(programme)]
    parts += listing.area_names.values()
    for place in listing.places:
        site = place.site
        parts += [site.name, site.town, site.postcode, place.organisation.name]
        parts.append(place.local_authority_name or "")
    haystack = " ".join(parts).lower()
    return all(word in haystack for word in text.lower().split())
