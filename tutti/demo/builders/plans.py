"""Where each person's referral has got to today: a plan per person.

Statuses come in a believable mix (most people are waiting), and a few reserved plans make
sure every demo log-in has something to look at, however few people are made.
"""

from dataclasses import dataclass, replace

from tutti.referrals.models import Status

from .base import Demo
from .programmes import SPECS, SPECS_BY_CODE

# Where referrals have got to today, as shares of all referrals.
STATUS_SHARES = {
    Status.RECEIVED: 7,
    Status.INFO_REQUESTED: 4,
    Status.WAITING: 36,
    Status.OFFERED: 7,
    Status.ACTIVE: 15,
    Status.COMPLETED: 14,
    Status.DECLINED: 5,
    Status.SIGNPOSTED: 5,
    Status.WITHDRAWN: 7,
}
MINIMUM_PEOPLE = 30  # enough for every status and every demo log-in to have something to show


@dataclass
class Plan:
    """Where one referral has got to today, and anything the demo needs it to show."""

    status: Status
    programme: str  # programme code
    therapist: str | None = None  # key of a TeamMember, for offered and later
    by_referrer: bool = False  # made by the demo referrer through the portal
    decline: str = ""  # "area", "age" or "other"


# Referrals every demo log-in needs to see something: the therapist's and the supervised
# trainee's caseloads, the GP referrer's own referrals and the partner school's pupils.
RESERVED = [
    Plan(Status.ACTIVE, "CENTRE-INDIVIDUAL", therapist="therapist"),
    Plan(Status.ACTIVE, "CAMDEN-16-24", therapist="therapist"),
    Plan(Status.ACTIVE, "CAMDEN-16-24", therapist="therapist", by_referrer=True),
    Plan(Status.OFFERED, "CENTRE-INDIVIDUAL", therapist="therapist"),
    Plan(Status.COMPLETED, "CENTRE-INDIVIDUAL", therapist="therapist"),
    Plan(Status.ACTIVE, "AUTISM-TEENS", therapist="trainee"),
    Plan(Status.OFFERED, "CENTRE-INDIVIDUAL", therapist="trainee"),
    Plan(Status.ACTIVE, "NEURO-REHAB", therapist="supervisor"),
    Plan(Status.WAITING, "CAMDEN-16-24", by_referrer=True),
    Plan(Status.RECEIVED, "COMMUNITY-CHOIR", by_referrer=True),
    Plan(Status.WAITING, "HEREFORD-SCHOOLS"),
    Plan(Status.ACTIVE, "HEREFORD-SCHOOLS"),
    Plan(Status.RECEIVED, "HEREFORD-SCHOOLS"),
]


def referral_plan(demo: Demo, count) -> list[Plan]:
    """`count` plans: the reserved ones, then each status in its share, in shuffled order."""
    wanted = {status: max(1, round(share * count / 100)) for status, share in STATUS_SHARES.items()}
    for plan in RESERVED:
        wanted[plan.status] -= 1
    # Whatever rounding leaves over joins the waiting list, like most referrals.
    others = sum(max(0, n) for status, n in wanted.items() if status != Status.WAITING)
    wanted[Status.WAITING] = count - len(RESERVED) - others
    shares = {spec.code: spec.share for spec in SPECS}
    plans = [replace(plan) for plan in RESERVED]  # copies: plans are changed below
    for status, n in wanted.items():
        plans += [Plan(status, demo.weighted(shares)) for _ in range(max(0, n))]
    demo.rng.shuffle(plans)
    for plan in plans:
        if plan.status == Status.DECLINED:
            plan.decline = _decline_kind(demo, SPECS_BY_CODE[plan.programme])
    return plans


def _decline_kind(demo, spec):
    kinds = {"other": 2}
    if any(la.startswith("E09") for la in spec.local_authorities):  # London programmes
        kinds["area"] = 5
    if spec.min_age or spec.max_age:
        kinds["age"] = 3
    return demo.weighted(kinds)
