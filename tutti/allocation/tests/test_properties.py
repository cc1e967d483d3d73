"""Property test: on random small problems the engine's answer is feasible and as good as the
best found by trying every possible allocation (equity included)."""

import itertools
import math

from hypothesis import event, given, settings
from hypothesis import strategies as st

from tutti.allocation import solve

from .helpers import problem, referral

SLOTS = ("s0", "s1", "s2")


@st.composite
def problems(draw):
    slots = {s: draw(st.integers(0, 2)) for s in SLOTS[: draw(st.integers(1, 3))]}
    referrals = []
    for i in range(draw(st.integers(0, 6))):
        chosen = draw(st.lists(st.sampled_from(sorted(slots)), max_size=len(slots), unique=True))
        values = {s: draw(st.integers(-20, 100)) / 10 for s in chosen}
        referrals.append(
            referral(
                f"r{i}",
                values,
                priority=draw(st.integers(0, 5)) / 2,
                quintile=draw(st.sampled_from([None, 1, 2, 3, 4, 5])),
            )
        )
    return problem(referrals, slots, equity=draw(st.booleans()))


def every_allocation(p):
    choices = []
    for r in p.referrals():
        choices.append([None] + [o for o in r.options])
    for combo in itertools.product(*choices):
        used = {}
        for option in combo:
            if option:
                used[option.slot] = used.get(option.slot, 0) + 1
        capacity = dict(zip(p.slot_ids, p.capacity.tolist(), strict=True))
        if all(n <= capacity[s] for s, n in used.items()):
            yield combo


def best_by_brute_force(p):
    """(best value, minimums) trying every allocation; best is None when none meets them."""
    refs = p.referrals()
    allocations = list(every_allocation(p))
    minimum = {q: 0 for q in range(1, 6)}
    if p.policy.equity:
        places = max(sum(o is not None for o in combo) for combo in allocations)
        total = math.fsum(r.priority for r in refs)
        for q in range(1, 6):
            share = (
                math.fsum(r.priority for r in refs if r.imd_quintile == q) / total if total else 0
            )
            people = sum(1 for r in refs if r.imd_quintile == q and r.options)
            minimum[q] = min(math.floor(share * places + 1e-9), people)
    best = None
    for combo in allocations:
        got = {q: 0 for q in range(1, 6)}
        for r, option in zip(refs, combo, strict=True):
            if option and r.imd_quintile:
                got[r.imd_quintile] += 1
        if all(got[q] >= minimum[q] for q in got):
            value = math.fsum(o.value for o in combo if o)
            best = value if best is None else max(best, value)
    return best, minimum


@settings(max_examples=300, deadline=None)
@given(problems())
def test_engine_matches_the_best_possible_allocation(p):
    best, minimum = best_by_brute_force(p)
    s = solve(p)
    event("infeasible" if best is None else "equity" if p.policy.equity else "plain")
    if best is None:
        assert not s.feasible
        assert s.message
        return
    assert s.feasible
    assert math.isclose(s.objective, best, abs_tol=1e-9)
    assert s.objective <= s.bound + 1e-9 and s.bound - best <= 1e-6
    # Feasible: one option per referral, each one of its own, no slot over capacity.
    options = {r.id: {o.slot: o.value for o in r.options} for r in p.referrals()}
    per_slot = {}
    for a in s.assignments:
        assert a.slot in options[a.referral]
        per_slot[a.slot] = per_slot.get(a.slot, 0) + 1
    assert len({a.referral for a in s.assignments}) == len(s.assignments)
    capacity = dict(zip(p.slot_ids, p.capacity.tolist(), strict=True))
    assert all(n <= capacity[slot] for slot, n in per_slot.items())
    if p.policy.equity:
        assert s.equity.minimum == minimum
        assert all(s.equity.allocated[q] >= minimum[q] for q in minimum)
