"""Capacity for one-to-one work: how many new clients each therapist can take for a programme.

A therapist's individual places for a programme =
    min(their weekly availability slots for individual sessions at the programme's sites,
        their weekly_capacity)
    − the referrals already offered to them or in therapy with them (any programme).

Only therapists who may take new clients on the day (`therapists_available_for_allocation`)
count. Availability repeats weekly and a client keeps a weekly slot for the whole block, so
a planning horizon of several weeks gives the same places as one week: the horizon only sets
the day the therapists' registrations are checked against (the end of the horizon, so nobody
whose registration runs out in the meantime is given a client they could not see).

A group's places = its capacity − its current members − the group offers waiting for an
answer (tutti.delivery.services.offers.places.group_places), for the programme's groups that
are taking members or running. A person fits a group when their age on the day it starts (or
today, if it has started) is in its age band, and it meets at the site they asked for, if any.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count
from django.utils import timezone

from tutti.referrals.models import Referral, Status
from tutti.workforce.models import Therapist, WeeklyAvailability
from tutti.workforce.selectors import therapists_available_for_allocation

COMMITTED = (Status.OFFERED, Status.ACTIVE)
HORIZON_WEEKS = 4


@dataclass(frozen=True)
class TherapistSlot:
    therapist: Therapist
    site_ids: frozenset  # programme sites where the therapist has individual slots
    weekly_slots: int
    committed: int

    @property
    def id(self):
        return slot_id(self.therapist.pk)

    @property
    def places(self):
        return max(0, min(self.weekly_slots, self.therapist.weekly_capacity) - self.committed)


def slot_id(therapist_pk):
    return f"T-{therapist_pk}"


def checked_on(*, on: date | None = None, horizon_weeks: int = HORIZON_WEEKS) -> date:
    return (on or timezone.localdate()) + timedelta(weeks=horizon_weeks)


def committed_counts(therapist_ids):
    rows = (
        Referral.objects.filter(therapist_id__in=therapist_ids, status__in=COMMITTED)
        .values_list("therapist_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)


def individual_capacity(programme, *, on=None, horizon_weeks=HORIZON_WEEKS, therapists=None):
    """One TherapistSlot per therapist with individual availability at the programme's sites,
    in therapist order. `therapists` narrows the set (the confirmation passes locked rows)."""
    site_ids = set(programme.sites.values_list("pk", flat=True))
    available = therapists_available_for_allocation(
        on=checked_on(on=on, horizon_weeks=horizon_weeks)
    )
    if therapists is not None:
        available = available.filter(pk__in=[t.pk for t in therapists])
    slots = (
        WeeklyAvailability.objects.filter(
            therapist__in=available, site_id__in=site_ids, for_groups=False
        )
        .values_list("therapist_id", "site_id")
        .order_by()
    )
    per_therapist: dict[int, list[int]] = {}
    for therapist_id, site in slots:
        per_therapist.setdefault(therapist_id, []).append(site)
    committed = committed_counts(per_therapist)
    result = []
    for therapist in available.filter(pk__in=per_therapist).order_by("pk"):
        sites = per_therapist[therapist.pk]
        result.append(
            TherapistSlot(
                therapist=therapist,
                site_ids=frozenset(sites),
                weekly_slots=len(sites),
                committed=committed.get(therapist.pk, 0),
            )
        )
    return result


def serves(slot: TherapistSlot, referral) -> bool:
    """The referral can be seen by this therapist: at the site asked for, or any of theirs."""
    return referral.site_id is None or referral.site_id in slot.site_ids


@dataclass(frozen=True)
class GroupSlot:
    group: object  # tutti.delivery.models.Group
    free: int

    therapist = None  # a group place is not with one therapist

    @property
    def id(self):
        return f"G-{self.group.pk}"

    @property
    def places(self):
        return self.free

    @property
    def site_ids(self):
        return frozenset({self.group.site_id})

    @property
    def label(self):
        return f"{self.group.name} (group)"


def group_capacity(programme, *, groups=None) -> list[GroupSlot]:
    """One GroupSlot per group of the programme taking members or running, in group order.
    `groups` narrows the set (the confirmation passes locked rows)."""
    from tutti.delivery.models import Group
    from tutti.delivery.services.offers.places import group_places

    if groups is None:
        groups = Group.objects.filter(programme=programme).exclude(status=Group.Status.FINISHED)
        groups = groups.select_related("site").order_by("pk")
    return [GroupSlot(group=group, free=group_places(group).free) for group in groups]


def group_fits(slot: GroupSlot, referral, *, on: date | None = None) -> bool:
    group = slot.group
    if referral.site_id is not None and referral.site_id != group.site_id:
        return False
    return group.takes_age(referral.person.age_on(max(on or timezone.localdate(), group.starts_on)))


def fits(slot, referral, *, on: date | None = None) -> bool:
    """The referral could take this place: a therapist's (see `serves`) or a group's."""
    if isinstance(slot, GroupSlot):
        return group_fits(slot, referral, on=on)
    return serves(slot, referral)


__all__ = [
    "GroupSlot",
    "TherapistSlot",
    "fits",
    "group_capacity",
    "group_fits",
    "individual_capacity",
    "serves",
    "slot_id",
]
