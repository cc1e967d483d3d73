"""Diaries: a therapist's week, a site's day, a programme at a glance, and where to find them.

The week and day pages move backwards and forwards with plain links (they work without
JavaScript); with htmx, the links swap only the diary in place and update the address bar.
"""

from datetime import timedelta

from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from tutti.accounts.decorators import role_required
from tutti.accounts.roles import Role
from tutti.delivery import diaries
from tutti.delivery.models import Attendance, Group, GroupMembership, Session
from tutti.delivery.selectors import sessions_visible_to
from tutti.organisations.models import Site
from tutti.programmes.models import Programme
from tutti.workforce.models import Therapist
from tutti.workforce.selectors import own_therapist

MANAGERS = (Role.ADMINISTRATOR, Role.COORDINATOR)
THERAPISTS = (Role.THERAPIST, Role.SUPERVISOR)


def render_diary(request, template, context):
    """The whole page, or (for htmx moving to another week or day) just the diary part.

    htmx asks for the whole page when it restores one from history (the diary pages keep no
    copy in the browser's storage: they show people's names)."""
    partial = request.headers.get("HX-Request") and not request.headers.get(
        "HX-History-Restore-Request"
    )
    name = template.replace("/page.jinja", "/_diary.jinja") if partial else template
    response = render(request, f"delivery/{name}", {**context, "partial": bool(partial)})
    patch_vary_headers(response, ["HX-Request"])
    return response


def may_see_diary(user, therapist) -> bool:
    """Coordinators, the therapist, and (as the selectors allow) their supervising lead."""
    if user.has_role(*MANAGERS) or therapist.user_id == user.pk:
        return True
    return (
        user.has_role(Role.SUPERVISOR)
        and therapist.supervisor_id is not None
        and therapist.supervisor.user_id == user.pk
    )


def _week_page(request, therapist, *, own):
    today = timezone.localdate()
    week, problem = diaries.Week.parse(request.GET.get("week", ""), today=today)
    sessions = diaries.load(diaries.therapist_week(therapist, week))
    if therapist.user_id == request.user.pk:
        may_name = diaries.everyone_named
    else:
        may_name = diaries.names_visible(sessions_visible_to(request.user), sessions)
    rows = diaries.entries(sessions, may_name=may_name)
    diaries.record_names_shown(request, rows)
    return render_diary(
        request,
        "diaries/week/page.jinja",
        {
            "therapist": therapist,
            "own": own,
            "week": week,
            "today": today,
            "problem": problem,
            "days": diaries.by_day(rows, week.days),
            "booked": sum(1 for row in rows if not row.cancelled),
            "cancelled": sum(1 for row in rows if row.cancelled),
            "day_label": diaries.day_label,
        },
    )


@role_required(*THERAPISTS)
def my_week(request):
    own = own_therapist(request.user)
    if own is None:
        raise Http404("You have no therapist record")
    return _week_page(request, own, own=True)


@role_required(*MANAGERS, *THERAPISTS)
def therapist_week(request, pk):
    therapist = get_object_or_404(
        Therapist.objects.select_related("user", "supervisor__user"), pk=pk
    )
    if not may_see_diary(request.user, therapist):
        raise Http404("No such therapist, or not yours to see")
    return _week_page(request, therapist, own=therapist.user_id == request.user.pk)


@role_required(*MANAGERS)
def site_day(request, pk):
    site = get_object_or_404(Site.objects.select_related("organisation"), pk=pk)
    today = timezone.localdate()
    day, problem = diaries.parse_day(request.GET.get("date", ""), today=today)
    sessions = diaries.load(diaries.site_day(site, day))
    may_name = diaries.names_visible(sessions_visible_to(request.user), sessions)
    rows = diaries.entries(sessions, may_name=may_name)
    diaries.record_names_shown(request, rows)
    return render_diary(
        request,
        "diaries/day/page.jinja",
        {
            "site": site,
            "day": day,
            "today": today,
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
            "problem": problem,
            "rows": rows,
            "rooms": sorted({row.room_label for row in rows if row.room_label}),
            "day_label": diaries.day_label,
        },
    )


def _count(queryset, key):
    """A correlated subquery counting `queryset`'s rows per outer row (0 when none), so that
    several counts over different tables can sit on one row without multiplying."""
    counted = queryset.order_by().values(key).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted), 0)


def _groups(programme, now):
    attended = Attendance.objects.filter(
        session__group=OuterRef("pk"), status=Attendance.Status.ATTENDED
    )
    missed = Attendance.objects.filter(
        session__group=OuterRef("pk"), status__in=list(Attendance.NON_ATTENDANCE)
    )
    held = Session.objects.filter(
        group=OuterRef("pk"), starts_at__lt=now, status=Session.Status.SCHEDULED
    )
    upcoming = Session.objects.filter(
        group=OuterRef("pk"), starts_at__gte=now, status=Session.Status.SCHEDULED
    )
    members = GroupMembership.objects.filter(group=OuterRef("pk"), left_on__isnull=True)
    return (
        Group.objects.filter(programme=programme)
        .select_related("site", "room")
        .prefetch_related("therapists__user")
        .annotate(
            members_now=_count(members, "group"),
            held=_count(held, "group"),
            attended=_count(attended, "session__group"),
            missed=_count(missed, "session__group"),
            next_session_at=Subquery(upcoming.order_by("starts_at").values("starts_at")[:1]),
        )
        .order_by("status", "weekday", "start_time", "name")
    )


@role_required(*MANAGERS)
def programme(request, code):
    programme = get_object_or_404(Programme, code=code)
    now = timezone.now()
    today = timezone.localdate(now)
    week, problem = diaries.Week.parse(request.GET.get("week", ""), today=today)
    sessions = diaries.load(
        diaries.sessions_between(
            Session.objects.filter(programme=programme), week.starts_at, week.ends_at
        )
    )
    may_name = diaries.names_visible(sessions_visible_to(request.user), sessions)
    rows = diaries.entries(sessions, may_name=may_name)
    diaries.record_names_shown(request, rows)
    totals = Attendance.objects.filter(session__programme=programme).aggregate(
        attended=Count("pk", filter=Q(status=Attendance.Status.ATTENDED)),
        missed=Count("pk", filter=Q(status__in=list(Attendance.NON_ATTENDANCE))),
        first=Min("session__starts_at"),
    )
    return render_diary(
        request,
        "diaries/programme/page.jinja",
        {
            "programme": programme,
            "groups": _groups(programme, now),
            "week": week,
            "today": today,
            "problem": problem,
            "rows": rows,
            "week_attended": sum(row.session.attended_count for row in rows),
            "week_missed": sum(row.session.missed_count for row in rows),
            "totals": totals,
            "day_label": diaries.day_label,
        },
    )


@role_required(*MANAGERS, *THERAPISTS)
def index(request):
    """Where the diaries are: every therapist, site and programme for coordinators; the
    people they supervise for clinical leads."""
    user = request.user
    managers = user.has_role(*MANAGERS)
    if not managers and not user.has_role(Role.SUPERVISOR):
        return redirect("delivery:diary")
    therapists = Therapist.objects.filter(user__is_active=True).select_related("user")
    if not managers:
        therapists = therapists.filter(supervisor__user=user)
    return render(
        request,
        "delivery/diaries/index.jinja",
        {
            "therapists": therapists.order_by("user__full_name"),
            "sites": Site.objects.filter(is_active=True) if managers else [],
            "programmes": Programme.objects.all() if managers else [],
            "own": own_therapist(user),
            "today": timezone.localdate(),
        },
    )
