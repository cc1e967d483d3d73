"""Allocation proposals: the waiting list and the free places (therapists' one-to-one places
and group places) turned into an allocation problem, solved by `tutti.allocation`, and
compared with first come, first served (FCFS) on the same places.

The value of offering a referral a place with a therapist is

    value = priority total (from the waiting list) × suitability
    suitability = 1.0
                + 0.2 if the therapist specialises in one of the referral's circumstances
                + 0.2 if they share the person's preferred language, when it is not English
                + 0.2 × (1 − km / 20) when the therapist's nearest programme site is within
                  20 km of the person's home (straight-line distance between postcodes; no
                  bonus when either postcode has no known location)

A group place's suitability counts distance only (the group's age band and site decide who
may be offered it at all). So need decides who is offered a place, and suitability decides
with whom or where (a good match is worth at most 60% more points). FCFS fills the same
places in order of waiting_since, each person with the first place that fits them (therapists
by id, then groups by id).
"""

from dataclasses import dataclass, field

from tutti.allocation import INFEASIBLE, Option, Policy, Problem, Solution, solve
from tutti.allocation import Referral as AllocationReferral
from tutti.allocation import Slot as AllocationSlot
from tutti.geography.services import distance_km, resolve_postcodes
from tutti.organisations.models import Site
from tutti.waitlist.capacity import (
    GroupSlot,
    TherapistSlot,
    fits,
    group_capacity,
    individual_capacity,
)
from tutti.waitlist.selectors import Entry, waiting_list

SPECIALISM_BONUS = 0.2
LANGUAGE_BONUS = 0.2
DISTANCE_BONUS = 0.2
NEARBY_KM = 20.0


def _norm(text):
    return (text or "").strip().casefold()


def suitability(entry: Entry, therapist, *, km: float | None = None) -> tuple[float, list[str]]:
    """The factor and the reasons for it, in plain words. `km`: from home to the nearest site
    of the place, when both are known. For a group place (`therapist` None) only distance
    counts."""
    factor, reasons = 1.0, []
    if therapist is None:
        return _nearby(factor, reasons, km, "meets")
    shared = set(entry.referral.circumstances or []) & set(therapist.specialisms or [])
    if shared:
        factor += SPECIALISM_BONUS
        reasons.append("specialises in their circumstances")
    language = _norm(entry.person.preferred_language)
    if language and language != "english":
        if language in {_norm(lang) for lang in therapist.languages or []}:
            factor += LANGUAGE_BONUS
            reasons.append(f"speaks {entry.person.preferred_language}")
    return _nearby(factor, reasons, km, "works")


def _nearby(factor, reasons, km, verb):
    if km is not None and km < NEARBY_KM:
        factor += DISTANCE_BONUS * (1 - km / NEARBY_KM)
        reasons.append(f"{verb} {km:.1f} km from their home")
    return factor, reasons


def travel_km(entries, capacity) -> dict:
    """{(referral pk, slot id): km from the person's home to the nearest site of the place
    (a therapist's programme sites, or the group's site)}, for the pairs whose postcodes both
    have a known location."""
    site_ids = set().union(*(slot.site_ids for slot in capacity)) if capacity else set()
    site_postcodes = dict(Site.objects.filter(pk__in=site_ids).values_list("pk", "postcode"))
    homes = [e.person.postcode for e in entries if e.person.postcode]
    places = resolve_postcodes([*homes, *site_postcodes.values()]) if site_postcodes else {}

    def point(postcode):
        place = places.get(postcode)
        if place is None or place.lat is None or place.long is None:
            return None
        return place.lat, place.long

    sites = {pk: point(postcode) for pk, postcode in site_postcodes.items()}
    km = {}
    for entry in entries:
        home = point(entry.person.postcode)
        if home is None:
            continue
        for slot in capacity:
            found = [distance_km(*home, *sites[s]) for s in slot.site_ids if sites.get(s)]
            if found:
                km[(entry.referral.pk, slot.id)] = min(found)
    return km


def _suitability(entry, slot, km):
    return suitability(entry, slot.therapist, km=km.get((entry.referral.pk, slot.id)))


@dataclass(frozen=True)
class Proposed:
    entry: Entry
    slot: TherapistSlot | GroupSlot
    value: float
    reasons: tuple[str, ...]

    @property
    def therapist(self):
        return self.slot.therapist

    @property
    def group(self):
        return self.slot.group if isinstance(self.slot, GroupSlot) else None

    @property
    def place(self) -> str:
        return self.slot.label if self.group else str(self.therapist)

    @property
    def assignment(self) -> str:
        """What the confirmation form sends back: "REFERENCE:THERAPIST_ID" or
        "REFERENCE:G-GROUP_ID" (see services.parse_assignments)."""
        target = self.slot.id if self.group else self.therapist.pk
        return f"{self.entry.referral.reference}:{target}"


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
    def therapist_slots(self):
        return [slot for slot in self.capacity if not isinstance(slot, GroupSlot)]

    @property
    def group_slots(self):
        return [slot for slot in self.capacity if isinstance(slot, GroupSlot)]

    @property
    def metrics(self):
        return metrics(self.entries, self.proposed)

    @property
    def fcfs_metrics(self):
        return metrics(self.entries, self.fcfs)


def _options(entry, capacity, km):
    options = []
    for slot in capacity:
        if slot.places and fits(slot, entry.referral):
            factor, reasons = _suitability(entry, slot, km)
            options.append((slot, round(entry.priority.total * factor, 6), reasons))
    return options


def build_problem(entries, capacity, *, equity=True, km=None):
    km = travel_km(entries, capacity) if km is None else km
    referrals = [
        AllocationReferral(
            id=entry.referral.reference,
            priority=max(0.0, float(entry.priority.total)),
            waited_days=entry.waited_days,
            imd_quintile=entry.person.imd_quintile,
            options=tuple(Option(slot=s.id, value=v) for s, v, _ in _options(entry, capacity, km)),
        )
        for entry in entries
    ]
    slots = [AllocationSlot(id=s.id, capacity=s.places) for s in capacity]
    return Problem.from_records(referrals=referrals, slots=slots, policy=Policy(equity=equity))


def proposal_build(programme, *, equity=True, on=None, now=None) -> Proposal:
    """A dry run: nothing is saved."""
    entries, _ = waiting_list(programme, now=now)
    capacity = [*individual_capacity(programme, on=on), *group_capacity(programme)]
    km = travel_km(entries, capacity)
    problem = build_problem(entries, capacity, equity=equity, km=km)
    solution = solve(problem)
    by_reference = {e.referral.reference: e for e in entries}
    by_slot = {s.id: s for s in capacity}
    proposed = []
    for assignment in solution.assignments:
        entry, slot = by_reference[assignment.referral], by_slot[assignment.slot]
        factor, reasons = _suitability(entry, slot, km)
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
        fcfs=first_come_first_served(entries, capacity, km),
    )


def first_come_first_served(entries, capacity, km=None) -> list[Proposed]:
    km = {} if km is None else km
    left = {s.id: s.places for s in capacity}
    chosen = []
    for entry in sorted(
        entries, key=lambda e: (e.referral.waiting_since or e.referral.received_at, e.referral.pk)
    ):
        for slot in capacity:
            if left[slot.id] and fits(slot, entry.referral):
                left[slot.id] -= 1
                factor, reasons = _suitability(entry, slot, km)
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
