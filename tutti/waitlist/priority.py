"""Need-based priority for a waiting referral, built from explicit components.

Each component is a score from 0 to 1 (or more, for time waited) times the programme's
weight. The total orders the waiting list; the parts explain it ("why here").

- urgency: routine 0, soon 0.5, urgent 1
- isolation: lives alone 0.5, no regular social contact 0.5
- no other support: 1 when no other service is involved
- deprivation: IMD decile 1 (most deprived 10 %) scores 1, decile 10 scores 0, in even
  steps. No fixed abode (NHS pseudo-postcode ZZ99 3VZ) scores 1. A postcode whose decile
  is not known (not found, or an area without an index here) scores 0.5, the middle, so a
  gap in the data neither helps nor harms.
- priority circumstances: 1 when the referral has any circumstance the programme names
- time waited: 1 for every 4 weeks since joining the list, without limit, so that nobody
  waits forever behind newer, needier referrals.
"""

from dataclasses import dataclass
from datetime import datetime

from tutti.core.postcodes import NO_FIXED_ABODE

URGENCY_SCORE = {"routine": 0.0, "soon": 0.5, "urgent": 1.0}
DEFAULT_WEIGHTS = {
    "urgency": 3.0,
    "isolation": 2.0,
    "no_other_support": 2.0,
    "deprivation": 3.0,
    "priority_circumstances": 2.0,
    "waiting": 1.0,
}
COMPONENTS = list(DEFAULT_WEIGHTS)


@dataclass(frozen=True)
class Part:
    component: str
    score: float
    weight: float
    why: str

    @property
    def points(self):
        return round(self.score * self.weight, 2)


@dataclass(frozen=True)
class Priority:
    total: float
    parts: tuple[Part, ...]


def weights_of(policy):
    """The weights of a PriorityPolicy (or the defaults when the programme has none)."""
    if policy is None:
        return dict(DEFAULT_WEIGHTS)
    return {name: float(getattr(policy, name)) for name in COMPONENTS}


def priority_of(referral, person, *, weights, now: datetime, priority_circumstances=()):
    """The priority of one waiting referral, with each component explained in plain words."""
    parts = []

    urgency = URGENCY_SCORE.get(referral.urgency, 0.0)
    parts.append(
        Part(
            "urgency",
            urgency,
            weights["urgency"],
            f"Urgency: {referral.get_urgency_display().lower()}",
        )
    )

    isolation = 0.5 * bool(referral.lives_alone) + 0.5 * bool(referral.no_regular_social_contact)
    said = [
        text
        for flag, text in (
            (referral.lives_alone, "lives alone"),
            (referral.no_regular_social_contact, "no regular social contact"),
        )
        if flag
    ]
    parts.append(
        Part(
            "isolation",
            isolation,
            weights["isolation"],
            "Isolation: " + (" and ".join(said) if said else "none recorded"),
        )
    )

    alone = 1.0 if referral.no_other_support else 0.0
    parts.append(
        Part(
            "no_other_support",
            alone,
            weights["no_other_support"],
            "No other service involved" if alone else "Other support is involved, or not known",
        )
    )

    if person.postcode == NO_FIXED_ABODE:
        deprivation, why = 1.0, "No fixed abode"
    elif person.imd_decile:
        deprivation = (10 - person.imd_decile) / 9
        why = f"Home area in IMD decile {person.imd_decile} (1 is the most deprived)"
    else:
        deprivation, why = 0.5, "Deprivation of the home area not known"
    parts.append(Part("deprivation", round(deprivation, 4), weights["deprivation"], why))

    named = sorted(set(referral.circumstances) & set(priority_circumstances))
    parts.append(
        Part(
            "priority_circumstances",
            1.0 if named else 0.0,
            weights["priority_circumstances"],
            (
                "Circumstances this programme puts first: "
                + ", ".join(c.replace("_", " ") for c in named)
            )
            if named
            else "None of the circumstances this programme puts first",
        )
    )

    since = referral.waiting_since or referral.received_at
    days = max(0, (now - since).days)
    parts.append(
        Part("waiting", round(days / 28, 4), weights["waiting"], f"Waiting {days // 7} weeks")
    )

    total = round(sum(part.points for part in parts), 2)
    return Priority(total=total, parts=tuple(parts))
