"""Waiting list analytics against the hand-worked answers in waiting_world.py."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tutti.reports.scope import scope_build
from tutti.reports.tests.waiting_world import PERIOD, build_waiting_world, now
from tutti.reports.waiting import waiting_report
from tutti.reports.waiting_presenters import (
    clear_sentence,
    size_sentence,
    waiting_view,
    waits_sentence,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting_world(db):
    return build_waiting_world()


def period(**filters):
    return scope_build(date_from=PERIOD[0], date_to=PERIOD[1], **filters)


def counts(size):
    return [size.by_quintile[q] for q in (1, 2, 3, 4, 5, None)]


def test_the_list_at_each_month_end_by_quintile(waiting_world):
    sizes = waiting_report(period(), now()).sizes
    assert [s.moment.label for s in sizes] == ["31 Jan 2026", "28 Feb 2026", "Now (20 Mar 2026)"]
    assert [counts(s) for s in sizes] == [
        [3, 1, 1, 4, 0, 1],
        [3, 0, 0, 2, 1, 1],
        [4, 0, 0, 0, 1, 1],
    ]
    assert [s.total for s in sizes] == [10, 7, 6]


def test_every_month_end_is_counted_in_one_query(waiting_world):
    from tutti.reports.waiting import size_over_time

    with CaptureQueriesContext(connection) as queries:
        size_over_time(period(), now())
    assert len(queries) == 1


def test_a_period_in_the_past_has_no_now(waiting_world):
    from datetime import date

    scope = scope_build(date_from=date(2025, 11, 15), date_to=date(2026, 1, 31))
    sizes = waiting_report(scope, now()).sizes
    assert [s.moment.label for s in sizes] == ["30 Nov 2025", "31 Dec 2025", "31 Jan 2026"]
    # 30 Nov: R1 R5 R7 R8 R13 R14 (R2 joined on 5 Dec)
    assert sizes[0].total == 6


def test_waits_now_in_bands_with_median_and_90th_percentile(waiting_world):
    waits = waiting_report(period(), now()).waits
    assert waits.waiting == 6
    assert [n for _, n in waits.bands] == [1, 1, 0, 1, 0, 2, 1]
    assert waits.over_target == 3  # R1 and R8 over A's 18 weeks, R5 over B's 8
    assert waits.targets == [8, 18] and waits.target_weeks is None
    assert waits.median_weeks == pytest.approx((105 + 193) / 2 / 7)
    assert waits.p90_weeks == pytest.approx((283 + 384) / 2 / 7)


def test_one_programme_has_its_own_target(waiting_world):
    waits = waiting_report(period(programme=waiting_world.a), now()).waits
    assert waits.waiting == 4 and waits.target_weeks == 18
    assert waits.over_target == 2
    # 8, 105, 283, 384 days: median halfway between 105 and 283.
    assert waits.median_weeks == pytest.approx((105 + 283) / 2 / 7)


def test_flow_free_places_and_the_time_to_clear(waiting_world):
    report = waiting_report(period(), now())
    flows = {f.programme.code: f for f in report.flows}
    a, b = flows["WAIT-A"], flows["WAIT-B"]
    assert (a.waiting, a.arrivals, a.offers) == (4, 7, 8)
    assert (a.individual_places, a.group_places, a.free_places) == (3, 6, 9)
    assert a.weeks_to_clear == pytest.approx(48)
    assert (b.waiting, b.arrivals, b.offers, b.free_places) == (2, 1, 0, 0)
    assert b.weeks_to_clear is None and b.net_a_week == pytest.approx(-1 / 12)
    total = report.total
    assert (total.waiting, total.arrivals, total.offers, total.free_places) == (6, 8, 8, 9)
    assert total.weeks_to_clear is None


def test_the_view_tables_and_sentences(waiting_world):
    view = waiting_view(waiting_report(period(), now()))
    clear = view.table("clear")
    rows = {row["code"]: row for row in clear.rows}
    assert rows["WAIT-A"]["weeks_to_clear"] == 48
    assert rows["WAIT-A"]["arrivals_a_week"] == 0.6  # 7 ÷ 12
    assert rows["WAIT-B"]["weeks_to_clear"] == "Growing by 0.1 a week"
    assert clear.total["weeks_to_clear"] == "Not getting shorter"
    assert size_sentence(view.table("size")) == (
        "6 people are waiting now, against 10 on 31 Jan 2026; 67% of them live in the most "
        "deprived 20% of areas."
    )
    assert waits_sentence(view, None) == (
        "Of the 6 people waiting now, 3 have waited longer than their programme's target; the "
        "median wait so far is 21.3 weeks, and 1 in 10 have waited more than 47.6 weeks."
    )
    assert clear_sentence(clear) == (
        "The list is not getting shorter: 0.7 people joined the list and 0.7 were offered a "
        "place a week over the last 12 weeks. There are 9 free places now."
    )
    one = waiting_view(waiting_report(period(programme=waiting_world.a), now()))
    assert clear_sentence(one.table("clear")).startswith(
        "At these rates the list would clear in about 48 weeks: 0.6 people joined the list "
        "and 0.7 were offered a place a week"
    )


def test_suppressed_for_a_commissioner(waiting_world):
    scope = period(programme=waiting_world.b)
    view = waiting_view(waiting_report(scope, now()), suppress=True)
    figures = {f.key: f.value for f in view.figures}
    assert figures["waiting"] == "<5"
    assert figures["median"] == "[c]" and figures["p90"] == "[c]"
    assert figures["arrivals_a_week"] == "[c]"
    size = view.table("size")
    now_row = size.rows[-1]
    # Now: quintile 5 has 1 and not known 1, out of 2: every non-zero cell is hidden.
    assert (now_row["q5"], now_row["unknown"], now_row["total"]) == ("<5", "<5", "<5")
    assert now_row["q1"] == 0
    waits = view.table("waits")
    assert waits.total["people"] == "<5"
    assert all(row["percent"] in ("[c]", 0) for row in waits.rows)
    assert waits_sentence(view, 8).startswith("Of the <5 people waiting now")


def test_the_counts_agree_with_each_referrals_latest_event(waiting_world):
    """The one-query count and the list behind it (latest event before the moment, one
    referral at a time) are two ways to the same answer."""
    from tutti.reports.waiting import size_over_time, waiting_at

    for scope in (period(), period(programme=waiting_world.b)):
        for size in size_over_time(scope, now()):
            assert waiting_at(scope, size.moment.at).count() == size.total
