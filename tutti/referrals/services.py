"""Every change to a referral goes through here: one atomic function per step of the
journey, each writing a timestamped ReferralEvent (django-auditlog records the rest)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tutti.referrals.models import Referral, ReferralEvent, Status


class IllegalTransition(ValidationError):
    pass


@transaction.atomic
def referral_receive(*, person, actor=None, received_at=None, **fields) -> Referral:
    """Record a new referral for a person, with its first ('received') event."""
    at = received_at or timezone.now()
    referral = Referral(
        person=person, received_at=at, status=Status.RECEIVED, status_changed_at=at, **fields
    )
    referral.full_clean()
    referral.save()
    ReferralEvent.objects.create(referral=referral, status=Status.RECEIVED, at=at, actor=actor)
    return referral


@transaction.atomic
def referral_move(*, referral, to, actor, reason="", signposted_to="", at=None) -> Referral:
    """Move a referral to status `to`, refusing any move the journey does not allow.

    The row is locked first, so two coordinators acting at once cannot both move it.
    """
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    to = Status(to)
    if not locked.can_move_to(to):
        raise IllegalTransition(
            f"A referral that is '{locked.get_status_display().lower()}' cannot be moved to "
            f"'{to.label.lower()}'."
        )
    at = at or timezone.now()
    if to == Status.WAITING and locked.waiting_since is None:
        locked.waiting_since = at
    locked.status = to
    locked.status_changed_at = at
    locked.save(update_fields=["status", "status_changed_at", "waiting_since", "updated_at"])
    ReferralEvent.objects.create(
        referral=locked, status=to, at=at, actor=actor, reason=reason, signposted_to=signposted_to
    )
    referral.refresh_from_db()
    return locked


def referral_accept(*, referral, actor, at=None):
    """Accept at triage: the referral joins its programme's waiting list."""
    if referral.programme_id is None:
        raise ValidationError("Choose a programme before accepting the referral.")
    return referral_move(referral=referral, to=Status.WAITING, actor=actor, at=at)


def referral_decline(*, referral, actor, reason, at=None):
    if not reason.strip():
        raise ValidationError("Give the reason the referral is declined.")
    return referral_move(referral=referral, to=Status.DECLINED, actor=actor, reason=reason, at=at)


def referral_signpost(*, referral, actor, reason, signposted_to, at=None):
    if not signposted_to.strip():
        raise ValidationError("Say where the person has been signposted to.")
    return referral_move(
        referral=referral,
        to=Status.SIGNPOSTED,
        actor=actor,
        reason=reason,
        signposted_to=signposted_to,
        at=at,
    )


def referral_request_information(*, referral, actor, reason, at=None):
    return referral_move(
        referral=referral, to=Status.INFO_REQUESTED, actor=actor, reason=reason, at=at
    )


def referral_withdraw(*, referral, actor, reason, at=None):
    return referral_move(referral=referral, to=Status.WITHDRAWN, actor=actor, reason=reason, at=at)
