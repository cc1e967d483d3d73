"""Unmet need against the hand-worked answers in unmet_world.py."""

import json

import pytest

from tutti.geography.models import Area, AreaBoundary
from tutti.geography.services import distance_km
from tutti.reports.map import rate_breaks, rate_class
from tutti.reports.scope import scope_build
from tutti.reports.tests.unmet_world import NORTHTOWN, YEAR, build_unmet_world
from tutti.reports.unmet_need import EVERYWHERE, LocalNeed, PlaceNeed, local_need, unmet_need
from tutti.reports.unmet_need_charts import authorities_sentence, lsoa_map, lsoas_sentence
from tutti.reports.unmet_need_presenters import (
    _deciles_table,
    _lsoas_table,
    _suppress_local,
    unmet_need_view,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def unmet_world(db):
    return build_unmet_world()


def year(**filters):
    return scope_build(date_from=YEAR[0], date_to=YEAR[1], **filters)


def by_name(need):
    return {p.name: p for p in need.places}


def test_local_authorities_ranked_by_deprivation_with_rates_and_distances(unmet_world):
    need = unmet_need(year())
    assert [p.name for p in need.places] == ["Northtown", "Southvale", "Eastmere"]
    n, s, e = (by_name(need)[name] for name in ("Northtown", "Southvale", "Eastmere"))
    assert (n.lsoas, n.deprived_share, n.mean_decile) == (4, 75, 2.5)
    assert (s.deprived_share, s.mean_decile, e.deprived_share, e.mean_decile) == (20, 4.4, 0, 9.5)
    assert (n.population, s.population, e.population) == (6684, 8355, 3342)
    assert need.population_estimated
    assert (n.referrals, s.referrals, e.referrals) == (2, 6, 3)
    assert n.rate == pytest.approx(2 / 6684 * 10_000)  # 2.99
    assert s.rate == pytest.approx(7.181, abs=1e-3)
    assert e.rate == pytest.approx(8.977, abs=1e-3)
    # Distances from the mean LSOA centre to Northtown hall (the closed site does not count).
    assert n.distance_km == pytest.approx(0, abs=1e-9) and n.nearest_site == "Northtown hall"
    assert e.distance_km == pytest.approx(6.23, abs=0.01)
    assert s.distance_km == pytest.approx(distance_km(51.40, -0.10, 51.505, -0.11))
    assert need.median_share == 20 and need.median_rate == pytest.approx(s.rate)
    assert [p.high_need_low_reach for p in need.places] == [True, False, False]


def test_every_local_authority_adds_those_nobody_was_referred_from(unmet_world):
    need = unmet_need(year(), EVERYWHERE)
    assert [p.name for p in need.places] == ["Westford", "Northtown", "Southvale", "Eastmere"]
    assert need.median_share == 47.5
    assert [p.high_need_low_reach for p in need.places] == [True, True, False, False]
    assert by_name(need)["Westford"].rate == 0


def test_population_from_the_data_when_every_lsoa_has_one(unmet_world):
    for code, population in [
        ("E01900001", 2000),
        ("E01900002", 1000),
        ("E01900003", 1000),
        ("E01900004", 1000),
    ]:
        Area.objects.filter(code=code).update(population=population)
    northtown = by_name(unmet_need(year()))["Northtown"]
    assert not northtown.population_estimated and northtown.population == 5000
    assert northtown.deprived_share == 80  # 4,000 of 5,000 residents in deciles 1 and 2
    assert northtown.mean_decile == pytest.approx(2.2)  # (2×2000 … ) ÷ 5,000
    assert northtown.rate == 4.0
    # The centre weighted by population: N1 counts twice.
    assert northtown.lat == pytest.approx((2 * 51.50 + 51.51 + 51.50 + 51.51) / 5)


def test_the_lsoas_of_one_local_authority(unmet_world):
    need = unmet_need(year())
    local = local_need(need.scope, by_name(need)["Northtown"])
    assert [p.code for p in local.places] == ["E01900002", "E01900001", "E01900003", "E01900004"]
    assert [p.referrals for p in local.places] == [0, 1, 0, 1]
    assert local.places[1].rate == pytest.approx(1 / 1671 * 10_000)
    assert [p.high_need_low_reach for p in local.places] == [True, False, True, False]
    assert local.places[0].distance_km == pytest.approx(distance_km(51.51, -0.10, 51.505, -0.11))
    assert not local.has_boundaries


def test_a_programme_filter_counts_only_its_referrals(unmet_world):
    need = unmet_need(year(programme=unmet_world.other))
    assert need.places == []  # it names no area and nobody was referred to it


def test_the_tables_sentences_and_deciles(unmet_world):
    need = unmet_need(year())
    local = local_need(need.scope, need.places[0])
    view = unmet_need_view(need, local)
    authorities = view.table("authorities")
    assert [r["rate"] for r in authorities.rows] == [3.0, 7.2, 9.0]
    assert [r["distance"] for r in authorities.rows] == [0.0, 11.7, 6.2]
    assert authorities.total["referrals"] == 11
    assert "counted as 1,671 residents" in authorities.note
    assert authorities_sentence(authorities) == (
        "Of the 3 local authorities listed, 1 has high need and low reach: Northtown (75% of "
        "its areas in the most deprived 20%, 3.0 referrals per 10,000, 0.0 km to the nearest "
        "site)."
    )
    deciles = {r["number"]: r for r in view.table("deciles").rows}
    assert (deciles[1]["lsoas"], deciles[1]["population"], deciles[1]["referrals"]) == (
        2,
        3342,
        1,
    )
    assert deciles[1]["rate"] == 3.0 and deciles[6]["rate"] == 6.0 and deciles[3]["rate"] is None
    assert lsoas_sentence(view.table("lsoas"), local) == (
        "In Northtown, 3 of 4 LSOAs are in the most deprived 20% of areas; 2 of them have "
        "fewer referrals per 10,000 residents than Northtown as a whole (3.0)."
    )


def test_suppressed_for_a_commissioner_including_lsoas_and_deciles(unmet_world):
    need = unmet_need(year(allowed_programmes=unmet_world.programme.__class__.objects.all()))
    local = local_need(need.scope, need.places[0])
    view = unmet_need_view(need, local, suppress=True)
    authorities = {r["authority"]: r for r in view.table("authorities").rows}
    assert authorities["Northtown"]["referrals"] == "<5"
    assert authorities["Northtown"]["rate"] == "[c]"
    assert authorities["Southvale"]["referrals"] == 6
    assert authorities["Eastmere"]["referrals"] == "<5"
    lsoas = view.table("lsoas")
    assert [r["referrals"] for r in lsoas.rows] == [0, "<5", 0, "<5"]
    assert lsoas.total["referrals"] == "<5"
    deciles = {r["number"]: r["referrals"] for r in view.table("deciles").rows}
    assert deciles[1] == "<5" and deciles[6] == "<5" and deciles[2] == 0
    for table in view.tables:
        data = table.as_dict()
        for row in [*data["rows"], data["total"]]:
            referrals = row[[c["key"] for c in data["columns"]].index("referrals")]
            assert not (isinstance(referrals, int) and 0 < referrals < 5)


def test_a_decile_cannot_give_away_its_one_hidden_lsoa():
    """Decile 1 holds A (2 referrals) and B (10); decile 2 holds C (10) and D (12). A is
    hidden; decile 1's 12 would then give A away beside B's 10, so B is hidden too."""
    authority = PlaceNeed("E09000999", "Testham", population=4 * 1671)
    places = [
        PlaceNeed(code, code, population=1671, referrals=n, decile=d, population_estimated=True)
        for code, n, d in [("A", 2, 1), ("B", 10, 1), ("C", 10, 2), ("D", 12, 2)]
    ]
    local = LocalNeed(authority, places, has_boundaries=False)
    lsoas, deciles = _suppress_local(_lsoas_table(local), _deciles_table(local))
    assert [r["referrals"] for r in lsoas.rows] == ["<5", "[c]", 10, 12]
    assert [r["rate"] for r in lsoas.rows][:2] == ["[c]", "[c]"]
    assert [r["referrals"] for r in deciles.rows][:2] == [12, 22]
    assert lsoas.total["referrals"] == 34


def test_the_map_shades_each_lsoa_and_outlines_the_flagged_ones(unmet_world):
    square = [[[-0.1, 51.5], [-0.09, 51.5], [-0.09, 51.51], [-0.1, 51.51], [-0.1, 51.5]]]
    for n, code in enumerate(["E01900001", "E01900002", "E01900003", "E01900004"]):
        shifted = [[[x + 0.01 * n, y] for x, y in square[0]]]
        AreaBoundary.objects.create(
            code=code,
            name=code,
            local_authority_code=NORTHTOWN,
            geometry=json.dumps({"type": "Polygon", "coordinates": shifted}),
            min_long=-0.1 + 0.01 * n,
            max_long=-0.09 + 0.01 * n,
            min_lat=51.5,
            max_lat=51.51,
        )
    need = unmet_need(year())
    local = local_need(need.scope, need.places[0])
    assert local.has_boundaries
    view = unmet_need_view(need, local)
    boundaries = list(AreaBoundary.objects.order_by("code"))
    svg, legend = lsoa_map(boundaries, view.table("lsoas"), local, "rate")
    assert svg.count("<path ") == 4 + 2  # four areas, two red outlines on top
    assert "Northtown 001A: 6.0 referrals per 10,000 residents" in svg
    assert "Outlined in red, high need and low reach: Northtown 001B, Northtown 002A" in svg
    assert legend[0]["name"] == "No referrals"
    svg, legend = lsoa_map(boundaries, view.table("lsoas"), local, "deprivation")
    assert "Northtown 002B: IMD decile 6" in svg
    assert legend[0]["name"] == "IMD deciles 1 and 2 (most deprived 20%)"


def test_rate_classes():
    assert rate_breaks([0, 1, 2, 3, 4, 5, 6, 7, 8]) == [2, 4, 6, 8]
    assert [rate_class(v, [2, 4, 6, 8]) for v in (0, 0.5, 2, 2.1, 8, 9)] == [0, 1, 1, 2, 4, 4]
    assert rate_breaks([0, 0]) == []
    assert rate_breaks([5, 5, 5]) == [5]
