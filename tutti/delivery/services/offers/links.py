"""The one-time link for the person or their carer to answer an offer.

Only the SHA-256 of its token is stored (Offer.link_token_hash). The emailed token is made
inside the background task that sends it, so it is never written anywhere but the email;
a coordinator can instead have one shown once, to give by phone, text or letter. A new
link replaces the last; a link works until the end of the day the answer is asked for,
and once.
"""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from tutti.delivery.models import Offer
from tutti.delivery.services.calendar import day_text
from tutti.delivery.services.offers.answers import (
    _lock_offer,
    _lock_rows,
    offer_accept,
    offer_decline,
)

log = logging.getLogger(__name__)

LINK_LIFETIME = timedelta(days=14)  # when no date to answer by is set


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _link_expiry(offer, now):
    """A link works until the end of the day the answer is asked for."""
    if offer.respond_by is None:
        return now + LINK_LIFETIME
    return timezone.make_aware(datetime.combine(offer.respond_by + timedelta(days=1), time(0)))


@transaction.atomic
def offer_link_issue(*, offer, respond_by=None, actor=None, on=None) -> str:
    """A new link for the offer (any earlier one stops working), optionally with a new date
    to answer by. Returns the token, which is shown or sent once and never stored."""
    today = on or timezone.localdate()
    locked = _lock_offer(offer)
    if respond_by is not None and respond_by != locked.respond_by:
        if respond_by < today:
            raise ValidationError({"respond_by": "The date to answer by must be today or later."})
        if locked.first_session_on and respond_by > locked.first_session_on:
            raise ValidationError(
                {
                    "respond_by": "The answer is needed by the first session, "
                    f"{day_text(locked.first_session_on)}."
                }
            )
        locked.respond_by = respond_by
    now = timezone.now()
    expires = _link_expiry(locked, now)
    if expires <= now:
        raise ValidationError(
            {"respond_by": "The date to answer by has passed. Choose a new date first."}
        )
    token = secrets.token_urlsafe(32)
    locked.link_token_hash = _hash(token)
    locked.link_expires_at = expires
    locked.save(update_fields=["respond_by", "link_token_hash", "link_expires_at"])
    offer.refresh_from_db()
    return token


def offer_recipient(offer, *, today=None) -> str:
    return link_recipient(offer.referral.person, today=today)


def link_recipient(person, *, today=None) -> str:
    """Who is emailed the link: the person, from 16, when their email is known; otherwise
    their main contact (a parent or carer), when theirs is."""
    today = today or timezone.localdate()
    contact = person.contacts.filter(is_main_contact=True).exclude(email="").first()
    if person.email and person.age_on(today) >= 16:
        return person.email
    if contact is not None:
        return contact.email
    return person.email


def offer_link_queue(*, offer, base_url=""):
    """Email a link once the offer is saved (nothing is sent for an offer rolled back)."""
    base = (base_url or settings.TUTTI_SITE_URL).rstrip("/")
    if not base:
        return  # no address for the site: the coordinator gives a link from the offer's page
    offer_id = offer.pk
    transaction.on_commit(lambda: send_offer_link.enqueue(offer_id, base))


@task()
def send_offer_link(offer_id: int, base_url: str) -> str:
    """Make a fresh link and email it. The email says a place is offered and until when to
    answer, nothing about why: anyone may read an inbox."""
    offer = Offer.objects.select_related("referral__person").get(pk=offer_id)
    if offer.status != Offer.Status.PENDING:
        return "answered already"
    to = offer_recipient(offer)
    if not to:
        return "no email address"
    previous = (offer.link_token_hash, offer.link_expires_at, offer.respond_by)
    token = offer_link_issue(offer=offer)
    url = f"{base_url.rstrip('/')}{reverse('offer:open', kwargs={'token': token})}"
    context = {
        "url": url,
        "respond_by": day_text(offer.respond_by) if offer.respond_by else "",
        "service": settings.TUTTI_ORGANISATION_NAME,
    }
    try:
        send_mail(
            subject=f"A music therapy place from {settings.TUTTI_ORGANISATION_NAME}",
            message=render_to_string("delivery/offers/email/link.txt", context),
            from_email=None,
            recipient_list=[to],
        )
    except Exception as error:  # SMTP and network errors are many: put the old link back
        log.warning("Could not email an offer link (offer %s): %s", offer_id, type(error).__name__)
        Offer.objects.filter(pk=offer_id, link_token_hash=_hash(token)).update(
            link_token_hash=previous[0], link_expires_at=previous[1]
        )
        raise
    return "sent"


class LinkState(StrEnum):
    READY = "ready"
    ANSWERED = "answered"
    EXPIRED = "expired"
    CLOSED = "closed"  # withdrawn by the service, or lapsed without an answer
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Link:
    state: LinkState
    offer: Offer | None = None


def offer_link_find(token=None, *, offer_id=None, now=None) -> Link:
    """The offer a link (or, once opened, the browser's session) is for, and its state."""
    offers = Offer.objects.select_related(
        "referral__person", "referral__programme", "therapist__user", "group", "site"
    )
    if offer_id is not None:
        offer = offers.filter(pk=offer_id).exclude(link_token_hash="").first()
    else:
        offer = offers.filter(link_token_hash=_hash(token or "")).first() if token else None
    if offer is None:
        return Link(LinkState.UNKNOWN)
    if offer.status in (Offer.Status.ACCEPTED, Offer.Status.DECLINED):
        return Link(LinkState.ANSWERED, offer)
    if offer.status != Offer.Status.PENDING:
        return Link(LinkState.CLOSED, offer)
    if offer.link_expires_at is None or offer.link_expires_at <= (now or timezone.now()):
        return Link(LinkState.EXPIRED, offer)
    return Link(LinkState.READY, offer)


class LinkNotReady(Exception):
    def __init__(self, found: Link):
        self.found = found
        super().__init__(found.state)


@transaction.atomic
def offer_answer_by_link(*, offer_id, link_hash, accept: bool, reason="") -> Link:
    """The person's answer through the link: yes opens the episode, no puts them back on the
    waiting list. The link works once, and only while it is the offer's current link."""
    found = offer_link_find(offer_id=offer_id)
    if found.offer is not None:
        _lock_rows(found.offer)
        found = offer_link_find(offer_id=offer_id)  # again, now that nobody else can change it
    if found.state != LinkState.READY or found.offer.link_token_hash != link_hash:
        raise LinkNotReady(found if found.state != LinkState.READY else Link(LinkState.UNKNOWN))
    offer = found.offer
    if accept:
        offer_accept(offer=offer, via=Offer.AnsweredVia.LINK)
    else:
        offer_decline(offer=offer, via=Offer.AnsweredVia.LINK, reason=reason)
    offer.refresh_from_db()
    return Link(LinkState.ANSWERED, offer)
