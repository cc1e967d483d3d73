"""Unmet need as tables: one shape for the page and its CSV and JSON downloads (the chart, map
and sentences are made from them in unmet_need_charts.py).

Small numbers: the local authorities' referral counts add up to their total row, and are
suppressed as any report table is (tables.Table.suppressed). Within one local authority, the
LSOAs' counts add up both to their IMD decile's count and to the authority's, so both tables
are suppressed together with those groups (suppression.suppress), and no hidden LSOA can be
worked out from its decile.
"""

from dataclasses import replace

from tutti.reports.presenters import ReportView
from tutti.reports.suppression import HIDDEN, suppress
from tutti.reports.tables import (
    COUNT,
    LABEL,
    NUMBER,
    PEOPLE,
    PERCENT,
    Column,
    Table,
    rounded,
)
from tutti.reports.unmet_need import (
    AVERAGE_LSOA_POPULATION,
    EVERYWHERE,
    PER,
    LocalNeed,
    UnmetNeed,
)

FLAG = "High need, low reach"

DEFINITIONS = [
    (
        "Deprivation",
        "The share of a local authority's LSOAs in the most deprived 20% of its nation's "
        "areas (Index of Multiple Deprivation deciles 1 and 2), and their mean decile (1 is "
        "the most deprived 10%). Each nation has its own index: Welsh and English deciles are "
        "not comparable. Weighted by population when every LSOA has one.",
    ),
    (
        "Referrals per 10,000 residents",
        "Referrals received in the period, in the programmes chosen, from people whose home "
        "is in the area, for every 10,000 people living there.",
    ),
    (
        "Nearest site",
        "As the crow flies from the area's centre (the average of its LSOAs' centres; an "
        "LSOA's own centre) to the nearest active site where the programmes chosen run.",
    ),
    (
        FLAG,
        "A local authority with at least the middle (median) share of deprived areas of those "
        "listed, and fewer referrals per 10,000 than the middle one. An LSOA in the most "
        "deprived 20% with fewer referrals per 10,000 than its local authority as a whole.",
    ),
]


def population_note(estimated):
    if not estimated:
        return "Residents are the population of each LSOA from the imported deprivation data."
    return (
        "The imported deprivation data has no population for each LSOA, so each LSOA is "
        f"counted as {AVERAGE_LSOA_POPULATION:,} residents: the average for England and Wales "
        "(59,597,542 usual residents in 35,672 LSOAs at the 2021 Census). LSOAs are drawn to "
        "hold between about 1,000 and 3,000 people, so rates are approximate."
    )


def _km(value):
    return rounded(value, 1)


def _authorities_table(need: UnmetNeed):
    rows = [
        {
            "authority": place.name,
            "code": place.code,
            "lsoas": place.lsoas,
            "deprived_share": rounded(place.deprived_share),
            "mean_decile": rounded(place.mean_decile, 1),
            "population": place.population,
            "referrals": place.referrals,
            "rate": rounded(place.rate, 1),
            "distance": _km(place.distance_km),
            "flag": "Yes" if place.high_need_low_reach else "No",
        }
        for place in need.places
    ]
    population = sum(p.population for p in need.places)
    referrals = sum(p.referrals for p in need.places)
    total = {
        "authority": "All listed",
        "code": "",
        "lsoas": sum(p.lsoas for p in need.places),
        "deprived_share": None,
        "mean_decile": None,
        "population": population,
        "referrals": referrals,
        "rate": rounded(PER * referrals / population, 1) if population else None,
        "distance": None,
        "flag": "",
    }
    note = population_note(need.population_estimated)
    if need.missing:
        note += " Not listed, as no areas are imported for them: " + ", ".join(need.missing) + "."
    return Table(
        "authorities",
        "Local authorities, most deprived first",
        [
            Column("authority", "Local authority", LABEL),
            Column("lsoas", "LSOAs", COUNT),
            Column("deprived_share", "% in the most deprived 20%", PERCENT),
            Column("mean_decile", "Mean IMD decile", NUMBER),
            Column("population", "Residents", COUNT),
            Column("referrals", "Referrals", PEOPLE),
            Column("rate", "Referrals per 10,000", NUMBER, derived_from=("referrals",)),
            Column("distance", "Nearest site (km)", NUMBER),
            Column("flag", FLAG, COUNT),
        ],
        rows,
        total=total,
        note=note,
    )


def _lsoa_rows(local: LocalNeed):
    return [
        {
            "lsoa": f"{place.name} ({place.code})" if place.name != place.code else place.code,
            "code": place.code,
            "name": place.name,
            "decile": place.decile,
            "population": place.population,
            "referrals": place.referrals,
            "rate": rounded(place.rate, 1),
            "distance": _km(place.distance_km),
            "flag": "Yes" if place.high_need_low_reach else "No",
        }
        for place in local.places
    ]


def _lsoas_table(local: LocalNeed):
    rows = _lsoa_rows(local)
    population = sum(r["population"] for r in rows)
    referrals = sum(r["referrals"] for r in rows)
    return Table(
        "lsoas",
        f"LSOAs in {local.authority.name}, most deprived first",
        [
            Column("lsoa", "LSOA", LABEL),
            Column("decile", "IMD decile", COUNT),
            Column("population", "Residents", COUNT),
            Column("referrals", "Referrals", PEOPLE),
            Column("rate", "Referrals per 10,000", NUMBER, derived_from=("referrals",)),
            Column("distance", "Nearest site (km)", NUMBER),
            Column("flag", FLAG, COUNT),
        ],
        rows,
        total={
            "lsoa": f"All of {local.authority.name}",
            "code": "",
            "decile": None,
            "population": population,
            "referrals": referrals,
            "rate": rounded(PER * referrals / population, 1) if population else None,
            "distance": None,
            "flag": "",
        },
        note=population_note(any(p.population_estimated for p in local.places)),
    )


def _deciles_table(local: LocalNeed):
    by_decile = {}
    for place in local.places:
        if place.decile is None:
            continue
        row = by_decile.setdefault(place.decile, {"lsoas": 0, "population": 0, "referrals": 0})
        row["lsoas"] += 1
        row["population"] += place.population
        row["referrals"] += place.referrals
    rows = []
    for decile in range(1, 11):
        row = by_decile.get(decile, {"lsoas": 0, "population": 0, "referrals": 0})
        rows.append(
            {
                "decile": f"{decile} (most deprived 10%)"
                if decile == 1
                else f"{decile} (least deprived 10%)"
                if decile == 10
                else str(decile),
                "number": decile,
                **row,
                "rate": rounded(PER * row["referrals"] / row["population"], 1)
                if row["population"]
                else None,
            }
        )
    population = sum(r["population"] for r in rows)
    referrals = sum(r["referrals"] for r in rows)
    return Table(
        "deciles",
        f"Referrals per 10,000 residents in {local.authority.name}, by IMD decile",
        [
            Column("decile", "IMD decile", LABEL),
            Column("lsoas", "LSOAs", COUNT),
            Column("population", "Residents", COUNT),
            Column("referrals", "Referrals", PEOPLE),
            Column("rate", "Referrals per 10,000", NUMBER, derived_from=("referrals",)),
        ],
        rows,
        total={
            "decile": "All deciles",
            "number": None,
            "lsoas": sum(r["lsoas"] for r in rows),
            "population": population,
            "referrals": referrals,
            "rate": rounded(PER * referrals / population, 1) if population else None,
        },
    )


def _suppress_local(lsoas: Table, deciles: Table):
    """Hide small LSOA and decile counts together (see the module docstring)."""
    values, groups = {}, []
    for i, row in enumerate(lsoas.rows):
        values[("lsoa", i)] = row["referrals"]
    for i, row in enumerate(deciles.rows):
        values[("decile", i)] = row["referrals"]
    values["total"] = lsoas.total["referrals"]
    groups.append(([("lsoa", i) for i in range(len(lsoas.rows))], "total"))
    groups.append(([("decile", i) for i in range(len(deciles.rows))], "total"))
    for i, row in enumerate(deciles.rows):
        members = [
            ("lsoa", j) for j, lsoa in enumerate(lsoas.rows) if lsoa["decile"] == row["number"]
        ]
        groups.append((members, ("decile", i)))
    hidden = suppress(values, groups)

    def hide(row, key):
        marker = hidden.marker(key)
        if marker is None:
            return row
        row = {**row, "referrals": marker}
        if row.get("rate") is not None:
            row["rate"] = HIDDEN
        return row

    lsoas = replace(
        lsoas,
        rows=[hide(row, ("lsoa", i)) for i, row in enumerate(lsoas.rows)],
        total=hide(lsoas.total, "total"),
    )
    deciles = replace(
        deciles,
        rows=[hide(row, ("decile", i)) for i, row in enumerate(deciles.rows)],
        total=hide(deciles.total, "total"),
    )
    return lsoas, deciles


def unmet_need_view(need: UnmetNeed, local: LocalNeed | None, *, suppress=False) -> ReportView:
    authorities = _authorities_table(need)
    tables = [authorities.suppressed() if suppress else authorities]
    if local is not None:
        lsoas, deciles = _lsoas_table(local), _deciles_table(local)
        if suppress:
            lsoas, deciles = _suppress_local(lsoas, deciles)
        tables += [lsoas, deciles]
    scope = need.scope
    filters = dict(scope.labels)
    if need.areas_basis == EVERYWHERE:
        filters["Areas"] = "every local authority with deprivation data"
    params = {**scope.params, "areas": need.areas_basis}
    if local is not None:
        params["la"] = local.authority.code
    return ReportView(
        title="Unmet need report",
        period=scope.period_label,
        filters=filters,
        params=params,
        figures=[],
        tables=tables,
        suppressed=suppress,
    )
