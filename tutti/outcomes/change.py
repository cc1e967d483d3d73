"""Change from baseline, and whether it is reliable (Jacobson & Truax 1991).

SEdiff = SD × √2 × √(1 − r); a change is reliable when it exceeds 1.96 × SEdiff (the 95%
level). Whether a rise is an improvement depends on the measure: higher is better for
wellbeing (WEMWBS, SWEMWBS), lower is better for distress and loneliness (CORE-10, UCLA).

Jacobson NS, Truax P. Clinical significance: a statistical approach to defining meaningful
change in psychotherapy research. J Consult Clin Psychol 1991;59(1):12–19.
"""

import math
from dataclasses import dataclass
from enum import StrEnum

Z_95 = 1.96


class Category(StrEnum):
    IMPROVEMENT = "reliable_improvement"
    NO_CHANGE = "no_reliable_change"
    DETERIORATION = "reliable_deterioration"
    NOT_SET = "not_set"  # no SD and reliability stored: change shown, not categorised

    @property
    def label(self):
        return {
            "reliable_improvement": "Reliable improvement",
            "no_reliable_change": "No reliable change",
            "reliable_deterioration": "Reliable deterioration",
            "not_set": "Reliable change not worked out",
        }[self.value]


def se_difference(*, sd: float, reliability: float) -> float:
    return sd * math.sqrt(2) * math.sqrt(1 - reliability)


def criterion(*, sd: float, reliability: float) -> float:
    """The size of change that must be exceeded to count as reliable."""
    return Z_95 * se_difference(sd=sd, reliability=reliability)


@dataclass(frozen=True)
class Change:
    baseline: float
    latest: float
    difference: float
    category: Category
    criterion: float | None = None
    rci: float | None = None  # the change in units of SEdiff

    @property
    def improved(self):
        return self.category == Category.IMPROVEMENT

    @property
    def label(self):
        return self.category.label


def reliable_change(*, baseline, latest, sd, reliability, higher_is_better) -> Change:
    """Categorise the change from `baseline` to `latest` (numbers on the measure's scale)."""
    baseline, latest = float(baseline), float(latest)
    # Scores carry at most 2 decimal places: round away float noise before comparing.
    difference = round(latest - baseline, 6)
    if sd is None or reliability is None:
        return Change(baseline, latest, difference, Category.NOT_SET)
    se = se_difference(sd=float(sd), reliability=float(reliability))
    needed = Z_95 * se
    if abs(difference) <= needed:
        category = Category.NO_CHANGE
    elif (difference > 0) == higher_is_better:
        category = Category.IMPROVEMENT
    else:
        category = Category.DETERIORATION
    return Change(baseline, latest, difference, category, needed, difference / se)


def threshold_text(value: float) -> str:
    """The criterion as people read it, to 2 places and rounded down: scores carry 2 decimal
    places, so "more than 2.87" is exactly right for a criterion of 2.8755."""
    return f"{math.floor(value * 100 + 1e-9) / 100:.2f}"


def direction_word(difference: float, *, higher_is_better: bool) -> str:
    if difference == 0:
        return "no change"
    better = (difference > 0) == higher_is_better
    return "better" if better else "worse"
