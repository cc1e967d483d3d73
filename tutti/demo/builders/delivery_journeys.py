"""The delivery records behind the demo's referral journeys (journeys.py).

The journeys move referrals to 'offered', 'active' and 'completed' with a therapist, but
through the referral services only. This gives each of them what the delivery services
would have left behind, dated from the referral's own events:

- offered: the individual offer waiting for an answer, with its therapist;
- active or completed: the accepted offer, the episode of care (goals, the programme's
  block, ended with an outcome and a discharge summary when completed), and its weekly
  individual sessions with the therapist, each with its register: held ones marked (mostly
  attended, some missed or cancelled), ones still to come expected.

Only programmes of individual sessions: group places come from the group builders.
Records are made directly (the services refuse dates in the past), in bulk. A therapist or
person is never booked into two sessions at once: each block is put at a weekly time that
is free for all its weeks, inside the therapist's one-to-one availability where possible.
Runs after build_workforce (availability) and the other delivery builders, so it only fills
in referrals they left without an offer or episode and keeps clear of their sessions.
"""

import random
from collections import defaultdict
from datetime import time, timedelta

from auditlog.context import set_actor
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from tutti.delivery.models import Attendance, Episode, Offer, Session
from tutti.delivery.services.calendar import aware
from tutti.programmes.models import Programme
from tutti.referrals.models import Referral, ReferralEvent, Status
from tutti.workforce.models import WeeklyAvailability

GOALS = [
    "To feel calmer and more settled",
    "To share feelings through music rather than words",
    "To feel more confident with other people",
    "To find ways to cope with worry",
    "To enjoy making music and feel proud of it",
    "To communicate what they want and need",
    "To feel less alone",
    "To manage pain and tiredness with music",
]
SUMMARY = (
    "{name} came to {attended} of {planned} sessions. Over the block they grew more at ease, "
    "used the instruments and songs to say how they felt, and ended with a plan to keep "
    "making music at home. No further therapy is needed now; the referrer may refer again."
)
# Held sessions' registers: mostly attended, some missed or cancelled.
PAST_STATUSES = {
    Attendance.Status.ATTENDED: 84,
    Attendance.Status.DID_NOT_ATTEND: 7,
    Attendance.Status.CANCELLED_BY_CLIENT: 5,
    Attendance.Status.CANCELLED_LATE: 2,
    Attendance.Status.CANCELLED_BY_SERVICE: 2,
}
FALLBACK_STARTS = [time(h, m) for h in range(9, 17) for m in (0, 30)]


def build_delivery_journeys(*, seed) -> dict:
    """Give the journeys' referrals their offers, episodes, sessions and registers.
    Returns counts of what was made."""
    rng = random.Random(f"delivery-journeys-{seed}")
    coordinator = get_user_model().objects.get(username="coordinator")
    referrals = list(
        Referral.objects.filter(
            status__in=[Status.OFFERED, Status.ACTIVE, Status.COMPLETED],
            therapist__isnull=False,
            programme__delivery_mode=Programme.DeliveryMode.INDIVIDUAL,
            offers__isnull=True,
            episode__isnull=True,
        )
        .select_related("person", "programme", "site", "therapist__user")
        .order_by("pk")
    )
    counts = {"offers": 0, "episodes": 0, "sessions": 0, "attendances": 0}
    if not referrals:
        return counts
    moments = _moments(referrals)
    busy = _Busy()
    now = timezone.now()
    with transaction.atomic(), set_actor(coordinator):
        planned = []  # (episode, referral, first session's day, start time, count, end day)
        for referral in referrals:
            offered_at = moments[referral.pk].get(Status.OFFERED)
            if offered_at is None:
                continue
            if referral.status == Status.OFFERED:
                _pending_offer(referral, offered_at, coordinator, rng)
                counts["offers"] += 1
                continue
            active_at = moments[referral.pk].get(Status.ACTIVE)
            if active_at is None:
                continue
            episode, ends_on = _episode(referral, offered_at, active_at, moments, coordinator, rng)
            counts["offers"] += 1
            counts["episodes"] += 1
            planned.append((episode, referral, ends_on))
        sessions, attendances = _sessions(planned, busy, now, coordinator, rng)
        counts["sessions"], counts["attendances"] = sessions, attendances
    return counts


def _moments(referrals):
    """{referral pk: {status: when it last moved there}} from the referrals' events."""
    found = defaultdict(dict)
    events = ReferralEvent.objects.filter(referral__in=referrals).order_by("at", "pk")
    for referral_id, status, at in events.values_list("referral_id", "status", "at"):
        found[referral_id][status] = at
    return found


def _site(referral):
    return referral.site or referral.programme.sites.order_by("pk").first()


def _pending_offer(referral, offered_at, coordinator, rng):
    first = timezone.localdate(offered_at) + timedelta(days=rng.randint(7, 14))
    return Offer.objects.create(
        referral=referral,
        kind=Offer.Kind.INDIVIDUAL,
        therapist=referral.therapist,
        site=_site(referral),
        first_session_on=first,
        respond_by=timezone.localdate(offered_at) + timedelta(days=14),
        made_by=coordinator,
        made_at=offered_at,
    )


def _episode(referral, offered_at, active_at, moments, coordinator, rng):
    """The accepted offer and its episode; (episode, the day it ended or None)."""
    programme = referral.programme
    start = timezone.localdate(active_at)
    answered_at = offered_at + (active_at - offered_at) * rng.uniform(0.2, 0.6)
    offer = Offer.objects.create(
        referral=referral,
        kind=Offer.Kind.INDIVIDUAL,
        therapist=referral.therapist,
        site=_site(referral),
        first_session_on=start,
        respond_by=timezone.localdate(offered_at) + timedelta(days=14),
        status=Offer.Status.ACCEPTED,
        made_by=coordinator,
        made_at=offered_at,
        answered_at=answered_at,
        answered_by=coordinator,
        answered_via=Offer.AnsweredVia.COORDINATOR,
    )
    fields = {}
    completed_at = moments[referral.pk].get(Status.COMPLETED)
    ends_on = None
    if referral.status == Status.COMPLETED and completed_at is not None:
        ends_on = max(start, timezone.localdate(completed_at))
        fields = {
            "status": Episode.Status.ENDED,
            "ended_on": ends_on,
            "end_reason": Episode.EndReason.COMPLETED,
            "outcome": rng.choices(
                [Episode.Outcome.GOALS_MET, Episode.Outcome.PARTLY_MET, Episode.Outcome.NOT_MET],
                weights=[55, 38, 7],
            )[0],
            "ended_by": referral.therapist.user,
        }
    episode = Episode.objects.create(
        referral=referral,
        person=referral.person,
        programme=programme,
        offer=offer,
        site=_site(referral),
        goals=rng.sample(GOALS, k=rng.randint(1, 3)),
        planned_sessions=programme.block_sessions,
        start_date=start,
        **fields,
    )
    episode.therapists.set([referral.therapist])
    return episode, ends_on


class _Busy:
    """Who is booked when: every non-cancelled session already recorded, and those added."""

    def __init__(self):
        self.therapists = defaultdict(list)
        self.people = defaultdict(list)
        sessions = Session.objects.exclude(status=Session.Status.CANCELLED)
        through = Session.therapists.through.objects.filter(session__in=sessions)
        for therapist_id, starts, ends in through.values_list(
            "therapist_id", "session__starts_at", "session__ends_at"
        ):
            self.therapists[therapist_id].append((starts, ends))
        for person_id, starts, ends in (
            Attendance.objects.filter(session__in=sessions)
            .values_list("episode__person_id", "session__starts_at", "session__ends_at")
            .distinct()
        ):
            self.people[person_id].append((starts, ends))

    def free(self, therapist_id, person_id, times):
        taken = self.therapists[therapist_id] + self.people[person_id]
        return not any(s < end and start < e for start, end in times for s, e in taken)

    def book(self, therapist_id, person_id, times):
        self.therapists[therapist_id].extend(times)
        self.people[person_id].extend(times)


def _starts(therapist_id, weekday, availability):
    """Weekly start times to try: inside the therapist's one-to-one availability that day,
    then any time in the working day."""
    inside = []
    for window in availability.get((therapist_id, weekday), []):
        at = window.start
        while at < window.end:
            inside.append(at)
            minutes = at.hour * 60 + at.minute + 60
            at = time(minutes // 60, minutes % 60) if minutes < 24 * 60 else window.end
    return inside + [t for t in FALLBACK_STARTS if t not in inside]


def _times(days, start, minutes):
    times = []
    for day in days:
        starts_at = aware(day, start)
        times.append((starts_at, starts_at + timedelta(minutes=minutes)))
    return times


def _sessions(planned, busy, now, coordinator, rng):
    """Each episode's weekly sessions and registers, in bulk. Returns (sessions, registers)."""
    availability = defaultdict(list)
    for window in WeeklyAvailability.objects.filter(for_groups=False).order_by("start"):
        availability[(window.therapist_id, window.weekday)].append(window)
    sessions, rows = [], []  # rows: (session index, episode, therapist, attendance status)
    for episode, referral, ends_on in planned:
        therapist = referral.therapist
        programme = referral.programme
        minutes = programme.session_minutes or 45
        days = [episode.start_date + timedelta(weeks=w) for w in range(episode.planned_sessions)]
        if ends_on is not None:
            days = [d for d in days if d <= ends_on]
        chosen = None
        for start in _starts(therapist.pk, episode.start_date.weekday(), availability):
            times = _times(days, start, minutes)
            if busy.free(therapist.pk, referral.person_id, times):
                chosen = times
                break
        if chosen is None:
            continue  # no weekly time free every week: the episode stands without sessions
        busy.book(therapist.pk, referral.person_id, chosen)
        attended = 0
        for number, (starts_at, ends_at) in enumerate(chosen, start=1):
            status = Attendance.Status.EXPECTED
            if ends_at <= now:
                status = rng.choices(list(PAST_STATUSES), weights=PAST_STATUSES.values())[0]
                attended += status == Attendance.Status.ATTENDED
            session = Session(
                kind=Session.Kind.INDIVIDUAL,
                programme=programme,
                episode=episode,
                site=episode.site,
                starts_at=starts_at,
                ends_at=ends_at,
                number=number,
                created_by=coordinator,
            )
            if status == Attendance.Status.CANCELLED_BY_SERVICE:
                session.status = Session.Status.CANCELLED
                session.cancelled_by = Session.CancelledBy.SERVICE
                session.cancellation_reason = "The therapist was unwell."
                session.cancelled_at = starts_at - timedelta(days=1)
            elif status == Attendance.Status.CANCELLED_BY_CLIENT:
                session.status = Session.Status.CANCELLED
                session.cancelled_by = Session.CancelledBy.CLIENT
                session.cancellation_reason = "Could not come that week; let us know in time."
                session.cancelled_at = starts_at - timedelta(days=2)
            sessions.append(session)
            rows.append((session, episode, therapist, status))
        if episode.status == Episode.Status.ENDED:
            name = referral.person.preferred_name or referral.person.given_name
            episode.discharge_summary = SUMMARY.format(
                name=name, attended=attended, planned=episode.planned_sessions
            )
            episode.save(update_fields=["discharge_summary"])
    Session.objects.bulk_create(sessions, batch_size=500)
    Session.therapists.through.objects.bulk_create(
        [
            Session.therapists.through(session_id=session.pk, therapist_id=therapist.pk)
            for session, _, therapist, _ in rows
        ],
        batch_size=1000,
    )
    attendances = [
        Attendance(
            session=session,
            episode=episode,
            status=status,
            marked_by=None if status == Attendance.Status.EXPECTED else therapist.user,
            marked_at=None
            if status == Attendance.Status.EXPECTED
            else session.ends_at + timedelta(minutes=20),
        )
        for session, episode, therapist, status in rows
    ]
    Attendance.objects.bulk_create(attendances, batch_size=1000)
    return len(sessions), len(attendances)
