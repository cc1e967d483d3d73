"""Realistic referral streams and service capacity, for the simulation and the benchmark.

Everything is drawn from one seeded NumPy generator, so a stream is the same every time, and
both allocation policies are run on the very same referrals, capacity and withdrawals.

What is data and what is assumption:

- IMD deciles: real. A referral's district is drawn in proportion to its LSOAs and its decile
  from that district's IMD 2025 decile counts (`imd.py`), weighted by REFERRAL_GRADIENT.
- REFERRAL_GRADIENT (assumption): referrals per head fall from 1.5× the average in decile 1 to
  0.7× in decile 10, because need for mental-health support rises with deprivation (NHS
  Digital's MHCYP surveys find rates of disorder roughly twice as high in the poorest
  households). The exact slope is not published for music therapy; it is a parameter.
- Ages, urgency, isolation, other support, circumstances, needs: assumed shares for a music
  therapy charity working with children, young people, adults with learning disabilities and
  older people with dementia (AGE_SHARE etc. below), not measured data.
- Need score: an example priority policy of the kind a service manager sets (see `need_score`):
  the weights are the policy's, the simulation just applies them.
- Geography: districts are points on a plane; sites sit in districts; a referral can take a
  therapist or group at one of its nearest sites, and closer is more suitable.
- Capacity: a therapist opens new places as clients finish blocks of 12 sessions (Poisson,
  about one a week); a group takes a new cohort every 12 weeks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from . import imd

AGE_BANDS = ("0-4", "5-11", "12-17", "18-25", "26-64", "65+")
AGE_SHARE = (0.08, 0.27, 0.20, 0.10, 0.17, 0.18)
NEEDS = (
    "communication",
    "interaction",
    "self_expression",
    "confidence",
    "social_skills",
    "sensory_motor",
    "self_regulation",
    "emotional_wellbeing",
    "independence",
)
URGENCY_SHARE = (0.75, 0.18, 0.07)  # routine, soon, urgent (urgent more likely where deprived)
REFERRAL_GRADIENT = np.linspace(1.5, 0.7, 10)  # relative referral rate, decile 1 → 10
# Age bands each kind of therapist works with, and how common each kind is.
THERAPIST_BANDS = ((0, 1, 2), (1, 2, 3), (3, 4), (4, 5), (0, 1, 2, 3, 4, 5))
THERAPIST_KIND_SHARE = (0.35, 0.15, 0.15, 0.2, 0.15)

# A music therapy charity's centres and partner settings in ten English districts.
CHARITY_DISTRICTS = (
    "E09000007",  # Camden
    "E09000019",  # Islington
    "E09000012",  # Hackney
    "E09000030",  # Tower Hamlets
    "E08000003",  # Manchester
    "E08000021",  # Newcastle upon Tyne
    "E08000035",  # Leeds
    "E08000025",  # Birmingham
    "E06000023",  # Bristol
    "E06000052",  # Cornwall
)


@dataclass(frozen=True)
class Scale:
    name: str
    districts: tuple[str, ...] | None  # None: all of England
    sites: int
    therapists: int
    groups: int
    arrivals_per_week: float
    therapist_places_per_week: float = 1.0
    group_sizes: tuple[int, int] = (6, 8)
    group_cycle_weeks: int = 12
    sites_per_referral: int = 2  # a referral can go to this many of its nearest sites
    withdraw_per_week: float = 0.01  # chance a waiting referral leaves the list in a week

    @property
    def places_per_week(self) -> float:
        groups = self.groups * sum(self.group_sizes) / 2 / self.group_cycle_weeks
        return self.therapists * self.therapist_places_per_week + groups


# About 75 new places a week and 4,600 referrals a year: a charity that reaches ~4,500 people.
CHARITY = Scale(
    "charity", CHARITY_DISTRICTS, sites=14, therapists=60, groups=24, arrivals_per_week=90
)
# National scale: 2,000 therapists and 1,000 groups across England.
NATIONAL = Scale(
    "national",
    None,
    sites=400,
    therapists=2000,
    groups=1000,
    arrivals_per_week=3100,
    sites_per_referral=3,
)


@dataclass(frozen=True, eq=False)
class Service:
    """Sites, therapists and groups. Slots 0..T-1 are therapists, T..T+G-1 groups."""

    scale: Scale
    site_xy: np.ndarray
    site_district: np.ndarray  # index into `district_codes`
    district_codes: tuple[str, ...]
    district_xy: np.ndarray
    slot_site: np.ndarray
    slot_bands: np.ndarray  # bool [slot, age band]
    slot_is_group: np.ndarray
    slot_specialism: np.ndarray  # index into NEEDS (the need a therapist works with most)
    group_size: np.ndarray  # places per cohort (groups only; 0 for therapists)
    group_offset: np.ndarray  # week in the cycle when the group starts a cohort

    @property
    def n_slots(self) -> int:
        return len(self.slot_site)

    def slot_ids(self) -> tuple[str, ...]:
        return tuple(
            f"G{i}" if group else f"T{i}" for i, group in enumerate(self.slot_is_group.tolist())
        )

    def capacity(self, week: int, rng: np.random.Generator) -> np.ndarray:
        """New places each slot offers in `week`."""
        cap = np.zeros(self.n_slots, dtype=np.int64)
        therapists = ~self.slot_is_group
        cap[therapists] = rng.poisson(self.scale.therapist_places_per_week, therapists.sum())
        starting = self.slot_is_group & (
            (week + self.group_offset) % self.scale.group_cycle_weeks == 0
        )
        cap[starting] = self.group_size[starting]
        return cap


@dataclass(frozen=True, eq=False)
class Referrals:
    """A stream of referrals as arrays (one entry per referral, in order of arrival)."""

    arrival_day: np.ndarray  # days from the start; negative for the list already waiting
    withdraw_day: np.ndarray  # the day the referral would leave the list if not yet offered
    decile: np.ndarray
    age_band: np.ndarray  # index into AGE_BANDS
    urgency: np.ndarray  # 0 routine, 1 soon, 2 urgent
    isolated: np.ndarray
    no_other_support: np.ndarray
    priority_circumstance: np.ndarray
    needs: np.ndarray  # bool [referral, need]
    option_start: np.ndarray  # CSR over the options below
    option_slot: np.ndarray
    option_suitability: np.ndarray  # in (0, 1]: distance, specialism

    def __len__(self) -> int:
        return len(self.arrival_day)

    @property
    def quintile(self) -> np.ndarray:
        return imd.quintile_of(self.decile)

    @property
    def need(self) -> np.ndarray:
        return need_score(self)


def need_score(r: Referrals) -> np.ndarray:
    """The example policy's need score: the priority before any ageing.

    1 + 3 per urgency step (soon 3, urgent 6) + 1.5 if isolated + 1 if no other service is
    involved + up to 1.5 for deprivation (decile 1 gets 1.5, decile 10 gets 0) + 1 for a
    circumstance the programme names as a priority."""
    return (
        1.0
        + 3.0 * r.urgency
        + 1.5 * r.isolated
        + 1.0 * r.no_other_support
        + 1.5 * (10 - r.decile) / 9
        + 1.0 * r.priority_circumstance
    )


def make_service(scale: Scale, rng: np.random.Generator) -> Service:
    everywhere = imd.districts()
    codes = tuple(scale.districts) if scale.districts else tuple(sorted(everywhere))
    lsoas = np.array([everywhere[c].lsoas for c in codes], dtype=np.float64)
    # Districts scattered on a plane, about 1 unit apart; sites placed in proportion to size,
    # at least one in every district a charity names.
    district_xy = rng.uniform(0, np.sqrt(len(codes)), (len(codes), 2))
    if scale.districts:
        extra = rng.choice(len(codes), scale.sites - len(codes), p=lsoas / lsoas.sum())
        site_district = np.concatenate([np.arange(len(codes)), extra])
    else:
        site_district = rng.choice(len(codes), scale.sites, p=lsoas / lsoas.sum())
    site_district = np.sort(site_district)
    site_xy = district_xy[site_district] + rng.normal(0, 0.15, (scale.sites, 2))

    # Staff and groups go where the referrals come from: each site gets a share of its
    # district's expected referrals (largest-remainder rounding, at least one therapist).
    demand = (np.array([everywhere[c].deciles for c in codes]) * REFERRAL_GRADIENT).sum(axis=1)
    per_site = demand[site_district] / np.bincount(site_district)[site_district]
    n_t, n_g = scale.therapists, scale.groups
    therapist_site = _spread(n_t, per_site, minimum=1)
    group_site = _spread(n_g, per_site, minimum=0)
    bands = np.zeros((n_t + n_g, len(AGE_BANDS)), dtype=bool)
    kinds = rng.choice(len(THERAPIST_BANDS), n_t, p=THERAPIST_KIND_SHARE)
    for t, kind in enumerate(kinds.tolist()):
        bands[t, list(THERAPIST_BANDS[kind])] = True
    # A group takes one age band or two neighbouring ones, in proportion to who is referred.
    first = rng.choice(len(AGE_BANDS), n_g, p=AGE_SHARE)
    bands[n_t + np.arange(n_g), first] = True
    wide = rng.random(n_g) < 0.5
    second = np.clip(first + 1, 0, len(AGE_BANDS) - 1)
    bands[n_t + np.arange(n_g)[wide], second[wide]] = True
    is_group = np.arange(n_t + n_g) >= n_t
    size = np.zeros(n_t + n_g, dtype=np.int64)
    size[n_t:] = rng.integers(scale.group_sizes[0], scale.group_sizes[1] + 1, n_g)
    offset = np.zeros(n_t + n_g, dtype=np.int64)
    offset[n_t:] = rng.integers(0, scale.group_cycle_weeks, n_g)
    return Service(
        scale=scale,
        site_xy=site_xy,
        site_district=site_district,
        district_codes=codes,
        district_xy=district_xy,
        slot_site=np.concatenate([therapist_site, group_site]),
        slot_bands=bands,
        slot_is_group=is_group,
        slot_specialism=rng.integers(0, len(NEEDS), n_t + n_g),
        group_size=size,
        group_offset=offset,
    )


def _spread(count: int, weights: np.ndarray, *, minimum: int) -> np.ndarray:
    """`count` items over len(weights) places in proportion to the weights, as the place of
    each item (sorted), with at least `minimum` per place."""
    share = weights / weights.sum() * (count - minimum * len(weights))
    whole = np.floor(share).astype(np.int64)
    extra = np.argsort(-(share - whole), kind="stable")[
        : count - minimum * len(weights) - whole.sum()
    ]
    whole[extra] += 1
    return np.repeat(np.arange(len(weights)), whole + minimum)


def make_referrals(service: Service, rng: np.random.Generator, arrival_day) -> Referrals:
    """Referrals arriving on the given days (sorted)."""
    scale = service.scale
    arrival = np.asarray(arrival_day, dtype=np.float64)
    count = len(arrival)
    everywhere = imd.districts()
    codes = service.district_codes
    # Where referrals come from: districts served, in proportion to LSOAs × referral gradient.
    counts = np.array([everywhere[c].deciles for c in codes], dtype=np.float64)
    weighted = counts * REFERRAL_GRADIENT
    served = np.unique(service.site_district)
    district_p = np.zeros(len(codes))
    district_p[served] = weighted[served].sum(axis=1)
    district = rng.choice(len(codes), count, p=district_p / district_p.sum())
    decile = np.empty(count, dtype=np.int64)
    for d in np.unique(district).tolist():
        here = np.flatnonzero(district == d)
        decile[here] = 1 + rng.choice(10, len(here), p=weighted[d] / weighted[d].sum())
    deprived = (10 - decile) / 9  # 1 in decile 1, 0 in decile 10

    age = rng.choice(len(AGE_BANDS), count, p=AGE_SHARE)
    u = rng.random(count)
    shift = 0.05 * (deprived - 0.5)  # urgent a little more often where deprived
    urgency = np.where(
        u < URGENCY_SHARE[0] - shift, 0, np.where(u < 1 - URGENCY_SHARE[2] - shift / 2, 1, 2)
    )
    isolated = rng.random(count) < np.where(age == 5, 0.4, 0.15)
    no_other = rng.random(count) < 0.35 + 0.2 * deprived
    circumstance = rng.random(count) < 0.3
    needs = np.zeros((count, len(NEEDS)), dtype=bool)
    n_needs = rng.integers(1, 5, count)
    for k in range(1, 5):
        rows = np.flatnonzero(n_needs == k)
        picks = np.argsort(rng.random((len(rows), len(NEEDS))), axis=1)[:, :k]
        needs[rows[:, None], picks] = True

    # Leaves the list (if still waiting) after a geometric number of weeks.
    withdraw = (
        arrival + 7 * rng.geometric(scale.withdraw_per_week, count) - rng.uniform(0, 7, count)
    )
    withdraw = np.maximum(withdraw, arrival)

    xy = service.district_xy[district] + rng.normal(0, 0.25, (count, 2))
    start, slot, suit = _options(service, xy, age, needs, rng)
    return Referrals(
        arrival_day=arrival,
        withdraw_day=withdraw,
        decile=decile,
        age_band=age,
        urgency=urgency,
        isolated=isolated,
        no_other_support=no_other,
        priority_circumstance=circumstance,
        needs=needs,
        option_start=start,
        option_slot=slot,
        option_suitability=suit,
    )


def _options(service: Service, xy, age, needs, rng):
    """Each referral may take a therapist or group at one of its nearest sites that works with
    its age band. Suitability: 0.55 to 0.85 by distance, +0.15 when a therapist's specialism
    is one of the referral's needs (a group gets +0.05 for everyone)."""
    k = min(service.scale.sites_per_referral, len(service.site_xy))
    distance, near = cKDTree(service.site_xy).query(xy, k=k)
    distance = distance.reshape(len(xy), k)
    near = near.reshape(len(xy), k)
    slots_at = [np.flatnonzero(service.slot_site == s) for s in range(len(service.site_xy))]
    per_site = np.array([len(s) for s in slots_at])
    slot_table = np.full((len(slots_at), per_site.max()), -1, dtype=np.int64)
    for s, slots in enumerate(slots_at):
        slot_table[s, : len(slots)] = slots

    # Candidate (referral, slot) pairs: every slot at each near site, then keep the matches.
    cand = slot_table[near].reshape(len(xy), -1)  # [referral, k * per_site]
    ok = cand >= 0
    ok[ok] = service.slot_bands[cand[ok], np.repeat(age, ok.sum(axis=1))]
    rows, cols = np.nonzero(ok)
    slot = cand[rows, cols]
    closeness = 1 - np.clip(distance[rows, cols // slot_table.shape[1]] / 1.5, 0, 1)
    specialism = needs[rows, service.slot_specialism[slot]] & ~service.slot_is_group[slot]
    suit = 0.8 + 0.12 * closeness + 0.08 * specialism + 0.02 * service.slot_is_group[slot]
    suit = np.round(suit, 3)
    start = np.zeros(len(xy) + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=len(xy)), out=start[1:])
    return start, slot, suit


def gather_options(r: Referrals, idx: np.ndarray, open_slots: np.ndarray | None = None):
    """The options of referrals `idx` (in that order) as CSR arrays (start, slot,
    suitability), keeping only slots where `open_slots` is true."""
    lo, hi = r.option_start[idx], r.option_start[idx + 1]
    lengths = hi - lo
    positions = np.repeat(lo - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
    owner = np.repeat(np.arange(len(idx)), lengths)
    slot = r.option_slot[positions]
    suit = r.option_suitability[positions]
    if open_slots is not None:
        keep = open_slots[slot]
        slot, suit, owner = slot[keep], suit[keep], owner[keep]
    start = np.zeros(len(idx) + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner, minlength=len(idx)), out=start[1:])
    return start, slot, suit
