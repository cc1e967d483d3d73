"""A 52-week simulation of weekly allocation: first come, first served against the engine.

Each week: new referrals join the list; some waiting referrals leave it (moved away, got help
elsewhere); therapists and groups open new places; the week's places are allocated; the people
allocated leave the list with their wait recorded. Both policies get the same referrals, the
same places and the same withdrawals (common random numbers), so the difference is the policy.

- First come, first served: in order of referral date, each referral takes its most suitable
  option that still has a place (what a spreadsheet-run service does).
- Engine: `solve` with value = priority × suitability, where priority = need score + the
  ageing term (`Ageing`: a little for every week waited, and a lot for every week past 24
  weeks, so nobody waits for ever), and the equity policy on. In a week where the equity
  minimums cannot be met, that week is solved without them and counted.

The list starts with a backlog (the same for both), then WARMUP weeks run under the policy
being measured so its own steady state sets in, then the 52 measured weeks. Waits are
measured for everyone offered a place in the measured weeks ("completed waits"); the people
still waiting at the end are reported separately ("incomplete waits"), since a policy could
look good by leaving some people waiting.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from ..engine import solve
from ..problem import Policy, Problem
from . import streams


@dataclass(frozen=True)
class Ageing:
    """The ageing term of the priority: `per_week` points for every week waited, and
    `extra_per_week` more for every week past `after_weeks` (need scores run from 1 to 13)."""

    per_week: float = 0.05  # small: among equal need, the longer wait goes first
    # Where the steep part starts trades need-weighted waits against the longest waits; 24
    # weeks was chosen from the benchmark's sweep (bench/bench_allocation.py) on its main seed.
    after_weeks: float = 24.0
    extra_per_week: float = 5.0  # steep: past it, waiting soon outweighs any need score

    def points(self, weeks):
        return self.per_week * weeks + self.extra_per_week * np.maximum(0, weeks - self.after_weeks)


AGEING = Ageing()
WARMUP = 52
WEEKS = 52
TARGET_DAYS = 18 * 7


@dataclass(frozen=True, eq=False)
class Stream:
    """One reproducible world: service, backlog + arrivals, and each week's places."""

    scale: streams.Scale
    service: streams.Service
    referrals: streams.Referrals
    capacity: np.ndarray  # [week, slot]
    warmup: int
    weeks: int


def make_stream(
    scale: streams.Scale,
    *,
    seed: int = 2025,
    warmup: int = WARMUP,
    weeks: int = WEEKS,
    backlog_weeks: float = 20.0,
) -> Stream:
    rng = np.random.default_rng(seed)
    service = streams.make_service(scale, rng)
    total_weeks = warmup + weeks
    backlog = int(scale.places_per_week * backlog_weeks)
    arrivals = int(rng.poisson(scale.arrivals_per_week * total_weeks))
    arrival_day = np.concatenate(
        [
            np.sort(rng.uniform(-7 * backlog_weeks, 0, backlog)),  # already waiting at day 0
            np.sort(rng.uniform(0, 7 * total_weeks, arrivals)),
        ]
    )
    referrals = streams.make_referrals(service, rng, arrival_day)
    capacity = np.stack([service.capacity(w, rng) for w in range(total_weeks)])
    return Stream(scale, service, referrals, capacity, warmup, weeks)


@dataclass
class Outcome:
    policy: str
    offered_day: np.ndarray  # NaN if never offered
    slot: np.ndarray  # -1 if never offered
    places: np.ndarray  # places open each week
    filled: np.ndarray  # places filled each week
    solve_seconds: list[float] = field(default_factory=list)
    waiting: list[int] = field(default_factory=list)
    gaps: list[float] = field(default_factory=list)  # (bound − objective) / bound per week
    equity_relaxed_weeks: int = 0


def run(
    stream: Stream,
    policy: str,
    *,
    ageing: Ageing = AGEING,
    equity: bool = True,
) -> Outcome:
    """Run every week (warm-up and measured) under `policy` ("fcfs" or "engine")."""
    r = stream.referrals
    n = len(r)
    need = r.need
    quintile = r.quintile
    offered = np.full(n, np.nan)
    slot_of = np.full(n, -1, dtype=np.int64)
    total_weeks = stream.warmup + stream.weeks
    out = Outcome(policy, offered, slot_of, stream.capacity.sum(axis=1), np.zeros(total_weeks, int))
    slot_ids = stream.service.slot_ids()
    for week in range(total_weeks):
        day = 7.0 * (week + 1)  # places are offered at the end of the week
        waiting = np.flatnonzero((r.arrival_day < day) & (r.withdraw_day > day) & np.isnan(offered))
        out.waiting.append(len(waiting))
        cap = stream.capacity[week]
        start, slot, suit = streams.gather_options(r, waiting, cap > 0)
        if policy == "fcfs":
            chosen = _first_come_first_served(start, slot, suit, cap.copy())
        else:
            weeks_waited = (day - r.arrival_day[waiting]) / 7
            priority = need[waiting] + ageing.points(weeks_waited)
            value = np.repeat(priority, np.diff(start)) * suit
            problem = Problem.from_arrays(
                referral_ids=[str(i) for i in waiting.tolist()],
                priority=priority,
                waited_days=np.floor(weeks_waited * 7).astype(np.int64),
                quintile=quintile[waiting],
                option_start=start,
                option_slot=slot,
                option_value=value,
                slot_ids=slot_ids,
                capacity=cap,
                policy=Policy(equity=equity),
            )
            solution = solve(problem)
            if not solution.feasible:
                out.equity_relaxed_weeks += 1
                problem = Problem.from_arrays(
                    **{k: getattr(problem, k) for k in _ARRAY_FIELDS}, policy=Policy(False)
                )
                solution = solve(problem)
            out.solve_seconds.append(solution.seconds)
            out.gaps.append(solution.gap)
            chosen = solution.slot_of
        got = chosen >= 0
        offered[waiting[got]] = day
        slot_of[waiting[got]] = chosen[got]
        out.filled[week] = int(got.sum())
    return out


_ARRAY_FIELDS = (
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


def _first_come_first_served(start, slot, suit, cap) -> np.ndarray:
    """In list order, each referral takes its most suitable option with a place left."""
    chosen = np.full(len(start) - 1, -1, dtype=np.int64)
    left = int(cap.sum())
    starts = start.tolist()
    for i in range(len(chosen)):
        if left == 0:
            break
        lo, hi = starts[i], starts[i + 1]
        if lo == hi:
            continue
        best, best_suit = -1, -1.0
        for s, v in zip(slot[lo:hi].tolist(), suit[lo:hi].tolist(), strict=True):
            if cap[s] > 0 and v > best_suit:
                best, best_suit = s, v
        if best >= 0:
            cap[best] -= 1
            left -= 1
            chosen[i] = best
    return chosen


def metrics(stream: Stream, outcome: Outcome) -> dict:
    """The figures the issue asks for, over the measured weeks."""
    r = stream.referrals
    need = r.need
    quintile = r.quintile
    first = 7.0 * (stream.warmup + 1)
    last = 7.0 * (stream.warmup + stream.weeks)
    seen = np.flatnonzero((outcome.offered_day >= first) & (outcome.offered_day <= last))
    wait_weeks = (outcome.offered_day[seen] - r.arrival_day[seen]) / 7
    still = np.flatnonzero(
        (r.arrival_day < last) & (r.withdraw_day > last) & ~(outcome.offered_day <= last)
    )
    still_weeks = (last - r.arrival_day[still]) / 7
    withdrew = np.flatnonzero(
        (r.withdraw_day >= first)
        & (r.withdraw_day <= last)
        & ~(outcome.offered_day <= r.withdraw_day)
    )
    measured = slice(stream.warmup, stream.warmup + stream.weeks)
    by_quintile = {}
    for q in range(1, 6):
        mine = quintile[seen] == q
        waits = wait_weeks[mine]
        by_quintile[str(q)] = {
            "seen": int(mine.sum()),
            "mean_wait_weeks": _r(waits.mean()) if len(waits) else None,
            "p95_wait_weeks": _r(np.percentile(waits, 95)) if len(waits) else None,
            "share_within_target": _r(np.mean(waits <= TARGET_DAYS / 7)) if len(waits) else None,
            "still_waiting": int((quintile[still] == q).sum()),
        }
    result = {
        "policy": outcome.policy,
        "seen": len(seen),
        "need_weighted_mean_wait_weeks": _r(np.average(wait_weeks, weights=need[seen])),
        "mean_wait_weeks": _r(wait_weeks.mean()),
        "median_wait_weeks": _r(np.median(wait_weeks)),
        "p95_wait_weeks": _r(np.percentile(wait_weeks, 95)),
        "max_wait_weeks": _r(wait_weeks.max()),
        "share_seen_within_18_weeks": _r(np.mean(wait_weeks <= TARGET_DAYS / 7)),
        "by_imd_quintile": by_quintile,
        "most_minus_least_deprived_mean_wait_weeks": _r(
            by_quintile["1"]["mean_wait_weeks"] - by_quintile["5"]["mean_wait_weeks"]
        ),
        "mean_need_of_those_seen": _r(need[seen].mean()),
        "capacity_utilisation": _r(
            outcome.filled[measured].sum() / max(1, outcome.places[measured].sum())
        ),
        "places_offered": int(outcome.places[measured].sum()),
        "places_filled": int(outcome.filled[measured].sum()),
        "withdrew_while_waiting": len(withdrew),
        "still_waiting_at_end": {
            "count": len(still),
            "mean_wait_weeks": _r(still_weeks.mean()) if len(still) else None,
            "p95_wait_weeks": _r(np.percentile(still_weeks, 95)) if len(still) else None,
            "share_over_18_weeks": _r(np.mean(still_weeks > TARGET_DAYS / 7))
            if len(still)
            else None,
        },
        "mean_list_size": _r(np.mean(outcome.waiting[measured])),
    }
    if outcome.solve_seconds:
        secs = np.array(outcome.solve_seconds[measured])
        gaps = np.array(outcome.gaps[measured])
        result["batch_seconds"] = {"mean": _r(secs.mean(), 4), "max": _r(secs.max(), 4)}
        result["max_gap_to_lp_bound"] = float(f"{gaps.max():.3g}")
        result["equity_relaxed_weeks"] = outcome.equity_relaxed_weeks
    return result


def compare(stream: Stream, *, ageing: Ageing = AGEING, equity: bool = True) -> dict:
    """Run both policies on `stream` and report the figures and the targets side by side."""
    started = time.perf_counter()
    fcfs = metrics(stream, run(stream, "fcfs"))
    engine = metrics(stream, run(stream, "engine", ageing=ageing, equity=equity))
    return {
        "first_come_first_served": fcfs,
        "engine": engine,
        "targets": targets(fcfs, engine),
        "seconds": _r(time.perf_counter() - started, 2),
    }


def targets(fcfs: dict, engine: dict) -> dict:
    reduction = 1 - engine["need_weighted_mean_wait_weeks"] / fcfs["need_weighted_mean_wait_weeks"]
    p95_ratio = engine["p95_wait_weeks"] / fcfs["p95_wait_weeks"]
    gap = engine["most_minus_least_deprived_mean_wait_weeks"]
    util = engine["capacity_utilisation"] - fcfs["capacity_utilisation"]
    still_e, still_f = engine["still_waiting_at_end"], fcfs["still_waiting_at_end"]
    still_ratio = (
        still_e["p95_wait_weeks"] / still_f["p95_wait_weeks"]
        if still_e["p95_wait_weeks"] and still_f["p95_wait_weeks"]
        else None
    )
    return {
        "need_weighted_mean_wait_reduction": _r(reduction),
        "need_weighted_mean_wait_reduction_met (>= 0.25)": reduction >= 0.25,
        "most_deprived_minus_least_deprived_mean_wait_weeks": gap,
        "most_deprived_waits_no_longer_met": gap <= 0,
        "p95_wait_ratio_to_fcfs": _r(p95_ratio),
        "p95_wait_ratio_met (<= 1.25)": p95_ratio <= 1.25,
        # The same for the people still waiting at the end, so that leaving people waiting
        # cannot pass for short waits.
        "still_waiting_p95_ratio_to_fcfs": _r(still_ratio),
        "still_waiting_p95_ratio_met (<= 1.25)": still_ratio is not None and still_ratio <= 1.25,
        "utilisation_difference": _r(util),
        "same_utilisation (within 0.5 points)": abs(util) <= 0.005,
    }


def _r(x, digits=3):
    return (
        None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), digits)
    )
