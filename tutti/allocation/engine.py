"""Batch allocation as a min-cost flow (OR-Tools' SimpleMinCostFlow).

The network, one unit of flow per place allocated:

    source ──► quintile node q (0 = unknown, 1..5) ──► referral ──► slot ──► sink
       └──────────────────────── bypass ─────────────────────────────────────┘

- quintile → referral: capacity 1 (at most one place per referral);
- referral → slot: capacity 1, cost −value (scaled to whole numbers, see below);
- slot → sink: capacity = the slot's capacity;
- source → sink: the bypass, cost 0, so a unit need not be allocated when nothing pays.

The source offers U = min(total capacity, referrals with an option) units; the cheapest flow
is the allocation of greatest total value. With equity on, the arc source → quintile q has a
lower bound m_q (the quintile's minimum). SimpleMinCostFlow has no lower bounds, so they are
built in the standard way: the arc keeps capacity u − m_q, the source's supply drops by m_q
and node q gets a supply of m_q, which can only leave through q's referrals to a slot.

Why the answer is exact: the constraint matrix of a flow network is totally unimodular, so the
LP relaxation has an integral optimum and the flow optimum *is* the LP optimum. The only loss
is the rounding of values to whole-number costs, bounded in `solve`'s `bound` (README.md).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

from .problem import QUINTILES, Problem

# Values are multiplied by the largest power of ten that keeps every |value| within
# COST_LIMIT cost units, then rounded to whole units: the largest value gets at least a million
# units, and values with that many decimal places or fewer are not changed at all.
COST_LIMIT = 10_000_000

OPTIMAL = "optimal"
INFEASIBLE = "infeasible"


@dataclass(frozen=True)
class Assignment:
    referral: str
    slot: str


@dataclass(frozen=True)
class Equity:
    """How the equity policy was applied. Keys are quintiles 1..5."""

    places_basis: int  # the most places that can be allocated at all (see README.md)
    priority_share: dict[int, float]
    minimum: dict[int, int]
    allocated: dict[int, int]
    # The most places each quintile could get on its own; filled in only when infeasible.
    achievable: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Solution:
    status: str  # OPTIMAL or INFEASIBLE
    assignments: tuple[Assignment, ...]
    objective: float  # total value of the chosen options, from the original (unrounded) values
    bound: float  # proven upper bound on the LP relaxation's optimum (so on any allocation)
    seconds: float  # wall time of solve(), building the network included
    message: str = ""
    # Per referral (in problem order): the index into problem.slot_ids, or -1 if none.
    slot_of: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    equity: Equity | None = None
    cost_scale: float = 1.0  # cost units per unit of value
    solver_seconds: float = 0.0

    @property
    def feasible(self) -> bool:
        return self.status == OPTIMAL

    @property
    def gap(self) -> float:
        """(bound − objective) / |bound|: how far from the LP bound the answer can be."""
        if not self.feasible:
            return math.nan
        return (self.bound - self.objective) / abs(self.bound) if self.bound else 0.0


def solve(problem: Problem) -> Solution:
    """The allocation of greatest total value: at most one option per referral, no slot over
    capacity, and with `problem.policy.equity` each IMD quintile's minimum met. Deterministic:
    the same problem (same order) always gives the same answer."""
    started = time.perf_counter()
    net = _Network(problem)
    minimum = {q: 0 for q in QUINTILES}
    equity = None
    if problem.policy.equity:
        basis = net.max_places()
        share = _priority_shares(problem)
        # Never more than the quintile has referrals with an option: when there are places
        # for nearly everyone, a quintile's share of the priority can exceed its headcount.
        people = np.bincount(net.ref_quintile, minlength=6)
        minimum = {q: min(math.floor(share[q] * basis + 1e-9), int(people[q])) for q in QUINTILES}
        equity = (basis, share)

    flow, status, solver_seconds = net.min_cost_flow(minimum)
    if status != min_cost_flow.SimpleMinCostFlow.OPTIMAL:
        if status != min_cost_flow.SimpleMinCostFlow.INFEASIBLE:
            raise RuntimeError(f"min-cost flow failed: {status}")  # overflow: cannot happen
        achievable = {q: net.max_places(quintile=q) for q in QUINTILES}
        return Solution(
            status=INFEASIBLE,
            assignments=(),
            objective=0.0,
            bound=0.0,
            seconds=time.perf_counter() - started,
            message=_infeasible_message(minimum, achievable),
            slot_of=np.full(problem.n_referrals, -1, dtype=np.int64),
            equity=Equity(equity[0], equity[1], minimum, {}, achievable),
            cost_scale=net.scale,
            solver_seconds=solver_seconds,
        )

    chosen = np.flatnonzero(flow)  # positions in the option arrays
    referral_of_option = np.repeat(np.arange(problem.n_referrals), np.diff(problem.option_start))
    who = referral_of_option[chosen]
    slot_of = np.full(problem.n_referrals, -1, dtype=np.int64)
    slot_of[who] = problem.option_slot[chosen]
    objective = math.fsum(problem.option_value[chosen].tolist())
    # The flow is optimal for the rounded values. Any allocation x of k <= U places has
    # value(x) <= rounded(x) + k * rounding <= rounded(flow) + U * rounding, and the LP
    # optimum is attained by an allocation (total unimodularity), so this bounds it.
    rounded = -net.optimal_cost / net.scale
    bound = rounded + net.units * net.rounding
    bound = max(bound, objective)
    assignments = tuple(
        Assignment(problem.referral_ids[r], problem.slot_ids[s])
        for r, s in zip(who.tolist(), problem.option_slot[chosen].tolist(), strict=True)
    )
    if equity:
        allocated = np.bincount(problem.quintile[who], minlength=6)
        equity = Equity(equity[0], equity[1], minimum, {q: int(allocated[q]) for q in QUINTILES})
    return Solution(
        status=OPTIMAL,
        assignments=assignments,
        objective=objective,
        bound=bound,
        seconds=time.perf_counter() - started,
        slot_of=slot_of,
        equity=equity,
        cost_scale=net.scale,
        solver_seconds=solver_seconds,
    )


def cost_scale(values: np.ndarray) -> float:
    """Cost units per unit of value (a power of ten; see COST_LIMIT)."""
    biggest = float(np.abs(values).max()) if len(values) else 0.0
    if biggest == 0:
        return 1.0
    return 10.0 ** math.floor(math.log10(COST_LIMIT / biggest))


def _priority_shares(problem: Problem) -> dict[int, float]:
    """Each quintile's share of the whole waiting list's priority (referrals with no option and
    with no known quintile count in the total). All zero when nobody has any priority."""
    total = math.fsum(problem.priority.tolist())
    if total <= 0:
        return {q: 0.0 for q in QUINTILES}
    return {
        q: math.fsum(problem.priority[problem.quintile == q].tolist()) / total for q in QUINTILES
    }


def _infeasible_message(minimum: dict[int, int], achievable: dict[int, int]) -> str:
    short = [q for q in QUINTILES if achievable[q] < minimum[q]]
    if short:
        parts = [
            f"IMD quintile {q} should get at least {minimum[q]} places but its referrals' "
            f"options allow at most {achievable[q]}"
            for q in short
        ]
        return "The equity policy cannot be met: " + "; ".join(parts) + "."
    wanted = ", ".join(f"quintile {q}: {minimum[q]}" for q in QUINTILES if minimum[q])
    return (
        "The equity policy cannot be met: each quintile's minimum can be met on its own, but "
        f"not all at once with this capacity ({wanted})."
    )


class _Network:
    """The problem's nodes and arcs as arrays, in a fixed order (so the result is the same
    every time). Node 0 is the source, 1..6 the quintile nodes (unknown, 1..5), then the
    referrals that have an option, then the slots, then the sink."""

    def __init__(self, problem: Problem):
        self.problem = problem
        counts = np.diff(problem.option_start)
        self.with_options = np.flatnonzero(counts > 0)
        n_ref = len(self.with_options)
        self.referral_node = np.full(problem.n_referrals, -1, dtype=np.int64)
        self.referral_node[self.with_options] = 7 + np.arange(n_ref)
        self.slot0 = 7 + n_ref
        self.sink = self.slot0 + problem.n_slots
        self.option_tail = np.repeat(self.referral_node, counts)
        self.option_head = self.slot0 + problem.option_slot
        self.ref_quintile = problem.quintile[self.with_options].astype(np.int64)
        self.units = int(min(int(problem.capacity.sum()), n_ref))
        self.scale = cost_scale(problem.option_value)
        self.costs = -np.rint(problem.option_value * self.scale).astype(np.int64)
        # The most any one option's value moved in rounding (0 when no value had to move).
        moved = np.abs(problem.option_value * self.scale + self.costs)
        self.rounding = float(moved.max()) / self.scale if len(moved) else 0.0
        self.optimal_cost = 0

    def min_cost_flow(self, minimum: dict[int, int]) -> tuple[np.ndarray, object, float]:
        p = self.problem
        n_ref = len(self.with_options)
        per_quintile = np.bincount(self.ref_quintile, minlength=6)
        lower = np.array([0] + [minimum[q] for q in QUINTILES], dtype=np.int64)
        if np.any(lower > per_quintile):
            return np.empty(0), min_cost_flow.SimpleMinCostFlow.INFEASIBLE, 0.0
        costs = self.costs
        n_opt = len(costs)
        quintile_nodes = np.arange(1, 7)
        tails = np.concatenate(
            [
                np.zeros(6, dtype=np.int64),
                1 + self.ref_quintile,
                self.option_tail,
                self.slot0 + np.arange(p.n_slots),
                [0],
            ]
        )
        heads = np.concatenate(
            [
                quintile_nodes,
                self.referral_node[self.with_options],
                self.option_head,
                np.full(p.n_slots, self.sink),
                [self.sink],
            ]
        )
        capacities = np.concatenate(
            [
                per_quintile - lower,
                np.ones(n_ref + n_opt, dtype=np.int64),
                p.capacity,
                [self.units],
            ]
        )
        arc_costs = np.concatenate(
            [np.zeros(6 + n_ref, dtype=np.int64), costs, np.zeros(p.n_slots + 1, dtype=np.int64)]
        )
        flow = min_cost_flow.SimpleMinCostFlow()
        flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, arc_costs)
        supply_nodes = np.concatenate([[0], quintile_nodes, [self.sink]])
        supplies = np.concatenate([[self.units - lower.sum()], lower, [-self.units]])
        flow.set_nodes_supplies(supply_nodes, supplies)
        started = time.perf_counter()
        status = flow.solve()
        seconds = time.perf_counter() - started
        if status != flow.OPTIMAL:
            return np.empty(0), status, seconds
        self.optimal_cost = flow.optimal_cost()
        first_option_arc = 6 + n_ref
        option_arcs = np.arange(first_option_arc, first_option_arc + n_opt)
        return flow.flows(option_arcs), status, seconds

    def max_places(self, quintile: int | None = None) -> int:
        """The most places that can be allocated at all (to one quintile's referrals only, if
        given): a maximum flow source → referral → slot → sink."""
        p = self.problem
        refs = self.with_options
        options = np.ones(p.n_options, dtype=bool)
        if quintile is not None:
            refs = refs[self.ref_quintile == quintile]
            options = p.quintile[np.repeat(np.arange(p.n_referrals), np.diff(p.option_start))]
            options = options == quintile
        if len(refs) == 0:
            return 0
        tails = np.concatenate(
            [
                np.zeros(len(refs), dtype=np.int64),
                self.option_tail[options],
                self.slot0 + np.arange(p.n_slots),
            ]
        )
        heads = np.concatenate(
            [self.referral_node[refs], self.option_head[options], np.full(p.n_slots, self.sink)]
        )
        capacities = np.concatenate(
            [np.ones(len(refs) + int(options.sum()), dtype=np.int64), p.capacity]
        )
        flow = max_flow.SimpleMaxFlow()
        flow.add_arcs_with_capacity(tails, heads, capacities)
        status = flow.solve(0, self.sink)
        if status != flow.OPTIMAL:
            raise RuntimeError(f"max flow failed: {status}")
        return int(flow.optimal_flow())


def dump_solution(solution: Solution) -> dict:
    """The solution as the JSON document in README.md. Only a feasible solution has one: an
    infeasible policy is reported by `solution.message` (and the command's exit code)."""
    if not solution.feasible:
        raise ValueError(f"no solution to write: {solution.message}")
    return {
        "assignments": [{"referral": a.referral, "slot": a.slot} for a in solution.assignments],
        "objective": solution.objective,
        "bound": solution.bound,
        "seconds": round(solution.seconds, 6),
    }
