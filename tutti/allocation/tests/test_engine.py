"""The batch engine on problems whose best answer is known."""

import math

import numpy as np
import pytest

from tutti.allocation import (
    INFEASIBLE,
    Problem,
    dump_solution,
    load_problem,
    problem_to_dict,
    solve,
)
from tutti.allocation.lp import lp_relaxation
from tutti.allocation.simulation import NATIONAL, streams

from .helpers import chosen, problem, referral


def test_beats_greedy_by_moving_one_referral_to_its_second_choice():
    # Greedy by value gives a → s1 (5) and leaves b out; the best is a → s2, b → s1 (3 + 4).
    p = problem(
        [referral("a", {"s1": 5, "s2": 3}), referral("b", {"s1": 4})],
        {"s1": 1, "s2": 1},
    )
    s = solve(p)
    assert chosen(s) == {"a": "s2", "b": "s1"}
    assert s.objective == 7
    assert s.bound == 7  # whole-number values are not rounded, so the bound is exact


def test_fills_a_slot_up_to_its_capacity_with_the_most_valuable_referrals():
    p = problem(
        [referral(f"r{i}", {"group": v}) for i, v in enumerate([1, 9, 4, 7, 2])],
        {"group": 3},
    )
    s = solve(p)
    assert sorted(chosen(s)) == ["r1", "r2", "r3"]
    assert s.objective == 20


def test_never_uses_an_option_of_negative_value_without_equity():
    p = problem([referral("a", {"s": -1}), referral("c", {"s": 0.5})], {"s": 3})
    assert chosen(solve(p)) == {"c": "s"}


def test_referrals_with_no_option_and_empty_slots_are_fine():
    p = problem([referral("a", {}), referral("b", {"s": 2})], {"s": 0, "t": 4})
    s = solve(p)
    assert s.assignments == () and s.objective == 0 and s.feasible


def test_an_empty_problem_solves_to_nothing():
    s = solve(problem([], {}))
    assert s.feasible and s.assignments == () and s.objective == 0 and s.bound == 0


def test_equity_gives_the_most_deprived_quintile_its_share():
    # Quintile 1 holds half the list's priority (3 of 6), so it gets at least
    # floor(2 places × 0.5) = 1 place, although its option is worth less.
    p = problem(
        [
            referral("poor", {"s": 1}, priority=3, quintile=1),
            referral("x", {"s": 10}, priority=1, quintile=5),
            referral("y", {"s": 10}, priority=1, quintile=5),
            referral("z", {"s": 10}, priority=1, quintile=5),
        ],
        {"s": 2},
        equity=True,
    )
    s = solve(p)
    assert "poor" in chosen(s)
    assert s.objective == 11
    assert s.equity.places_basis == 2
    assert s.equity.minimum == {1: 1, 2: 0, 3: 0, 4: 0, 5: 1}
    assert s.equity.allocated[1] == 1
    without = solve(problem_with_policy(p, equity=False))
    assert "poor" not in chosen(without) and without.objective == 20


def test_referrals_with_unknown_quintile_count_in_the_total_but_get_no_minimum():
    p = problem(
        [
            referral("unknown", {"s": 50}, priority=6, quintile=None),
            referral("q2", {"s": 1}, priority=2, quintile=2),
            referral("q4", {"s": 1}, priority=2, quintile=4),
        ],
        {"s": 2},
        equity=True,
    )
    s = solve(p)
    # Shares: q2 and q4 each 2/10 of the priority; minimum floor(2 × 0.2) = 0 each.
    assert s.equity.minimum == {1: 0, 2: 0, 3: 0, 4: 0, 5: 0}
    assert chosen(s)["unknown"] == "s"


def test_equity_minimum_is_taken_from_the_most_places_that_can_be_filled():
    # 10 places in total, but only 3 referrals have an option: the basis is 3, not 10.
    p = problem(
        [
            referral("a", {"s": 1}, priority=1, quintile=1),
            referral("b", {"s": 5}, priority=1, quintile=3),
            referral("c", {"t": 5}, priority=1, quintile=3),
            referral("d", {}, priority=1, quintile=1),
        ],
        {"s": 1, "t": 9},
        equity=True,
    )
    s = solve(p)
    assert s.equity.places_basis == 2
    assert s.equity.minimum[1] == 1  # floor(2 × 2/4)
    assert chosen(s) == {"a": "s", "c": "t"}


def test_a_minimum_is_never_more_than_the_quintile_has_referrals_to_place():
    # Places for everyone: quintile 1 holds 4/5 of the priority but only 1 of the 2 referrals.
    p = problem(
        [
            referral("a", {"s": 1}, priority=4, quintile=1),
            referral("b", {"s": 1}, priority=1, quintile=5),
        ],
        {"s": 5},
        equity=True,
    )
    s = solve(p)
    assert s.feasible
    assert s.equity.minimum[1] == 1  # floor(2 × 0.8) = 1 anyway
    p = problem(
        [referral("a", {"s": 1}, priority=9, quintile=1)]
        + [referral(f"b{i}", {"s": 1}, priority=0.1, quintile=5) for i in range(3)],
        {"s": 5},
        equity=True,
    )
    s = solve(p)
    # floor(4 × 0.968) = 3 places for quintile 1, which has one referral: capped at 1.
    assert s.feasible and s.equity.minimum[1] == 1 and len(s.assignments) == 4


def test_an_equity_policy_that_cannot_be_met_is_reported_not_raised():
    p = problem(
        [
            referral("a", {"small": 1}, priority=5, quintile=1),
            referral("b", {"small": 1}, priority=5, quintile=1),
            referral("c", {"big": 6}, priority=1, quintile=5),
            referral("d", {"big": 6}, priority=1, quintile=5),
        ],
        {"small": 1, "big": 3},
        equity=True,
    )
    s = solve(p)
    assert s.status == INFEASIBLE and not s.feasible
    assert s.assignments == ()
    assert "quintile 1 should get at least 2 places" in s.message
    assert "at most 1" in s.message
    assert s.equity.achievable[1] == 1
    with pytest.raises(ValueError, match="no solution"):
        dump_solution(s)


def test_minimums_that_each_fit_but_not_together_are_reported_jointly():
    # Quintiles 1 and 5 hold all the priority, half each, and compete for slot s (2 places);
    # referrals of unknown quintile can fill u, so 4 places can be filled and each quintile
    # should get floor(4 × 0.5) = 2: either can, but not both.
    p = problem(
        [
            referral("a", {"s": 1}, priority=1, quintile=1),
            referral("b", {"s": 1}, priority=1, quintile=1),
            referral("c", {"s": 1}, priority=1, quintile=5),
            referral("d", {"s": 1}, priority=1, quintile=5),
            referral("e", {"u": 1}, priority=0),
            referral("f", {"u": 1}, priority=0),
        ],
        {"s": 2, "u": 2},
        equity=True,
    )
    s = solve(p)
    assert not s.feasible
    assert s.equity.minimum[1] == 2 and s.equity.minimum[5] == 2
    assert "not all at once" in s.message


def test_solution_respects_capacity_and_one_option_each_on_a_realistic_batch():
    p = realistic(4000, seed=3, equity=True)
    s = solve(p)
    assert s.feasible
    per_slot = np.bincount(s.slot_of[s.slot_of >= 0], minlength=p.n_slots)
    assert np.all(per_slot <= p.capacity)
    assert len({a.referral for a in s.assignments}) == len(s.assignments)
    for i in np.flatnonzero(s.slot_of >= 0)[:500]:
        lo, hi = p.option_start[i], p.option_start[i + 1]
        assert s.slot_of[i] in p.option_slot[lo:hi]
    for q in range(1, 6):
        assert s.equity.allocated[q] >= s.equity.minimum[q]
    # The minimum holds against the places actually allocated, too.
    share = s.equity.priority_share
    for q in range(1, 6):
        assert s.equity.allocated[q] >= math.floor(share[q] * len(s.assignments) + 1e-9)


@pytest.mark.parametrize("equity", [False, True])
def test_objective_equals_the_lp_optimum_found_by_glop(equity):
    p = realistic(1500, seed=5, equity=equity, decimals=6)
    s = solve(p)
    lp = lp_relaxation(p, s.equity.minimum if s.equity else None)
    assert lp.status == "optimal"
    assert s.objective == pytest.approx(lp.objective, rel=1e-9)
    assert s.objective <= s.bound + 1e-9
    assert s.bound - lp.objective <= 1e-6 * abs(lp.objective)


def test_values_that_need_rounding_still_give_a_valid_bound():
    rng = np.random.default_rng(9)
    p = realistic(800, seed=9)
    noisy = Problem.from_arrays(
        **{k: getattr(p, k) for k in ARRAYS if k != "option_value"},
        option_value=p.option_value * (1 + rng.random(p.n_options) * 1e-3) + 1e-9 / 3,
    )
    s = solve(noisy)
    lp = lp_relaxation(noisy)
    assert s.objective <= lp.objective + 1e-9 <= s.bound + 2e-9
    assert s.gap < 1e-6


def test_same_problem_gives_the_same_answer_every_time():
    p = realistic(3000, seed=11, equity=True)
    first, second = solve(p), solve(p)
    assert first.assignments == second.assignments
    again = solve(load_problem(problem_to_dict(p)))
    assert again.assignments == first.assignments
    assert again.objective == first.objective


ARRAYS = (
    "referral_ids",
    "priority",
    "waited_days",
    "quintile",
    "option_start",
    "option_slot",
    "option_value",
    "slot_ids",
    "capacity",
)


def problem_with_policy(p, *, equity):
    from tutti.allocation import Policy

    return Problem.from_arrays(**{k: getattr(p, k) for k in ARRAYS}, policy=Policy(equity))


def realistic(n, *, seed, equity=False, decimals=3):
    """A batch from the simulation's generator: n waiting referrals, national-style service."""
    from tutti.allocation import Policy

    scale = streams.Scale(
        "test",
        None,
        sites=40,
        therapists=200,
        groups=100,
        arrivals_per_week=0,
        sites_per_referral=3,
    )
    rng = np.random.default_rng(seed)
    service = streams.make_service(scale, rng)
    r = streams.make_referrals(service, rng, np.sort(rng.uniform(-300, 0, n)))
    priority = r.need + 0.05 * (-r.arrival_day / 7)
    value = np.round(np.repeat(priority, np.diff(r.option_start)) * r.option_suitability, decimals)
    return Problem.from_arrays(
        referral_ids=[f"R{i}" for i in range(n)],
        priority=priority,
        waited_days=(-r.arrival_day).astype(int),
        quintile=r.quintile,
        option_start=r.option_start,
        option_slot=r.option_slot,
        option_value=value,
        slot_ids=service.slot_ids(),
        capacity=rng.integers(0, 5, service.n_slots),
        policy=Policy(equity),
    )


def test_national_scale_preset_is_what_the_issue_describes():
    assert NATIONAL.therapists == 2000 and NATIONAL.groups == 1000
