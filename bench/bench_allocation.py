"""Benchmark: the allocation engine (tutti/allocation) at batch scale and over 52 weeks.

    python -m bench allocation            # or `make bench`; writes bench/results/allocation.json
    python -m bench.bench_allocation      # the same figures, printed

Targets (issue 4, on 2 cores; figures, not timed tests):
- one batch of 300,000 waiting referrals against 2,000 therapists and 1,000 groups (about 10
  options each) solves in under 10 s and 4 GB, within 0.5 % of the LP bound; 50,000 in under 2 s;
- over 52 simulated weeks at the same utilisation as first come, first served (FCFS): the
  need-weighted mean wait at least 25 % lower; the most deprived quintile waits no longer on
  average than the least deprived; the 95th-percentile wait at most 1.25 × FCFS's.

How it is measured:
- Batch: each size runs in its own child process, so its peak resident memory (getrusage
  ru_maxrss, which counts OR-Tools' C++ allocations too) is its own. The problem is generated
  by tutti/allocation/simulation (national service: 400 sites, 2,000 therapists, 1,000 groups;
  referrals waiting up to a year; priority = need score + ageing; value = priority ×
  suitability, unrounded floats). Seconds are `solve()`'s wall time (building the flow network
  included, generating the problem not), 3 runs each with equity off and on. The target is
  judged on the best of the 3 (as `timeit` advises: the others mostly measure other
  processes), the slower of equity off and on; the median and the process's own CPU time are
  reported beside it, with the machine's load average. The peak memory covers the whole child,
  generation included, so it over-states the engine's.
- Bound: the engine's `bound` is a proven upper bound on the LP optimum (flow optimum in
  rounded costs + the largest possible rounding, see tutti/allocation/README.md). On smaller
  batches the LP is also solved independently with GLOP to show the two agree.
- Simulation: tutti/allocation/simulation/weekly.py (its docstring lists the assumptions);
  charity scale over several seeds, national scale on one, and a sweep of the ageing term
  showing the trade-off between need-weighted waits and the longest waits.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BATCH_SIZES = (50_000, 300_000)
BATCH_TARGET_SECONDS = {50_000: 2.0, 300_000: 10.0}
MEMORY_TARGET_MB = 4096
GAP_TARGET = 0.005
LP_CHECK_SIZES = (2_000, 10_000)
SEEDS = (2025, 7, 11, 19, 23)


def run() -> dict:
    started = time.perf_counter()
    batches = {str(n): _in_child("--batch", str(n)) for n in BATCH_SIZES}
    lp_check = [_lp_check(n) for n in LP_CHECK_SIZES]
    charity = _simulate_charity()
    national = _in_child("--national") if not os.environ.get("BENCH_QUICK") else None
    groups = _groups()
    big, small = batches[str(BATCH_SIZES[-1])], batches[str(BATCH_SIZES[0])]
    targets = {
        "batch_300k_seconds": _target(
            max(big["equity_off"]["seconds_best"], big["equity_on"]["seconds_best"]),
            "<",
            BATCH_TARGET_SECONDS[300_000],
        ),
        "batch_300k_peak_memory_mb": _target(big["peak_rss_mb"], "<", MEMORY_TARGET_MB),
        "batch_300k_gap_to_lp_bound": _target(
            max(big["equity_off"]["gap_to_bound"], big["equity_on"]["gap_to_bound"]),
            "<=",
            GAP_TARGET,
        ),
        "batch_50k_seconds": _target(
            max(small["equity_off"]["seconds_best"], small["equity_on"]["seconds_best"]),
            "<",
            BATCH_TARGET_SECONDS[50_000],
        ),
    }
    for name, key, op, limit in (
        ("need_weighted_mean_wait_reduction", "need_weighted_mean_wait_reduction", ">=", 0.25),
        (
            "most_minus_least_deprived_mean_wait_weeks",
            "most_deprived_minus_least_deprived_mean_wait_weeks",
            "<=",
            0,
        ),
        ("p95_wait_ratio_to_fcfs", "p95_wait_ratio_to_fcfs", "<=", 1.25),
        ("utilisation_difference", "utilisation_difference", "<=", 0.005),
    ):
        values = [r["targets"][key] for r in charity["by_seed"].values()]
        if name == "utilisation_difference":
            values = [abs(v) for v in values]
        entry = _target(values[0], op, limit)  # the first seed is the headline
        met = [_target(v, op, limit)["met"] for v in values]
        entry["met_on_seeds"] = f"{sum(met)} of {len(met)}"
        targets[f"simulation_{name}"] = entry
    return {
        "targets": targets,
        "targets_met": sum(t["met"] for t in targets.values()),
        "targets_total": len(targets),
        "note": (
            "Simulation targets are for the charity-scale stream, seed "
            f"{SEEDS[0]}; simulation.charity.summary_over_seeds shows how they vary with "
            "the seed, simulation.charity.ageing_sweep the trade-off behind them."
        ),
        "batch": batches,
        "lp_check": lp_check,
        "simulation": {"charity": charity, "national": national},
        "group_formation": groups,
        "seconds": round(time.perf_counter() - started, 1),
    }


def _target(value, op, limit):
    met = {"<": value < limit, "<=": value <= limit, ">=": value >= limit}[op]
    return {"value": value, "target": f"{op} {limit}", "met": bool(met)}


def _in_child(*args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}
    child = subprocess.run(
        [sys.executable, "-m", "bench.bench_allocation", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if child.returncode != 0:
        raise RuntimeError(f"allocation benchmark {args} failed:\n{child.stderr[-4000:]}")
    return json.loads(child.stdout.strip().splitlines()[-1])


# -- one batch ------------------------------------------------------------------------------


def batch_problem(n, *, seed=2025, equity=False, places_share=1.0):
    """n referrals waiting up to a year, against the national service's 3,000 slots
    (with each slot's places thinned to `places_share` of them, for smaller lists)."""
    import numpy as np

    from tutti.allocation import Policy, Problem
    from tutti.allocation.simulation import NATIONAL, streams
    from tutti.allocation.simulation.weekly import AGEING

    rng = np.random.default_rng(seed)
    service = streams.make_service(NATIONAL, rng)
    r = streams.make_referrals(service, rng, np.sort(rng.uniform(-364, 0, n)))
    weeks = -r.arrival_day / 7
    priority = r.need + AGEING.points(weeks)
    value = np.repeat(priority, np.diff(r.option_start)) * r.option_suitability
    # New places over a four-week planning horizon: 2-8 per therapist; a cohort per group.
    capacity = np.where(
        service.slot_is_group, service.group_size, rng.integers(2, 9, service.n_slots)
    )
    if places_share < 1:
        capacity = rng.binomial(capacity, places_share)
    return Problem.from_arrays(
        referral_ids=[f"R{i}" for i in range(n)],
        priority=priority,
        waited_days=np.floor(weeks * 7).astype(np.int64),
        quintile=r.quintile,
        option_start=r.option_start,
        option_slot=r.option_slot,
        option_value=value,
        slot_ids=service.slot_ids(),
        capacity=capacity,
        policy=Policy(equity),
    )


def _batch_child(n):
    import resource

    from tutti.allocation import Policy, Problem, solve

    problem = batch_problem(n)
    rss_before = _rss_mb()
    fields = (
        "referral_ids priority waited_days quintile option_start option_slot option_value "
        "slot_ids capacity"
    ).split()
    result = {
        "referrals": problem.n_referrals,
        "therapists": int((~_is_group(problem)).sum()),
        "groups": int(_is_group(problem).sum()),
        "options": problem.n_options,
        "options_per_referral": round(problem.n_options / problem.n_referrals, 2),
        "places": int(problem.capacity.sum()),
        "flow_network_arcs": 6 + problem.n_referrals + problem.n_options + problem.n_slots + 1,
        "rss_before_solve_mb": rss_before,
        # Other processes on the machine slow the wall clock; this says how busy it was.
        "load_average_1min_at_start": round(os.getloadavg()[0], 2),
    }
    for equity in (False, True):
        p = Problem.from_arrays(**{f: getattr(problem, f) for f in fields}, policy=Policy(equity))
        runs, cpu = [], []
        for _ in range(3):
            started = time.process_time()
            runs.append(solve(p))
            cpu.append(time.process_time() - started)
        s = runs[0]
        assert all(r.assignments == s.assignments for r in runs), "not deterministic"
        entry = {
            "status": s.status,
            "seconds": [round(r.seconds, 3) for r in runs],
            "seconds_best": round(min(r.seconds for r in runs), 3),
            "seconds_median": round(statistics.median(r.seconds for r in runs), 3),
            "solver_seconds_median": round(statistics.median(r.solver_seconds for r in runs), 3),
            # CPU time of this process: what the wall time would be without other load.
            "cpu_seconds_median": round(statistics.median(cpu), 3),
            "assigned": len(s.assignments),
            "objective": round(s.objective, 4),
            "bound": round(s.bound, 4),
            "gap_to_bound": float(f"{s.gap:.3g}"),
            "cost_scale": s.cost_scale,
        }
        if s.equity:
            entry["equity"] = {
                "places_basis": s.equity.places_basis,
                "minimum": s.equity.minimum,
                "allocated": s.equity.allocated,
            }
        result["equity_on" if equity else "equity_off"] = entry
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(result))


def _is_group(problem):
    import numpy as np

    return np.array([sid.startswith("G") for sid in problem.slot_ids])


def _rss_mb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


# -- the LP, independently -------------------------------------------------------------------


def _lp_check(n):
    from tutti.allocation import solve
    from tutti.allocation.lp import lp_relaxation

    # About one place for every six referrals, as on a real waiting list.
    share = n / 300_000 * 3
    out = {"referrals": n}
    for equity in (False, True):
        problem = batch_problem(n, seed=n, equity=equity, places_share=share)
        s = solve(problem)
        started = time.perf_counter()
        lp = lp_relaxation(problem, s.equity.minimum if s.equity else None)
        assert s.feasible and lp.status == "optimal", (s.message, lp.status)
        out["equity_on" if equity else "equity_off"] = {
            "places": int(problem.capacity.sum()),
            "engine_objective": round(s.objective, 6),
            "engine_bound": round(s.bound, 6),
            "glop_lp_optimum": round(lp.objective, 6),
            "relative_difference": float(f"{abs(s.objective - lp.objective) / lp.objective:.3g}"),
            "glop_fractional_variables": lp.fractional,
            "engine_seconds": round(s.seconds, 3),
            "glop_seconds": round(time.perf_counter() - started, 2),
        }
    return out


# -- the 52-week simulation ------------------------------------------------------------------


def _simulate_charity():
    from tutti.allocation.simulation import CHARITY, compare, make_stream
    from tutti.allocation.simulation.weekly import AGEING, Ageing

    by_seed = {}
    for seed in SEEDS:
        by_seed[str(seed)] = compare(make_stream(CHARITY, seed=seed), ageing=AGEING)
    keys = (
        "need_weighted_mean_wait_reduction",
        "p95_wait_ratio_to_fcfs",
        "still_waiting_p95_ratio_to_fcfs",
        "most_deprived_minus_least_deprived_mean_wait_weeks",
        "utilisation_difference",
    )
    summary = {
        k: {
            "min": min(r["targets"][k] for r in by_seed.values()),
            "mean": round(statistics.fmean(r["targets"][k] for r in by_seed.values()), 3),
            "max": max(r["targets"][k] for r in by_seed.values()),
        }
        for k in keys
    }
    stream = make_stream(CHARITY, seed=SEEDS[0])
    sweep = []
    for after in (18, 22, 24, 26, 30, 36):
        ageing = Ageing(AGEING.per_week, after, AGEING.extra_per_week)
        t = compare(stream, ageing=ageing)["targets"]
        sweep.append({"ageing_after_weeks": after, **{k: t[k] for k in keys}})
    no_equity = compare(stream, ageing=AGEING, equity=False)["targets"]
    return {
        "scale": _scale_dict(CHARITY),
        "ageing": {
            "per_week": AGEING.per_week,
            "after_weeks": AGEING.after_weeks,
            "extra_per_week": AGEING.extra_per_week,
        },
        "by_seed": by_seed,
        "summary_over_seeds": summary,
        "ageing_sweep": sweep,
        "equity_off_targets": no_equity,
    }


def _national_child():
    from tutti.allocation.simulation import NATIONAL, compare, make_stream

    result = compare(make_stream(NATIONAL, seed=SEEDS[0]))
    result["scale"] = _scale_dict(NATIONAL)
    print(json.dumps(result))


def _scale_dict(scale):
    return {
        "districts": len(scale.districts) if scale.districts else "all of England",
        "sites": scale.sites,
        "therapists": scale.therapists,
        "groups": scale.groups,
        "arrivals_per_week": scale.arrivals_per_week,
        "places_per_week": round(scale.places_per_week, 1),
        "withdraw_per_week": scale.withdraw_per_week,
    }


# -- groups ----------------------------------------------------------------------------------


def _groups():
    import random

    from tutti.allocation import GroupCandidate, GroupSpec, form_groups
    from tutti.allocation.simulation.streams import AGE_BANDS

    rng = random.Random(2025)
    groups = [
        GroupSpec(
            f"G{i}",
            capacity=8,
            min_size=4,
            age_bands=AGE_BANDS[i % 5 : i % 5 + 2],
            max_per_band=5,
        )
        for i in range(24)
    ]
    candidates = []
    for i in range(400):
        band = rng.choice(AGE_BANDS)
        fits = [g for g in groups if band in g.age_bands]
        chosen = rng.sample(fits, min(len(fits), 3))
        candidates.append(
            GroupCandidate(f"C{i}", band, {g.id: round(rng.uniform(1, 12), 3) for g in chosen})
        )
    plan = form_groups(candidates, groups, time_limit=30)
    return {
        "candidates": len(candidates),
        "groups": len(groups),
        "status": plan.status,
        "seconds": round(plan.seconds, 3),
        "placed": sum(len(m) for m in plan.members.values()),
        "groups_not_running": len(plan.not_running),
        "objective": round(plan.objective, 3),
        "bound": round(plan.bound, 3),
    }


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--batch":
        _batch_child(int(sys.argv[2]))
    elif sys.argv[1:] == ["--national"]:
        _national_child()
    else:
        print(json.dumps(run(), indent=2))
