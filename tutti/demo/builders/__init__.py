"""Builders for the demo service: each function makes one part of it, in the order below.

`build_demo` is the whole story; `manage.py seed_demo` calls it. Everything is drawn from
one seeded random source (and a Faker seeded the same way), so a seed always tells the
same story, dated relative to today.
"""

from dataclasses import dataclass

from auditlog.context import set_actor
from django.db import transaction

from .base import Demo
from .journeys import person_with_referrals
from .places import build_places
from .plans import MINIMUM_PEOPLE, referral_plan
from .programmes import build_programmes
from .team import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    build_demo_logins,
    build_team,
    coordinator_new,
    user_save,
)

__all__ = ["DEMO_LOGINS", "DEMO_PASSWORD", "MINIMUM_PEOPLE", "Summary", "build_demo"]


@dataclass
class Summary:
    organisations: int
    sites: int
    programmes: int
    therapists: int
    people: int
    referrals: int


def _no_progress(iterable, **kwargs):
    return iterable


def build_demo(*, people, seed, progress=_no_progress) -> Summary:
    """Build the whole demo service in one transaction, recorded as the coordinator's work.

    `progress(iterable, total=…, desc=…)` wraps the people loop (seed_demo passes tqdm).
    """
    demo = Demo.start(seed)
    coordinator = coordinator_new(demo)
    referrals = 0
    with transaction.atomic(), set_actor(coordinator):
        user_save(coordinator)  # first, so every change after it has an actor (itself too)
        build_places(demo)
        build_demo_logins(demo)
        build_programmes(demo)
        build_team(demo)
        plans = referral_plan(demo, people)
        for plan in progress(plans, total=len(plans), desc="People"):
            _, made = person_with_referrals(demo, plan)
            referrals += len(made)
    return Summary(
        organisations=len(demo.organisations),
        sites=len(demo.sites),
        programmes=len(demo.programmes),
        therapists=len(demo.therapists),
        people=len(plans),
        referrals=referrals,
    )
