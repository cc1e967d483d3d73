"""The referral stream generator and the weekly simulation, on a small service."""

import numpy as np

from tutti.allocation.simulation import Scale, compare, imd, make_stream, run
from tutti.allocation.simulation.streams import CHARITY_DISTRICTS, gather_options
from tutti.allocation.simulation.weekly import _first_come_first_served

SMALL = Scale(
    "small", CHARITY_DISTRICTS[:4], sites=5, therapists=12, groups=4, arrivals_per_week=16
)


def test_committed_imd_table_is_the_whole_of_england():
    table = imd.districts()
    assert len(table) == 296
    assert sum(d.lsoas for d in table.values()) == 33_755
    # The official deciles split LSOAs into tenths: 3,375 or 3,376 each.
    assert set(imd.decile_weights().tolist()) == {3375.0, 3376.0}
    assert table["E09000007"].name == "Camden"
    assert imd.quintile_of(np.array([1, 2, 3, 10])).tolist() == [1, 1, 2, 5]


def test_streams_are_reproducible_and_plausible():
    a, b = (
        make_stream(SMALL, seed=1, warmup=4, weeks=8),
        make_stream(SMALL, seed=1, warmup=4, weeks=8),
    )
    assert np.array_equal(a.referrals.arrival_day, b.referrals.arrival_day)
    assert np.array_equal(a.referrals.option_slot, b.referrals.option_slot)
    assert np.array_equal(a.capacity, b.capacity)
    r = a.referrals
    assert np.all(np.diff(r.arrival_day[r.arrival_day >= 0]) >= 0)
    assert np.all(r.withdraw_day >= r.arrival_day)
    assert set(np.unique(r.decile)) <= set(range(1, 11))
    assert np.all((r.need >= 1) & (r.need <= 13))
    # Referral options respect age bands: a therapist or group only where it takes the band.
    owner = np.repeat(np.arange(len(r)), np.diff(r.option_start))
    assert np.all(a.service.slot_bands[r.option_slot, r.age_band[owner]])
    assert np.all((r.option_suitability > 0) & (r.option_suitability <= 1))


def test_gather_options_keeps_order_and_drops_closed_slots():
    r = make_stream(SMALL, seed=2, warmup=1, weeks=1).referrals
    idx = np.array([5, 2, 9])
    start, slot, _ = gather_options(r, idx)
    for k, i in enumerate(idx):
        expect = r.option_slot[r.option_start[i] : r.option_start[i + 1]]
        assert slot[start[k] : start[k + 1]].tolist() == expect.tolist()
    closed = np.zeros(r.option_slot.max() + 1, dtype=bool)
    start, slot, _ = gather_options(r, idx, closed)
    assert len(slot) == 0 and start.tolist() == [0, 0, 0, 0]


def test_first_come_first_served_never_passes_over_an_earlier_referral():
    # Three referrals in list order; one place in s0 and one in s1.
    start = np.array([0, 1, 3, 4])
    slot = np.array([0, 0, 1, 1])
    suit = np.array([1.0, 0.9, 0.5, 1.0])
    chosen = _first_come_first_served(start, slot, suit, np.array([1, 1]))
    # The first takes s0; the second its only remaining option s1; the third gets nothing.
    assert chosen.tolist() == [0, 1, -1]


def test_both_policies_fill_places_within_capacity_and_the_engine_helps_need():
    stream = make_stream(SMALL, seed=3, warmup=8, weeks=16)
    for policy in ("fcfs", "engine"):
        out = run(stream, policy)
        for week in range(stream.warmup + stream.weeks):
            this_week = out.offered_day == 7.0 * (week + 1)
            per_slot = np.bincount(out.slot[this_week], minlength=stream.service.n_slots)
            assert np.all(per_slot <= stream.capacity[week])
        assert out.filled.sum() == np.count_nonzero(~np.isnan(out.offered_day))
    result = compare(stream)
    fcfs, engine = result["first_come_first_served"], result["engine"]
    assert engine["need_weighted_mean_wait_weeks"] < fcfs["need_weighted_mean_wait_weeks"]
    assert engine["max_gap_to_lp_bound"] < 1e-6
    assert set(result["targets"]) >= {
        "need_weighted_mean_wait_reduction",
        "p95_wait_ratio_to_fcfs",
        "most_deprived_minus_least_deprived_mean_wait_weeks",
    }
    assert set(engine["by_imd_quintile"]) == {"1", "2", "3", "4", "5"}
