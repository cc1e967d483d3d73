"""Triage: a coordinator's one decision on a referral, recorded and told to the referrer.

The decision is refused while the referral's person match is unconfirmed, and when the
referral has changed since the coordinator opened it (another coordinator decided in the
meantime), so two tabs never record two decisions.
"""

from functools import partial

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from tutti.referrals.models import Referral, Status
from tutti.referrals.notifications import send_triage_outcome, triage_outcome_recipient
from tutti.referrals.services import (
    IllegalTransition,
    referral_accept_onto,
    referral_decline,
    referral_request_information,
    referral_signpost,
)

TRIAGE_STATUSES = (Status.RECEIVED, Status.INFO_REQUESTED)


class Decision(models.TextChoices):
    ACCEPT = "accept", "Accept onto a programme's waiting list"
    DECLINE = "decline", "Decline"
    SIGNPOST = "signpost", "Signpost elsewhere"
    ASK = "ask", "Ask for more information"


DECISION_STATUS = {
    Decision.ACCEPT: Status.WAITING,
    Decision.DECLINE: Status.DECLINED,
    Decision.SIGNPOST: Status.SIGNPOSTED,
    Decision.ASK: Status.INFO_REQUESTED,
}

MATCH_FIRST = (
    "This referral may be for someone already known. Answer “Is this the same person?” "
    "before you triage it."
)


class MatchNotConfirmed(ValidationError):
    pass


class ChangedSinceSeen(IllegalTransition):
    pass


def referral_version(referral) -> str:
    """Stamps the triage page; a decision posted from an older page is refused."""
    return referral.status_changed_at.isoformat()


def decisions_open(referral) -> list[Decision]:
    return [d for d in Decision if referral.can_move_to(DECISION_STATUS[d])]


def changed_since_seen_message(referral) -> str:
    event = referral.events.select_related("actor").order_by("-at", "-pk").first()
    who = event.actor.display_name if event and event.actor else "Someone"
    when = timezone.localtime(referral.status_changed_at).strftime("%-d %B %Y at %H:%M")
    status = referral.get_status_display().lower()
    then = (
        "Check what changed, then decide again."
        if referral.status in TRIAGE_STATUSES
        else "It does not need triage any more."
    )
    return (
        f"This referral changed after you opened it: {who} marked it ‘{status}’ on {when}. "
        f"Your decision has not been saved. {then}"
    )


@transaction.atomic
def referral_triage(
    *,
    referral,
    actor,
    decision,
    programme=None,
    reason="",
    signposted_to="",
    seen_version=None,
) -> Referral:
    """Record the triage decision and email the outcome to the referrer once committed.

    `reason` is the decline or signposting reason, the information asked for, or a note on
    an acceptance. Raises ValidationError (MatchNotConfirmed, ChangedSinceSeen or the
    service's IllegalTransition) with a message for the coordinator; nothing is saved then.
    """
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.needs_match_confirmed:
        raise MatchNotConfirmed(MATCH_FIRST)
    if seen_version is not None and seen_version != referral_version(locked):
        raise ChangedSinceSeen(changed_since_seen_message(locked))
    decision = Decision(decision)
    if decision == Decision.ACCEPT:
        referral_accept_onto(referral=locked, programme=programme, actor=actor, note=reason)
    elif decision == Decision.DECLINE:
        referral_decline(referral=locked, actor=actor, reason=reason)
    elif decision == Decision.SIGNPOST:
        if not reason.strip():
            raise ValidationError("Give the reason for signposting elsewhere.")
        referral_signpost(referral=locked, actor=actor, reason=reason, signposted_to=signposted_to)
    else:
        if not reason.strip():
            raise ValidationError("Say what information is needed.")
        referral_request_information(referral=locked, actor=actor, reason=reason)
    if triage_outcome_recipient(locked):
        transaction.on_commit(partial(send_triage_outcome.enqueue, locked.pk))
    referral.refresh_from_db()
    return referral
