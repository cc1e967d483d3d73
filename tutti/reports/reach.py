"""Reach by deprivation: the people we reached in each IMD quintile against that quintile's
share of the population of the area served, and the Core20 share (people living in the most
deprived 20% of areas).

The area served is the local authorities the programmes in the report name in their
eligibility rules; a programme that names none serves wherever its people live, so the local
authorities its people came from are added.

The population of each LSOA comes from the imported deprivation file when it has a population
column (MHCLG's official File 7 does). The IMD 2025 file in ../shared/data has none, so then
each quintile's share of the area's LSOAs stands in for its share of the population: LSOAs
are drawn to hold similar numbers of people (about 1,500 each), so the two are close. The page
says which was used.

Quintiles are each nation's own (IMD for England, WIMD for Wales): (decile + 1) ÷ 2, so
quintile 1 is deciles 1 and 2.
"""

from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When

from tutti.geography.models import Area
from tutti.programmes.models import Programme
from tutti.reports.equity import QUINTILE_LABELS, attendance_counts
from tutti.reports.impact import attended
from tutti.reports.scope import Scope

POPULATION = "population"
LSOA_COUNT = "lsoas"


@dataclass(frozen=True)
class QuintileReach:
    quintile: int
    label: str
    people: int
    area_share: float | None  # % of the area's population (or LSOAs) in this quintile
    areas: int  # LSOAs in the area served in this quintile
    population: int | None

    def people_share(self, known):
        return 100 * self.people / known if known else None


@dataclass(frozen=True)
class Reach:
    quintiles: list
    people_known: int  # people reached whose quintile is known
    people_unknown: int
    basis: str  # POPULATION or LSOA_COUNT
    local_authorities: int  # in the area served
    served_by_people: bool  # some programmes name no area: their people's areas were added

    @property
    def core20_share(self):
        first = self.quintiles[0]
        return first.people_share(self.people_known)

    @property
    def core20_area_share(self):
        return self.quintiles[0].area_share


def area_served(scope: Scope, *, summarised=False):
    """(local authority codes, whether any came from where people live)."""
    programmes = Programme.objects.all()
    if scope.programme_ids is not None:
        programmes = programmes.filter(pk__in=scope.programme_ids)
    codes, from_people = set(), False
    for named in programmes.values_list("local_authorities", flat=True):
        if named:
            codes.update(named)
        else:
            from_people = True
    if from_people or not codes:
        if summarised:
            from tutti.reports.fast import home_areas_of_people

            people_areas = home_areas_of_people(scope)
        else:
            people_areas = (
                attended(scope)
                .exclude(episode__person__local_authority_code="")
                .values_list("episode__person__local_authority_code", flat=True)
                .distinct()
            )
        codes.update(people_areas)
        from_people = True
    if scope.home_la_codes is not None:
        codes &= set(scope.home_la_codes)
    return sorted(codes), from_people


def quintile_of_decile():
    return Case(
        *[When(imd_decile__in=[2 * q - 1, 2 * q], then=Value(q)) for q in range(1, 6)],
        output_field=IntegerField(),
    )


def reach_by_quintile(scope: Scope, *, live=False) -> Reach:
    """From the summary tables when they cover the period (see summaries.py), unless `live`."""
    from tutti.reports import fast
    from tutti.reports.summaries import summaries_for

    summarised = not live and summaries_for(scope) is not None
    if summarised:
        people = fast.people_by_quintile(scope)
    else:
        people = attendance_counts(scope, F("episode__person__imd_quintile"))
    codes, from_people = area_served(scope, summarised=summarised)
    areas = (
        Area.objects.filter(local_authority_id__in=codes, imd_decile__isnull=False)
        .order_by()
        .annotate(quintile=quintile_of_decile())
        .values("quintile")
        .annotate(
            lsoas=Count("pk"),
            with_population=Count("pk", filter=Q(population__isnull=False)),
            population=Sum("population"),
        )
    )
    by_quintile = {row["quintile"]: row for row in areas}
    all_lsoas = sum(row["lsoas"] for row in by_quintile.values())
    has_population = all_lsoas > 0 and all(
        row["with_population"] == row["lsoas"] for row in by_quintile.values()
    )
    basis = POPULATION if has_population else LSOA_COUNT
    whole = sum((row[basis] or 0) for row in by_quintile.values())
    quintiles = []
    for q in range(1, 6):
        row = by_quintile.get(q, {})
        size = row.get(basis) or 0
        quintiles.append(
            QuintileReach(
                q,
                QUINTILE_LABELS[q],
                (people.get(q) or {}).get("people", 0),
                100 * size / whole if whole else None,
                row.get("lsoas", 0),
                row.get("population") if has_population else None,
            )
        )
    known = sum(q.people for q in quintiles)
    unknown = (people.get(None) or {}).get("people", 0)
    return Reach(quintiles, known, unknown, basis, len(codes), from_people)
