"""The allocation engine: who gets which therapist slot or group place.

Plain Python (NumPy and OR-Tools), no Django: the waiting list side builds a `Problem`, calls
`solve`, and turns the `Solution` into proposed offers. README.md describes the model, the
JSON files of the command line (`python -m tutti.allocation solve PROBLEM.json`) and the
equity policy.
"""

from .engine import INFEASIBLE, OPTIMAL, Assignment, Equity, Solution, dump_solution, solve
from .groups import GroupCandidate, GroupPlan, GroupSpec, form_groups
from .problem import (
    Option,
    Policy,
    Problem,
    ProblemError,
    Referral,
    Slot,
    load_problem,
    problem_to_dict,
)

__all__ = [
    "INFEASIBLE",
    "OPTIMAL",
    "Assignment",
    "Equity",
    "GroupCandidate",
    "GroupPlan",
    "GroupSpec",
    "Option",
    "Policy",
    "Problem",
    "ProblemError",
    "Referral",
    "Slot",
    "Solution",
    "dump_solution",
    "form_groups",
    "load_problem",
    "problem_to_dict",
    "solve",
]
