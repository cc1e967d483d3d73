"""Changes to courses, cohorts, places and attendance.

Places are first come, first served. Every change that can free or take a place locks the
cohort's row first, so two people signing up for the last place at the same moment get one
place and one waiting-list entry, never two places.
"""

import secrets
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tutti.workforce.models import Attendance, Cohort, CohortSession, Course, Participant
from tutti.workforce.tasks import (
    send_cancellation_confirmation,
    send_place_offered,
    send_sign_up_confirmation,
)
from tutti.workforce.training.feedback import request_course_feedback
from tutti.workforce.training.selectors import cohort_open_for_sign_up, places_taken

Status = Participant.Status


class AlreadyCancelled(ValidationError):
    pass


def _save(instance, **fields):
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def course_create(*, actor, **fields) -> Course:
    return _save(Course(), **fields)


@transaction.atomic
def course_update(*, course, actor, **fields) -> Course:
    return _save(Course.objects.select_for_update().get(pk=course.pk), **fields)


@transaction.atomic
def cohort_create(*, course, actor, **fields) -> Cohort:
    return _save(Cohort(course=course), **fields)


@transaction.atomic
def cohort_update(*, cohort, actor, base_url, **fields) -> Cohort:
    """Change a cohort. More places move people up from the waiting list at once; fewer
    places than people already holding one is refused."""
    locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
    taken = places_taken(locked)
    capacity = fields.get("capacity", locked.capacity)
    if capacity is not None and capacity < taken:
        raise ValidationError(
            {
                "capacity": f"{taken} people already have a place. Enter {taken} or more, "
                "or cancel places first."
            }
        )
    _save(locked, **fields)
    _fill_free_places(locked, base_url)
    cohort.refresh_from_db()
    return locked


@transaction.atomic
def cohort_session_add(*, cohort, date, starts, ends, topic="", actor) -> CohortSession:
    return _save(CohortSession(cohort=cohort), date=date, starts=starts, ends=ends, topic=topic)


@transaction.atomic
def participant_sign_up(
    *, cohort, name, email, role, organisation="", base_url, signed_up_at=None
) -> Participant:
    """Sign someone up: a place if one is free, otherwise the end of the waiting list.
    Queues the confirmation email, with a one-time link to cancel."""
    locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if not cohort_open_for_sign_up(locked):
        raise ValidationError("This course is not taking sign-ups now.")
    email = email.strip()
    active = locked.participants.exclude(status=Status.CANCELLED)
    if active.filter(email__iexact=email).exists():
        raise ValidationError(
            {
                "email": "This email address is already signed up for this course. "
                "Look for our email: it says whether you have a place."
            }
        )
    now = signed_up_at or timezone.now()
    has_place = places_taken(locked) < locked.capacity
    participant = Participant(
        cohort=locked,
        name=name.strip(),
        email=email,
        role=role,
        organisation=organisation.strip(),
        status=Status.PLACE if has_place else Status.WAITING,
        signed_up_at=now,
        place_given_at=now if has_place else None,
        cancel_key=secrets.token_hex(16),
    )
    participant.full_clean()
    try:
        with transaction.atomic():
            participant.save()
    except IntegrityError:
        raise ValidationError(
            {"email": "This email address is already signed up for this course."}
        ) from None
    transaction.on_commit(partial(send_sign_up_confirmation.enqueue, participant.pk, base_url))
    return participant


@transaction.atomic
def participant_cancel(*, participant, base_url, actor=None) -> list[Participant]:
    """Cancel a place (or leave the waiting list). A freed place goes to the first person
    waiting, who is emailed. Returns the people moved up."""
    cohort = Cohort.objects.select_for_update().get(pk=participant.cohort_id)
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    if locked.status == Status.CANCELLED:
        raise AlreadyCancelled("This place was already cancelled.")
    _save(locked, status=Status.CANCELLED, cancelled_at=timezone.now(), cancel_key="")
    transaction.on_commit(partial(send_cancellation_confirmation.enqueue, locked.pk, base_url))
    moved_up = _fill_free_places(cohort, base_url)
    participant.refresh_from_db()
    return moved_up


def _fill_free_places(cohort, base_url):
    """Give free places to the people waiting longest. The caller holds the cohort's lock."""
    free = cohort.capacity - places_taken(cohort)
    if free <= 0:
        return []
    now = timezone.now()
    waiting = cohort.participants.filter(status=Status.WAITING).order_by("signed_up_at", "pk")
    moved_up = []
    for participant in waiting[:free]:
        _save(participant, status=Status.PLACE, place_given_at=now)
        transaction.on_commit(partial(send_place_offered.enqueue, participant.pk, base_url))
        moved_up.append(participant)
    return moved_up


@transaction.atomic
def attendance_record(*, session, attended_ids, actor, base_url="") -> int:
    """Take the register for a session: everyone with a place is marked as came or did not.
    After the cohort's last session, each person who came is emailed a link to the course
    feedback survey."""
    attended_ids = {int(pk) for pk in attended_ids}
    people = list(session.cohort.participants.filter(status=Status.PLACE))
    unknown = attended_ids - {p.pk for p in people}
    if unknown:
        raise ValidationError("Some of the people marked do not have a place on this course.")
    for person in people:
        Attendance.objects.update_or_create(
            session=session,
            participant=person,
            defaults={"attended": person.pk in attended_ids, "recorded_by": actor},
        )
    last = session.cohort.sessions.order_by("-date", "-starts").first()
    if last and last.pk == session.pk:
        for person in people:
            if person.pk in attended_ids and person.feedback_requested_at is None:
                if request_course_feedback(participant=person, base_url=base_url):
                    _save(person, feedback_requested_at=timezone.now())
    return len(attended_ids)
