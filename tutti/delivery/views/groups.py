"""Groups, closure dates and community events.

Coordinators and administrators set groups up, generate their sessions, add and remove
members, manage closure dates and book community events. Therapists see the groups they
run (and supervisors their supervisees'), read-only.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tutti.accounts.decorators import role_required
from tutti.accounts.roles import Role
from tutti.core.audit import access_record_list
from tutti.delivery.models import ClosureDate, Episode, Group, GroupMembership, Session
from tutti.delivery.selectors import episodes_visible_to
from tutti.delivery.services import closures as closure_services
from tutti.delivery.services import community as community_services
from tutti.delivery.services import groups as services
from tutti.delivery.services.calendar import aware, day_text, when_text
from tutti.delivery.views.scheduling_forms import (
    ClosureForm,
    EventForm,
    GroupForm,
    LeaveForm,
    MemberForm,
    apply_errors,
)
from tutti.programmes.models import Programme
from tutti.workforce.presenters import choice_params, single_checkbox

MANAGERS = (Role.COORDINATOR, Role.ADMINISTRATOR)
READERS = (*MANAGERS, Role.THERAPIST, Role.SUPERVISOR)
HELPERS = {
    "choice_params": choice_params,
    "single_checkbox": single_checkbox,
    "day_text": day_text,
    "when_text": when_text,
}


def _render(request, template, context, status=200):
    return render(request, f"delivery/groups/{template}", {**HELPERS, **context}, status=status)


def groups_visible_to(user):
    """Every group for coordinators; the groups a therapist runs (and a supervisor's
    supervisees run) for therapists."""
    if user.has_role(*MANAGERS):
        return Group.objects.all()
    if user.has_role(Role.THERAPIST, Role.SUPERVISOR):
        q = Q(therapists__user=user)
        if user.has_role(Role.SUPERVISOR):
            q |= Q(therapists__supervisor__user=user)
        return Group.objects.filter(pk__in=Group.objects.filter(q).values("pk"))
    return Group.objects.none()


def _group_or_404(request, pk):
    group = (
        groups_visible_to(request.user)
        .select_related("programme", "site", "room")
        .filter(pk=pk)
        .first()
    )
    if group is None:
        raise Http404("No such group, or not yours to see")
    return group


def _manager_group(request, pk):
    if not request.user.has_role(*MANAGERS):
        raise PermissionDenied("Only coordinators change groups.")
    return _group_or_404(request, pk)


# ---------------------------------------------------------------------------------------
# Groups


@role_required(*READERS)
def group_list(request):
    booked = Q(sessions__status=Session.Status.SCHEDULED)
    groups = (
        groups_visible_to(request.user)
        .select_related("programme", "site")
        .prefetch_related("therapists__user")
        .annotate(
            taken=Count("memberships", filter=Q(memberships__left_on__isnull=True), distinct=True),
            booked=Count("sessions", filter=booked, distinct=True),
        )
        .order_by("programme__name", "weekday", "start_time", "name")
    )
    show_finished = request.GET.get("finished") == "1"
    if not show_finished:
        groups = groups.exclude(status=Group.Status.FINISHED)
    by_programme = {}
    for group in groups:
        group.free = max(group.capacity - group.taken, 0)
        by_programme.setdefault(group.programme, []).append(group)
    return _render(
        request,
        "list.jinja",
        {
            "by_programme": by_programme,
            "show_finished": show_finished,
            "may_manage": request.user.has_role(*MANAGERS),
        },
    )


def _group_fields(data):
    fields = {name: data[name] for name in services.GROUP_FIELDS if name in data}
    return fields


@role_required(*MANAGERS)
def group_new(request):
    initial = {}
    programme = Programme.objects.filter(code=request.GET.get("programme", "")).first()
    if programme is not None:
        initial = {
            "programme": programme.pk,
            "minutes": programme.session_minutes,
            "planned_sessions": programme.block_sessions,
            "min_age": programme.min_age,
            "max_age": programme.max_age,
        }
    form = GroupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        therapists = list(data.pop("therapists"))
        try:
            group = services.group_create(
                actor=request.user, therapists=therapists, **_group_fields(data)
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, f"{group.name} is set up. Add members and generate its sessions."
            )
            return redirect("delivery:group", pk=group.pk)
    return _render(request, "form.jinja", {"form": form, "group": None})


@role_required(*MANAGERS)
def group_edit(request, pk):
    group = _manager_group(request, pk)
    initial = {name: getattr(group, name) for name in services.GROUP_FIELDS}
    initial.update(
        programme=group.programme_id,
        site=group.site_id,
        room=group.room_id,
        therapists=[t.pk for t in group.therapists.all()],
    )
    form = GroupForm(request.POST or None, initial=initial, group=group)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        therapists = list(data.pop("therapists"))
        if data.get("planned_sessions") is None:
            data["planned_sessions"] = group.planned_sessions
        try:
            services.group_update(
                group=group, actor=request.user, therapists=therapists, **_group_fields(data)
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Group saved")
            return redirect("delivery:group", pk=group.pk)
    return _render(
        request,
        "form.jinja",
        {"form": form, "group": group, "has_sessions": group.sessions.exists()},
    )


@role_required(*READERS)
def group_detail(request, pk):
    group = _group_or_404(request, pk)
    memberships = list(
        group.memberships.select_related("episode__person", "episode__referral").order_by(
            "left_on", "joined_on", "pk"
        )
    )
    current = [m for m in memberships if m.left_on is None]
    left = [m for m in memberships if m.left_on is not None]
    visible = set(
        episodes_visible_to(request.user)
        .filter(pk__in=[m.episode_id for m in memberships])
        .values_list("pk", flat=True)
    )
    access_record_list(
        request=request,
        objs=[m.episode for m in memberships if m.episode_id in visible],
        person_id_of=lambda e: e.person_id,
    )
    sessions = list(
        group.sessions.select_related("room").annotate(
            expected=Count("attendances", filter=Q(attendances__status="expected")),
            attended=Count("attendances", filter=Q(attendances__status="attended")),
        )
    )
    booked = sum(1 for s in sessions if not s.is_cancelled)
    return _render(
        request,
        "detail.jinja",
        {
            "group": group,
            "therapists": list(group.therapists.select_related("user")),
            "current": current,
            "left": left,
            "visible": visible,
            "sessions": sessions,
            "booked": booked,
            "to_generate": max(group.planned_sessions - booked, 0),
            "free": max(group.capacity - len(current), 0),
            "may_manage": request.user.has_role(*MANAGERS),
            "now": timezone.now(),
        },
    )


@require_POST
@role_required(*MANAGERS)
def group_generate(request, pk):
    group = _manager_group(request, pk)
    try:
        result = services.group_sessions_generate(group=group, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("delivery:group", pk=group.pk)
    text = f"{len(result.sessions)} sessions booked"
    if result.skipped:
        skipped = "; ".join(f"{day_text(day)} ({why})" for day, why in result.skipped)
        text += f". No session on {skipped}."
    messages.success(request, text)
    return redirect("delivery:group", pk=group.pk)


def member_candidates(group):
    """Active episodes in the group's programme that are in no group now: people who
    accepted a group place (or were moved here from individual sessions)."""
    in_a_group = GroupMembership.objects.current().values("episode_id")
    return (
        Episode.objects.filter(programme=group.programme, status=Episode.Status.ACTIVE)
        .exclude(pk__in=in_a_group)
        .select_related("person", "referral")
        .order_by("person__family_name", "person__given_name", "pk")
    )


@role_required(*MANAGERS)
def member_add(request, pk):
    group = _manager_group(request, pk)
    candidates = member_candidates(group)
    form = MemberForm(
        request.POST or None, candidates=candidates, initial={"joined_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.group_member_add(
                group=group,
                episode=form.cleaned_data["episode"],
                joined_on=form.cleaned_data["joined_on"],
                actor=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Member added")
            return redirect("delivery:group", pk=group.pk)
    shown = list(candidates[:200])
    access_record_list(request=request, objs=shown, person_id_of=lambda e: e.person_id)
    return _render(
        request,
        "member_form.jinja",
        {
            "form": form,
            "group": group,
            "taken": services.group_places_taken(group),
            "has_candidates": bool(shown),
        },
    )


@role_required(*MANAGERS)
def member_leave(request, pk, membership):
    group = _manager_group(request, pk)
    membership = get_object_or_404(
        GroupMembership.objects.select_related("episode__person"), pk=membership, group=group
    )
    form = LeaveForm(request.POST or None, initial={"left_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.group_member_leave(
                membership=membership, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Leaving date recorded")
            return redirect("delivery:group", pk=group.pk)
    return _render(
        request, "leave_form.jinja", {"form": form, "group": group, "membership": membership}
    )


# ---------------------------------------------------------------------------------------
# Closure dates


@role_required(*MANAGERS)
def closure_list(request):
    form = ClosureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            closure = closure_services.closure_add(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            affected = closure_services.sessions_on_closure(closure).count()
            messages.success(request, f"Closure added for {day_text(closure.date)}")
            if affected:
                return redirect("delivery:closure", pk=closure.pk)
            return redirect("delivery:closures")
    today = timezone.localdate()
    closures = ClosureDate.objects.filter(date__gte=today).select_related("site")
    rows = [
        (closure, closure_services.sessions_on_closure(closure).count()) for closure in closures
    ]
    return _render(request, "closures.jinja", {"form": form, "rows": rows})


@role_required(*MANAGERS)
def closure_detail(request, pk):
    closure = get_object_or_404(ClosureDate.objects.select_related("site"), pk=pk)
    sessions = list(
        closure_services.sessions_on_closure(closure).prefetch_related("therapists__user")
    )
    return _render(request, "closure_detail.jinja", {"closure": closure, "sessions": sessions})


@require_POST
@role_required(*MANAGERS)
def closure_cancel_sessions(request, pk):
    closure = get_object_or_404(ClosureDate, pk=pk)
    try:
        results = closure_services.closure_sessions_cancel(closure=closure, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("delivery:closure", pk=closure.pk)
    replaced = sum(1 for r in results if r.replacement is not None)
    text = f"{len(results)} sessions cancelled; {replaced} booked again after their blocks."
    not_replaced = [r for r in results if r.replacement is None and r.not_replaced]
    if not_replaced:
        text += f" {len(not_replaced)} could not be booked again: see each session's page."
    messages.success(request, text)
    return redirect("delivery:closure", pk=closure.pk)


@require_POST
@role_required(*MANAGERS)
def closure_remove(request, pk):
    closure = get_object_or_404(ClosureDate, pk=pk)
    closure_services.closure_remove(closure=closure, actor=request.user)
    messages.success(request, f"Closure on {day_text(closure.date)} removed")
    return redirect("delivery:closures")


# ---------------------------------------------------------------------------------------
# Community events


@role_required(*MANAGERS)
def event_new(request):
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = community_services.community_event_create(
                programme=data["programme"],
                title=data["title"],
                site=data["site"],
                room=data["room"],
                starts_at=aware(data["day"], data["start"]),
                ends_at=aware(data["day"], data["end"]),
                therapists=list(data["therapists"]),
                actor=request.user,
            )
        except ValidationError as error:
            apply_errors(
                form, error, rename={"starts_at": "day", "ends_at": "end", "headcount": None}
            )
        else:
            messages.success(request, f"{event.title} is booked")
            return redirect("delivery:session", pk=event.pk)
    return _render(request, "event_form.jinja", {"form": form})
