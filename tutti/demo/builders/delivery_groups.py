"""The groups and scheduling part of the demo: Camden Young Voices meets on Tuesdays at
Agar Grove Community Centre, with five young people who accepted a place and its 12
sessions generated (skipping a closure date); a choir performance last month with its
headcount and a band night to come; and two people's individual blocks booked into their
therapist's weekly time. Runs after `build_demo` and `build_workforce`, through the
delivery services (offers, groups, bookings), as the coordinator.
"""

import random
from datetime import time, timedelta

from auditlog.context import set_actor
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tutti.delivery.models import Episode, Offer, Room, Session
from tutti.delivery.services import bookings, closures, community, groups, offers
from tutti.delivery.services.calendar import aware
from tutti.programmes.models import Programme
from tutti.referrals.models import Referral, Status
from tutti.workforce.models import Therapist

GROUP_CODE = "CAMDEN-16-24"
CHOIR_CODE = "COMMUNITY-CHOIR"
INDIVIDUAL_CODE = "CENTRE-INDIVIDUAL"
MEMBERS = 5
BLOCKS = 2


def build_delivery_groups(*, seed) -> dict:
    """Build the story above. Returns counts, for the command's summary."""
    rng = random.Random(seed * 11 + 5)
    coordinator = get_user_model().objects.get(username="coordinator")
    today = timezone.localdate()
    with transaction.atomic(), set_actor(coordinator):
        group = _camden_group(today, coordinator)
        members = _members(group, coordinator, today, rng)
        generated = groups.group_sessions_generate(group=group, actor=coordinator)
        events = _choir(today, coordinator)
        blocks = _blocks(today, coordinator, rng)
    return {
        "members": members,
        "group_sessions": len(generated.sessions),
        "skipped": len(generated.skipped),
        "events": events,
        "blocks": blocks,
    }


def _first(day, weekday):
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _camden_group(today, actor):
    programme = Programme.objects.get(code=GROUP_CODE)
    site = programme.sites.order_by("pk").first()
    studio, _ = Room.objects.get_or_create(site=site, name="Recording studio")
    Room.objects.get_or_create(site=site, name="Main hall")
    at_site = Therapist.objects.filter(sites=site, is_trainee=False).select_related("user")
    lead = at_site.filter(user__username="therapist").first()
    others = list(at_site.exclude(pk=getattr(lead, "pk", None)).order_by("pk")[:1])
    therapists = [t for t in [lead, *others] if t is not None]
    starts_on = _first(today + timedelta(days=7), 1)  # a Tuesday, one to two weeks ahead
    group = groups.group_create(
        actor=actor,
        therapists=therapists,
        programme=programme,
        name="Camden Young Voices: Tuesday evening group",
        site=site,
        room=studio,
        weekday=1,
        start_time=time(17, 30),
        minutes=programme.session_minutes,
        capacity=6,
        min_age=programme.min_age,
        max_age=programme.max_age,
        starts_on=starts_on,
    )
    # The centre is closed one Tuesday in the block (besides any bank holiday).
    closures.closure_add(
        date=starts_on + timedelta(weeks=5),
        site=site,
        reason="The centre is hired out for local elections",
        actor=actor,
    )
    return group


def _members(group, actor, today, rng):
    """Young people who were waiting accept a place in the group, through an offer."""
    waiting = list(
        Referral.objects.filter(programme=group.programme, status=Status.WAITING)
        .select_related("person", "programme")
        .order_by("waiting_since", "pk")
    )
    joined = 0
    for referral in waiting:
        if joined >= MEMBERS:
            break
        age = referral.person.age_on(group.starts_on)
        if not (group.min_age or 0) <= age <= (group.max_age or 200):
            continue
        try:
            with transaction.atomic():
                offer = offers.offer_make(
                    referral=referral,
                    kind=Offer.Kind.GROUP,
                    group=group,
                    actor=actor,
                    send_link=False,
                )
                offers.offer_accept(
                    offer=offer,
                    via=Offer.AnsweredVia.COORDINATOR,
                    actor=actor,
                    goals=rng.sample(_GOALS, 2),
                )
        except ValidationError:
            continue  # this one cannot be offered the place (the checks say why); next
        joined += 1
    return joined


_GOALS = [
    "To write a song about my own life",
    "To feel less on my own",
    "To speak up in a group",
    "To perform in front of people",
    "To find a way to calm down when things get too much",
    "To record something I am proud of",
]


def _choir(today, actor):
    """Last month's choir performance, with its headcount; and a band night to come."""
    programme = Programme.objects.filter(code=CHOIR_CODE).first()
    if programme is None:
        return 0
    site = programme.sites.order_by("pk").first()
    hall = Room.objects.filter(site=site, name="Main hall").first()
    therapists = list(Therapist.objects.filter(sites=site, is_trainee=False).order_by("-pk")[:2])
    coming = _first(today + timedelta(days=21), 4)  # a Friday three to four weeks ahead
    community.community_event_create(
        programme=programme,
        title="Open band night",
        site=site,
        room=hall,
        starts_at=aware(coming, time(19, 0)),
        ends_at=aware(coming, time(21, 0)),
        therapists=therapists,
        actor=actor,
    )
    # The performance happened last month: booked then (history is written with its dates),
    # its headcount recorded through the service afterwards.
    held = _first(today - timedelta(days=35), 5)  # a Saturday about a month ago
    performance = Session.objects.create(
        kind=Session.Kind.COMMUNITY,
        programme=programme,
        title="Choir performance",
        site=site,
        room=hall,
        starts_at=aware(held, time(15, 0)),
        ends_at=aware(held, time(16, 30)),
        created_by=actor,
    )
    performance.therapists.set(therapists)
    community.community_event_headcount_record(session=performance, headcount=64, actor=actor)
    return 2


def _blocks(today, actor, rng):
    """People waiting for one-to-one sessions accept an offer, and their 12 weekly
    sessions are booked in the therapist's time."""
    programme = Programme.objects.filter(code=INDIVIDUAL_CODE).first()
    if programme is None:
        return 0
    waiting = (
        Referral.objects.filter(programme=programme, status=Status.WAITING)
        .select_related("person")
        .order_by("waiting_since", "pk")
    )
    booked = 0
    for referral in waiting[:20]:
        if booked >= BLOCKS:
            break
        slots = offers.free_individual_slots(programme)
        rng.shuffle(slots)
        for slot in slots[:5]:
            first = _first(today + timedelta(days=3), slot.weekday)
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
                    episode = offers.offer_accept(
                        offer=offer, via=Offer.AnsweredVia.COORDINATOR, actor=actor
                    )
                    bookings.block_book(
                        episode=Episode.objects.get(pk=episode.pk),
                        slot=slot,
                        first_date=first,
                        actor=actor,
                    )
            except ValidationError:
                continue
            booked += 1
            break
    return booked
