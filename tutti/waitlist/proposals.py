"""Allocation proposals for one-to-one places: the waiting list and the therapists' capacity
turned into an allocation problem, solved by `tutti.allocation`, and compared with first come,
first served (FCFS) on the same capacity.

The value of offering a referral a place with a therapist is

    value = priority total (from the waiting list) × suitability
    suitability = 1.0
                + 0.2 if the therapist specialises in one of the referral's circumstances
                + 0.2 if they share the person's preferred language, when it is not English

so need decides who is offered a place, and suitability decides with whom (a good match is
worth at most 40% more points). FCFS fills the same places in order of waiting_since, each
person with the first therapist (lowest id) who still has a place and works at their site.
"""

from dataclasses import dataclass, field

from tutti.allocation import INFEASIBLE, Option, Policy, Problem, Solution, solve
from tutti.allocation import Referral as AllocationReferral
from tutti.allocation import Slot as AllocationSlot
from tutti.waitlist.capacity import TherapistSlot, individual_capacity, serves
from tutti.waitlist.selectors import Entry, waiting_list

SPECIALISM_BONUS = 0.2
LANGUAGE_BONUS = 0.2


def _norm(text):
    return (text or "").strip().casefold()


def suitability(entry: Entry, therapist) -> tuple[float, list[str]]:
    """The factor and the reasons for it, in plain words."""
    factor, reasons = 1.0, []
    shared = set(entry.referral.circumstances or []) & set(therapist.specialisms or [])
    if shared:
        factor += SPECIALISM_BONUS
        reasons.append("specialises in their circumstances")
    language = _norm(entry.person.preferred_language)
    if language and language != "english":
        if language in {_norm(lang) for lang in therapist.languages or []}:
            factor += LANGUAGE_BONUS
            reasons.append(f"speaks {entry.person.preferred_language}")
    return factor, reasons


@dataclass(frozen=True)
class Proposed:
    entry: Entry
    slot: TherapistSlot
    value: float
    reasons: tuple[str, ...]

    @property
    def therapist(self):
        return self.slot.therapist


@dataclass(frozen=True)
class Metrics:
    offered: int
    mean_priority: float
    deprived_share: float  # of those offered, the share from IMD quintiles 1 and 2
    longest_wait_not_offered_weeks: int


@dataclass
class Proposal:
    programme: object
    equity: bool
    entries: list
    capacity: list
    problem: Problem
    solution: Solution
    proposed: list = field(default_factory=list)
    fcfs: list = field(default_factory=list)

    @property
    def feasible(self):
        return self.solution.status != INFEASIBLE

    @property
    def places(self):
        return sum(slot.places for slot in self.capacity)

    @property
    def metrics(self):
        return metrics(self.entries, self.proposed)

    @property
    def fcfs_metrics(self):
        return metrics(self.entries, self.fcfs)


def _options(entry, capacity):
    options = []
    for slot in capacity:
        if slot.places and serves(slot, entry.referral):
            factor, reasons = suitability(entry, slot.therapist)
            options.append((slot, round(entry.priority.total * factor, 6), reasons))
    return options


def build_problem(entries, capacity, *, equity=True):
    referrals = [
        AllocationReferral(
            id=entry.referral.reference,
            priority=max(0.0, float(entry.priority.total)),
            waited_days=entry.waited_days,
            imd_quintile=entry.person.imd_quintile,
            options=tuple(Option(slot=s.id, value=v) for s, v, _ in _options(entry, capacity)),
        )
        for entry in entries
    ]
    slots = [AllocationSlot(id=s.id, capacity=s.places) for s in capacity]
    return Problem.from_records(referrals=referrals, slots=slots, policy=Policy(equity=equity))


def proposal_build(programme, *, equity=True, on=None, now=None) -> Proposal:
    """A dry run: nothing is saved."""
    entries, _ = waiting_list(programme, now=now)
    capacity = individual_capacity(programme, on=on)
    problem = build_problem(entries, capacity, equity=equity)
    solution = solve(problem)
    by_reference = {e.referral.reference: e for e in entries}
    by_slot = {s.id: s for s in capacity}
    proposed = []
    for assignment in solution.assignments:
        entry, slot = by_reference[assignment.referral], by_slot[assignment.slot]
        factor, reasons = suitability(entry, slot.therapist)
        proposed.append(
            Proposed(entry, slot, round(entry.priority.total * factor, 6), tuple(reasons))
        )
    return Proposal(
        programme=programme,
        equity=equity,
        entries=entries,
        capacity=capacity,
        problem=problem,
        solution=solution,
        proposed=proposed,
        fcfs=first_come_first_served(entries, capacity),
    )


def first_come_first_served(entries, capacity) -> list[Proposed]:
    left = {s.id: s.places for s in capacity}
    chosen = []
    for entry in sorted(
        entries, key=lambda e: (e.referral.waiting_since or e.referral.received_at, e.referral.pk)
    ):
        for slot in capacity:
            if left[slot.id] and serves(slot, entry.referral):
                left[slot.id] -= 1
                factor, reasons = suitability(entry, slot.therapist)
                chosen.append(
                    Proposed(entry, slot, round(entry.priority.total * factor, 6), tuple(reasons))
                )
                break
    return chosen


def metrics(entries, chosen) -> Metrics:
    offered = {p.entry.referral.pk for p in chosen}
    n = len(chosen)
    deprived = sum(1 for p in chosen if p.entry.person.imd_quintile in (1, 2))
    return Metrics(
        offered=n,
        mean_priority=(sum(p.entry.priority.total for p in chosen) / n) if n else 0.0,
        deprived_share=(deprived / n) if n else 0.0,
        longest_wait_not_offered_weeks=max(
            (e.waited_days for e in entries if e.referral.pk not in offered), default=0
        )
        // 7,
    )
