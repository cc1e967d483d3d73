"""The LP relaxation, solved directly with OR-Tools' GLOP: an independent check of the engine.

`solve` proves its answer optimal by construction (a flow network is totally unimodular) and
reports a bound from the flow itself. This module builds the same problem as a plain linear
programme, x[r, o] in [0, 1], over the original floating-point values, and solves it with a
general LP solver. Tests and the benchmark use it on small and medium problems to show that
the engine's objective equals the LP optimum. It is far slower than the flow, so it is not
used in production.

(OR-Tools and highspy must not be imported into one process, so this uses GLOP, not HiGHS.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp

from .problem import QUINTILES, Problem


@dataclass(frozen=True)
class LpResult:
    status: str  # "optimal" or "infeasible"
    objective: float
    fractional: int  # variables strictly between 0 and 1 at the optimum found


def lp_relaxation(problem: Problem, minimum: dict[int, int] | None = None) -> LpResult:
    """Solve max Σ value·x subject to Σ_options x ≤ 1 per referral, Σ_referrals x ≤ capacity
    per slot, and (if given) Σ x over quintile q's referrals ≥ minimum[q]; 0 ≤ x ≤ 1."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    referral_of = np.repeat(np.arange(problem.n_referrals), np.diff(problem.option_start))
    x = [solver.NumVar(0.0, 1.0, f"x{k}") for k in range(problem.n_options)]
    for r in range(problem.n_referrals):
        lo, hi = int(problem.option_start[r]), int(problem.option_start[r + 1])
        if hi > lo:
            solver.Add(solver.Sum(x[lo:hi]) <= 1)
    by_slot: dict[int, list] = {}
    for k, s in enumerate(problem.option_slot.tolist()):
        by_slot.setdefault(s, []).append(x[k])
    for s, variables in sorted(by_slot.items()):
        solver.Add(solver.Sum(variables) <= int(problem.capacity[s]))
    for q in QUINTILES:
        need = (minimum or {}).get(q, 0)
        if need:
            members = [x[k] for k in np.flatnonzero(problem.quintile[referral_of] == q)]
            solver.Add(solver.Sum(members) >= need)
    objective = solver.Objective()
    for k, value in enumerate(problem.option_value.tolist()):
        objective.SetCoefficient(x[k], value)
    objective.SetMaximization()
    status = solver.Solve()
    if status == pywraplp.Solver.INFEASIBLE:
        return LpResult("infeasible", math.nan, 0)
    if status != pywraplp.Solver.OPTIMAL:
        raise RuntimeError(f"GLOP did not solve the LP (status {status})")
    values = [v.solution_value() for v in x]
    fractional = sum(1 for v in values if 1e-6 < v < 1 - 1e-6)
    return LpResult("optimal", objective.Value(), fractional)
