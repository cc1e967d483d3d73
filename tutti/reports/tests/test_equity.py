"""Equity splits against hand-worked answers, on the service in conftest.py plus waits,
decisions, areas and outcomes added here."""

import json
from datetime import date

import pytest

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.core.vocab import Route
from tutti.geography.models import Area
from tutti.outcomes.models import Occasion
from tutti.outcomes.tests.factories import completed
from tutti.referrals.models import ReferralEvent, Status
from tutti.referrals.tests.factories import ReferralFactory
from tutti.reports.equity import equity_split
from tutti.reports.forms import dates_data
from tutti.reports.reach import LSOA_COUNT, POPULATION, reach_by_quintile
from tutti.reports.scope import scope_build
from tutti.reports.tests.conftest import YEAR_END, YEAR_START, on
from tutti.reports.tests.test_impact import _wemwbs

pytestmark = pytest.mark.django_db
CAMDEN = "E09000007"


def year(**filters):
    return scope_build(date_from=YEAR_START, date_to=YEAR_END, **filters)


def _waited(referral, joined, *offers):
    referral.waiting_since = on(joined)
    referral.save(update_fields=["waiting_since"])
    for day in offers:
        ReferralEvent.objects.create(referral=referral, status=Status.OFFERED, at=on(day))


@pytest.fixture
def equity_world(world):
    """Waits (days to a first offer): Ann 10 and 30 (quintile 1), Ben 20 (2), Cat 90 (5; a
    second offer later is not her first). Dan's referral was declined (quintile not known).
    Eve has a new referral not yet decided (quintile 1). Camden has 10 LSOAs: deciles
    1, 1, 2, 3, 4, 5, 6, 7, 9, 10, so quintiles hold 3, 2, 2, 1, 2 of them."""
    w = world
    _waited(w.ann_r1, date(2025, 5, 10), date(2025, 5, 20))
    _waited(w.ann_r2, date(2025, 6, 1), date(2025, 7, 1))
    _waited(w.ben_r, date(2025, 7, 1), date(2025, 7, 21))
    _waited(w.cat_r, date(2025, 7, 2), date(2025, 9, 30), date(2025, 10, 30))
    w.dan_r.status = Status.DECLINED
    w.dan_r.save(update_fields=["status"])
    w.eve_new = ReferralFactory(
        person=w.eve, programme=w.p1, route=Route.FAMILY, received_at=on(date(2025, 8, 1))
    )
    w.ann_r1.circumstances = ["autism"]
    w.ann_r1.save(update_fields=["circumstances"])
    w.ben_r.circumstances = ["autism", "social_isolation"]
    w.ben_r.save(update_fields=["circumstances"])
    for programme in (w.p1, w.p2):
        programme.local_authorities = [CAMDEN]
        programme.save(update_fields=["local_authorities"])
    for number, decile in enumerate([1, 1, 2, 3, 4, 5, 6, 7, 9, 10]):
        Area.objects.create(
            code=f"E0100{number:04d}", kind="lsoa21", local_authority_id=CAMDEN, imd_decile=decile
        )
    # Outcomes: Ann +10 (reliable improvement), Ben +3 (no reliable change).
    for person, start, end in [(w.ann, 30, 40), (w.ben, 35, 38)]:
        completed(
            "wemwbs", _wemwbs(start), person=person, occasion=Occasion.BASELINE, on=date(2025, 6, 1)
        )
        completed(
            "wemwbs", _wemwbs(end), person=person, occasion=Occasion.END, on=date(2025, 11, 1)
        )
    return w


def groups(split):
    return {g.label: g for g in split.groups}


def test_referrals_and_acceptance_by_imd_quintile(equity_world):
    split = equity_split(year(), "imd_quintile")
    g = groups(split)
    assert list(g) == ["1 (most deprived 20%)", "2", "5 (least deprived 20%)", "Not known"]
    q1 = g["1 (most deprived 20%)"]
    assert (q1.referrals, q1.decided, q1.accepted, q1.acceptance) == (3, 2, 2, 100)
    unknown = g["Not known"]
    assert (unknown.referrals, unknown.decided, unknown.accepted, unknown.acceptance) == (
        1,
        1,
        0,
        0,
    )
    assert (split.total.referrals, split.total.decided, split.total.accepted) == (6, 5, 4)


def test_waits_median_and_90th_percentile(equity_world):
    split = equity_split(year(), "imd_quintile")
    # Everyone: 10, 20, 30, 90 days. Median: halfway between 20 and 30 = 25. 90th percentile:
    # rank 1 + 0.9 × 3 = 3.7, so 30 + 0.7 × (90 − 30) = 72.
    assert split.total.waits == 4
    assert split.total.median_wait == pytest.approx(25)
    assert split.total.p90_wait == pytest.approx(72)
    q1 = groups(split)["1 (most deprived 20%)"]
    # Quintile 1: 10 and 30: median 20; 90th percentile 10 + 0.9 × 20 = 28.
    assert (q1.waits, q1.median_wait, q1.p90_wait) == (2, pytest.approx(20), pytest.approx(28))
    assert groups(split)["5 (least deprived 20%)"].median_wait == pytest.approx(90)


def test_people_attendance_and_outcomes_by_imd_quintile(equity_world):
    g = groups(equity_split(year(), "imd_quintile"))
    q1, q2, q5 = g["1 (most deprived 20%)"], g["2"], g["5 (least deprived 20%)"]
    # Ann: attended 4 of 5 expected (individual A, A, DNA; group A, A). Ben: 1 of 2 (A, late).
    assert (q1.people, q1.attended, q1.expected, q1.attendance_rate) == (1, 4, 5, 80)
    assert (q2.people, q2.attendance_rate) == (1, 50)
    assert (q5.people, q5.attendance_rate) == (0, 0)  # Cat: two sessions missed
    assert (q1.outcome_pairs, q1.improved, q1.percent_improved) == (1, 1, 100)
    assert (q2.outcome_pairs, q2.improved) == (1, 0)


def test_splits_by_route_age_and_circumstance(equity_world):
    by_route = {g.key: g.referrals for g in equity_split(year(), "route").groups if g.referrals}
    assert by_route == {"gp": 2, "self": 1, "school": 2, "family": 1}
    ages = groups(equity_split(year(), "age_band"))
    assert list(ages) == ["12 to 17"]  # everyone born 17 May 2008: 17 on 31 March 2026
    circumstances = groups(equity_split(year(), "circumstance"))
    assert circumstances["Autism"].referrals == 2
    assert circumstances["Autism"].people == 2
    assert circumstances["Social isolation"].referrals == 1


def test_reach_against_the_area_with_lsoas_standing_in_for_population(equity_world):
    reach = reach_by_quintile(year())
    assert reach.basis == LSOA_COUNT
    assert reach.local_authorities == 1
    assert [q.areas for q in reach.quintiles] == [3, 2, 2, 1, 2]
    assert [q.area_share for q in reach.quintiles] == [30, 20, 20, 10, 20]
    assert [q.people for q in reach.quintiles] == [1, 1, 0, 0, 0]
    assert reach.core20_share == 50
    assert reach.core20_area_share == 30


def test_reach_uses_population_when_every_lsoa_has_one(equity_world):
    for number, area in enumerate(Area.objects.order_by("code")):
        area.population = 1000 + 1000 * (number == 0)  # the first LSOA (decile 1) is double
        area.save(update_fields=["population"])
    reach = reach_by_quintile(year())
    assert reach.basis == POPULATION
    assert reach.quintiles[0].area_share == pytest.approx(100 * 4000 / 11000)


def test_the_equity_page_has_the_chart_its_table_and_a_sentence(client, equity_world):
    client.force_login(UserFactory(roles=[Role.COORDINATOR]))
    page = client.get("/reports/equity/", dates_data(YEAR_START, YEAR_END)).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and 'role="img"' in page
    assert "People reached against the area&#39;s population, by IMD quintile" in page
    assert (
        "50% of the people we reached live in the most deprived 20% of areas (Core20), "
        "against 30% of the LSOAs of the area served: 1.7 times their share."
    ) in page


def test_the_equity_json_and_a_commissioner_sees_it_suppressed(client, equity_world):
    data = {**dates_data(YEAR_START, YEAR_END), "split": "imd_quintile", "format": "json"}
    client.force_login(UserFactory(roles=[Role.COORDINATOR]))
    full = json.loads(client.get("/reports/equity/", data).content)
    waits = full["tables"]["waits"]
    assert waits["total"] == ["Everyone", 4, 25, 72]
    client.force_login(UserFactory(roles=[Role.COMMISSIONER], organisation=equity_world.funder))
    hidden = json.loads(client.get("/reports/equity/", data).content)
    assert hidden["small_numbers_suppressed"] is True
    for table in hidden["tables"].values():
        for row in [*table["rows"], *([table["total"]] if table["total"] else [])]:
            for value in row[1:]:
                assert not (isinstance(value, int) and 0 < value < 5) or table["title"].startswith(
                    "People reached against"
                )
    assert hidden["figures"]["core20"]["value"] == "[c]"


@pytest.mark.parametrize("split", ["sex", "ethnicity", "local_authority", "rurality"])
def test_every_split_shows(client, equity_world, split):
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    response = client.get("/reports/equity/", {**dates_data(YEAR_START, YEAR_END), "split": split})
    assert response.status_code == 200
    assert "Not known" in response.content.decode()


def test_the_quintile_split_counts_each_person_once_in_everyone(equity_world):
    split = equity_split(year(), "imd_quintile")
    assert split.total.people == 2
    assert sum(g.people for g in split.groups) == 2
