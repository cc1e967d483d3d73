"""Professional referrals: recording one, and holding a public one until the referrer's email
is confirmed by a one-time link."""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from tutti.people.models import Contact
from tutti.referrals.intake import Submitted, referral_submit
from tutti.referrals.models import Channel, PendingReferral

log = logging.getLogger(__name__)

LINK_LIFETIME = timedelta(hours=48)
LINKS_PER_EMAIL_PER_HOUR = 10
# Used and expired links are kept (without the form's data) so they can be told apart from
# unknown ones, then deleted.
KEEP_SPENT_LINKS = timedelta(days=30)


@transaction.atomic
def professional_referral_submit(
    *, person: dict, carer: dict | None, actor, channel, **referral_fields
) -> Submitted:
    """Record the referral through intake and the parent or carer as the person's contact.

    Raises intake's ValidationError (nothing stored). A carer is added to a person already
    known only if they have no contact of that name yet; the match itself waits for a
    coordinator to confirm, as for every route.
    """
    submitted = referral_submit(person=person, actor=actor, channel=channel, **referral_fields)
    if carer:
        subject = submitted.referral.person
        if not any(c.name.casefold() == carer["name"].casefold() for c in subject.contacts.all()):
            contact = Contact(person=subject, **carer)
            contact.full_clean()
            contact.save()
    return submitted


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


class EmailNotSent(Exception):
    pass


def pending_referrals_recent(*, referrer_email, within=timedelta(hours=1)):
    """How many confirmation links this address was sent lately (to stop email floods)."""
    since = timezone.now() - within
    return PendingReferral.objects.filter(
        referrer_email__iexact=referrer_email, created_at__gte=since
    ).count()


def pending_referrals_tidy(*, now=None):
    """Forget what expired links held, and delete links spent long ago."""
    now = now or timezone.now()
    PendingReferral.objects.filter(verified_at=None, expires_at__lte=now).exclude(data={}).update(
        data={}
    )
    PendingReferral.objects.filter(expires_at__lte=now - KEEP_SPENT_LINKS).delete()


def pending_referral_start(*, data: dict, referrer_email: str, link_for) -> PendingReferral:
    """Hold the referral and email the referrer a one-time link, `link_for(token)`.

    The email is sent here, not queued, so the token itself is never stored anywhere. If it
    cannot be sent, nothing is kept and EmailNotSent is raised.
    """
    pending_referrals_tidy()
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    pending = PendingReferral.objects.create(
        data=data,
        referrer_email=referrer_email,
        token_hash=_hash(token),
        created_at=now,
        expires_at=now + LINK_LIFETIME,
    )
    context = {
        "link": link_for(token),
        "hours": int(LINK_LIFETIME.total_seconds() // 3600),
        "service": settings.TUTTI_ORGANISATION_NAME,
    }
    try:
        send_mail(
            subject=f"Confirm your referral to {settings.TUTTI_ORGANISATION_NAME}",
            message=render_to_string("referrals/professional/email/confirm_link.txt", context),
            from_email=None,
            recipient_list=[referrer_email],
        )
    except Exception as error:  # SMTP and network errors are many; none may lose the page
        log.warning("Could not send a referral confirmation link: %s", type(error).__name__)
        pending.delete()
        raise EmailNotSent from error
    return pending


class LinkState(StrEnum):
    READY = "ready"
    USED = "used"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Link:
    state: LinkState
    pending: PendingReferral | None = None


def pending_referral_find(token: str, *, lock=False) -> Link:
    queryset = PendingReferral.objects.select_related("referral")
    if lock:
        # Lock only the pending row: PostgreSQL refuses FOR UPDATE on the outer join's
        # nullable side (the referral, which does not exist yet).
        queryset = queryset.select_for_update(of=("self",))
    pending = queryset.filter(token_hash=_hash(token or "")).first()
    if pending is None:
        return Link(LinkState.UNKNOWN)
    if pending.verified_at is not None:
        return Link(LinkState.USED, pending)
    if pending.is_expired():
        return Link(LinkState.EXPIRED, pending)
    return Link(LinkState.READY, pending)


@transaction.atomic
def pending_referral_confirm(*, token: str, person, carer, **referral_fields) -> Link:
    """Make the referral a ready link holds, once: the link is spent and its data forgotten.

    Returns the link's state; only READY made a referral (on `link.pending.referral`).
    Raises intake's ValidationError, leaving the link unused, if the referral is refused.
    """
    link = pending_referral_find(token, lock=True)
    if link.state != LinkState.READY:
        return link
    pending = link.pending
    submitted = professional_referral_submit(
        person=person, carer=carer, actor=None, channel=Channel.PORTAL, **referral_fields
    )
    pending.verified_at = timezone.now()
    pending.referral = submitted.referral
    pending.data = {}
    pending.save(update_fields=["verified_at", "referral", "data"])
    return link
