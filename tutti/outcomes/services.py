"""Every change to a response goes through here: planning, entry by the therapist, risk review.
Answering online through a one-time link is in `links`. django-auditlog records each change."""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tutti.outcomes import scoring
from tutti.outcomes.models import (
    AnsweredBy,
    Channel,
    Occasion,
    Respondent,
    Response,
    ResponseStatus,
)
from tutti.outcomes.notifications import risk_alert_queue

MAX_GOALS = 3


def default_due_dates(referral, *, today=None) -> dict:
    """Baseline at the start, review half-way through the block, end at its end."""
    today = today or timezone.localdate()
    start = today
    if referral is not None:
        started = referral.events.filter(status="active").order_by("at").first()
        if started is not None:
            start = timezone.localdate(started.at)
    weeks = (referral.programme.block_sessions if referral and referral.programme else 0) or 12
    return {
        Occasion.BASELINE: start,
        Occasion.REVIEW: start + timedelta(weeks=max(1, weeks // 2)),
        Occasion.END: start + timedelta(weeks=weeks),
    }


def _check_referral(person, referral):
    if referral is not None and referral.person_id != person.pk:
        raise ValidationError({"referral": "That referral is for someone else."})


def _clean_goals(goals):
    goals = [goal.strip() for goal in goals or [] if goal and goal.strip()]
    if len(goals) > MAX_GOALS:
        raise ValidationError({"goals": f"Enter up to {MAX_GOALS} goals."})
    return goals


def goals_carried_forward(person):
    """The goals from the person's most recent Goal Based Outcomes response, if any."""
    earlier = (
        Response.objects.filter(person=person, measure__code="gbo")
        .exclude(goals=[])
        .order_by("-completed_at", "-created_at")
        .first()
    )
    return list(earlier.goals) if earlier else []


@transaction.atomic
def response_plan(
    *,
    measure,
    occasion,
    actor,
    person=None,
    referral=None,
    organisation=None,
    course_participant=None,
    due_on: date | None = None,
    goals=None,
    easy_read=False,
) -> Response:
    """Plan one administration of a measure: it is due for the therapist from `due_on`."""
    if measure.respondent == Respondent.COURSE:
        if course_participant is None:
            raise ValidationError({"course_participant": "Choose who came to the course."})
        person = organisation = None
    elif measure.respondent == Respondent.STAFF:
        if organisation is None:
            raise ValidationError({"organisation": "Choose the partner organisation."})
        person = None
    elif person is None:
        raise ValidationError({"person": "Choose the person the answers are about."})
    else:
        _check_referral(person, referral)
    goals = _clean_goals(goals)
    if measure.is_goal_based and not goals and person is not None:
        goals = goals_carried_forward(person)
    response = Response(
        measure=measure,
        person=person,
        referral=referral,
        organisation=organisation,
        course_participant=course_participant,
        occasion=Occasion(occasion),
        due_on=due_on,
        goals=goals,
        easy_read=easy_read,
        planned_by=actor,
        status=ResponseStatus.DUE,
    )
    response.full_clean()
    response.save()
    return response


@transaction.atomic
def responses_plan(*, person, referral, measures, due: dict, actor) -> list[Response]:
    """Plan each measure at each occasion in `due` ({occasion: date}), skipping any already
    planned or done for this referral."""
    _check_referral(person, referral)
    if not measures:
        raise ValidationError({"measures": "Choose at least one measure."})
    if not any(due.values()):
        raise ValidationError({"due": "Give at least one due date."})
    made = []
    for measure in measures:
        for occasion, due_on in due.items():
            if due_on is None:
                continue
            exists = Response.objects.filter(
                person=person, referral=referral, measure=measure, occasion=occasion
            ).exclude(status=ResponseStatus.CANCELLED)
            if exists.exists():
                continue
            made.append(
                response_plan(
                    measure=measure,
                    occasion=occasion,
                    person=person,
                    referral=referral,
                    due_on=due_on,
                    actor=actor,
                )
            )
    return made


def apply_score(response, result: scoring.Score):
    response.score = {**result.as_dict(), "problems": [list(p) for p in result.problems]}
    response.raw_score = result.raw
    response.metric_score = result.metric
    response.risk_flagged = bool(result.risk)


def _lock_open(response):
    locked = Response.objects.select_for_update().select_related("measure").get(pk=response.pk)
    if not locked.is_open:
        raise ValidationError(
            f"This {locked.measure.short_name} is already {locked.get_status_display().lower()}."
        )
    return locked


@transaction.atomic
def response_record(
    *,
    response,
    answers,
    answered_by,
    actor,
    completed_on: date | None = None,
    proxy_relationship="",
    goals=None,
    allow_unscored=False,
    alert_url="",
) -> Response:
    """The therapist enters answers given on paper or in a session: score and complete.

    Raises scoring.AnswerError for answers off the scale, and ValidationError when the
    answers cannot be scored unless `allow_unscored`. Any link still open stops working.
    """
    locked = _lock_open(response)
    measure = locked.measure
    if measure.is_goal_based:
        goals = _clean_goals(goals if goals is not None else locked.goals)
        if not goals:
            raise ValidationError({"goals": "Enter at least one goal."})
        if len(answers) != len(goals):
            raise ValidationError({"answers": "Rate each goal, and only the goals entered."})
        locked.goals = goals
    answered_by = AnsweredBy(answered_by)
    if answered_by == AnsweredBy.PROXY and not proxy_relationship.strip():
        raise ValidationError({"proxy_relationship": "Say who answered on the person's behalf."})
    result = scoring.score(measure.definition, list(answers))
    if not result.scored and not allow_unscored:
        raise ValidationError({field: [message] for field, message in result.problems})
    now = timezone.now()
    completed_at = now
    if completed_on is not None and completed_on != timezone.localdate(now):
        completed_at = timezone.make_aware(
            datetime.combine(completed_on, timezone.localtime(now).time())
        )
    locked.answers = list(answers)
    apply_score(locked, result)
    locked.status = ResponseStatus.COMPLETED
    locked.channel = Channel.THERAPIST
    locked.answered_by = answered_by
    locked.proxy_relationship = proxy_relationship.strip() if answered_by == "proxy" else ""
    locked.entered_by = actor
    locked.completed_at = completed_at
    locked.full_clean()
    locked.save()
    locked.links.filter(used_at=None, revoked_at=None).update(revoked_at=now)
    if locked.risk_flagged:
        risk_alert_queue(locked, url=alert_url, actor=actor)
    response.refresh_from_db()
    return locked


@transaction.atomic
def response_cancel(*, response, actor) -> Response:
    locked = _lock_open(response)
    locked.status = ResponseStatus.CANCELLED
    locked.save(update_fields=["status"])
    locked.links.filter(used_at=None, revoked_at=None).update(revoked_at=timezone.now())
    response.refresh_from_db()
    return locked


@transaction.atomic
def response_risk_review(*, response, actor) -> Response:
    """The therapist has seen the risk answer and acted on it."""
    locked = Response.objects.select_for_update().get(pk=response.pk)
    if not locked.risk_flagged:
        raise ValidationError("This response has no risk answer to review.")
    if locked.risk_reviewed_at is None:
        locked.risk_reviewed_at = timezone.now()
        locked.risk_reviewed_by = actor
        locked.save(update_fields=["risk_reviewed_at", "risk_reviewed_by"])
    response.refresh_from_db()
    return locked
