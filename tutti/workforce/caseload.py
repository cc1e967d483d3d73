"""A therapist's caseload: the episodes of care they work in (their individual clients and the
members of the groups they run), with each one's sessions this month, next session and
outcome measures due. A handful of queries whatever the size of the caseload."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count, F, Func, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from tutti.delivery.models import Attendance, Episode, Session
from tutti.delivery.selectors import episodes_visible_to
from tutti.outcomes.models import OPEN_STATUSES, Response

# A person who cancelled a session they were booked into is not expected at it.
_NOT_COMING = (
    Attendance.Status.CANCELLED_BY_CLIENT,
    Attendance.Status.CANCELLED_LATE,
    Attendance.Status.CANCELLED_BY_SERVICE,
)


def month_of(day: date):
    """The first moment of the calendar month `day` is in, and of the next month."""
    first = day.replace(day=1)
    following = (
        first.replace(year=first.year + 1, month=1)
        if first.month == 12
        else (first.replace(month=first.month + 1))
    )
    return (
        timezone.make_aware(datetime.combine(first, time.min)),
        timezone.make_aware(datetime.combine(following, time.min)),
    )


def _count(queryset):
    """A correlated SELECT COUNT(*) of `queryset` for each outer row (a plain function, not
    an aggregate, so the subquery has no GROUP BY and always returns one row)."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def caseload_episodes(user, therapist, *, now=None):
    """The active episodes `therapist` works in that `user` may see, with:

    - sessions_this_month: sessions booked for the person this calendar month (not
      cancelled), and attended_this_month of them marked attended;
    - next_session_at / next_session_id: the next session they are expected at;
    - measures_due, measures_overdue, next_measure_due_on: outcome measures planned or
      started for the episode's referral (or for the person with no referral) and not done.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    start, end = month_of(today)
    booked = Attendance.objects.filter(episode=OuterRef("pk")).exclude(
        session__status=Session.Status.CANCELLED
    )
    this_month = booked.filter(session__starts_at__gte=start, session__starts_at__lt=end)
    upcoming = (
        booked.filter(session__ends_at__gt=now)
        .exclude(status__in=_NOT_COMING)
        .order_by("session__starts_at", "session_id")
    )
    measures = Response.objects.filter(status__in=OPEN_STATUSES).filter(
        Q(referral=OuterRef("referral_id")) | Q(referral__isnull=True, person=OuterRef("person_id"))
    )
    works_in = Q(therapists=therapist) | Q(group__therapists=therapist)
    return (
        episodes_visible_to(user)
        .filter(status=Episode.Status.ACTIVE)
        .filter(pk__in=Episode.objects.filter(works_in).values("pk"))
        .select_related("person", "referral", "programme", "group")
        .annotate(
            sessions_this_month=_count(this_month),
            attended_this_month=_count(this_month.filter(status=Attendance.Status.ATTENDED)),
            next_session_at=Subquery(upcoming.values("session__starts_at")[:1]),
            next_session_id=Subquery(upcoming.values("session_id")[:1]),
            measures_due=_count(measures),
            measures_overdue=_count(measures.filter(due_on__lt=today)),
            next_measure_due_on=Subquery(
                measures.filter(due_on__isnull=False).order_by("due_on").values("due_on")[:1]
            ),
        )
        .order_by("person__family_name", "person__given_name", "pk")
    )


@dataclass(frozen=True)
class MonthSessions:
    total: int
    to_come: int


def therapist_sessions_this_month(therapist, *, now=None) -> MonthSessions:
    """The therapist's own sessions this calendar month (not cancelled), and how many of
    them are still to come."""
    now = now or timezone.now()
    start, end = month_of(timezone.localdate(now))
    counts = (
        Session.objects.filter(therapists=therapist, starts_at__gte=start, starts_at__lt=end)
        .exclude(status=Session.Status.CANCELLED)
        .aggregate(total=Count("pk"), to_come=Count("pk", filter=Q(starts_at__gte=now)))
    )
    return MonthSessions(total=counts["total"], to_come=counts["to_come"])
