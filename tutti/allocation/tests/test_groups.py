"""Forming groups with CP-SAT: size, age bands and balance."""

import itertools
import math
import random

import pytest

from tutti.allocation import GroupCandidate, GroupSpec, ProblemError, form_groups


def c(cid, band, **values):
    return GroupCandidate(cid, band, values)


def test_picks_the_most_valuable_members_up_to_capacity():
    people = [c(f"p{i}", "5-11", g=v) for i, v in enumerate([3, 9, 1, 7, 5])]
    plan = form_groups(people, [GroupSpec("g", capacity=3)])
    assert plan.status == "optimal"
    assert plan.members == {"g": ("p1", "p3", "p4")}
    assert plan.objective == 21


def test_takes_only_the_age_bands_the_group_is_for():
    people = [c("child", "5-11", g=10), c("teen", "12-17", g=2), c("adult", "26-64", g=50)]
    plan = form_groups(people, [GroupSpec("g", capacity=3, age_bands=("5-11", "12-17"))])
    assert plan.members["g"] == ("child", "teen")


def test_no_age_band_has_more_than_its_share():
    people = [c(f"y{i}", "5-11", g=10) for i in range(5)] + [
        c(f"o{i}", "12-17", g=1) for i in range(5)
    ]
    plan = form_groups(people, [GroupSpec("g", capacity=6, max_per_band=3)])
    members = plan.members["g"]
    assert sum(m.startswith("y") for m in members) == 3
    assert sum(m.startswith("o") for m in members) == 3
    assert plan.objective == 33


def test_a_group_below_its_minimum_size_does_not_run():
    people = [c("a", "65+", g=5, h=4), c("b", "65+", g=5)]
    plan = form_groups(people, [GroupSpec("g", capacity=6, min_size=3), GroupSpec("h", 4)])
    assert plan.members == {"g": (), "h": ("a",)}
    assert plan.not_running == ("g",)


def test_a_group_that_must_run_takes_lower_value_members_to_reach_its_size():
    people = [c("a", "65+", g=1, h=9), c("b", "65+", g=1), c("c", "65+", g=-2)]
    plan = form_groups(
        people, [GroupSpec("g", capacity=4, min_size=3, must_run=True), GroupSpec("h", 4)]
    )
    assert plan.members == {"g": ("a", "b", "c"), "h": ()}
    assert plan.objective == 0


def test_a_group_that_must_run_but_cannot_is_reported():
    plan = form_groups([c("a", "65+", g=1)], [GroupSpec("g", 4, min_size=2, must_run=True)])
    assert plan.status == "infeasible"
    assert "g" in plan.message


def test_each_candidate_joins_at_most_one_group_and_answers_repeat():
    rng = random.Random(4)
    bands = ("5-11", "12-17", "18-25")
    groups = [
        GroupSpec(
            f"g{i}", capacity=6, min_size=3, age_bands=bands[i % 2 : i % 2 + 2], max_per_band=4
        )
        for i in range(5)
    ]
    people = [
        c(
            f"p{i}",
            rng.choice(bands),
            **{g.id: round(rng.uniform(1, 10), 2) for g in rng.sample(groups, 3)},
        )
        for i in range(60)
    ]
    plan = form_groups(people, groups)
    assert plan.status == "optimal"
    everyone = [m for members in plan.members.values() for m in members]
    assert len(everyone) == len(set(everyone))
    band = {p.id: p.age_band for p in people}
    for g in groups:
        members = plan.members[g.id]
        assert not members or g.min_size <= len(members) <= g.capacity
        assert all(band[m] in g.age_bands for m in members)
        counts = [sum(band[m] == b for m in members) for b in bands]
        assert max(counts) <= g.max_per_band
    assert plan.objective <= plan.bound + 1e-9
    assert form_groups(people, groups).members == plan.members


def test_matches_brute_force_on_a_small_case():
    rng = random.Random(8)
    people = [c(f"p{i}", rng.choice(["a", "b"]), g=rng.randint(-3, 9)) for i in range(8)]
    spec = GroupSpec("g", capacity=5, min_size=3, max_per_band=3)
    best = 0.0
    for k in range(spec.min_size, spec.capacity + 1):
        for team in itertools.combinations(people, k):
            if max(sum(p.age_band == b for p in team) for b in "ab") <= 3:
                best = max(best, math.fsum(p.values["g"] for p in team))
    assert form_groups(people, [spec]).objective == best


def test_bad_groups_and_candidates_are_refused():
    with pytest.raises(ProblemError, match="min_size 5 is more than capacity 4"):
        form_groups([], [GroupSpec("g", 4, min_size=5)])
    with pytest.raises(ProblemError, match='group "x" is not one of the groups'):
        form_groups([c("a", "65+", x=1)], [GroupSpec("g", 4)])
    with pytest.raises(ProblemError, match="finite"):
        form_groups([c("a", "65+", g=float("nan"))], [GroupSpec("g", 4)])
