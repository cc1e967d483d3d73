"""Who may see and enter which responses. A person's responses are part of their record: only
people who may see the person (people_visible_to) see them. Partner staff feedback carries
no person and is seen, in aggregate, by coordinators and administrators."""

from django.db.models import Q

from tutti.accounts.roles import Role
from tutti.outcomes.models import OPEN_STATUSES, Measure, Response, ResponseStatus
from tutti.people.selectors import people_visible_to


def may_enter_responses(user):
    """Therapists (for their caseload), supervisors and coordinators enter and plan responses."""
    return user.is_authenticated and user.has_role(
        Role.THERAPIST, Role.SUPERVISOR, Role.COORDINATOR
    )


def may_see_feedback(user):
    return user.is_authenticated and user.has_role(Role.ADMINISTRATOR, Role.COORDINATOR)


def person_for_outcomes(user, pk):
    return people_visible_to(user).filter(pk=pk).first()


def responses_visible_to(user):
    people = people_visible_to(user).values("pk")
    q = Q(person__in=people)
    if may_see_feedback(user):
        q |= Q(person__isnull=True)
    return Response.objects.filter(q)


def response_for_user(user, pk):
    return (
        responses_visible_to(user)
        .select_related("measure", "person", "referral__therapist__user", "organisation")
        .filter(pk=pk)
        .first()
    )


def due_responses_for(user):
    """Open responses (due or started online) for the people this user may see."""
    return (
        responses_visible_to(user)
        .filter(status__in=OPEN_STATUSES, person__isnull=False)
        .select_related("measure", "person", "referral")
        .order_by("due_on", "person__family_name", "pk")
    )


def risk_flags_for(user):
    """Completed responses with a risk answer nobody has marked as seen yet."""
    return (
        responses_visible_to(user)
        .filter(status=ResponseStatus.COMPLETED, risk_flagged=True, risk_reviewed_at=None)
        .select_related("measure", "person")
        .order_by("completed_at")
    )


def person_responses(person):
    return (
        Response.objects.filter(person=person)
        .select_related("measure", "referral", "entered_by")
        .order_by("completed_at", "due_on", "pk")
    )


def active_measures(kind=None):
    measures = Measure.objects.filter(is_active=True).prefetch_related("items")
    return measures.filter(kind=kind) if kind else measures
