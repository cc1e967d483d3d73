"""Waiting lists: who waits for each programme, in priority order, with the reasons."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from tutti.referrals.models import Referral, Status
from tutti.waitlist.models import PriorityPolicy
from tutti.waitlist.priority import Priority, priority_of, weights_of

AGE_BANDS = [
    ("0-11", "0 to 11", 0, 11),
    ("12-17", "12 to 17", 12, 17),
    ("18-24", "18 to 24", 18, 24),
    ("25-64", "25 to 64", 25, 64),
    ("65+", "65 and over", 65, 200),
]


def age_band(age):
    for code, _, low, high in AGE_BANDS:
        if low <= age <= high:
            return code
    return ""


@dataclass(frozen=True)
class Entry:
    referral: Referral
    priority: Priority
    age: int
    waited_days: int
    over_target: bool
    position: int = 0

    @property
    def person(self):
        return self.referral.person


@dataclass(frozen=True)
class Filters:
    age_band: str = ""
    imd_quintile: int | None = None
    need: str = ""
    route: str = ""
    min_weeks: int | None = None
    site: int | None = None
    sort: str = "priority"


def policy_for(programme):
    return PriorityPolicy.objects.filter(programme=programme).first()


def waiting_list(programme, *, filters=Filters(), weights=None, now: datetime | None = None):
    """Every referral waiting for the programme, highest priority first (or longest wait).

    Positions are on the whole list; filters narrow what is shown, never the positions.
    """
    now = now or timezone.now()
    if weights is None:
        weights = weights_of(policy_for(programme))
    referrals = (
        Referral.objects.filter(programme=programme, status=Status.WAITING)
        .select_related("person", "site")
        .order_by("pk")
    )
    target_days = programme.target_wait_weeks * 7
    entries = []
    for referral in referrals:
        since = referral.waiting_since or referral.received_at
        waited = max(0, (now - since).days)
        entries.append(
            Entry(
                referral=referral,
                priority=priority_of(
                    referral,
                    referral.person,
                    weights=weights,
                    now=now,
                    priority_circumstances=programme.priority_circumstances,
                ),
                age=referral.person.age_on(timezone.localdate(now)),
                waited_days=waited,
                over_target=waited > target_days,
            )
        )
    # Ties go to whoever has waited longer, then to whoever was referred first.
    entries.sort(key=lambda e: (-e.priority.total, -e.waited_days, e.referral.pk))
    entries = [
        Entry(**{**e.__dict__, "position": index}) for index, e in enumerate(entries, start=1)
    ]
    shown = [e for e in entries if _matches(e, filters)]
    if filters.sort == "wait":
        shown.sort(key=lambda e: (-e.waited_days, e.position))
    return entries, shown


def _matches(entry, filters):
    referral, person = entry.referral, entry.referral.person
    if filters.age_band and age_band(entry.age) != filters.age_band:
        return False
    if filters.imd_quintile and person.imd_quintile != filters.imd_quintile:
        return False
    if filters.need and filters.need not in referral.needs:
        return False
    if filters.route and referral.route != filters.route:
        return False
    if filters.min_weeks is not None and entry.waited_days < filters.min_weeks * 7:
        return False
    if filters.site and referral.site_id != filters.site:
        return False
    return True


def waiting_counts():
    """Per programme: how many wait, and how many beyond the programme's target."""
    from django.db.models import Count

    counts = dict(
        Referral.objects.filter(status=Status.WAITING)
        .values_list("programme_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return counts
