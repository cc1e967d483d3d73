"""The answers to an offer: yes (an episode of care opens), no, withdrawn by the service,
or no answer in time (back to the waiting list, keeping the waiting date)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tutti.delivery.models import Episode, Group, Offer
from tutti.delivery.models.offers import MAX_GOALS
from tutti.delivery.services.calendar import day_text
from tutti.referrals.models import Referral, Status
from tutti.referrals.services import referral_move
from tutti.workforce.models import Therapist

GOAL_MAX_LENGTH = 300
REASON_MAX_LENGTH = 1000


def closed_message(offer) -> str:
    """Why an offer can no longer be answered."""
    when = f" on {day_text(timezone.localdate(offer.answered_at))}" if offer.answered_at else ""
    words = {
        Offer.Status.ACCEPTED: f"was accepted{when}",
        Offer.Status.DECLINED: f"was declined{when}",
        Offer.Status.WITHDRAWN: f"was withdrawn{when}",
        Offer.Status.EXPIRED: f"ran out without an answer{when}",
    }[offer.status]
    return f"This offer {words}, so it cannot be answered or changed now."


def _lock_offer(offer) -> Offer:
    """Lock the offer, after what holds its place (its group or therapist: places are locked
    before people), and check it still waits for an answer."""
    locked = _lock_rows(offer)
    if locked.status != Offer.Status.PENDING:
        raise ValidationError(closed_message(locked))
    return locked


def _lock_rows(offer) -> Offer:
    if offer.group_id:
        Group.objects.select_for_update().filter(pk=offer.group_id).values_list("pk").first()
    elif offer.therapist_id:
        Therapist.objects.select_for_update().filter(pk=offer.therapist_id).values_list(
            "pk"
        ).first()
    locked = (
        Offer.objects.select_for_update(of=("self",))
        .select_related("referral__programme", "referral__person", "group", "therapist__user")
        .get(pk=offer.pk)
    )
    return locked


def clean_goals(goals) -> list[str]:
    cleaned = [str(goal).strip() for goal in goals or [] if str(goal or "").strip()]
    if len(cleaned) > MAX_GOALS:
        raise ValidationError({"goals": f"Give up to {MAX_GOALS} goals."})
    if any(len(goal) > GOAL_MAX_LENGTH for goal in cleaned):
        raise ValidationError(
            {"goals": f"Keep each goal to {GOAL_MAX_LENGTH} characters or fewer."}
        )
    return cleaned


def _close(offer, *, status, via, actor, reason=""):
    offer.status = status
    offer.answered_at = timezone.now()
    offer.answered_via = via or ""
    offer.answered_by = (
        actor
        if via == Offer.AnsweredVia.COORDINATOR and actor is not None and actor.is_authenticated
        else None
    )
    offer.decline_reason = reason
    offer.save(
        update_fields=["status", "answered_at", "answered_via", "answered_by", "decline_reason"]
    )


def default_start_date(offer, *, today=None):
    today = today or timezone.localdate()
    if offer.first_session_on:
        return offer.first_session_on
    if offer.group_id:
        return max(today, offer.group.starts_on)
    return today


def _check_via(via):
    if via not in Offer.AnsweredVia.values:
        raise ValueError(f"Unknown way of answering: {via!r}")


@transaction.atomic
def offer_accept(*, offer, via, actor=None, start_date=None, goals=(), on=None) -> Episode:
    """The person (or their carer) said yes: open the episode of care and move the referral
    offered → active. A group place also makes the person a member of the group (checked
    against its places under the group's lock, with their sessions from the start date)."""
    _check_via(via)
    today = on or timezone.localdate()
    locked = _lock_offer(offer)
    goals = clean_goals(goals)
    referral = locked.referral
    start_date = start_date or default_start_date(locked, today=today)
    made_on = timezone.localdate(locked.made_at)
    if start_date < made_on:
        raise ValidationError(
            {"start_date": f"The start date must be on or after the offer, {day_text(made_on)}."}
        )
    group = locked.group
    programme = group.programme if group else referral.programme
    episode = Episode(
        referral=referral,
        person_id=referral.person_id,
        programme=programme,
        offer=locked,
        group=group,
        site=locked.site or (group.site if group else None),
        goals=goals,
        planned_sessions=group.planned_sessions if group else programme.block_sessions,
        start_date=start_date,
    )
    episode.full_clean(exclude=["referral", "offer"])
    if Episode.objects.filter(referral=referral).exists():
        raise ValidationError(
            f"Referral {referral.reference} already has an episode of care. Withdraw this offer."
        )
    episode.save()
    episode.therapists.set(group.therapists.all() if group else [locked.therapist])
    _close(locked, status=Offer.Status.ACCEPTED, via=via, actor=actor)
    referral_move(
        referral=referral,
        to=Status.ACTIVE,
        actor=actor,
        reason="Accepted the offer"
        + (" through the link" if via == Offer.AnsweredVia.LINK else ""),
    )
    if group is not None:
        _join_group(group=group, episode=episode, joined_on=start_date, actor=actor)
    return episode


def _join_group(*, group, episode, joined_on, actor):
    from tutti.delivery.services.groups import group_member_add

    try:
        group_member_add(group=group, episode=episode, joined_on=joined_on, actor=actor)
    except ValidationError as error:
        problems = error.message_dict if hasattr(error, "error_dict") else {}
        if "joined_on" in problems:
            raise ValidationError({"start_date": problems["joined_on"]}) from None
        raise ValidationError(error.messages) from None


def _back_to_waiting(offer, *, actor, reason):
    referral = Referral.objects.select_for_update(of=("self",)).get(pk=offer.referral_id)
    if referral.therapist_id is not None and offer.kind == Offer.Kind.INDIVIDUAL:
        referral.therapist = None
        referral.save(update_fields=["therapist", "updated_at"])
    # referral_move keeps waiting_since: the wait carries on from the first day on the list.
    referral_move(referral=referral, to=Status.WAITING, actor=actor, reason=reason)


def _reason(text, *, field="reason", required=False, missing=""):
    text = (text or "").strip()
    if required and not text:
        raise ValidationError({field: missing})
    if len(text) > REASON_MAX_LENGTH:
        raise ValidationError(
            {field: f"Keep the reason to {REASON_MAX_LENGTH} characters or fewer."}
        )
    return text


@transaction.atomic
def offer_decline(*, offer, via, reason="", actor=None) -> Offer:
    """The person (or their carer) said no: the referral goes back on the waiting list with
    the reason, keeping the date it first joined the list."""
    _check_via(via)
    locked = _lock_offer(offer)
    reason = _reason(reason)
    _close(locked, status=Offer.Status.DECLINED, via=via, actor=actor, reason=reason)
    how = " through the link" if via == Offer.AnsweredVia.LINK else ""
    _back_to_waiting(
        locked,
        actor=actor,
        reason=f"Declined the offer{how}: {reason}" if reason else f"Declined the offer{how}",
    )
    return locked


@transaction.atomic
def offer_withdraw(*, offer, reason, actor) -> Offer:
    """The service takes the offer back (the therapist left, the group was cancelled): the
    referral goes back on the waiting list, keeping its place in time."""
    locked = _lock_offer(offer)
    reason = _reason(reason, required=True, missing="Say why the offer is withdrawn.")
    _close(locked, status=Offer.Status.WITHDRAWN, via="", actor=None, reason=reason)
    locked.answered_by = actor
    locked.save(update_fields=["answered_by"])
    _back_to_waiting(locked, actor=actor, reason=f"Offer withdrawn: {reason}")
    return locked


@transaction.atomic
def offer_expire(*, offer, actor, on=None) -> Offer:
    """No answer by the date asked: the offer lapses and the referral goes back on the
    waiting list (a coordinator decides this; nothing lapses on its own)."""
    today = on or timezone.localdate()
    locked = _lock_offer(offer)
    if locked.respond_by is None or locked.respond_by >= today:
        answer_by = day_text(locked.respond_by) if locked.respond_by else "not set"
        raise ValidationError(
            f"The date to answer by ({answer_by}) has not passed yet. Wait for it, or withdraw "
            "the offer instead."
        )
    _close(locked, status=Offer.Status.EXPIRED, via="", actor=None)
    locked.answered_by = actor
    locked.save(update_fields=["answered_by"])
    _back_to_waiting(
        locked, actor=actor, reason=f"No answer to the offer by {day_text(locked.respond_by)}"
    )
    return locked
