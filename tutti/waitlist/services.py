from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tutti.delivery.models import Group, Offer
from tutti.delivery.services.offers import (
    RESPOND_WITHIN,
    individual_slots,
    offer_make,
    offer_record,
    taken_times,
)
from tutti.referrals.models import Referral, Status
from tutti.waitlist.capacity import checked_on, individual_capacity, serves
from tutti.waitlist.models import PriorityPolicy
from tutti.waitlist.priority import COMPONENTS
from tutti.workforce.models import Therapist
from tutti.workforce.selectors import ensure_therapist_can_take_new_clients


@transaction.atomic
def priority_policy_save(*, programme, weights: dict, actor) -> PriorityPolicy:
    """Set a programme's weights (django-auditlog records the change and who made it)."""
    policy, _ = PriorityPolicy.objects.select_for_update().get_or_create(programme=programme)
    for name in COMPONENTS:
        setattr(policy, name, weights[name])
    policy.updated_by = actor
    policy.full_clean()
    policy.save()
    return policy


# ---------------------------------------------------------------------------------------
# Confirming an allocation proposal


@dataclass(frozen=True)
class Skipped:
    reference: str
    reason: str


@dataclass
class Confirmation:
    offered: list = field(default_factory=list)  # referrals moved to 'offered'
    places: dict = field(default_factory=dict)  # reference: where the offer is, in words
    skipped: list = field(default_factory=list)  # Skipped, each with the reason in plain words


GROUP_PREFIX = "G-"


def parse_assignments(values) -> tuple[list[tuple[str, int | str]], list[Skipped]]:
    """Hidden fields "REFERENCE:THERAPIST_ID" or "REFERENCE:G-GROUP_ID" → pairs of the
    reference and the therapist's id (an int) or "G-<group id>"; anything else is reported,
    not used."""
    pairs, bad = [], []
    for value in values:
        reference, _, target = (value or "").partition(":")
        reference, target = reference.strip(), target.strip()
        if reference and target.isdigit():
            pairs.append((reference, int(target)))
        elif reference and target.startswith(GROUP_PREFIX) and target[2:].isdigit():
            pairs.append((reference, target))
        else:
            bad.append(Skipped(reference or "(none)", f"“{value[:40]}” is not a proposed offer."))
    return pairs, bad


@transaction.atomic
def allocation_confirm(*, programme, assignments, actor, on=None, base_url="") -> Confirmation:
    """Offer each referral a place with its therapist, as far as places are still free.

    Each offer is a real Offer (individual sessions) at the therapist's first weekly time
    still free (tutti.delivery.services.offers.offer_record); the person or their main
    contact is emailed a link to answer when an address is known and `base_url` is given.

    The therapists' rows are locked (in id order, so two confirmations cannot deadlock) before
    their places are counted, so two coordinators confirming at once are served one after the
    other and the second sees the first's offers: nobody is ever over-filled. Anything that no
    longer fits (the referral is no longer waiting, the therapist has no place left or may not
    take new clients) is skipped with the reason.
    """
    result = Confirmation()
    therapist_ids = sorted({target for _, target in assignments if isinstance(target, int)})
    group_ids = sorted({int(t[2:]) for _, t in assignments if isinstance(t, str)})
    locked = list(Therapist.objects.select_for_update().filter(pk__in=therapist_ids).order_by("pk"))
    # Groups are locked here too, before any referral, so that two confirmations always take
    # their locks in the same order (therapists, groups, then referrals).
    groups = {
        group.pk: group
        for group in Group.objects.select_for_update()
        .filter(pk__in=group_ids, programme=programme)
        .order_by("pk")
    }
    capacity = {s.therapist.pk: s for s in individual_capacity(programme, on=on, therapists=locked)}
    times = _weekly_times(programme, locked)
    left = {pk: slot.places for pk, slot in capacity.items()}
    seen = set()
    for reference, therapist_id in assignments:
        if reference in seen:
            result.skipped.append(Skipped(reference, "This referral was listed twice."))
            continue
        seen.add(reference)
        referral = (
            Referral.objects.select_for_update()
            .filter(reference=reference, programme=programme)
            .first()
        )
        if referral is None:
            result.skipped.append(
                Skipped(reference, f"There is no referral {reference} for {programme.name}.")
            )
            continue
        if isinstance(therapist_id, str):
            _offer_group_place(
                result, referral, groups.get(int(therapist_id[2:])), actor, on, base_url
            )
            continue
        reason = _cannot_offer(referral, capacity.get(therapist_id), left, on=on)
        if reason:
            result.skipped.append(Skipped(reference, reason))
            continue
        therapist = capacity[therapist_id].therapist
        weekly = _free_time(times, therapist, referral)
        offer_record(
            referral=referral,
            kind=Offer.Kind.INDIVIDUAL,
            actor=actor,
            therapist=therapist,
            site=weekly.site if weekly else _site(capacity[therapist_id], referral),
            weekday=weekly.weekday if weekly else None,
            start_time=weekly.start if weekly else None,
            respond_by=(on or timezone.localdate()) + RESPOND_WITHIN,
            reason=f"Offered a place with {therapist} (allocation)",
            base_url=base_url,
        )
        if weekly is not None:
            times["taken"].add((therapist.pk, weekly.weekday, weekly.start))
        left[therapist_id] -= 1
        result.offered.append(referral)
        result.places[referral.reference] = f"with {therapist}"
    return result


def _offer_group_place(result, referral, group, actor, on, base_url):
    """A group place, with every check `offer_make` makes (the group is already locked)."""
    if group is None:
        result.skipped.append(
            Skipped(
                referral.reference,
                f"The group proposed for {referral.reference} is not a group of this programme.",
            )
        )
        return
    try:
        with transaction.atomic():
            offer_make(
                referral=referral,
                kind=Offer.Kind.GROUP,
                group=group,
                actor=actor,
                on=on,
                base_url=base_url,
            )
    except ValidationError as error:
        result.skipped.append(
            Skipped(referral.reference, f"{referral.reference}: {' '.join(error.messages)}")
        )
        return
    referral.refresh_from_db()
    result.offered.append(referral)
    result.places[referral.reference] = f"a place in {group}"


def _weekly_times(programme, therapists):
    """The therapists' one-to-one weekly times at the programme's sites, and those taken."""
    slots = {}
    for weekly in individual_slots(programme).filter(therapist__in=therapists):
        slots.setdefault(weekly.therapist_id, []).append(weekly)
    return {"slots": slots, "taken": taken_times([t.pk for t in therapists])}


def _free_time(times, therapist, referral):
    """The first weekly time of the therapist's still free, at the site the referral asked
    for if it did. None when every time is in use: the time is then agreed with the person."""
    for weekly in times["slots"].get(therapist.pk, []):
        if referral.site_id and weekly.site_id != referral.site_id:
            continue
        if (therapist.pk, weekly.weekday, weekly.start) not in times["taken"]:
            return weekly
    return None


def _site(slot, referral):
    if referral.site_id:
        return referral.site
    if len(slot.site_ids) == 1:
        from tutti.organisations.models import Site

        return Site.objects.get(pk=next(iter(slot.site_ids)))
    return None


def _cannot_offer(referral, slot, left, *, on):
    if referral.status != Status.WAITING:
        return (
            f"{referral.reference} is no longer waiting "
            f"(now '{referral.get_status_display().lower()}')."
        )
    if slot is None:
        return (
            f"The therapist proposed for {referral.reference} has no individual slots for "
            "this programme, or may not take new clients."
        )
    try:
        ensure_therapist_can_take_new_clients(slot.therapist, on=checked_on(on=on))
    except ValidationError as error:
        return " ".join(error.message_dict.get("therapist", error.messages))
    if not serves(slot, referral):
        return f"{slot.therapist} does not work at the site {referral.reference} asked for."
    if left[slot.therapist.pk] <= 0:
        return f"{slot.therapist} has no place left, so {referral.reference} was not offered one."
    return ""
