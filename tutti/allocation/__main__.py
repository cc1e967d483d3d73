"""python -m tutti.allocation solve PROBLEM.json [--out SOLUTION.json]

Reads a problem (README.md has the shape; "-" reads standard input), solves it and writes the
solution as JSON to --out or to standard output. Exit codes: 0 solved; 2 the problem file is
not valid (every fault is listed, each naming its record); 3 the equity policy cannot be met.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .engine import dump_solution, solve
from .problem import ProblemError, load_problem

EXIT_INVALID = 2
EXIT_INFEASIBLE = 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tutti.allocation",
        description="Allocate therapist slots and group places to waiting referrals.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    solve_cmd = commands.add_parser("solve", help="solve a problem file")
    solve_cmd.add_argument("problem", help='problem JSON file ("-" for standard input)')
    solve_cmd.add_argument("--out", type=Path, help="write the solution here, not to stdout")
    args = parser.parse_args(argv)

    name = "standard input" if args.problem == "-" else args.problem
    try:
        if args.problem == "-":
            data = json.load(sys.stdin)
        else:
            with open(args.problem, encoding="utf-8") as f:
                data = json.load(f)
    except OSError as e:
        return _fail(f"cannot read {name}: {e.strerror or e}", EXIT_INVALID)
    except json.JSONDecodeError as e:
        return _fail(
            f"{name} is not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}",
            EXIT_INVALID,
        )
    except UnicodeDecodeError:
        return _fail(f"{name} is not UTF-8 text", EXIT_INVALID)

    try:
        problem = load_problem(data)
    except ProblemError as e:
        count = len(e.errors)
        return _fail(f"{name} is not a valid problem ({count} fault(s)):\n{e}", EXIT_INVALID)

    solution = solve(problem)
    if not solution.feasible:
        return _fail(solution.message, EXIT_INFEASIBLE)

    text = json.dumps(dump_solution(solution), indent=1, allow_nan=False) + "\n"
    if args.out:
        partial = args.out.with_name(args.out.name + ".partial")
        partial.write_text(text, encoding="utf-8")
        partial.replace(args.out)
    else:
        sys.stdout.write(text)
    gap = f"{100 * solution.gap:.4f}%"
    print(
        f"allocated {len(solution.assignments)} place(s) to {problem.n_referrals} referral(s) "
        f"over {problem.n_slots} slot(s): objective {solution.objective:.6g}, "
        f"bound {solution.bound:.6g} (gap at most {gap}), {solution.seconds:.3f} s",
        file=sys.stderr,
    )
    return 0


def _fail(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
