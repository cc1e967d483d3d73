"""The outcomes part of the demo: baseline and end measures for the people in therapy, through
the outcomes services, so each person's chart shows their change.

Runs after `build_demo`, on the referrals it made. What a person trying the demo sees:
- everyone with an active or completed referral has a baseline: SWEMWBS from 13, CORE-10 from
  18, Goal Based Outcomes for younger children; completed referrals have an end response, most
  showing improvement, some reliable, a few none or worse;
- active referrals half-way through have a review, and their end is planned with a due date
  (some overdue), so therapists have measures due;
- one recent CORE-10 has a risk answer not yet marked as seen;
- feedback from people, families and partner staff, for the "% agree" report.
"""

import random
from datetime import timedelta

from auditlog.context import set_actor
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from tutti.accounts.roles import Role
from tutti.organisations.models import Organisation
from tutti.outcomes.models import AnsweredBy, Measure, Occasion
from tutti.outcomes.services import response_plan, response_record, response_risk_review
from tutti.referrals.models import Referral, Status

GOALS = [
    "Feel calmer at school",
    "Play a song for my family",
    "Take turns in the group",
    "Say how I feel with music",
    "Join in without being asked",
    "Make a new friend in the group",
    "Sing in front of others",
    "Sleep better before sessions",
]


def _spread(rng, total, count, low, high):
    """`count` whole numbers from low to high that add up to `total`."""
    values = [low] * count
    left = total - low * count
    while left > 0:
        index = rng.randrange(count)
        if values[index] < high:
            values[index] += 1
            left -= 1
    return values


def _clip(value, low, high):
    return max(low, min(high, round(value)))


def _swemwbs(rng, total):
    return _spread(rng, _clip(total, 7, 35), 7, 1, 5)


def _core10(rng, total, *, risk=False):
    """Answers whose CORE-10 total is `total`: items 2 and 3 are answered reversed."""
    scored = _spread(rng, _clip(total - (1 if risk else 0), 0, 36), 9, 0, 4)
    scored.insert(5, 1 if risk else 0)  # item 6, the risk item
    return [
        4 - value if number in (2, 3) else value for number, value in enumerate(scored, start=1)
    ]


def _survey(rng, count):
    return [rng.choices([5, 4, 3, 2, 1], weights=[48, 40, 7, 4, 1])[0] for _ in range(count)]


class _Builder:
    def __init__(self, seed):
        self.rng = random.Random(seed * 31 + 6)
        self.today = timezone.localdate()
        self.measures = {m.code: m for m in Measure.objects.all()}
        self.made = 0
        self.risks = []

    def record(
        self,
        code,
        answers,
        *,
        referral,
        occasion,
        on,
        actor,
        goals=None,
        answered_by=AnsweredBy.PERSON,
        easy_read=False,
        proxy="",
    ):
        response = response_plan(
            measure=self.measures[code],
            occasion=occasion,
            person=referral.person,
            referral=referral,
            due_on=on,
            actor=actor,
            goals=goals,
            easy_read=easy_read,
        )
        done = response_record(
            response=response,
            answers=answers,
            answered_by=answered_by,
            actor=actor,
            completed_on=on,
            goals=goals,
            proxy_relationship=proxy,
        )
        self.made += 1
        return done

    def referral(self, referral):
        rng, actor, person = self.rng, referral.therapist.user, referral.person
        moments = {event.status: timezone.localdate(event.at) for event in referral.events.all()}
        start = moments.get(Status.ACTIVE)
        if start is None:
            return
        weeks = (referral.programme.block_sessions if referral.programme else 0) or 12
        end = moments.get(Status.COMPLETED)
        baseline_on = min(start + timedelta(days=rng.randint(0, 6)), self.today)
        age = person.age_on(start)
        proxy = age < 13 or "learning_difficulty" in referral.circumstances
        answered = {
            "answered_by": AnsweredBy.PROXY if proxy and age < 13 else AnsweredBy.PERSON,
            "proxy": "Parent" if proxy and age < 13 else "",
        }
        gains = rng.gauss(3.2, 3.0)
        plans = []
        if age >= 13:
            base = rng.gauss(19, 3.5)
            plans.append(
                (
                    "swemwbs",
                    lambda b=base: _swemwbs(rng, b),
                    lambda b=base: _swemwbs(rng, b + gains),
                    {},
                )
            )
        if age >= 18:
            base = rng.gauss(18, 6)
            risk = rng.random() < 0.06
            plans.append(
                (
                    "core10",
                    lambda b=base, r=risk: _core10(rng, b, risk=r),
                    lambda b=base: _core10(rng, b - 2 * gains),
                    {},
                )
            )
        if age < 13:
            goals = rng.sample(GOALS, 2)
            first = [rng.randint(1, 4) for _ in goals]
            plans.append(
                (
                    "gbo",
                    lambda f=first: list(f),
                    lambda f=first: [_clip(v + gains + rng.randint(0, 3), 0, 10) for v in f],
                    {"goals": goals},
                )
            )
        for code, baseline_answers, end_answers, extra in plans:
            done = self.record(
                code,
                baseline_answers(),
                referral=referral,
                occasion=Occasion.BASELINE,
                on=baseline_on,
                actor=actor,
                **extra,
                **answered,
            )
            if done.risk_flagged:
                self.risks.append(done)
            if end is not None:
                end_on = max(end - timedelta(days=rng.randint(0, 3)), baseline_on + timedelta(7))
                self.record(
                    code,
                    end_answers(),
                    referral=referral,
                    occasion=Occasion.END,
                    on=min(end_on, self.today),
                    actor=actor,
                    **extra,
                    **answered,
                )
                continue
            half_way = start + timedelta(weeks=max(1, weeks // 2))
            if half_way < self.today:
                halfway_answers = end_answers()
                self.record(
                    code,
                    halfway_answers,
                    referral=referral,
                    occasion=Occasion.REVIEW,
                    on=half_way,
                    actor=actor,
                    **extra,
                    **answered,
                )
            response_plan(
                measure=self.measures[code],
                occasion=Occasion.END,
                person=person,
                referral=referral,
                due_on=start + timedelta(weeks=weeks),
                actor=actor,
                goals=extra.get("goals"),
            )
        if end is not None:
            self.record(
                "survey_service_user",
                _survey(rng, 3),
                referral=referral,
                occasion=Occasion.END,
                on=min(end, self.today),
                actor=actor,
                easy_read="learning_difficulty" in referral.circumstances,
                **answered,
            )
            if age < 18:
                self.record(
                    "survey_family_carer",
                    _survey(rng, 1),
                    referral=referral,
                    occasion=Occasion.END,
                    on=min(end, self.today),
                    actor=actor,
                    answered_by=AnsweredBy.FAMILY,
                )

    def partner_feedback(self, coordinator):
        survey = self.measures["survey_staff_partner"]
        for organisation in Organisation.objects.filter(is_partner=True).order_by("pk")[:12]:
            for _ in range(self.rng.randint(2, 5)):
                response = response_plan(
                    measure=survey,
                    occasion=Occasion.END,
                    organisation=organisation,
                    due_on=self.today,
                    actor=coordinator,
                )
                day = self.today - timedelta(days=self.rng.randint(5, 300))
                response_record(
                    response=response,
                    answers=_survey(self.rng, 2),
                    answered_by=AnsweredBy.STAFF,
                    actor=coordinator,
                    completed_on=day,
                )
                self.made += 1


def build_outcomes(*, seed) -> int:
    """Baseline, review and end responses for the demo's people in therapy. Returns how many
    responses were recorded."""
    builder = _Builder(seed)
    referrals = (
        Referral.objects.filter(status__in=[Status.ACTIVE, Status.COMPLETED])
        .exclude(therapist=None)
        .select_related("person", "programme", "therapist__user")
        .prefetch_related("events")
        .order_by("pk")
    )
    with transaction.atomic():
        for referral in referrals:
            with set_actor(referral.therapist.user):
                builder.referral(referral)
        # Risk answers from long ago were seen and acted on; the latest waits for its therapist.
        builder.risks.sort(key=lambda r: r.completed_at)
        for response in builder.risks[:-1]:
            response_risk_review(response=response, actor=response.entered_by)
        coordinator = get_user_model().objects.filter(groups__name=Role.COORDINATOR).first()
        if coordinator is not None:
            with set_actor(coordinator):
                builder.partner_feedback(coordinator)
    return builder.made
