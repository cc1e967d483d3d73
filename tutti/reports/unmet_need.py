"""Unmet need: where deprivation is high and our reach is low.

For each local authority (and, within one, each LSOA):

* deprivation: the share of its LSOAs in the most deprived 20% of its nation's areas (deciles
  1 and 2), and the mean decile; both weighted by population when every LSOA has one;
* referrals per 10,000 residents: referrals received in the period (in the report's
  programmes) from people living there, over its population. The imported deprivation file
  may have no population column (the IMD 2025 file in ../shared/data has none); then each LSOA
  is counted as AVERAGE_LSOA_POPULATION residents, and the page says so;
* distance to the nearest site: from the area's centre (its LSOAs' centroids averaged, by
  population when known; an LSOA's own centroid) to the nearest active site where the
  report's programmes run, as the crow flies (haversine).

"High need, low reach": a local authority whose deprived share is at or above the median of
the authorities listed and whose referral rate is below their median; an LSOA in the most
deprived 20% whose referral rate is below its local authority's.

Deprivation, counts and centres come from grouped queries (one for the areas, one for the
referrals); distances are worked out for the few hundred areas and sites in Python.
"""

import statistics
from dataclasses import dataclass

from django.db.models import Avg, Count, F, FloatField, Q, Sum
from django.db.models.functions import Cast

from tutti.geography.models import Area, AreaBoundary, LocalAuthority, Postcode
from tutti.geography.services import distance_km
from tutti.organisations.models import Site
from tutti.programmes.models import Programme
from tutti.reports.impact import referrals_received
from tutti.reports.scope import Scope

# England and Wales at the 2021 Census: 59,597,542 usual residents in 35,672 LSOAs (2021).
AVERAGE_LSOA_POPULATION = 1671
PER = 10_000
SERVED, EVERYWHERE = "served", "all"


@dataclass
class PlaceNeed:
    code: str
    name: str
    lsoas: int = 0
    deprived: float = 0  # LSOAs (or residents) in deciles 1 and 2
    ranked: float = 0  # LSOAs (or residents) with a decile
    decile_total: float = 0  # Σ decile (× population when weighted)
    population: int = 0
    population_estimated: bool = True
    lat: float | None = None
    long: float | None = None
    referrals: int = 0
    distance_km: float | None = None
    nearest_site: str = ""
    decile: int | None = None  # an LSOA's own decile
    high_need_low_reach: bool = False

    @property
    def deprived_share(self):
        return 100 * self.deprived / self.ranked if self.ranked else None

    @property
    def mean_decile(self):
        return self.decile_total / self.ranked if self.ranked else None

    @property
    def rate(self):
        return PER * self.referrals / self.population if self.population else None


@dataclass
class UnmetNeed:
    scope: Scope
    places: list  # PlaceNeed per local authority, most deprived first
    areas_basis: str  # SERVED or EVERYWHERE
    sites: int  # sites distances are measured to
    population_estimated: bool  # some population was estimated from LSOA counts
    missing: list  # names of local authorities with no areas imported (not listed)
    median_share: float | None = None
    median_rate: float | None = None


@dataclass
class LocalNeed:
    """The LSOAs of one local authority."""

    authority: PlaceNeed
    places: list  # PlaceNeed per LSOA, most deprived first
    has_boundaries: bool


# --- where ----------------------------------------------------------------------------------


def served_authorities(scope: Scope):
    """Local authorities the report's programmes name, and those the people referred live in."""
    programmes = Programme.objects.all()
    if scope.programme_ids is not None:
        programmes = programmes.filter(pk__in=scope.programme_ids)
    codes = set()
    for named in programmes.values_list("local_authorities", flat=True):
        codes.update(named or [])
    codes.update(
        referrals_received(scope)
        .exclude(person__local_authority_code="")
        .values_list("person__local_authority_code", flat=True)
        .distinct()
    )
    return codes


def authority_codes(scope: Scope, basis=SERVED):
    if basis == EVERYWHERE:
        codes = set(
            Area.objects.exclude(local_authority_id=None)
            .filter(imd_decile__isnull=False)
            .values_list("local_authority_id", flat=True)
            .distinct()
        )
    else:
        codes = served_authorities(scope)
    if scope.home_la_codes is not None:
        codes &= set(scope.home_la_codes)
    return codes


def site_points(scope: Scope):
    """[(site name, lat, long)] for the active sites where the report's programmes run."""
    sites = Site.objects.filter(is_active=True)
    if scope.site_ids is not None:
        sites = sites.filter(pk__in=scope.site_ids)
    if scope.programme_ids is not None:
        sites = sites.filter(programmes__in=scope.programme_ids)
    else:
        sites = sites.filter(programmes__isnull=False)
    named = dict(sites.distinct().values_list("postcode", "name"))
    points = Postcode.objects.filter(postcode__in=named, lat__isnull=False, long__isnull=False)
    return sorted(
        (named[postcode], lat, long)
        for postcode, lat, long in points.values_list("postcode", "lat", "long")
    )


def nearest(place: PlaceNeed, sites):
    if place.lat is None or not sites:
        return
    place.distance_km, place.nearest_site = min(
        (distance_km(place.lat, place.long, lat, long), name) for name, lat, long in sites
    )


# --- figures ----------------------------------------------------------------------------------


def _areas():
    # Superseded 2011 codes would count twice beside the 2021 LSOAs that replaced them.
    return Area.objects.exclude(kind=Area.Kind.LSOA11).order_by()


def _weighted(field):
    return Sum(Cast(F(field), FloatField()) * F("population"), output_field=FloatField())


def _authority_rows(codes):
    return (
        _areas()
        .filter(local_authority_id__in=codes)
        .values("local_authority_id")
        .annotate(
            lsoas=Count("pk"),
            with_population=Count("pk", filter=Q(population__isnull=False)),
            residents=Sum("population"),
            ranked=Count("pk", filter=Q(imd_decile__isnull=False)),
            deprived=Count("pk", filter=Q(imd_decile__lte=2)),
            decile_total=Sum("imd_decile"),
            ranked_population=Sum("population", filter=Q(imd_decile__isnull=False)),
            deprived_population=Sum("population", filter=Q(imd_decile__lte=2)),
            decile_population=_weighted("imd_decile"),
            lat=Avg("centroid_lat"),
            long=Avg("centroid_long"),
            lat_population=_weighted("centroid_lat"),
            long_population=_weighted("centroid_long"),
        )
    )


def _fill(place: PlaceNeed, row):
    """Deprivation, population and centre from a grouped Area row."""
    weighted = row["lsoas"] and row["with_population"] == row["lsoas"] and row["residents"]
    place.lsoas = row["lsoas"]
    if weighted:
        place.population_estimated = False
        place.population = row["residents"]
        place.ranked = row["ranked_population"] or 0
        place.deprived = row["deprived_population"] or 0
        place.decile_total = row["decile_population"] or 0
        if row["lat_population"] is not None:
            place.lat = row["lat_population"] / row["residents"]
            place.long = row["long_population"] / row["residents"]
    else:
        place.population = row["lsoas"] * AVERAGE_LSOA_POPULATION
        place.ranked = row["ranked"]
        place.deprived = row["deprived"]
        place.decile_total = row["decile_total"] or 0
        place.lat, place.long = row["lat"], row["long"]


def _median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def unmet_need(scope: Scope, basis=SERVED) -> UnmetNeed:
    codes = authority_codes(scope, basis)
    names = dict(LocalAuthority.objects.filter(code__in=codes).values_list("code", "name"))
    places = {code: PlaceNeed(code, names.get(code, code)) for code in codes}
    for row in _authority_rows(codes):
        _fill(places[row["local_authority_id"]], row)
    referrals = (
        referrals_received(scope)
        .filter(person__local_authority_code__in=codes)
        .order_by()
        .values_list("person__local_authority_code")
        .annotate(n=Count("pk"))
    )
    for code, n in referrals:
        places[code].referrals = n
    sites = site_points(scope)
    listed = [p for p in places.values() if p.lsoas]
    for place in listed:
        nearest(place, sites)
    median_share = _median(p.deprived_share for p in listed)
    median_rate = _median(p.rate for p in listed)
    for place in listed:
        place.high_need_low_reach = (
            median_share is not None
            and place.deprived_share is not None
            and place.rate is not None
            and place.deprived_share >= median_share
            and place.rate < median_rate
        )
    listed.sort(key=need_order)
    return UnmetNeed(
        scope=scope,
        places=listed,
        areas_basis=basis,
        sites=len(sites),
        population_estimated=any(p.population_estimated for p in listed),
        missing=sorted(p.name for p in places.values() if not p.lsoas),
        median_share=median_share,
        median_rate=median_rate,
    )


def need_order(place: PlaceNeed):
    """Most deprived first; then fewest referrals per 10,000; then farthest from a site."""
    return (
        -(place.deprived_share or 0),
        place.mean_decile if place.mean_decile is not None else 11,
        place.rate if place.rate is not None else 0,
        -(place.distance_km or 0),
        place.name,
    )


def local_need(scope: Scope, authority: PlaceNeed) -> LocalNeed:
    areas = _areas().filter(local_authority_id=authority.code)
    referrals = dict(
        referrals_received(scope)
        .filter(person__local_authority_code=authority.code)
        .exclude(person__lsoa_code="")
        .order_by()
        .values_list("person__lsoa_code")
        .annotate(n=Count("pk"))
    )
    sites = site_points(scope)
    places = []
    for code, name, decile, population, lat, long in areas.values_list(
        "code", "name", "imd_decile", "population", "centroid_lat", "centroid_long"
    ):
        place = PlaceNeed(
            code,
            name or code,
            lsoas=1,
            population=population or AVERAGE_LSOA_POPULATION,
            population_estimated=population is None,
            lat=lat,
            long=long,
            referrals=referrals.get(code, 0),
            decile=decile,
        )
        nearest(place, sites)
        places.append(place)
    whole = authority.rate
    for place in places:
        place.high_need_low_reach = (
            place.decile is not None
            and place.decile <= 2
            and whole is not None
            and place.rate < whole
        )
    places.sort(
        key=lambda p: (
            p.decile if p.decile is not None else 11,
            p.rate,
            -(p.distance_km or 0),
            p.code,
        )
    )
    has_boundaries = AreaBoundary.objects.filter(local_authority_code=authority.code).exists()
    return LocalNeed(authority, places, has_boundaries)
