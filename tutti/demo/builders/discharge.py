"""The discharge letter part of the demo (issue 8, item 4): one of the demo GP's referrals
(the "referrer" log-in) has finished, so the GP reads its discharge letter from their
referral page, and their system could read it over FHIR.

Runs last, after the delivery builders: it ends the referrer's active episode that has the
most sessions attended (in a group, with its registers and records) through `episode_end`,
as its therapist. With no such episode (say the delivery builders found no room) it opens
one for the referrer's referral in therapy, with a block of past individual sessions. The
person's end-of-therapy outcome measures are entered first, each a little better than their
baseline, so the letter shows the change. The session notes stay the therapist's: the
letter never shows them.
"""

from datetime import time, timedelta

from auditlog.context import set_actor
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from tutti.delivery.models import Attendance, Episode, Session
from tutti.delivery.services.calendar import aware
from tutti.delivery.services.episodes import episode_end
from tutti.delivery.services.scheduling import ensure_no_clash
from tutti.outcomes.models import OPEN_STATUSES, Kind, Occasion, ResponseStatus
from tutti.outcomes.services import response_plan, response_record
from tutti.referrals.models import Referral, Status

SUMMARY = (
    "{name} came to music therapy with low mood and found it hard to join in with others. "
    "Over the sessions they moved from listening to playing, and then to singing; by the "
    "end they were suggesting songs and writing their own words to them.\n"
    "They met the goals we agreed at the start. They would like to keep making music and "
    "have been given details of the community choir, which they can join without a "
    "referral. We have not planned further therapy; please refer again if things change."
)
BLOCK_WEEKS = 8
ATTENDED_BUT = {3: Attendance.Status.CANCELLED_BY_CLIENT}  # week 3: cancelled in good time


def build_discharge(*, seed) -> Episode | None:
    """End one of the demo referrer's episodes with a discharge summary and end measures.
    Returns the ended episode (None when the referrer has nobody in therapy)."""
    referrer = get_user_model().objects.filter(username="referrer").first()
    if referrer is None:
        return None
    episode = (
        Episode.objects.filter(referral__referred_by=referrer, status=Episode.Status.ACTIVE)
        .annotate(
            attended=Count("attendances", filter=Q(attendances__status=Attendance.Status.ATTENDED))
        )
        .order_by("-attended", "pk")
        .first()
    )
    if episode is None:
        episode = _episode_opened(referrer)
    if episode is None:
        return None
    therapist = episode.therapists.select_related("user").order_by("pk").first()
    actor = therapist.user if therapist else None
    today = timezone.localdate()
    with transaction.atomic(), set_actor(actor):
        _end_measures(episode.referral, actor=actor, on=today)
        name = episode.person.preferred_name or episode.person.given_name
        return episode_end(
            episode=episode,
            ended_on=today,
            reason=Episode.EndReason.GOALS_MET,
            outcome=Episode.Outcome.GOALS_MET,
            discharge_summary=SUMMARY.format(name=name),
            actor=actor,
        )


def _episode_opened(referrer):
    """An episode for the referrer's referral in therapy, begun BLOCK_WEEKS weeks ago, with a
    past individual session each week (skipping any week its therapist or the person was
    busy) and its register marked."""
    referral = (
        Referral.objects.filter(referred_by=referrer, status=Status.ACTIVE, episode__isnull=True)
        .exclude(therapist=None)
        .select_related("person", "programme", "site", "therapist__user")
        .order_by("pk")
        .first()
    )
    if referral is None or referral.programme is None:
        return None
    therapist, programme = referral.therapist, referral.programme
    site = referral.site or programme.sites.order_by("pk").first()
    start = timezone.localdate() - timedelta(weeks=BLOCK_WEEKS)
    minutes = programme.session_minutes or 45
    with transaction.atomic(), set_actor(therapist.user):
        episode = Episode.objects.create(
            referral=referral,
            person=referral.person,
            programme=programme,
            site=site,
            goals=["To feel less low", "To join in with others"],
            planned_sessions=BLOCK_WEEKS,
            start_date=start,
        )
        episode.therapists.set([therapist])
        number = 0
        for week in range(BLOCK_WEEKS):
            starts_at = aware(start + timedelta(weeks=week), time(11, 0))
            ends_at = starts_at + timedelta(minutes=minutes)
            try:
                ensure_no_clash(
                    starts_at=starts_at,
                    ends_at=ends_at,
                    therapists=[therapist],
                    people=[referral.person],
                )
            except ValidationError:
                continue
            number += 1
            session = Session.objects.create(
                kind=Session.Kind.INDIVIDUAL,
                programme=programme,
                episode=episode,
                site=site,
                starts_at=starts_at,
                ends_at=ends_at,
                number=number,
                created_by=therapist.user,
            )
            session.therapists.set([therapist])
            Attendance.objects.create(
                session=session,
                episode=episode,
                status=ATTENDED_BUT.get(number, Attendance.Status.ATTENDED),
                marked_by=therapist.user,
                marked_at=ends_at + timedelta(minutes=20),
            )
    return episode


def _better(measure, answers):
    """The baseline's answers a step better on each item, as far as the scale allows."""
    if measure.is_goal_based:
        return [None if a is None else min(measure.scale_max, a + 3) for a in answers]
    improved = []
    for spec, answer in zip(measure.definition["items"], answers, strict=False):
        if answer is None or spec.get("risk"):
            improved.append(answer)
            continue
        up = measure.higher_is_better != bool(spec.get("reverse"))
        step = 1 if up else -1
        improved.append(max(measure.scale_min, min(measure.scale_max, answer + step)))
    return improved


def _end_measures(referral, *, actor, on):
    """Each outcome measure with a baseline and no end yet gets its end response today."""
    completed = referral.outcome_responses.filter(
        status=ResponseStatus.COMPLETED, measure__kind=Kind.MEASURE
    ).select_related("measure")
    ended = {r.measure_id for r in completed if r.occasion == Occasion.END}
    baselines = {}
    for response in completed.order_by("completed_at"):
        if response.occasion == Occasion.BASELINE and response.measure_id not in ended:
            baselines.setdefault(response.measure_id, response)
    for baseline in baselines.values():
        measure = baseline.measure
        planned = referral.outcome_responses.filter(
            measure=measure, occasion=Occasion.END, status__in=OPEN_STATUSES
        ).first() or response_plan(
            measure=measure,
            occasion=Occasion.END,
            person=referral.person,
            referral=referral,
            due_on=on,
            actor=actor,
            goals=baseline.goals or None,
        )
        response_record(
            response=planned,
            answers=_better(measure, baseline.answers),
            answered_by=baseline.answered_by,
            proxy_relationship=baseline.proxy_relationship,
            actor=actor,
            completed_on=on,
            goals=baseline.goals or None,
        )
