from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from tutti.referrals.models import Referral, Status
from tutti.referrals.services import referral_move
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
    skipped: list = field(default_factory=list)  # Skipped, each with the reason in plain words


def parse_assignments(values) -> tuple[list[tuple[str, int]], list[Skipped]]:
    """Hidden fields "REFERENCE:THERAPIST_ID" → pairs; anything else is reported, not used."""
    pairs, bad = [], []
    for value in values:
        reference, _, therapist = (value or "").partition(":")
        if not reference or not therapist.isdigit():
            bad.append(Skipped(reference or "(none)", f"“{value[:40]}” is not a proposed offer."))
        else:
            pairs.append((reference.strip(), int(therapist)))
    return pairs, bad


@transaction.atomic
def allocation_confirm(*, programme, assignments, actor, on=None) -> Confirmation:
    """Offer each referral a place with its therapist, as far as places are still free.

    The therapists' rows are locked (in id order, so two confirmations cannot deadlock) before
    their places are counted, so two coordinators confirming at once are served one after the
    other and the second sees the first's offers: nobody is ever over-filled. Anything that no
    longer fits (the referral is no longer waiting, the therapist has no place left or may not
    take new clients) is skipped with the reason.
    """
    result = Confirmation()
    therapist_ids = sorted({therapist_id for _, therapist_id in assignments})
    locked = list(Therapist.objects.select_for_update().filter(pk__in=therapist_ids).order_by("pk"))
    capacity = {s.therapist.pk: s for s in individual_capacity(programme, on=on, therapists=locked)}
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
        reason = _cannot_offer(referral, capacity.get(therapist_id), left, on=on)
        if reason:
            result.skipped.append(Skipped(reference, reason))
            continue
        therapist = capacity[therapist_id].therapist
        referral.therapist = therapist
        referral.save(update_fields=["therapist", "updated_at"])
        referral_move(
            referral=referral,
            to=Status.OFFERED,
            actor=actor,
            reason=f"Offered a place with {therapist} (allocation)",
        )
        left[therapist_id] -= 1
        result.offered.append(referral)
    return result


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
