"""The offers part of the demo, made by hand through the offer services as the coordinator:

- an offer of individual sessions accepted, opening an episode of care with goals and its
  weekly sessions booked;
- an offer waiting for an answer, with a one-time link the command prints, so the person's
  page can be tried;
- an offer declined through the link, the referral back on the waiting list with its
  original waiting date.

Each is with the demo therapist (Sam Okafor, log-in "therapist") where they have a free
one-to-one time, so signing in as the therapist shows the episode. Runs after `build_demo`
(the waiting lists), `build_workforce` (availability) and `build_delivery_groups`.
"""

from datetime import timedelta

from auditlog.context import set_actor
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tutti.delivery.models import Episode, Offer
from tutti.delivery.services import bookings, offers
from tutti.programmes.models import Programme
from tutti.referrals.models import Referral, Status

DEMO_THERAPIST = "therapist"
GOALS = [
    "To feel calmer before school",
    "To share feelings through songs rather than shutting down",
]
DECLINE_REASON = "The day clashes with college; a later time would suit better"


def build_delivery_offers(*, seed) -> dict:
    """Build the three offers above. Returns what was made, with the pending offer's link
    path (shown once by the command; only its hash is stored)."""
    coordinator = get_user_model().objects.get(username="coordinator")
    today = timezone.localdate()
    made = {"accepted": None, "pending": None, "declined": None, "link": ""}
    with transaction.atomic(), set_actor(coordinator):
        used = set()
        offer = _offer(today, coordinator, used)
        if offer is not None:
            episode = offers.offer_accept(
                offer=offer, via=Offer.AnsweredVia.COORDINATOR, actor=coordinator, goals=GOALS
            )
            _book(episode, offer, coordinator)
            made["accepted"] = episode
        offer = _offer(today, coordinator, used)
        if offer is not None:
            made["pending"] = offer
            made["link"] = f"/offer/{offers.offer_link_issue(offer=offer)}/"
        offer = _offer(today, coordinator, used)
        if offer is not None:
            offers.offer_decline(offer=offer, via=Offer.AnsweredVia.LINK, reason=DECLINE_REASON)
            made["declined"] = offer
    return made


def _candidates():
    """(programme, weekly time) pairs, the demo therapist's times first."""
    programmes = Programme.objects.filter(delivery_mode=Programme.DeliveryMode.INDIVIDUAL).order_by(
        "code"
    )
    pairs = [(p, slot) for p in programmes for slot in offers.free_individual_slots(p)]
    pairs.sort(key=lambda pair: pair[1].therapist.user.username != DEMO_THERAPIST)
    return pairs


def _offer(today, actor, used):
    """An individual offer to someone waiting, at the first free time that can take one."""
    for programme, slot in _candidates():
        waiting = (
            Referral.objects.filter(programme=programme, status=Status.WAITING)
            .exclude(pk__in=used)
            .order_by("waiting_since", "pk")
        )
        for referral in waiting[:10]:
            if referral.site_id not in (None, slot.site_id):
                continue
            first = today + timedelta(days=3)
            first += timedelta(days=(slot.weekday - first.weekday()) % 7)
            try:
                with transaction.atomic():
                    offer = offers.offer_make(
                        referral=referral,
                        kind=Offer.Kind.INDIVIDUAL,
                        therapist=slot.therapist,
                        slot=slot,
                        first_session_on=first,
                        actor=actor,
                        send_link=False,
                    )
            except ValidationError:
                break  # this time cannot be offered (the therapist is full): try the next
            used.add(referral.pk)
            return offer
    return None


def _book(episode, offer, actor):
    """The accepted block's weekly sessions, in the time offered."""
    slot = offer.therapist.availability.filter(
        weekday=offer.weekday, start=offer.start_time, for_groups=False
    ).first()
    if slot is None:
        return
    try:
        with transaction.atomic():
            bookings.block_book(
                episode=Episode.objects.get(pk=episode.pk),
                slot=slot,
                first_date=offer.first_session_on,
                actor=actor,
            )
    except ValidationError:
        pass  # a clash in the demo's other bookings: the episode stands without sessions
