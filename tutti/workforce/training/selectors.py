"""Reads for training courses: what is open to the public, places, waiting lists."""

from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.utils import timezone

from tutti.workforce.models import Attendance, Cohort, CohortSession, Participant

Status = Participant.Status


def cohorts_with_counts(queryset=None):
    queryset = queryset if queryset is not None else Cohort.objects.all()
    return queryset.select_related("course", "venue").annotate(
        places_taken=Count("participants", filter=Q(participants__status=Status.PLACE)),
        waiting=Count("participants", filter=Q(participants__status=Status.WAITING)),
        first_date=Min("sessions__date"),
        last_date=Max("sessions__date"),
    )


def cohorts_open_for_sign_up(*, on=None):
    """Cohorts the public may sign up for: published course, sign-up open, at least one
    session, and the first session not yet past."""
    on = on or timezone.localdate()
    return (
        cohorts_with_counts(
            Cohort.objects.filter(course__is_published=True, signup_open=True).filter(
                Exists(CohortSession.objects.filter(cohort=OuterRef("pk")))
            )
        )
        .filter(first_date__gte=on)
        .order_by("first_date", "course__title")
    )


def cohort_open_for_sign_up(cohort, *, on=None) -> bool:
    return cohorts_open_for_sign_up(on=on).filter(pk=cohort.pk).exists()


def places_taken(cohort) -> int:
    return cohort.participants.filter(status=Status.PLACE).count()


def waiting_list(cohort):
    return cohort.participants.filter(status=Status.WAITING).order_by("signed_up_at", "pk")


def waiting_list_position(participant) -> int | None:
    """1 for the first person waiting; None for anyone not on the waiting list."""
    if participant.status != Status.WAITING:
        return None
    ahead = (
        Participant.objects.filter(cohort_id=participant.cohort_id, status=Status.WAITING)
        .filter(
            Q(signed_up_at__lt=participant.signed_up_at)
            | Q(signed_up_at=participant.signed_up_at, pk__lt=participant.pk)
        )
        .count()
    )
    return ahead + 1


def attended_sessions(participant):
    return CohortSession.objects.filter(
        attendance__participant=participant, attendance__attended=True
    ).order_by("date", "starts")


def register_for(session):
    """(participant, attended: True/False/None) for everyone with a place on the session's
    cohort; None when attendance was not taken yet."""
    marks = dict(
        Attendance.objects.filter(session=session).values_list("participant_id", "attended")
    )
    people = session.cohort.participants.filter(status=Status.PLACE).order_by("name")
    return [(person, marks.get(person.pk)) for person in people]
