"""Making an offer: by hand (`offer_make`, with every check) or from a confirmed
allocation (`offer_record`, the checks made by the caller under its own locks)."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tutti.delivery.models import Group, Offer
from tutti.delivery.services.calendar import day_text
from tutti.delivery.services.offers.links import offer_link_queue
from tutti.delivery.services.offers.places import (
    committed_clients,
    group_places,
    taken_times,
    weekday_name,
)
from tutti.referrals.models import Referral, Status
from tutti.referrals.services import referral_move
from tutti.workforce.models import Therapist
from tutti.workforce.selectors import therapist_can_take_new_clients

RESPOND_WITHIN = timedelta(days=14)


def describe(offer) -> str:
    """The offer in a few words, for the referral's history."""
    if offer.kind == Offer.Kind.GROUP:
        return f"Offered a place in {offer.group}"
    text = f"Offered individual sessions with {offer.therapist}"
    if offer.weekday is not None and offer.start_time is not None:
        text += f", {weekday_name(offer.weekday)}s at {offer.start_time:%H:%M}"
    if offer.site_id:
        text += f" at {offer.site}"
    return text


def not_waiting_reason(referral) -> str:
    if referral.status == Status.WAITING:
        return ""
    return (
        f"Referral {referral.reference} is not on the waiting list now "
        f"('{referral.get_status_display().lower()}'), so no offer was made."
    )


def _lock_referral(referral) -> Referral:
    # PostgreSQL refuses FOR UPDATE on the nullable side of an outer join: lock this row only.
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("person", "programme")
        .get(pk=referral.pk)
    )


@transaction.atomic
def offer_make(
    *,
    referral,
    kind,
    actor,
    therapist=None,
    slot=None,
    group=None,
    first_session_on=None,
    respond_by=None,
    send_link=True,
    base_url="",
    on=None,
) -> Offer:
    """Offer a waiting referral individual sessions (a therapist and one of their weekly
    times, from `first_session_on`) or a place in a group, to be answered by `respond_by`
    (two weeks by default). Refused, with the reason next to the field, when the therapist
    may not take new clients or has no room, the time is taken, or the group is full.

    With `send_link`, the person (or their main contact) is emailed a link to answer, when
    an email address is known.
    """
    today = on or timezone.localdate()
    if kind not in Offer.Kind.values:
        raise ValidationError({"kind": "Choose individual sessions or a place in a group."})
    errors = {}
    if kind == Offer.Kind.INDIVIDUAL:
        group = None
        if therapist is None:
            errors["therapist"] = "Choose a therapist."
        else:
            therapist = (
                Therapist.objects.select_for_update().select_related("user").get(pk=therapist.pk)
            )
    else:
        therapist = slot = first_session_on = None
        if group is None:
            errors["group"] = "Choose a group."
        else:
            group = Group.objects.select_for_update().get(pk=group.pk)
    locked = _lock_referral(referral)
    refusal = not_waiting_reason(locked)
    if refusal:
        raise ValidationError(refusal)
    if locked.programme_id is None:
        raise ValidationError("Choose a programme for this referral before offering a place.")
    if therapist is not None:
        errors.update(
            _individual_problems(
                referral=locked,
                therapist=therapist,
                slot=slot,
                first_session_on=first_session_on,
                today=today,
            )
        )
    if group is not None:
        errors.update(_group_problems(referral=locked, group=group, today=today))
    respond_by, problem = _respond_by(respond_by, first_session_on=first_session_on, today=today)
    if problem:
        errors["respond_by"] = problem
    if errors:
        raise ValidationError(errors)
    offer = offer_record(
        referral=locked,
        kind=kind,
        actor=actor,
        therapist=therapist,
        group=group,
        site=slot.site if slot else group.site,
        weekday=slot.weekday if slot else None,
        start_time=slot.start if slot else None,
        first_session_on=first_session_on,
        respond_by=respond_by,
        send_link=send_link,
        base_url=base_url,
    )
    referral.refresh_from_db()
    return offer


def _individual_problems(*, referral, therapist, slot, first_session_on, today):
    errors = {}
    starts = max(today, first_session_on or today)
    allowed, reason = therapist_can_take_new_clients(therapist, on=starts)
    if not allowed:
        errors["therapist"] = reason
    else:
        clients = committed_clients(therapist)
        if clients >= therapist.weekly_capacity:
            errors["therapist"] = (
                f"{therapist} already has {clients} clients offered a place or in therapy, "
                f"as many as their weekly capacity of {therapist.weekly_capacity}. "
                "Choose another therapist."
            )
    if slot is None:
        errors["slot"] = "Choose a weekly time from the therapist's availability."
    elif slot.therapist_id != therapist.pk:
        errors["slot"] = (
            f"That time is {slot.therapist}'s, not {therapist}'s. Choose one of {therapist}'s "
            "times."
        )
    elif slot.for_groups:
        errors["slot"] = "That time is kept for groups. Choose a time for individual sessions."
    elif not referral.programme.sites.filter(pk=slot.site_id).exists():
        errors["slot"] = (
            f"{slot.site} is not one of the sites of {referral.programme}. "
            "Choose a time at one of its sites."
        )
    elif (therapist.pk, slot.weekday, slot.start) in taken_times([therapist.pk]):
        errors["slot"] = (
            f"{slot.get_weekday_display()} at {slot.start:%H:%M} is already offered to or "
            f"used by another of {therapist}'s clients. Choose another time."
        )
    if first_session_on is None:
        errors["first_session_on"] = "Enter the date of the first session."
    elif first_session_on < today:
        errors["first_session_on"] = "The first session must be today or later."
    elif slot is not None and "slot" not in errors and first_session_on.weekday() != slot.weekday:
        day = slot.get_weekday_display()
        errors["first_session_on"] = (
            f"{day_text(first_session_on)} is not a {day}: the weekly time is on {day}s. "
            f"Choose a {day}."
        )
    return errors


def _group_problems(*, referral, group, today):
    if group.programme_id != referral.programme_id:
        return {"group": f"{group} is a group of {group.programme}, not {referral.programme}."}
    if group.status == Group.Status.FINISHED:
        return {"group": f"{group} has finished. Choose a group that is taking members."}
    places = group_places(group)
    if places.free <= 0:
        return {
            "group": (
                f"{group} is full: its {places.capacity} places are all taken or offered. "
                "Choose another group, or keep the person on the waiting list."
            )
        }
    age = referral.person.age_on(max(today, group.starts_on))
    if not group.takes_age(age):
        return {"group": f"{group} is for ages {group.age_band}; this person is {age}."}
    return {}


def _respond_by(respond_by, *, first_session_on, today):
    if respond_by is None:
        respond_by = today + RESPOND_WITHIN
        if first_session_on is not None:
            respond_by = max(today, min(respond_by, first_session_on - timedelta(days=1)))
        return respond_by, ""
    if respond_by < today:
        return respond_by, "The date to answer by must be today or later."
    if first_session_on is not None and respond_by > first_session_on:
        return respond_by, (
            f"The answer is needed by the first session, {day_text(first_session_on)}. "
            "Choose that day or an earlier one."
        )
    return respond_by, ""


def offer_record(
    *,
    referral,
    kind,
    actor,
    therapist=None,
    group=None,
    site=None,
    weekday=None,
    start_time=None,
    first_session_on=None,
    respond_by=None,
    reason="",
    send_link=True,
    base_url="",
) -> Offer:
    """Record an offer whose checks were made under the locks the caller holds (offer_make
    and the allocation confirmation): the offer, the referral's therapist, the move to
    'offered', and the emailed link (after the transaction commits)."""
    offer = Offer.objects.create(
        referral=referral,
        kind=kind,
        therapist=therapist,
        group=group,
        site=site,
        weekday=weekday,
        start_time=start_time,
        first_session_on=first_session_on,
        respond_by=respond_by,
        made_by=actor if actor is not None and actor.is_authenticated else None,
    )
    if kind == Offer.Kind.INDIVIDUAL and referral.therapist_id != therapist.pk:
        referral.therapist = therapist
        referral.save(update_fields=["therapist", "updated_at"])
    referral_move(
        referral=referral, to=Status.OFFERED, actor=actor, reason=reason or describe(offer)
    )
    if send_link:
        offer_link_queue(offer=offer, base_url=base_url)
    return offer
