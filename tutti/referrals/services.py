"""Every change to a referral goes through here: one atomic function per step of the
journey, each writing a timestamped ReferralEvent (django-auditlog records the rest)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tutti.geography.services import resolve_postcode
from tutti.people.models import PERSON_DETAIL_FIELDS, Person
from tutti.people.services import person_create
from tutti.programmes.eligibility import check_eligibility
from tutti.referrals.models import PersonMatch, Referral, ReferralEvent, Status


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


@transaction.atomic
def referral_accept_onto(*, referral, programme, actor, note="", at=None) -> Referral:
    """Accept at triage onto `programme`'s waiting list: set the programme and accept together,
    so a refused move leaves the programme asked for as it was."""
    if programme is None:
        raise ValidationError("Choose a programme before accepting the referral.")
    if not programme.open_to_referrals:
        raise ValidationError(f"{programme.name} is not taking referrals at the moment.")
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.programme_id != programme.pk:
        locked.programme = programme
        locked.save(update_fields=["programme", "updated_at"])
    moved = referral_move(referral=locked, to=Status.WAITING, actor=actor, reason=note, at=at)
    referral.refresh_from_db()
    return moved


def _match_resolved_message(referral):
    when = timezone.localtime(referral.person_match_confirmed_at).strftime("%-d %B %Y at %H:%M")
    who = referral.person_match_confirmed_by or "Someone"
    if referral.person_match == PersonMatch.NEW:
        return f"{who} has already recorded that this is a different person ({when})."
    return f"{who} has already confirmed that this is the same person ({when})."


def _lock_unconfirmed_match(referral):
    locked = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("person_match_confirmed_by")
        .get(pk=referral.pk)
    )
    if locked.person_match_confirmed_at is not None:
        raise IllegalTransition(_match_resolved_message(locked))
    if locked.person_match == PersonMatch.NEW:
        raise IllegalTransition(
            "This referral was not matched to anyone already known: there is nothing to confirm."
        )
    return locked


def _confirmed(referral, actor, at):
    referral.person_match_confirmed_at = at or timezone.now()
    referral.person_match_confirmed_by = actor if getattr(actor, "pk", None) else None


@transaction.atomic
def referral_confirm_person_match(*, referral, actor, at=None) -> Referral:
    """The coordinator confirms the referral is for the person it was matched to.

    Who confirmed is kept on the referral, and by django-auditlog with the change.
    """
    locked = _lock_unconfirmed_match(referral)
    _confirmed(locked, actor, at)
    locked.save(
        update_fields=["person_match_confirmed_at", "person_match_confirmed_by", "updated_at"]
    )
    referral.refresh_from_db()
    return locked


@transaction.atomic
def referral_separate_person(*, referral, actor, at=None) -> Referral:
    """The coordinator says the referral is for someone else than the person it was matched
    to: a new person is made from the details as sent and the referral moves to them.

    An NHS number sent that is already on the other record is not copied (two people never
    share one): the coordinator checks it with the referrer. Eligibility for the programme
    asked for is checked again against the new person's own details.
    """
    locked = _lock_unconfirmed_match(referral)
    sent = locked.submitted_person or {}
    details = {name: sent[name] for name in PERSON_DETAIL_FIELDS if sent.get(name) is not None}
    if isinstance(details.get("date_of_birth"), str):
        try:
            details["date_of_birth"] = date.fromisoformat(details["date_of_birth"])
        except ValueError:
            details.pop("date_of_birth")
    nhs_number = details.get("nhs_number")
    if nhs_number and Person.objects.filter(nhs_number=nhs_number).exists():
        details["nhs_number"] = ""
    try:
        person = person_create(actor=actor, **details)
    except ValidationError as error:
        problems = " ".join(error.messages)
        raise ValidationError(
            f"A new record cannot be made from the details sent: {problems} "
            "Ask the referrer for the person's details."
        ) from error
    locked.person = person
    locked.person_match = PersonMatch.NEW
    _confirmed(locked, actor, at)
    fields = [
        "person",
        "person_match",
        "person_match_confirmed_at",
        "person_match_confirmed_by",
        "updated_at",
    ]
    if locked.programme_id is not None:
        result = check_eligibility(
            locked.programme,
            on=locked.received_at.date(),
            date_of_birth=person.date_of_birth,
            geography=resolve_postcode(person.postcode),
            gp_practice=locked.gp_practice_code,
            needs=locked.needs,
            circumstances=locked.circumstances,
        )
        locked.eligible, locked.eligibility_reasons = result.eligible, result.reasons
        fields += ["eligible", "eligibility_reasons"]
    locked.save(update_fields=fields)
    referral.refresh_from_db()
    return locked
