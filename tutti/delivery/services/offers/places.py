"""Places an offer can hold: a group's places, a therapist's weekly one-to-one times and
clients. Counted inside the callers' transactions, under their row locks."""

from dataclasses import dataclass
from datetime import time

from django.db.models import Q

from tutti.delivery.models import Episode, GroupMembership, Offer
from tutti.referrals.models import Referral, Status
from tutti.workforce.models import Weekday, WeeklyAvailability

COMMITTED = (Status.OFFERED, Status.ACTIVE)


@dataclass(frozen=True)
class GroupPlaces:
    capacity: int
    members: int
    offered: int

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.members - self.offered)


def group_places(group) -> GroupPlaces:
    """A group's places: members now, offers waiting for an answer, and what is left."""
    return GroupPlaces(
        capacity=group.capacity,
        members=GroupMembership.objects.filter(group=group).current().count(),
        offered=Offer.objects.filter(group=group, status=Offer.Status.PENDING).count(),
    )


def individual_slots(programme, *, therapist=None):
    """Weekly one-to-one times at the programme's sites (all therapists', or one's)."""
    slots = WeeklyAvailability.objects.filter(
        for_groups=False, site__in=programme.sites.all()
    ).select_related("site", "therapist__user")
    if therapist is not None:
        slots = slots.filter(therapist=therapist)
    return slots.order_by("therapist__user__full_name", "therapist_id", "weekday", "start")


def _holding_slot():
    """Offers that hold their weekly time: waiting for an answer, or accepted and in therapy."""
    return Q(status=Offer.Status.PENDING) | Q(
        status=Offer.Status.ACCEPTED, episode__status=Episode.Status.ACTIVE
    )


def taken_times(therapist_ids) -> set[tuple[int, int, time]]:
    """(therapist id, weekday, start time) of every weekly time already offered or in use."""
    rows = (
        Offer.objects.filter(_holding_slot(), therapist_id__in=therapist_ids)
        .exclude(weekday=None)
        .values_list("therapist_id", "weekday", "start_time")
    )
    return set(rows)


def free_individual_slots(programme, *, therapist=None):
    slots = list(individual_slots(programme, therapist=therapist))
    taken = taken_times({slot.therapist_id for slot in slots})
    return [s for s in slots if (s.therapist_id, s.weekday, s.start) not in taken]


def committed_clients(therapist) -> int:
    return Referral.objects.filter(therapist=therapist, status__in=COMMITTED).count()


def weekday_name(weekday) -> str:
    return Weekday(weekday).label if weekday is not None else ""
