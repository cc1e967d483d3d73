"""Forming groups with a balanced mix, with CP-SAT.

A group is not a pile of interchangeable places: it runs only with enough members, takes only
some age bands, and should not be dominated by one age band. Those rules ("this many or none",
"at most k of a band") break the flow structure the batch engine relies on, so groups are
formed with OR-Tools' CP-SAT solver:

    maximise   Σ value[c, g] · x[c, g]
    subject to Σ_g x[c, g] ≤ 1                          each candidate in at most one group
               min_size · run[g] ≤ Σ_c x[c, g] ≤ capacity · run[g]
               Σ_{c in band b} x[c, g] ≤ max_per_band   for every age band b
               run[g] = 1                               if the group must run
               x[c, g] = 0                              if c's age band is not one g takes

As in the batch engine, values are scaled to whole numbers (CP-SAT needs integer
coefficients) and the reported objective is recomputed from the original values. With one
search worker and a fixed seed the result is the same for the same input.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from .engine import cost_scale
from .problem import ProblemError


@dataclass(frozen=True)
class GroupSpec:
    id: str
    capacity: int
    min_size: int = 1  # below this the group does not run
    age_bands: tuple[str, ...] = ()  # the bands it takes; empty means any band
    max_per_band: int | None = None  # balance: no band has more members than this
    must_run: bool = False


@dataclass(frozen=True)
class GroupCandidate:
    id: str
    age_band: str
    values: Mapping[str, float] = field(default_factory=dict)  # group id → value there


@dataclass(frozen=True)
class GroupPlan:
    status: str  # "optimal", "feasible" (stopped at the time limit) or "infeasible"
    members: dict[str, tuple[str, ...]]  # group id → candidate ids, in candidate order
    objective: float
    bound: float  # CP-SAT's proven bound on the best objective
    seconds: float
    message: str = ""

    @property
    def not_running(self) -> tuple[str, ...]:
        return tuple(g for g, people in self.members.items() if not people)


def form_groups(
    candidates: Sequence[GroupCandidate],
    groups: Sequence[GroupSpec],
    *,
    time_limit: float = 10.0,
) -> GroupPlan:
    """Choose each group's members to maximise the total value, within the group rules."""
    started = time.perf_counter()
    _check(candidates, groups)
    model = cp_model.CpModel()
    values = np.array([v for c in candidates for v in c.values.values()], dtype=np.float64)
    scale = cost_scale(values)
    rounding = float(np.abs(values * scale - np.rint(values * scale)).max()) if len(values) else 0

    x: dict[tuple[int, int], cp_model.IntVar] = {}
    by_group: dict[int, list[tuple[int, cp_model.IntVar]]] = {gi: [] for gi in range(len(groups))}
    for ci, c in enumerate(candidates):
        mine = []
        for gi, g in enumerate(groups):
            if g.id in c.values and (not g.age_bands or c.age_band in g.age_bands):
                x[ci, gi] = model.new_bool_var(f"x_{ci}_{gi}")
                mine.append(x[ci, gi])
                by_group[gi].append((ci, x[ci, gi]))
        if len(mine) > 1:
            model.add_at_most_one(mine)
    for gi, g in enumerate(groups):
        members = [v for _, v in by_group[gi]]
        run = model.new_bool_var(f"run_{gi}")
        model.add(sum(members) >= g.min_size * run)
        model.add(sum(members) <= g.capacity * run)
        if g.must_run:
            model.add(run == 1)
        if g.max_per_band is not None:
            bands: dict[str, list] = {}
            for ci, v in by_group[gi]:
                bands.setdefault(candidates[ci].age_band, []).append(v)
            for band in sorted(bands):
                model.add(sum(bands[band]) <= g.max_per_band)
    model.maximize(
        sum(
            round(candidates[ci].values[groups[gi].id] * scale) * v
            for (ci, gi), v in sorted(x.items())
        )
    )

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 2025
    solver.parameters.max_time_in_seconds = time_limit
    status = solver.solve(model)
    seconds = time.perf_counter() - started
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        must = ", ".join(g.id for g in groups if g.must_run)
        reason = (
            f"groups that must run ({must}) cannot all reach their minimum size"
            if status == cp_model.INFEASIBLE
            else f"no plan found within {time_limit:g} seconds"
        )
        return GroupPlan("infeasible", {g.id: () for g in groups}, 0.0, 0.0, seconds, reason)

    members: dict[str, list[str]] = {g.id: [] for g in groups}
    objective = []
    for (ci, gi), v in sorted(x.items()):
        if solver.value(v):
            members[groups[gi].id].append(candidates[ci].id)
            objective.append(candidates[ci].values[groups[gi].id])
    places = min(sum(g.capacity for g in groups), len(candidates))
    # Each chosen member's value moved by at most `rounding` when scaled to whole numbers.
    bound = solver.best_objective_bound / scale + places * rounding / scale
    return GroupPlan(
        status="optimal" if status == cp_model.OPTIMAL else "feasible",
        members={g: tuple(people) for g, people in members.items()},
        objective=math.fsum(objective),
        bound=max(bound, math.fsum(objective)),
        seconds=seconds,
    )


def _check(candidates: Sequence[GroupCandidate], groups: Sequence[GroupSpec]) -> None:
    errors = []
    group_ids = set()
    for i, g in enumerate(groups):
        where = f'groups[{i}] (id "{g.id}")'
        if g.id in group_ids:
            errors.append(f"{where}: duplicate group id")
        group_ids.add(g.id)
        if g.capacity < 0 or g.min_size < 0:
            errors.append(f"{where}: capacity and min_size must not be negative")
        elif g.min_size > g.capacity:
            errors.append(f"{where}: min_size {g.min_size} is more than capacity {g.capacity}")
        if g.max_per_band is not None and g.max_per_band < 0:
            errors.append(f"{where}: max_per_band must not be negative")
    seen = set()
    for i, c in enumerate(candidates):
        where = f'candidates[{i}] (id "{c.id}")'
        if c.id in seen:
            errors.append(f"{where}: duplicate candidate id")
        seen.add(c.id)
        for gid, value in c.values.items():
            if gid not in group_ids:
                errors.append(f'{where}: group "{gid}" is not one of the groups')
            if not math.isfinite(value):
                errors.append(f'{where}: value for group "{gid}" must be a finite number')
    if errors:
        raise ProblemError(errors)
